#!/usr/bin/env python3
"""What an open no rule watches costs in the kernel under `vigil run` (default
policy): bench/file_loop opens and closes one file under /var/cache, and
bpf_stats give each of the agent's programs' run time during the loop. The
rest of the host runs the same programs meanwhile (other processes'
syscalls): their runs are counted out at the rate an idle window of equal
length right after the loop shows, leaving ns per open+close. Set-ups,
interleaved, the order rotating each round: the floor (empty programs on
the hooks `vigil run` attaches), `vigil run`, and with VIGIL_BASE another
build's `vigil run`. Also the loop's own CPU per op (noisy on a busy host).
Usage: python3 bench/open_cost.py [SECONDS [ROUNDS]]   (root)
Knobs: VIGIL (build/vigil), VIGIL_BASE, DIR (/var/cache)."""
import os
import shutil
import sys
import tempfile
import time

import trace_cost as tc

# Runs of the syscall programs per loop op: open and close, each entering and exiting.
LOOP_RUNS = {"hub_sys_enter": 2, "hub_sys_exit": 2, "vg_floor": 4}


def measure(argv, secs, directory, scratch):
    agent = tc.Agent(argv, scratch, "a")
    try:
        ids = tc.agent_prog_ids(agent.p.pid)
        s0 = tc.prog_stats(ids)
        t0 = time.monotonic()
        res = tc.run_loop(secs, directory)
        took = time.monotonic() - t0
        s1 = tc.prog_stats(ids)
        time.sleep(took)
        s2 = tc.prog_stats(ids)
    finally:
        agent.stop()
    ops = res["rate"] * secs
    per = {}
    for i, (name, t, c) in s1.items():
        if i not in s0 or i not in s2 or name not in LOOP_RUNS:
            continue
        busy_t, busy_c = t - s0[i][1], c - s0[i][2]
        idle_t, idle_c = s2[i][1] - t, s2[i][2] - c
        other = max(busy_c - LOOP_RUNS[name] * ops, 0) * (idle_t / idle_c if idle_c else 0)
        per[name] = per.get(name, 0) + (busy_t - other) / ops
    per["programs"] = sum(per.values())
    per["loop_cpu"] = res["cpu"] / ops * 1e9
    return per


def main():
    if os.geteuid() != 0:
        sys.exit("open_cost: run as root")
    secs = float(sys.argv[1]) if len(sys.argv) > 1 else 1.5
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    vigil = os.environ.get("VIGIL", os.path.join(tc.ROOT, "build", "vigil"))
    directory = tempfile.mkdtemp(prefix="vigil-open-cost-", dir=os.environ.get("DIR", "/var/cache"))
    scratch = tempfile.mkdtemp(prefix="vigil-open-cost-")
    stats = tc.enable_stats()
    hooks = os.path.join(scratch, "run.hooks")
    probe = tc.Agent([vigil, "run", "--socket", os.path.join(scratch, "h.sock")], scratch, "h")
    try:
        with open(hooks, "w") as f:
            f.write("\n".join(tc.links_of(vigil, probe.p.pid)) + "\n")
    finally:
        probe.stop()
    setups = [("floor", [vigil, "floor", "--hooks", hooks])]
    for name, v in (("run", vigil), ("base run", os.environ.get("VIGIL_BASE"))):
        if v:
            setups.append((name, [v, "run", "--socket", os.path.join(scratch, "r.sock"),
                                  "--state-dir", scratch, "--canary-window", "0",
                                  "--max-overhead", "0"]))
    load0 = os.getloadavg()[0]
    results = {name: [] for name, _ in setups}
    try:
        for r in range(rounds):
            for name, argv in setups[r % len(setups):] + setups[:r % len(setups)]:
                results[name].append(measure(argv, secs, directory, scratch))
    finally:
        os.close(stats)
        os.rmdir(directory)
        shutil.rmtree(scratch, ignore_errors=True)
    print("# ns per unwatched open+close, %d rounds of %.1f s, load %.1f -> %.1f"
          % (rounds, secs, load0, os.getloadavg()[0]))
    keys = ["programs", "hub_sys_enter", "hub_sys_exit", "loop_cpu"]
    print("| set-up | " + " | ".join(keys) + " |")
    print("|" + " --- |" * (len(keys) + 1))
    for name, rows in results.items():
        cells = []
        for k in keys:
            v = [row[k] for row in rows if k in row]
            cells.append(tc.fmt(v) if v else "-")
        print("| %s | %s |" % (name, " | ".join(cells)))


if __name__ == "__main__":
    main()
