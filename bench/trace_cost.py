#!/usr/bin/env python3
"""What exporting every open costs: `vigil trace file --json` to a file, with
bench/file_loop opening one file under the traced directory. Per round and
set-up (none, the floor on the trace agent's own hooks, the trace agent;
each build), interleaved, the order rotating each round:
  - opens/s and the slowdown against "none" in the same round;
  - the loop's own CPU per open (user + system: the in-kernel cost of the
    hooks lands in its system time; a count that holds on a loaded host);
  - the agent's CPU per exported event, JSON bytes per event, events lost;
  - wake-ups per 1,000 events: the kernel's forced wakeups of the consumer
    (the pacing map's count; "-" for a build without it) and the agent's
    own (voluntary context switches of all its threads);
  - with STATS=1, run time and runs per open of each of the agent's BPF
    programs (bpf_stats; turning them on raises the self-defense alert in
    other vigil agents on the host), less what the rest of the host made
    them run over as long again right after the loop.
Usage: python3 bench/trace_cost.py [SECONDS [ROUNDS]]   (root)
Knobs: VIGIL (build/vigil), VIGIL_BASE (another build, run as base:),
FLOOR=0 (skip the floor), STATS=1, EXTRA="exec net" (more `vigil trace`
agents beside the file one, as `make bench`'s trace monitor runs them;
their programs show prefixed with their sensor); with ONE=1 the EXTRA sensors
go into the same agent instead (`vigil trace file exec net`), for the
build under test only (VIGIL_BASE keeps separate agents))."""
import ctypes
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOOP = os.path.join(ROOT, "build", "bench", "file_loop")
CLK_TCK = os.sysconf("SC_CLK_TCK")
EXTRA = os.environ.get("EXTRA", "").split()
ONE = os.environ.get("ONE") == "1"
SUMMARY = re.compile(r"sensor file: (\d+) sent, \d+ filtered in kernel, (\d+) lost")


def enable_stats():
    """BPF_ENABLE_STATS(BPF_STATS_RUN_TIME): an fd that keeps them on while open."""
    libc = ctypes.CDLL(None, use_errno=True)
    attr = (ctypes.c_uint32 * 4)(0)
    fd = libc.syscall(321, 32, ctypes.byref(attr), 16)	# __NR_bpf, BPF_ENABLE_STATS
    if fd < 0:
        sys.exit("trace_cost: BPF_ENABLE_STATS: %s" % os.strerror(ctypes.get_errno()))
    return fd


def agent_ids(pid, key):
    """The ids behind agent @pid's fds whose fdinfo has @key ("prog_id:", "map_id:")."""
    ids = set()
    fd_dir = "/proc/%d/fdinfo" % pid
    for name in os.listdir(fd_dir):
        try:
            with open(os.path.join(fd_dir, name)) as f:
                for line in f:
                    if line.startswith(key):
                        ids.add(int(line.split()[1]))
        except OSError:
            pass
    return ids


def agent_prog_ids(pid):
    return agent_ids(pid, "prog_id:")


def prog_stats(ids):
    out = subprocess.run(["bpftool", "-j", "prog", "show"], capture_output=True, text=True)
    return {p["id"]: (p["name"], p.get("run_time_ns", 0), p.get("run_cnt", 0))
            for p in json.loads(out.stdout or "[]") if p["id"] in ids}


