#!/usr/bin/env python3
"""How many events per second one `vigil trace` keeps without a loss: JSON
lines to a file against a capture (`--capture FILE`, read later with `vigil
trace read`). The events are io_uring no-ops (build/bench/uring_loop): one
system call submits BATCH of them and the privilege sensor sends one record
per request, so one CPU generates far more events than a syscall per event
could, and the agent has the other CPU.

Per mode, ROUNDS rounds of SECS seconds, interleaved: events generated (the
loop's own count) per second, records written, records the kernel reported
lost, and the agent's CPU per event. Then the capture of the last round is
read back to JSON (`vigil trace read --json`): its events/s and that it
printed every record captured.

RATE=N paces the generator to N events/s (a steady stream: what the agent
sustains) instead of as fast as it goes (what it drains while the generator
has a CPU to itself).

usage: ROUNDS=3 SECS=3 BATCH=256 RATE=1000000 bench/capture_rate.py
"""
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
VIGIL = os.environ.get("VIGIL", os.path.join(ROOT, "build", "vigil"))
LOOP = os.path.join(ROOT, "build", "bench", "uring_loop")
SENSOR_RE = re.compile(r"sensor priv: (\d+) sent, \d+ filtered in kernel, (\d+) lost")


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def one_round(mode, secs, batch, rate, tmp):
    out = os.path.join(tmp, "out")
    stats = os.path.join(tmp, "gen")
    args = [VIGIL, "trace", "priv"] + (["--capture", out] if mode == "capture" else ["--json"])
    sink = open(out, "w") if mode == "json" else subprocess.DEVNULL
    err = open(os.path.join(tmp, "err"), "w+")
    cpu0 = children_cpu()
    agent = subprocess.Popen(args, stdout=sink, stderr=err)
    while "ready" not in open(err.name).read():
        if agent.poll() is not None:
            sys.exit("capture_rate: %s exited: %s" % (mode, open(err.name).read()))
        time.sleep(0.05)
    subprocess.run([LOOP, str(secs), str(batch), str(rate)], check=True, stdout=subprocess.DEVNULL,
                   env=dict(os.environ, VIGIL_BENCH_STATS=stats))
    agent.send_signal(signal.SIGINT)
    agent.wait(timeout=120)
    cpu = children_cpu() - cpu0		# the agent's (the loop's was taken before)
    if mode == "json":
        sink.close()
    text = open(err.name).read()
    m = SENSOR_RE.search(text)
    if not m:
        sys.exit("capture_rate: no summary from %s: %s" % (mode, text))
    generated = int(open(stats).read().split()[1])
    sent, lost = int(m.group(1)), int(m.group(2))
    return {"rate": generated / secs, "generated": generated, "sent": sent, "lost": lost,
            "cpu_per_event": cpu / max(sent, 1)}


def read_back(tmp):
    """The last capture printed as JSON, counted as it streams (gigabytes of it)."""
    out = os.path.join(tmp, "out")
    nops = 0
    t0 = time.monotonic()
    rd = subprocess.Popen([VIGIL, "trace", "read", "--json", out], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL)
    for line in rd.stdout:
        if b'"io_uring":{"operation":"NOP"' in line:
            nops += 1
    code = rd.wait()
    secs = time.monotonic() - t0
    return code, nops, secs, os.path.getsize(out)


def main():
    rounds = int(os.environ.get("ROUNDS", "3"))
    secs = float(os.environ.get("SECS", "3"))
    batch = int(os.environ.get("BATCH", "256"))
    rate = int(os.environ.get("RATE", "0"))
    tmp = tempfile.mkdtemp(prefix="vigil-capture-", dir="/var/tmp")
    res = {"json": [], "capture": []}
    try:
        alone = []
        for r in range(rounds):
            out = subprocess.run([LOOP, str(secs), str(batch)], check=True,
                                 capture_output=True, text=True).stdout
            alone.append(float(out.split()[0]))
            for mode in (("json", "capture") if r % 2 == 0 else ("capture", "json")):
                res[mode].append(one_round(mode, secs, batch, rate, tmp))
        code, nops, rsecs, size = read_back(tmp)
        last = res["capture"][-1]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("io_uring no-ops, %d rounds of %.0f s, batch %d, %s; load %s" %
          (rounds, secs, batch, "paced to %d/s" % rate if rate else "unpaced",
           " ".join("%.2f" % x for x in os.getloadavg())))
    print("no agent: %.0f events/s (median; %.0f-%.0f)" %
          (statistics.median(alone), min(alone), max(alone)))
    for mode, rs in res.items():
        rate = [x["rate"] for x in rs]
        print("%-8s generated %9.0f events/s (median; %.0f-%.0f)  lost %s  agent CPU %.2f us/event"
              % (mode, statistics.median(rate), min(rate), max(rate),
                 "/".join(str(x["lost"]) for x in rs),
                 statistics.median(x["cpu_per_event"] for x in rs) * 1e6))
        for x in rs:
            if x["sent"] + x["lost"] < x["generated"]:
                print("  MISMATCH: sent %d + lost %d < generated %d" %
                      (x["sent"], x["lost"], x["generated"]))
    print("read back (last capture, %d MB): exit %d, %d no-ops of %d sent, %.0f events/s" %
          (size >> 20, code, nops, last["sent"], nops / rsecs if rsecs else 0))


if __name__ == "__main__":
    main()
