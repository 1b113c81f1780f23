#!/usr/bin/env python3
"""make bench: what each monitor costs each workload, measured in one run.

Workloads (bench/overhead_workloads.py): open+close of a file no rule
watches and of a watched one, fork+exec, TCP connect on loopback,
redis-benchmark against a redis-server of its own, and a real build.
Monitors (bench/overhead_monitors.py): none; empty programs on every hook
`vigil run` attaches (floor-run) and on three tracepoints (floor-3tp);
`vigil run`; `vigil run --alerts-only --json`; `vigil trace` of everything
the workloads do, JSON to files; libbpf-tools; bpftrace.

Each round starts every monitor in turn (the order rotates each round),
runs every workload under it, then stops it: the machine's drift hits
all monitors alike. Besides wall time, every run records the workload's
own CPU (a loop's user+system ns per operation, redis-server's ns per
request, the build's CPU seconds): it moves far less with the machine's
other work, so the goals are judged on it ("x the floor": vigil run
against empty programs on the same hooks). Knobs (environment): ROUNDS
(5), BUILD_ROUNDS (3: the build runs in the first rounds only), SECS (2,
per loop and redis run), MONITORS=a,b,... WORKLOADS=a,b,... (names as in the
table), VIGIL (build/vigil), VIGIL_BASE (another build: its monitors run
too, as base:NAME), OUT (bench/results), BENCH_AUDIT=1 (auditd too, after
everything else: audit leaves the kernel slower until reboot). Writes OUT/overhead-DATE.md (the
tables), .png (the chart) and .json (every run), and prints the tables.
"""
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import overhead_monitors as om  # noqa: E402
import overhead_report as rep  # noqa: E402
import overhead_workloads as ow  # noqa: E402

ROOT = ow.ROOT
HOOKS_3TP = "tracepoint:sys_enter_openat\ntracepoint:sys_enter_execve\ntracepoint:sys_enter_connect\n"


def knob_list(name, known):
    val = os.environ.get(name, "").strip()
    if not val:
        return None
    names = [n.strip() for n in val.split(",") if n.strip()]
    bad = [n for n in names if n not in known]
    if bad:
        sys.exit("bench: %s: unknown %s (known: %s)" % (name, ", ".join(bad), ", ".join(known)))
    return names


def run_hooks(vigil, scratch, env):
    """The attach points of a `vigil run` started here, one a line."""
    probe = om.Monitor("hooks", [om.Proc([vigil, "run", "--socket",
                                          os.path.join(scratch, "hooks.sock")], "vigil",
                                         om.vigil_columns)])
    s = om.Session(probe, scratch)
    s.start(env)
    try:
        out = subprocess.run([vigil, "bpf", "--json"], capture_output=True, text=True, check=True)
    finally:
        s.stop()
        s.cleanup()
    pid = probe.procs[0].popen.pid
    points = [link["attach_point"] for link in json.loads(out.stdout)["links"]
              if any(o.get("pid") == pid for o in link.get("owners", []))]
    if not points:
        raise RuntimeError("vigil bpf shows no link of vigil run (pid %d)" % pid)
    return sorted(points)


def machine_lines(knobs):
    def sh(cmd):
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    cpu = sh("sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1")
    return [
        "date: %s UTC" % datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"),
        "machine: %s, %d CPUs (%s), %s GiB RAM" % (
            platform.node(), os.cpu_count(), cpu,
            round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)),
        "kernel: %s" % platform.release(),
        "vigil: %s" % sh("%s --version" % knobs["vigil"]).splitlines()[0],
        "knobs: ROUNDS=%d BUILD_ROUNDS=%d SECS=%s MONITORS=%s WORKLOADS=%s" % (
            knobs["rounds"], knobs["build_rounds"], knobs["secs"], ",".join(knobs["monitors"]),
            ",".join(knobs["workloads"])),
    ]


def run_session(m, workloads, out_dir, env, rnd=0):
    """Starts m, runs each workload under it, stops it: (session, runs)."""
    s = om.Session(m, out_dir)
    runs = {}
    if m.procs:
        s.start(env)
    try:
        for wl in workloads:
            cpu0 = s.cpu()
            res = wl.run()
            res["round"] = rnd
            if m.procs:
                s.settle()
                res["cpu"] = s.cpu() - cpu0
            runs[wl.name] = res
    finally:
        if m.procs:
            s.stop()
    for wl in workloads:
        res = runs[wl.name]
        if wl.kind and "marker" in res:
            n = s.count(wl.kind, res["marker"])
            if n is not None:
                res["received"] = n
    s.cleanup()
    rec = {"start_s": s.start_s, "stop_s": s.stop_s, "rss": s.rss, "lost": s.lost,
           "cpu_total": s.cpu_total, "received_total": s.received}
    return rec, runs


