#!/usr/bin/env python3
"""The workload's own CPU per operation under each monitor, interleaved.

usage: MONS="name=command;name=command;..." bench/loop_cpu.py ROUNDS LOOP [ARGS...]

LOOP is one of build/bench/*_loop (it prints its ops/s; its second argument,
when numeric, is how many seconds it runs, else 2). A monitor with an empty
command is "no agent". `vigil run` commands get their own socket and state
directory; any command is started before the loop and stopped (SIGINT)
after it, once per round; the order rotates each round.

Prints, per monitor, the median (min-max) of the loop's user+system CPU per
operation and of its ops/s. CPU per operation counts only the loop's own
time (the hooks it pays for run in its context), not what other processes
on the machine do: on a busy machine it moves far less than ops/s does.
"""
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile


def start(cmd):
    argv = cmd.split()
    scratch = None
    if len(argv) > 1 and argv[1] == "run":
        scratch = tempfile.mkdtemp(prefix="vg-loopcpu-")
        argv += ["--socket", scratch + "/s", "--state-dir", scratch, "--canary-window", "0"]
    agent = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in agent.stderr:
        if "ready" in line:
            return agent, scratch
    agent.wait()
    sys.exit("loop_cpu: %r exited before it was ready" % cmd)


def main():
    if len(sys.argv) < 3 or "MONS" not in os.environ:
        sys.exit(__doc__)
    rounds, loop = int(sys.argv[1]), sys.argv[2:]
    secs = float(loop[1]) if len(loop) > 1 and loop[1].replace(".", "", 1).isdigit() else 2.0
    mons = [m.split("=", 1) for m in os.environ["MONS"].split(";")]
    cpu = {name: [] for name, _ in mons}
    rate = {name: [] for name, _ in mons}
    for r in range(rounds):
        for name, cmd in mons[r % len(mons):] + mons[:r % len(mons)]:
            agent, scratch = start(cmd) if cmd else (None, None)
            try:
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                out = subprocess.run(loop, capture_output=True, text=True, check=True).stdout
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
            finally:
                if agent:
                    agent.send_signal(signal.SIGINT)
                    agent.wait(timeout=30)
                if scratch:
                    shutil.rmtree(scratch, ignore_errors=True)
            ops = float(out.split()[0]) * secs
            used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            cpu[name].append(used / ops * 1e9)
            rate[name].append(float(out.split()[0]))
    for name, _ in mons:
        c, o = cpu[name], rate[name]
        print("%-14s CPU %7.0f ns/op (%.0f-%.0f)   %9.0f ops/s (%.0f-%.0f)   %d rounds" % (
            name, statistics.median(c), min(c), max(c), statistics.median(o), min(o), max(o),
            len(c)))


if __name__ == "__main__":
    main()
