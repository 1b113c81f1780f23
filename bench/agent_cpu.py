#!/usr/bin/env python3
"""The agent's own CPU per record, in user space: `vigil run` (default policy)
under the fork+exec, watched-open and connect loops, interleaved between
binaries. CPU is the sum of the agent's threads' run time (schedstat, ns),
records are the agent's own count (`vigil status`: events_received), so the
figure holds on a loaded machine better than wall time does. After each loop
an idle window (no loop) measures what the agent spends without it (its
timers, the host's other processes): the per-op figure takes that rate off.

Usage: python3 bench/agent_cpu.py [ROUNDS] [SECONDS] [WORKLOAD...]
  WORKLOAD: exec, open (read, watched), write (open for writing under /var/tmp),
  connect (default: exec open write connect)
  env VIGILS="name=path;name=path" (default: this tree's build/vigil)
  env VIGIL_ARGS: extra `vigil run` arguments
Prints, per binary and workload, the median and min-max of agent CPU ms per
1,000 records received in the loop's window (the host's other records
count too) and of agent CPU us per loop operation beyond the agent's idle
rate (root; make all first)."""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "build", "bench")


def agent_cpu_ns(pid):
    """Run time of every thread of @pid, ns (threads that ended are not counted)."""
    total = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                total += int(f.read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def received(vigil, sock):
    out = subprocess.run([vigil, "status", "--json", "--socket", sock], capture_output=True,
                         text=True, timeout=30)
    if out.returncode:
        raise RuntimeError("vigil status: " + out.stderr.strip())
    return json.loads(out.stdout)["events_received"]


class Agent:
    def __init__(self, vigil):
        self.vigil = vigil
        self.dir = tempfile.mkdtemp(prefix="vg-agent-cpu-")
        self.sock = os.path.join(self.dir, "s")
        self.err = open(os.path.join(self.dir, "err"), "w+")
        argv = [vigil, "run", "--socket", self.sock, "--state-dir", self.dir,
                "--canary-window", "0", "--max-overhead", "0"]
        argv += os.environ.get("VIGIL_ARGS", "").split()
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=self.err)
        for _ in range(600):
            with open(self.err.name) as f:
                if "ready" in f.read():
                    break
            if self.proc.poll() is not None:
                raise RuntimeError("%s did not start" % vigil)
            time.sleep(0.05)
        time.sleep(1)

    def stop(self):
        self.proc.send_signal(2)
        self.proc.wait(timeout=60)
        self.err.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def loop_argv(work, scratch, secs):
    if work == "exec":
        prog = os.path.join(scratch, "vigil-bench-true")
        if not os.path.exists(prog):
            shutil.copy2("/bin/true", prog)
        return [os.path.join(BENCH, "exec_loop"), str(secs), prog]
    if work == "open":	# /var/tmp/ is a prefix the default policy watches
        return [os.path.join(BENCH, "file_loop"), str(secs), "/var/tmp"]
    if work == "write":
        return [os.path.join(BENCH, "file_loop"), str(secs), "/var/tmp", "write"]
    if work == "connect":
        return [os.path.join(BENCH, "net_loop"), str(secs)]
    raise SystemExit("unknown workload %s" % work)


def window(agent, argv):
    """Records, agent CPU ns and wall s over @argv's run (None: an idle second)."""
    before_n = received(agent.vigil, agent.sock)
    before_cpu, t0 = agent_cpu_ns(agent.proc.pid), time.monotonic()
    out = subprocess.run(argv, capture_output=True, text=True, check=True) if argv else None
    time.sleep(0.5 if argv else 1.5)	# the worker catches up
    n = received(agent.vigil, agent.sock) - before_n
    cpu = agent_cpu_ns(agent.proc.pid) - before_cpu
    return n, cpu, time.monotonic() - t0, out


def one(agent, work, scratch, secs):
    """Records and CPU ns over the loop's window (the host's other records
    included), the loop's ops, and the CPU beyond the agent's rate in an
    idle window after it (its timers and the host's other records)."""
    n, cpu, wall, out = window(agent, loop_argv(work, scratch, secs))
    _, idle_cpu, idle_wall, _ = window(agent, None)
    ops = float(out.stdout.split()[0]) * secs
    return n, cpu, ops, cpu - idle_cpu * wall / idle_wall


def main():
    args = sys.argv[1:]
    rounds = int(args[0]) if args else 5
    secs = float(args[1]) if len(args) > 1 else 3.0
    works = args[2:] or ["exec", "open", "write", "connect"]
    spec = os.environ.get("VIGILS", "new=" + os.path.join(ROOT, "build", "vigil"))
    vigils = [s.split("=", 1) for s in spec.split(";")]
    res = {(name, w): [] for name, _ in vigils for w in works}
    scratch = tempfile.mkdtemp(prefix="vg-agent-cpu-work-")
    loads = []
    try:
        for r in range(rounds):
            order = vigils[r % len(vigils):] + vigils[:r % len(vigils)]
            for name, path in order:
                agent = Agent(path)
                try:
                    for w in works:
                        res[(name, w)].append(one(agent, w, scratch, secs))
                finally:
                    agent.stop()
            loads.append(float(open("/proc/loadavg").read().split()[0]))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print("load average %.2f-%.2f over %d rounds of %.0f s" % (min(loads), max(loads), rounds, secs))
    for w in works:
        for name, _ in vigils:
            v = res[(name, w)]
            per_k = [cpu / 1e6 / n * 1000 if n else float("nan") for n, cpu, _, _ in v]
            per_op = [net / 1e3 / ops for _, _, ops, net in v]
            recs = [n / ops for n, _, ops, _ in v]
            print("%-8s %-6s agent CPU %7.2f ms/1k records (%.2f-%.2f)  beyond idle %7.2f us/op"
                  " (%.2f-%.2f)  records/op %.2f" % (w, name, statistics.median(per_k), min(per_k),
                                                    max(per_k), statistics.median(per_op),
                                                    min(per_op), max(per_op),
                                                    statistics.median(recs)))


if __name__ == "__main__":
    main()
