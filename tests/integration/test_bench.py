"""make bench's harness (bench/overhead.py) at a tiny size, so that it cannot
rot unseen: one round, 0.2 s per loop, no monitor, the floor, `vigil run`
(judged against the floor) and `vigil trace`, and the floor command it
relies on (`vigil floor --hooks`)."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

from vigil_test import ROOT, VIGIL, VigilTestCase

WORKLOADS = ["open-unwatched", "open-watched", "exec", "connect"]
MONITORS = ["none", "floor-run", "run", "trace"]
ROW_RE = re.compile(r"^\| (\S+) \| (\S+) \| ([\d.]+) ops/s \(([\d.]+)–([\d.]+)\) \| ([\d.]+)x \| "
                    r"(\S+) \| ([\d.]+) ns/op \(([\d.]+)–([\d.]+)\) \| ([\d.]+)x \| (\S+) \| "
                    r"(.+?) \| (.+?) \|$")
FLOOR_RE = re.compile(r"^\| (\S+) \| run \| ([\d.]+)x, ([\d.]+)x \| \*\*([\d.]+)x\*\* "
                      r"\(([\d.]+)–([\d.]+)\) \| ([\d.]+)x, ([\d.]+)x \| ([\d.]+)x \| .+ \|$")


class BenchHarnessTest(VigilTestCase):
    def test_tiny_run_gives_the_full_table(self):
        out = tempfile.mkdtemp(prefix="vg-bench-")
        self.addCleanup(shutil.rmtree, out, True)
        env = dict(os.environ, ROUNDS="1", SECS="0.2", MONITORS=",".join(MONITORS),
                   WORKLOADS=",".join(WORKLOADS), OUT=out)
        res = subprocess.run(["python3", os.path.join(ROOT, "bench", "overhead.py")], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             timeout=180)
        self.assertEqual(res.returncode, 0, res.stdout[-3000:])
        md = [f for f in os.listdir(out) if f.endswith(".md")]
        self.assertEqual(len(md), 1, os.listdir(out))
        with open(os.path.join(out, md[0])) as f:
            text = f.read()
        rows, floor_rows = {}, {}
        for line in text.splitlines():
            m = ROW_RE.match(line)
            if m:
                rows[(m.group(1), m.group(2))] = m.groups()
            m = FLOOR_RE.match(line)
            if m:
                floor_rows[m.group(1)] = m.groups()
        self.assertEqual(set(rows), {(w, m) for w in WORKLOADS for m in MONITORS}, text)
        for (wl, mon), g in rows.items():
            self.assertGreater(float(g[2]), 0, g)
            # The loop's own CPU per operation: some, and its median inside its range.
            own, own_min, own_max = float(g[7]), float(g[8]), float(g[9])
            self.assertGreater(own, 0, g)
            self.assertTrue(own_min <= own <= own_max, g)
            self.assertAlmostEqual(float(g[10]), own / float(rows[(wl, "none")][7]), delta=0.002)
            if mon != "run":
                self.assertEqual((g[6], g[11]), ("—", "—"), g)  # no floor to judge against
            else:
                # × floor: the run's own CPU over the floor's, its slowdown over the floor's.
                fl = rows[(wl, "floor-run")]
                self.assertAlmostEqual(float(g[11][:-1]), own / float(fl[7]), delta=0.002)
                self.assertAlmostEqual(float(g[6][:-1]), float(g[5]) / float(fl[5]), delta=0.002)
                self.assertAlmostEqual(float(floor_rows[wl][3]), float(g[11][:-1]), delta=0.0005)
                self.assertAlmostEqual(float(floor_rows[wl][1]), float(fl[10]), delta=0.0005)
            if mon == "none":
                self.assertEqual(float(g[5]), 1.0)
                continue
            self.assertGreater(float(g[5]), 0)
            if mon != "trace":
                continue
            got, gen = (int(n) for n in g[12].split(" / "))
            # vigil trace exports every one of these events (a loaded
            # machine may drop some, which the monitor table reports)
            self.assertGreater(gen, 0, (wl, g))
            self.assertGreater(got, 0, (wl, g))
            self.assertLessEqual(got, gen, (wl, g))
            self.assertGreaterEqual(float(g[13]), 0)
        self.assertEqual(set(floor_rows), set(WORKLOADS), text)
        mon = [line for line in text.splitlines() if line.startswith("| trace |")]
        self.assertEqual(len(mon), 1, text)
        cols = [c.strip() for c in mon[0].strip("|").split("|")]
        start, stop, rss = float(cols[2]), float(cols[3].split(",")[0]), float(cols[4])
        self.assertGreater(start, 0)
        self.assertGreater(stop, 0)
        self.assertGreater(rss, 1)  # MiB: three agents
        with open(os.path.join(out, md[0][:-3] + ".json")) as f:
            raw = json.load(f)
        self.assertEqual(len(raw["runs"]), len(WORKLOADS) * len(MONITORS))
        if shutil.which("gnuplot"):
            self.assertTrue(os.path.exists(os.path.join(out, md[0][:-3] + ".png")))

    def test_unknown_monitor_is_one_line(self):
        res = subprocess.run(["python3", os.path.join(ROOT, "bench", "overhead.py")],
                             env=dict(os.environ, MONITORS="none,nosuch"),
                             capture_output=True, text=True, timeout=60)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("MONITORS: unknown nosuch", res.stderr)


class FloorHooksTest(VigilTestCase):
    def hooks_file(self, text):
        fd, path = tempfile.mkstemp(prefix="vg-hooks-")
        os.write(fd, text.encode())
        os.close(fd)
        self.addCleanup(os.unlink, path)
        return path

    def test_attaches_each_listed_hook_and_detaches_on_sigint(self):
        hooks = ["tracepoint:sys_enter_openat", "raw_tracepoint:sys_exit",
                 "raw_tracepoint:sched_process_exec"]
        path = self.hooks_file("# a comment\n\n" + "\n".join(hooks) + "\n")
        p = subprocess.Popen([VIGIL, "floor", "--hooks", path], stderr=subprocess.PIPE, text=True)
        try:
            self.assertIn("vigil: ready", p.stderr.readline())
            links = json.loads(subprocess.run([VIGIL, "bpf", "--json"], capture_output=True,
                                              text=True, check=True).stdout)["links"]
            mine = sorted(link["attach_point"] for link in links
                          if any(o.get("pid") == p.pid for o in link.get("owners", [])))
            self.assertEqual(mine, sorted(hooks))
        finally:
            p.send_signal(2)
            self.assertEqual(p.wait(timeout=30), 0)

    def test_bad_lists_fail_with_one_line(self):
        for text, want in [("tracepoint:sys_enter_openat\nbogus:x\n", "bogus:x: no floor"),
                           ("tracepoint:no_such_tracepoint_vg\n", "no_such_tracepoint_vg"),
                           ("x" * 600 + "\n", ":1:1: line too long"),
                           ("# only a comment\n", "no hooks")]:
            path = self.hooks_file(text)
            t0 = time.monotonic()
            res = subprocess.run([VIGIL, "floor", "--hooks", path], capture_output=True,
                                 text=True, timeout=30)
            self.assertEqual(res.returncode, 1, text[:40])
            self.assertIn(want, res.stderr)
            self.assertEqual(len(res.stderr.strip().splitlines()), 1, res.stderr)
            self.assertLess(time.monotonic() - t0, 20)


if __name__ == "__main__":
    unittest.main()
