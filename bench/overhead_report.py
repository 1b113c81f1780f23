"""bench/overhead.py's report: the markdown tables and the gnuplot chart."""
import os
import statistics
import subprocess


def median(xs):
    return statistics.median(xs) if xs else None


def fmt_value(v, unit):
    if v is None:
        return "—"
    if unit == "s":
        return "%.2f" % v
    return "%.0f" % v if v >= 100 else "%.1f" % v


def slowdown(wl, none_med, med):
    """How many times slower than with no monitor (1.00x = no cost)."""
    if not none_med or not med:
        return None
    return none_med / med if wl.higher_is_better else med / none_med


def ratio(a, b):
    """a / b, or None when either is missing (or b is 0)."""
    return a / b if a is not None and b else None


def own_cpu(runs):
    """(median, min, max) of the workload's own CPU over runs, or Nones."""
    xs = [r["own_cpu"] for r in runs if r.get("own_cpu") is not None]
    return (median(xs), min(xs), max(xs)) if xs else (None, None, None)


def round_ratios(runs, ref_runs):
    """Own CPU of each run over its reference's in the same round (the
    rounds are interleaved, so a pair saw the same machine): sorted."""
    ref = {r["round"]: r.get("own_cpu") for r in ref_runs if "round" in r}
    return sorted(r["own_cpu"] / ref[r["round"]] for r in runs
                  if r.get("own_cpu") is not None and ref.get(r.get("round")))


def cell_figures(wl, runs, none_runs, floor_runs=None):
    vals = [r["value"] for r in runs]
    med = median(vals)
    gen = sum(r.get("generated", 0) for r in runs)
    rec = [r.get("received") for r in runs]
    none_med = median([r["value"] for r in none_runs])
    slow = slowdown(wl, none_med, med)
    own, own_min, own_max = own_cpu(runs)
    floor_slow = floor_own = None
    if floor_runs:
        floor_slow = slowdown(wl, none_med, median([r["value"] for r in floor_runs]))
        floor_own = own_cpu(floor_runs)[0]
    return {
        "median": med, "min": min(vals) if vals else None, "max": max(vals) if vals else None,
        "slowdown": slow, "x_floor": ratio(slow, floor_slow),
        "generated": gen if wl.kind else None,
        "received": sum(rec) if wl.kind and rec and None not in rec else None,
        "cpu": median([r["cpu"] for r in runs if "cpu" in r]),
        "own": own, "own_min": own_min, "own_max": own_max,
        "own_none": ratio(own, own_cpu(none_runs)[0]), "own_floor": ratio(own, floor_own),
        "own_floor_rounds": round_ratios(runs, floor_runs) if floor_runs else [],
    }


def fmt_own(v, unit):
    if v is None:
        return "—"
    return "%.1f" % v if unit == "CPU s" else "%.0f" % v


def fmt_x(v):
    return "%.3fx" % v if v else "—"


def figures(wl, m, cells):
    """cell_figures of workload wl under monitor m, or None if it never ran."""
    runs = cells.get((wl.name, m.name))
    if not runs:
        return None
    floor = cells.get((wl.name, m.floor)) if m.floor else None
    return cell_figures(wl, runs, cells.get((wl.name, "none"), []), floor)


def matrix_table(workloads, monitors, cells):
    """One row per workload x monitor."""
    out = ["| workload | monitor | median (min–max) | slowdown | × floor "
           "| workload's own CPU (min–max) | CPU ÷ none | CPU × floor "
           "| events reported / generated | agent CPU s (median) |",
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for wl in workloads:
        for m in monitors:
            f = figures(wl, m, cells)
            if not f:
                continue
            rng = "%s %s (%s–%s)" % (fmt_value(f["median"], wl.unit), wl.unit,
                                    fmt_value(f["min"], wl.unit), fmt_value(f["max"], wl.unit))
            own = "—" if f["own"] is None else "%s %s (%s–%s)" % (
                fmt_own(f["own"], wl.cpu_unit), wl.cpu_unit, fmt_own(f["own_min"], wl.cpu_unit),
                fmt_own(f["own_max"], wl.cpu_unit))
            if m.name == "none" or f["generated"] is None:
                ev = "—"
            elif f["received"] is None:
                ev = "— / %d" % f["generated"]
            else:
                ev = "%d / %d" % (f["received"], f["generated"])
            cpu = "%.2f" % f["cpu"] if f["cpu"] is not None and m.name != "none" else "—"
            out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                wl.name, m.name, rng, fmt_x(f["slowdown"]), fmt_x(f["x_floor"]), own,
                fmt_x(f["own_none"]), fmt_x(f["own_floor"]), ev, cpu))
    return "\n".join(out)


