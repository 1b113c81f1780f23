#!/usr/bin/env python3
"""Where an exec's cost goes under `vigil run` (default policy): per fork+exec
of /bin/true, the records and bytes the agent's hooks send to user space, the
run time and run count of each of its BPF programs (bpf_stats), and the
agent's own CPU. Counts, not wall time: they hold on a loaded machine. The
host's background, measured over as long again with no loop, is taken off.
Usage: python3 bench/exec_cost.py [SECONDS] [-- EXTRA vigil run ARGS]
(root; build/vigil and build/bench/exec_loop)"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VIGIL = os.environ.get("VIGIL", os.path.join(ROOT, "build", "vigil"))
LOOP = os.path.join(ROOT, "build", "bench", "exec_loop")
SAMPLE = re.compile(r'^(vigil_[a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$')
WANTED = ("vigil_sensor_events_total", "vigil_events_received_total",
          "vigil_events_received_bytes_total", "vigil_bpf_program_runs_total",
          "vigil_bpf_program_run_seconds_total", "vigil_agent_cpu_seconds_total",
          "vigil_events_handled_total", "vigil_container_cgroup_reads_total",
          "vigil_container_cgroup_cache_hits_total")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape(port):
    text = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5).read().decode()
    out = {}
    for line in text.splitlines():
        m = SAMPLE.match(line)
        if m and m.group(1) in WANTED:
            out[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return out


def delta(a, b):
    return {k: b[k] - a.get(k, 0) for k in b}


def main():
    args = sys.argv[1:]
    extra = args[args.index("--") + 1:] if "--" in args else []
    args = args[:args.index("--")] if "--" in args else args
    secs = float(args[0]) if args else 3.0
    port, state = free_port(), tempfile.mkdtemp(prefix="vg-exec-cost-")
    err = tempfile.NamedTemporaryFile(delete=False)
    agent = subprocess.Popen([VIGIL, "run", "--metrics", str(port), "--bpf-stats",
                              "--canary-window", "0", "--max-overhead", "0",
                              "--state-dir", state] + extra,
                             stdout=subprocess.DEVNULL, stderr=err,
                             env=dict(os.environ, VIGIL_SOCKET=os.path.join(state, "sock")))
    try:
        for _ in range(600):
            if "vigil: ready" in open(err.name).read():
                break
            if agent.poll() is not None:
                sys.exit("exec_cost: vigil did not start: " + open(err.name).read().strip())
            time.sleep(0.05)
        time.sleep(1)
        stats = tempfile.NamedTemporaryFile(delete=False)
        a, t0 = scrape(port), time.monotonic()
        subprocess.run([LOOP, str(secs)], check=True, stdout=subprocess.DEVNULL,
                       env=dict(os.environ, VIGIL_BENCH_STATS=stats.name))
        took = time.monotonic() - t0
        time.sleep(0.5)
        b = scrape(port)
        time.sleep(took + 0.5)
        c = scrape(port)
        n = int(open(stats.name).read().split()[1])
        os.unlink(stats.name)
        during, idle = delta(a, b), delta(b, c)
        print("execs: %d in %.1f s (load %s); per exec: during the loop, host background"
              " over as long again, and the difference" % (n, took, open("/proc/loadavg").read().split()[0]))
        for k in sorted(during):
            d, i = during[k] / n, idle.get(k, 0) / n
            unit, scale = ("us", 1e6) if "seconds" in k else ("", 1)
            if max(d, i) * scale < 0.005:
                continue
            runs = k.replace("run_seconds", "runs")
            avg = ""
            if runs != k and during.get(runs):
                avg = "  %.0f ns/run" % (during[k] / during[runs] * 1e9)
            print("  %-84s %9.3f %9.3f %9.3f%s%s" % (k, d * scale, i * scale, (d - i) * scale,
                                                     unit, avg))
    finally:
        agent.send_signal(2)
        agent.wait(timeout=60)
        os.unlink(err.name)
        subprocess.run(["rm", "-rf", state])


if __name__ == "__main__":
    main()
