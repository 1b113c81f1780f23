#!/usr/bin/env python3
"""Alerts per second each output sustains with zero drops, against real
receivers on loopback (the same ones the tests use): build/bench/output_bench
queues N real alert lines at once and times the drain. Then the whole agent:
fork+exec alerts under `vigil run` with all four outputs at once, checking
that none dropped."""
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from output_servers import OtlpReceiver, Rsyslog, Webhook, otlp_available  # noqa: E402
from vigil_test import free_port, scrape  # noqa: E402

N = int(os.environ.get("N", "20000"))
BENCH = os.path.join(ROOT, "build", "bench", "output_bench")
VIGIL = os.path.join(ROOT, "build", "vigil")


def drain(spec, n=N):
    out = subprocess.run([BENCH, spec, str(n)], capture_output=True, text=True, timeout=300)
    rate, sent, dropped = out.stdout.split()
    return float(rate), int(sent), int(dropped)


def main():
    work = tempfile.mkdtemp(prefix="vg-bench-out-")
    rows = []
    rs = Rsyslog(os.path.join(work))
    hook = Webhook()
    rx = OtlpReceiver(os.path.join(work, "otlp.jsonl")) if otlp_available() else None
    try:
        specs = [("file", "file:%s/a.json,max-size=0" % work),
                 ("syslog udp", "syslog:udp://127.0.0.1:%d" % rs.udp),
                 ("syslog tcp", "syslog:tcp://127.0.0.1:%d" % rs.tcp),
                 ("webhook (python receiver)", "webhook:%s,batch=256" % hook.url)]
        if rx:
            specs.append(("otlp gzip (node receiver)", "otlp:%s,batch=512" % rx.url))
        for name, spec in specs:
            rate, sent, dropped = drain(spec)
            rows.append((name, rate, sent, dropped))
        print("== outputs: drain rate of %d queued alerts (~3 KB each) = alerts/s sustained with 0 drops" % N)
        print("%-28s %12s %8s %8s" % ("output", "alerts/s", "sent", "dropped"))
        for name, rate, sent, dropped in rows:
            print("%-28s %12.0f %8d %8d" % (name, rate, sent, dropped))
        agent(work, rs, hook, rx)
    finally:
        rs.stop()
        hook.stop()
        if rx:
            rx.stop()
        subprocess.run(["rm", "-rf", work])


def agent(work, rs, hook, rx):
    """fork+exec of /bin/true, each one an alert, through all outputs at once."""
    policy = os.path.join(work, "p.yaml")
    with open(policy, "w") as f:
        f.write("rules:\n  - name: bench_exec\n    event: exec\n"
                "    condition: process.executable.path = /usr/bin/true\n    severity: high\n")
    port = free_port()
    args = [VIGIL, "run", "--no-default-policy", "--policy", policy, "--alerts-only", "--metrics", str(port),
            "--output", "file:%s/agent.json,max-size=0" % work,
            "--output", "syslog:tcp://127.0.0.1:%d" % rs.tcp,
            "--output", "webhook:%s" % hook.url]
    if rx:
        args += ["--output", "otlp:%s" % rx.url]
    log = open(os.path.join(work, "vigil.log"), "w+")
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=log)
    while "vigil: ready" not in open(log.name).read():
        time.sleep(0.1)
    secs = float(os.environ.get("SECS", "5"))
    ops = subprocess.run([os.path.join(ROOT, "build", "bench", "exec_loop"), str(secs)],
                         capture_output=True, text=True).stdout.strip()
    time.sleep(2)
    text = scrape(port)[1]
    p.send_signal(2)
    p.wait()
    sent = dict(re.findall(r'^vigil_output_sent_total\{output="([^"]+)"\} (\d+)', text, re.M))
    dropped = sum(int(v) for v in re.findall(r'^vigil_output_dropped_total\{[^}]*\} (\d+)',
                                               text, re.M))
    print("== agent: fork+exec alerts through every output at once: %s alerts/s for %.0f s;"
          " sent %s; dropped %d" % (ops, secs, sent, dropped))


if __name__ == "__main__":
    main()