def floor_table(workloads, monitors, cells):
    """The goals' view: each monitor judged against a floor, per workload."""
    out = ["| workload | monitor | own CPU ÷ none: floor, monitor | **own CPU × the floor** "
           "(rounds: min–max) | wall slowdown: floor, monitor | wall × the floor | goal |",
           "| --- | --- | --- | --- | --- | --- | --- |"]
    for m in monitors:
        if not m.floor:
            continue
        for wl in workloads:
            floor = monitor_named(monitors, m.floor)
            f, fl = figures(wl, m, cells), floor and figures(wl, floor, cells)
            if not f or not fl:
                continue
            rr = f["own_floor_rounds"]
            spread = " (%.3f–%.3f)" % (rr[0], rr[-1]) if rr else ""
            out.append("| %s | %s | %s, %s | **%s**%s | %s, %s | %s | %s |" % (
                wl.name, m.name, fmt_x(fl["own_none"]), fmt_x(f["own_none"]),
                fmt_x(f["own_floor"]), spread, fmt_x(fl["slowdown"]), fmt_x(f["slowdown"]),
                fmt_x(f["x_floor"]), wl.goal))
    return "\n".join(out) if len(out) > 2 else ""


def monitor_named(monitors, name):
    for m in monitors:
        if m.name == name:
            return m
    return None


def monitor_table(monitors, sessions):
    """One row per monitor: what starting, holding and stopping it costs."""
    out = ["| monitor | what | start s (median) | stop s: SIGINT to exit (median, max) "
           "| peak RSS MiB (max) | CPU s per session (median) | drops reported (total) |",
           "| --- | --- | --- | --- | --- | --- | --- |"]
    for m in monitors:
        ss = sessions.get(m.name, [])
        if not ss or m.name == "none":
            continue
        stops = [s["stop_s"] for s in ss]
        out.append("| %s | %s | %.2f | %.2f, %.2f | %.1f | %.2f | %d |" % (
            m.name, m.note, median([s["start_s"] for s in ss]), median(stops), max(stops),
            max(s["rss"] for s in ss) / 2**20, median([s["cpu_total"] for s in ss]),
            sum(s["lost"] for s in ss)))
    return "\n".join(out)


def histogram(dat, title, ylabel, goal, ncols):
    """gnuplot lines for one clustered-bar panel of dat, a dashed line at goal."""
    return """set title "%s"
set ylabel "%s"
unset arrow
set arrow from graph 0, first %s to graph 1, first %s nohead dashtype 2 linewidth 2
plot for [i=2:%d] "%s" using i:xtic(1) title columnheader(i)
""" % (title, ylabel, goal, goal, ncols + 1, dat)


def write_dat(path, workloads, columns):
    """One row per workload, one column per (title, value(wl)) of columns; NaN if none."""
    with open(path, "w") as f:
        f.write("workload " + " ".join('"%s"' % t for t, _ in columns) + "\n")
        for wl in workloads:
            f.write('"%s" %s\n' % (wl.name, " ".join(
                "%.4f" % v if v else "NaN" for v in (value(wl) for _, value in columns))))


def chart(path_png, workloads, monitors, cells):
    """Three panels, gnuplot PNG: the workload's own CPU ÷ none, the wall-time
    slowdown (clusters: workloads; bars: monitors), and each monitor judged
    against a floor (vigil run), own CPU and wall time, against the 1.03 goal."""
    shown = [m for m in monitors if m.name != "none" and
             any(cells.get((wl.name, m.name)) for wl in workloads)]
    judged = [m for m in shown if m.floor and monitor_named(monitors, m.floor)]

    def col(m, key, title=None):
        return (title or m.name, lambda wl: (figures(wl, m, cells) or {}).get(key))

    dats = [path_png[:-4] + ".%d.dat" % i for i in range(3)]
    write_dat(dats[0], workloads, [col(m, "own_none") for m in shown])
    write_dat(dats[1], workloads, [col(m, "slowdown") for m in shown])
    panels = [histogram(dats[0], "The workload's own CPU per operation ÷ with no monitor "
                        "(load-proof; median of interleaved rounds)", "own CPU (x)", 1,
                        len(shown)),
              histogram(dats[1], "Slowdown against no monitor (wall time; 1.0 = no cost)",
                        "slowdown (x)", 1, len(shown))]
    if judged:
        write_dat(dats[2], workloads, [c for m in judged for c in (
            col(m, "own_floor", m.name + ": own CPU"), col(m, "x_floor", m.name + ": wall"))])
        panels.append(histogram(dats[2], "× the floor (empty programs on the same hooks); "
                                "goal for opens, execs, connects: 1.03", "× the floor", 1.03,
                                2 * len(judged)))
    script = """set terminal pngcairo size 1200,%d font ",10"
set output "%s"
set multiplot layout %d,1
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key outside right top
set yrange [0:*]
set grid ytics
set xtics nomirror
""" % (400 * len(panels), path_png, len(panels)) + "".join(panels) + "unset multiplot\n"
    try:
        res = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
        if res.returncode:
            raise RuntimeError("gnuplot: " + res.stderr.strip()[-300:])
    finally:
        for d in dats:
            if os.path.exists(d):
                os.unlink(d)


def header(env_lines):
    return "\n".join("- " + line for line in env_lines)