def main():
    try:
        return bench()
    except RuntimeError as e:
        sys.exit("bench: %s" % e)


def bench():
    if os.geteuid():
        sys.exit("bench: run as root (BPF)")
    vigil = os.path.abspath(os.environ.get("VIGIL", os.path.join(ROOT, "build", "vigil")))
    base = os.environ.get("VIGIL_BASE") or None
    rounds = int(os.environ.get("ROUNDS", "5"))
    build_rounds = int(os.environ.get("BUILD_ROUNDS", "3"))
    secs = float(os.environ.get("SECS", "2"))
    out_dir = os.environ.get("OUT", os.path.join(ROOT, "bench", "results"))
    scratch = tempfile.mkdtemp(prefix="vigil-bench.", dir="/var/cache")
    env = dict(os.environ)
    env.pop("VIGIL_SOCKET", None)
    notes, workloads, sessions, cells = [], [], {}, {}
    try:
        all_wl = [cls(scratch, secs) for cls in ow.ALL]
        pick = knob_list("WORKLOADS", [w.name for w in all_wl]) or [w.name for w in all_wl]
        for wl in all_wl:
            if wl.name not in pick:
                continue
            miss = wl.missing()
            if miss:
                notes.append("workload %s skipped: %s is not installed (make bench installs it)"
                             % (wl.name, miss))
                continue
            wl.setup()
            workloads.append(wl)
        hooks_run = os.path.join(scratch, "run.hooks")
        hooks_3tp = os.path.join(scratch, "3tp.hooks")
        with open(hooks_3tp, "w") as f:
            f.write(HOOKS_3TP)
        file_dirs = [wl.dir for wl in workloads if hasattr(wl, "dir")] or [scratch]
        all_mon = om.monitors(vigil, scratch, hooks_run, hooks_3tp, file_dirs, base)
        pick = knob_list("MONITORS", [m.name for m in all_mon]) or [m.name for m in all_mon]
        monitors = []
        for m in all_mon:
            if m.name not in pick:
                continue
            miss = m.missing()
            if miss:
                notes.append("monitor %s skipped: %s is not installed (make bench installs it)"
                             % (m.name, miss))
                continue
            monitors.append(m)
        if any(m.name.endswith("floor-run") for m in monitors):
            points = run_hooks(vigil, scratch, env)
            with open(hooks_run, "w") as f:
                f.write("\n".join(points) + "\n")
            notes.append("floor-run: %d hooks, those of a `vigil run` started by the bench: %s"
                         % (len(points), ", ".join(points)))
        knobs = {"vigil": vigil, "rounds": rounds, "build_rounds": build_rounds, "secs": secs,
                 "monitors": [m.name for m in monitors], "workloads": [w.name for w in workloads]}
        env_lines = machine_lines(knobs)
        load0 = os.getloadavg()
        print("bench: warm-up: each workload once, no monitor", flush=True)
        for wl in workloads:
            wl.run()
        for r in range(rounds):
            order = monitors[r % len(monitors):] + monitors[:r % len(monitors)]
            # The build costs as much as every loop together: BUILD_ROUNDS of it.
            wls = [w for w in workloads if r < build_rounds or w.name != "build"]
            for m in order:
                t0 = time.monotonic()
                try:
                    rec, runs = run_session(m, wls, scratch, env, r)
                except (RuntimeError, subprocess.SubprocessError) as e:
                    notes.append("round %d, %s: %s" % (r + 1, m.name, e))
                    print("bench: %s" % e, file=sys.stderr, flush=True)
                    continue
                sessions.setdefault(m.name, []).append(rec)
                for name, res in runs.items():
                    cells.setdefault((name, m.name), []).append(res)
                print("bench: round %d/%d %-18s %5.1fs  %s" % (
                    r + 1, rounds, m.name, time.monotonic() - t0,
                    "  ".join("%s=%s" % (n, rep.fmt_value(res["value"], "")) for n, res in
                              runs.items())), flush=True)
        if os.environ.get("BENCH_AUDIT") == "1":
            run_audit(rounds, workloads, scratch, env, monitors, sessions, cells, notes)
        load1 = os.getloadavg()
        if max(load0[0], load1[0]) > os.cpu_count() / 2:
            notes.insert(0, "the machine was busy (load average %.1f, then %.1f, on %d CPUs): other "
                         "work moved these numbers; trust no difference smaller than the min–max "
                         "spread" % (load0[0], load1[0], os.cpu_count()))
        env_lines.append("load average (1, 5, 15 min): %.2f %.2f %.2f before, %.2f %.2f %.2f after"
                         % (load0 + load1))
        write_report(out_dir, env_lines, notes, workloads, monitors, sessions, cells)
    finally:
        for wl in workloads:
            wl.teardown()
        subprocess.run(["rm", "-rf", scratch])
    return 0