def proc_cpu(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def pacing_wakes(pid):
    """Forced wakeups so far in agent @pid's vg_rb_pacing map, or None."""
    for i in sorted(agent_ids(pid, "map_id:")):
        show = subprocess.run(["bpftool", "-j", "map", "show", "id", str(i)],
                              capture_output=True, text=True)
        if show.returncode or json.loads(show.stdout).get("name") != "vg_rb_pacing":
            continue
        dump = subprocess.run(["bpftool", "-j", "map", "dump", "id", str(i)],
                              capture_output=True, text=True)
        value = json.loads(dump.stdout or "[{}]")[0].get("formatted", {}).get("value", {})
        return value.get("wakes")
    return None


def voluntary_switches(pid):
    n = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
                n += sum(int(l.split()[1]) for l in f if l.startswith("voluntary_ctxt"))
        except OSError:
            pass
    return n


def links_of(vigil, pid):
    out = subprocess.run([vigil, "bpf", "--json"], capture_output=True, text=True, check=True)
    return sorted(link["attach_point"] for link in json.loads(out.stdout)["links"]
                  if any(o.get("pid") == pid for o in link.get("owners", [])))


class Agent:
    def __init__(self, argv, scratch, tag):
        self.out = os.path.join(scratch, tag + ".out")
        self.err = os.path.join(scratch, tag + ".err")
        with open(self.out, "w") as o, open(self.err, "w") as e:
            self.p = subprocess.Popen(argv, stdout=o, stderr=e, stdin=subprocess.DEVNULL,
                                      start_new_session=True,
                                      env=dict(os.environ, VIGIL_SOCKET=os.path.join(
                                          scratch, tag + ".sock")))
        t0 = time.monotonic()
        while "vigil: ready" not in open(self.err).read():
            if self.p.poll() is not None or time.monotonic() - t0 > 60:
                self.stop()
                sys.exit("trace_cost: %s did not start: %s" % (argv, open(self.err).read()))
            time.sleep(0.05)

    def cpu(self):
        return proc_cpu(self.p.pid)

    def settle(self):
        last = self.cpu()
        for _ in range(50):
            time.sleep(0.2)
            now = self.cpu()
            if now == last:
                return
            last = now

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGINT)
        self.p.wait(timeout=120)


def run_loop(secs, directory):
    stats = tempfile.NamedTemporaryFile(delete=False)
    p = subprocess.Popen([LOOP, str(secs), directory], stdout=subprocess.PIPE, text=True,
                         env=dict(os.environ, VIGIL_BENCH_STATS=stats.name))
    out = p.stdout.read()
    _, _, ru = os.wait4(p.pid, 0)
    res = {"rate": float(out.split()[0]), "cpu": ru.ru_utime + ru.ru_stime}
    for line in open(stats.name):
        key, _, val = line.rstrip("\n").partition(" ")
        res[key] = int(val) if key == "generated" else val
    os.unlink(stats.name)
    return res


def one(setup, secs, scratch, data, stats_on):
    kind, vigil = setup["kind"], setup.get("vigil")
    agent, extra = None, []
    if kind == "trace":
        together = EXTRA if ONE and setup["name"] == "trace" else []
        agent = Agent([vigil, "trace", "file"] + together + ["--json", "--path", data],
                      scratch, "t")
        extra = [Agent([vigil, "trace", k, "--json"], scratch, "x" + k)
                 for k in EXTRA if k not in together]
    elif kind == "floor":
        agent = Agent([vigil, "floor", "--hooks", setup["hooks"]], scratch, "f")
    try:
        names = {}	# program id -> name, prefixed with the extra agent's sensor
        for a, prefix in [(agent, "")] + [(x, x.p.args[2] + ":") for x in extra]:
            if a and stats_on:
                names.update((i, prefix) for i in agent_prog_ids(a.p.pid))
        ids = set(names)
        s0 = prog_stats(ids) if ids else {}
        c0 = agent.cpu() if agent else 0
        if kind == "trace":
            w0, v0 = pacing_wakes(agent.p.pid), voluntary_switches(agent.p.pid)
        t0 = time.monotonic()
        res = run_loop(secs, data)
        took = time.monotonic() - t0
        if agent:
            s1 = prog_stats(ids) if ids else {}
            agent.settle()
            res["agent_cpu"] = agent.cpu() - c0
            if ids:
                s2 = prog_stats(ids)
                time.sleep(took)
                s3 = prog_stats(ids)
                res["progs"] = {names[i] + s1[i][0]: tuple((s1[i][k] - s0[i][k]) -
                                                           (s3[i][k] - s2[i][k]) for k in (1, 2))
                                for i in s1 if i in s0 and i in s2 and i in s3}
        if kind == "trace":
            w1 = pacing_wakes(agent.p.pid)
            res["kwakes"] = w1 - w0 if w0 is not None and w1 is not None else None
            res["awakes"] = voluntary_switches(agent.p.pid) - v0
    finally:
        for a in [agent] + extra:
            if a:
                a.stop()
    if kind == "trace":
        n = size = 0
        with open(agent.out, "rb") as f:
            for line in f:
                if b'"action":"open"' in line and res["marker"].encode() in line:
                    n += 1
                    size += len(line)
        m = SUMMARY.search(open(agent.err).read())
        res.update(events=n, bytes=size, lost=int(m.group(2)) if m else -1)
    return res


