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


def cell_figures(wl, runs, none_runs):
    vals = [r["value"] for r in runs]
    med = median(vals)
    gen = sum(r.get("generated", 0) for r in runs)
    rec = [r.get("received") for r in runs]
    return {
        "median": med, "min": min(vals) if vals else None, "max": max(vals) if vals else None,
        "slowdown": slowdown(wl, median([r["value"] for r in none_runs]), med),
        "generated": gen if wl.kind else None,
        "received": sum(rec) if wl.kind and rec and None not in rec else None,
        "cpu": median([r["cpu"] for r in runs if "cpu" in r]),
    }


def matrix_table(workloads, monitors, cells):
    """One row per workload x monitor."""
    out = ["| workload | monitor | median (min–max) | slowdown | events reported / generated "
           "| agent CPU s (median) |", "| --- | --- | --- | --- | --- | --- |"]
    for wl in workloads:
        none_runs = cells.get((wl.name, "none"), [])
        for m in monitors:
            runs = cells.get((wl.name, m.name))
            if not runs:
                continue
            f = cell_figures(wl, runs, none_runs)
            rng = "%s %s (%s–%s)" % (fmt_value(f["median"], wl.unit), wl.unit,
                                    fmt_value(f["min"], wl.unit), fmt_value(f["max"], wl.unit))
            slow = "%.3fx" % f["slowdown"] if f["slowdown"] else "—"
            if m.name == "none" or f["generated"] is None:
                ev = "—"
            elif f["received"] is None:
                ev = "— / %d" % f["generated"]
            else:
                ev = "%d / %d" % (f["received"], f["generated"])
            cpu = "%.2f" % f["cpu"] if f["cpu"] is not None and m.name != "none" else "—"
            out.append("| %s | %s | %s | %s | %s | %s |" % (wl.name, m.name, rng, slow, ev, cpu))
    return "\n".join(out)


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


def chart(path_png, workloads, monitors, cells):
    """Slowdown per workload (clusters) per monitor (bars), gnuplot PNG."""
    shown = [m for m in monitors if m.name != "none" and
             any(cells.get((wl.name, m.name)) for wl in workloads)]
    dat = path_png[:-4] + ".dat"
    with open(dat, "w") as f:
        f.write("workload " + " ".join('"%s"' % m.name for m in shown) + "\n")
        for wl in workloads:
            none_runs = cells.get((wl.name, "none"), [])
            row = []
            for m in shown:
                runs = cells.get((wl.name, m.name))
                s = cell_figures(wl, runs, none_runs)["slowdown"] if runs else None
                row.append("%.4f" % s if s else "NaN")
            f.write('"%s" %s\n' % (wl.name, " ".join(row)))
    script = """set terminal pngcairo size 1200,600 font ",10"
set output "%s"
set title "Slowdown against no monitor (1.0 = no cost; median of interleaved rounds)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key outside right top
set ylabel "slowdown (x)"
set yrange [0:*]
set grid ytics
set arrow from graph 0, first 1 to graph 1, first 1 nohead dashtype 2 linewidth 2
set xtics nomirror
plot for [i=2:%d] "%s" using i:xtic(1) title columnheader(i)
""" % (path_png, len(shown) + 1, dat)
    res = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    if res.returncode:
        raise RuntimeError("gnuplot: " + res.stderr.strip()[-300:])
    os.unlink(dat)


def header(env_lines):
    return "\n".join("- " + line for line in env_lines)