def run_audit(rounds, workloads, scratch, env, monitors, sessions, cells, notes):
    """auditd's rounds, after every other monitor's: see overhead_monitors.audit_monitors."""
    for m in om.audit_monitors(scratch):
        miss = m.missing()
        if miss:
            notes.append("monitor %s skipped: %s is not installed (BENCH_AUDIT=1 make bench "
                          "installs it)" % (m.name, miss))
            return
        monitors.append(m)
    for r in range(rounds):
        for m in monitors[-2:]:
            try:
                rec, runs = run_session(m, workloads, scratch, env, r)
            except (RuntimeError, subprocess.SubprocessError) as e:
                notes.append("round %d, %s: %s" % (r + 1, m.name, e))
                continue
            sessions.setdefault(m.name, []).append(rec)
            for name, res in runs.items():
                cells.setdefault((name, m.name), []).append(res)
            print("bench: audit round %d/%d %s" % (r + 1, rounds, m.name), flush=True)
    notes.append("auditd ran after every other monitor (BENCH_AUDIT=1): audit stays on the "
                 "kernel's slower syscall path until reboot, so later runs on this boot are "
                 "slower too (none-after-audit)")


def write_report(out_dir, env_lines, notes, workloads, monitors, sessions, cells):
    os.makedirs(out_dir, exist_ok=True)
    stem = os.path.join(out_dir, "overhead-" + datetime.datetime.utcnow().strftime("%Y-%m-%dT%H%M"))
    floor = rep.floor_table(workloads, monitors, cells)
    text = ["# vigil overhead: make bench", "", rep.header(env_lines), ""]
    if floor:
        text += ["## vigil run against the floor", "",
                 "The goals are stated against the floor: empty BPF programs on exactly the "
                 "hooks vigil run attaches (floor-run). Own CPU: the workload's own CPU per "
                 "operation (a loop's user+system time, where the hooks it pays for run; "
                 "redis-server's CPU per request; the build's CPU seconds), which the "
                 "machine's other work moves far less than wall time. × the floor: the "
                 "monitor's median over the floor's; rounds: the same ratio within each "
                 "interleaved round, lowest and highest.", "", floor, ""]
    text += ["## Each workload under each monitor", "",
            "Slowdown: the median with no monitor / the median with it (for the build, wall time "
            "with it / without). Events: lines the monitor wrote about the workload's own events "
            "(its file, its program, its port) / the events the workload counted itself; vigil "
            "run reports only alerts, so it shows how many of these events alerted. Agent CPU: "
            "the monitor's processes' user+system seconds during that workload (and until its "
            "backlog drained). Own CPU: the workload's own CPU per operation (for redis, "
            "redis-server's per request; for the build, its total CPU seconds), median "
            "(min–max); ÷ none and × floor: its median over no monitor's and over the "
            "floor's (wall: slowdown over the floor's slowdown).", "",
            rep.matrix_table(workloads, monitors, cells), "",
            "## Each monitor", "",
            "Per session (one start, every workload, one stop). Drops: what the monitor itself "
            "reported lost (vigil's exit summary; libbpf-tools' and bpftrace's lost-event "
            "messages).", "",
            rep.monitor_table(monitors, sessions), ""]
    if notes:
        text += ["## Notes", ""] + ["- " + n for n in notes] + [""]
    try:
        rep.chart(stem + ".png", workloads, monitors, cells)
        text += ["![own CPU, slowdown and × the floor per workload and monitor](%s)"
                 % os.path.basename(stem + ".png"), ""]
    except (OSError, RuntimeError) as e:
        text += ["(no chart: %s)" % e, ""]
    with open(stem + ".md", "w") as f:
        f.write("\n".join(text))
    with open(stem + ".json", "w") as f:
        json.dump({"machine": env_lines, "notes": notes,
                   "sessions": sessions,
                   "runs": [{"workload": w, "monitor": m, "runs": rs}
                            for (w, m), rs in sorted(cells.items())]}, f, indent=1)
    print("\n".join(text))
    print("bench: wrote %s.md, .png, .json" % stem)


if __name__ == "__main__":
    sys.exit(main())