def fmt(vals, f="%.0f"):
    if not vals:
        return "-"
    return (f + " (" + f + "–" + f + ")") % (statistics.median(vals), min(vals), max(vals))


def main():
    if os.geteuid():
        sys.exit("trace_cost: run as root")
    secs = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    vigil = os.path.abspath(os.environ.get("VIGIL", os.path.join(ROOT, "build", "vigil")))
    base = os.environ.get("VIGIL_BASE")
    stats_on = os.environ.get("STATS") == "1"
    scratch = tempfile.mkdtemp(prefix="vigil-trace-cost.", dir="/var/tmp")
    data = os.path.join(scratch, "data")
    os.makedirs(data)
    stats_fd = enable_stats() if stats_on else -1
    setups = [{"name": "none", "kind": "none"}]
    try:
        if os.environ.get("FLOOR", "1") != "0":
            a = Agent([vigil, "trace", "file", "--json", "--path", data], scratch, "h")
            try:
                hooks = links_of(vigil, a.p.pid)
            finally:
                a.stop()
            path = os.path.join(scratch, "hooks")
            with open(path, "w") as f:
                f.write("\n".join(hooks) + "\n")
            print("floor: %s" % ", ".join(hooks))
            setups.append({"name": "floor", "kind": "floor", "vigil": vigil, "hooks": path})
        setups.append({"name": "trace", "kind": "trace", "vigil": vigil})
        if base:
            setups.append({"name": "base:trace", "kind": "trace", "vigil": base})
        results = {s["name"]: [] for s in setups}
        load0 = os.getloadavg()[0]
        run_loop(secs / 2, data)	# warm-up
        for r in range(rounds):
            order = setups[r % len(setups):] + setups[:r % len(setups)]
            rates = {}
            for s in order:
                res = one(s, secs, scratch, data, stats_on)
                rates[s["name"]] = res["rate"]
                results[s["name"]].append(res)
            for s in setups:
                results[s["name"]][-1]["slowdown"] = rates["none"] / rates[s["name"]]
            print("round %d: %s" % (r + 1, "  ".join("%s %.0f/s" % (n, v)
                                                      for n, v in rates.items())), flush=True)
        report(setups, results, secs, load0, os.getloadavg()[0])
    finally:
        if stats_fd >= 0:
            os.close(stats_fd)
        subprocess.run(["rm", "-rf", scratch])


def report(setups, results, secs, load0, load1):
    print("file_loop %.1f s per run, %d rounds; load %.1f then %.1f; median (min–max)"
          % (secs, len(results["none"]), load0, load1))
    print("| set-up | opens/s | slowdown | loop CPU µs/open | agent CPU µs/event "
          "| bytes/event | kernel / agent wake-ups per 1,000 events "
          "| events written / opens | lost |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for s in setups:
        rs = results[s["name"]]
        loop_us = [r["cpu"] / r["generated"] * 1e6 for r in rs]
        agent_us = [r["agent_cpu"] / r["events"] * 1e6 for r in rs if r.get("events")]
        per = [r["bytes"] / r["events"] for r in rs if r.get("events")]
        written = ", ".join("%d/%d" % (r["events"], r["generated"]) for r in rs if "events" in r)
        lost = sum(r["lost"] for r in rs if "lost" in r)
        kw = [r["kwakes"] * 1000 / r["events"] for r in rs
              if r.get("kwakes") is not None and r.get("events")]
        aw = [r["awakes"] * 1000 / r["events"] for r in rs if "awakes" in r and r.get("events")]
        print("| %s | %s | %s | %s | %s | %s | %s / %s | %s | %s |" % (
            s["name"], fmt([r["rate"] for r in rs]), fmt([r["slowdown"] for r in rs], "%.2f"),
            fmt(loop_us, "%.2f"), fmt(agent_us, "%.2f"), fmt(per), fmt(kw, "%.2f"),
            fmt(aw, "%.1f"), written or "-", lost if s["kind"] == "trace" else "-"))
    for s in setups:
        progs = {}
        for r in results[s["name"]]:
            for name, (ns, cnt) in r.get("progs", {}).items():
                progs.setdefault(name, []).append((ns / r["generated"], cnt / r["generated"]))
        for name, v in sorted(progs.items()):
            print("  %s %-28s %s ns/open, %s runs/open" % (
                s["name"], name, fmt([x[0] for x in v]), fmt([x[1] for x in v], "%.2f")))


if __name__ == "__main__":
    main()
