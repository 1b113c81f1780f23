"""Captures: `vigil trace ... --capture FILE` writes the records as they come,
`vigil trace read FILE` prints them as the live trace would have: the same
events, the same process context (processes older than the capture
included), every loss counted; a damaged file is reported with its offset."""
import json
import os
import subprocess
import tempfile
import time
import unittest

from vigil_test import ROOT, SUMMARY_RE, VIGIL, Tracer, VigilTestCase, get, kind

URING_LOOP = os.path.join(ROOT, "build", "bench", "uring_loop")
# What the two agents' records differ in: each kernel record has its own clock read.
TIMING = ("@timestamp", "event.boot_time_ns", "event.cpu", "process.exit.run_time_ns")


def drop(ev, dotted):
    parts = dotted.split(".")
    for p in parts[:-1]:
        ev = ev.get(p, {}) if isinstance(ev, dict) else {}
    if isinstance(ev, dict):
        ev.pop(parts[-1], None)


def read_capture(path, *args):
    return subprocess.run([VIGIL, "trace", "read", *args, path], capture_output=True, text=True,
                          timeout=120)


class CaptureTest(VigilTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="vg-capture-")
        self.cap = os.path.join(self.dir, "t.cap")

    def tearDown(self):
        subprocess.run(["rm", "-rf", self.dir])

    def test_a_capture_reads_back_as_the_live_trace_printed(self):
        mark = "capture-mark-%d" % os.getpid()
        go = os.path.join(self.dir, "go")
        # A shell older than both agents: the live one knows it from /proc,
        # the reader only from the capture's process entries.
        script = "while [ ! -e %s ]; do sleep 0.05; done; /bin/echo %s >/dev/null" % (go, mark)
        shell = subprocess.Popen(["sh", "-c", script])
        try:
            with Tracer("trace", "exec") as live, \
                    Tracer("trace", "exec", "--capture", self.cap, json_output=False) as cap:
                # The live agent saw this process fork the capture's agent and
                # learnt its exact start time; a fork both see teaches both.
                subprocess.run(["/bin/true"])
                open(go, "w").close()
                shell.wait(timeout=30)
                time.sleep(0.3)
            cap.stop()
        finally:
            shell.kill()
            shell.wait()
        self.assertEqual(cap.returncode, 0, cap.stderr)
        self.assertEqual(cap.text, "", "a capture prints nothing")
        self.assertEqual(oct(os.stat(self.cap).st_mode & 0o777), "0o600")
        out = read_capture(self.cap, "--json")
        self.assertEqual(out.returncode, 0, out.stderr)
        replayed = [json.loads(line) for line in out.stdout.splitlines()]

        def the_echo(events):
            found = [e for e in events if kind(e) == "exec" and mark in get(e, "process.args", [])]
            self.assertEqual(len(found), 1, "one exec of the echo")
            return found[0]
        want, got = the_echo(live.events), the_echo(replayed)
        self.assertEqual(get(got, "process.parent.pid"), shell.pid)
        self.assertIn(script, get(got, "process.parent.args", []) or
                      get(got, "process.ancestors", [{}])[0].get("args", []))
        for ev in (want, got):
            for dotted in TIMING:
                drop(ev, dotted)
        self.assertEqual(got, want)
        # Every event of the live trace's kinds is in the capture (the
        # agents started a little apart: compare what both were up for).
        def keys(events):
            return {(kind(e), get(e, "process.pid"), get(e, "process.start_time"))
                    for e in events if kind(e) in ("exec", "exit")}
        shared = keys(live.events) & keys(replayed)
        self.assertIn(("exec", get(want, "process.pid"), get(want, "process.start_time")), shared)

    def test_every_event_is_captured_or_counted_lost(self):
        stats = os.path.join(self.dir, "gen")
        with Tracer("trace", "priv", "--capture", self.cap, json_output=False) as cap:
            # Paced: a quiet machine makes millions a second, gigabytes of JSON to read back.
            loop = subprocess.run([URING_LOOP, "1", "256", "100000"],
                                  env=dict(os.environ, VIGIL_BENCH_STATS=stats),
                                  capture_output=True, text=True, timeout=60)
            self.assertEqual(loop.returncode, 0, loop.stderr)
        cap.stop()
        self.assertEqual(cap.returncode, 0, cap.stderr)
        with open(stats) as f:
            generated = int(f.read().split()[1])
        self.assertGreater(generated, 10000)
        nops = 0
        rd = subprocess.Popen([VIGIL, "trace", "read", "--json", self.cap],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for line in rd.stdout:  # counted as it streams
            ev = json.loads(line)
            if kind(ev) == "io_uring" and get(ev, "io_uring.opcode") == 0:
                nops += 1
        err = rd.stderr.read().decode()
        self.assertEqual(rd.wait(timeout=120), 0, err)
        lost = int(SUMMARY_RE.search(cap.stderr).group(2))
        self.assertEqual(nops + lost, generated, cap.stderr)

    def test_a_damaged_capture_prints_what_it_can_and_says_where(self):
        with Tracer("trace", "exec", "--capture", self.cap, json_output=False):
            for _ in range(20):
                subprocess.run(["/bin/true"])
        with open(self.cap, "rb") as f:
            data = f.read()
        whole = read_capture(self.cap, "--json")
        self.assertEqual(whole.returncode, 0, whole.stderr)
        events = whole.stdout.splitlines()
        self.assertGreater(len(events), 20)
        cut = os.path.join(self.dir, "cut.cap")
        with open(cut, "wb") as f:
            f.write(data[:len(data) - 5])
        part = read_capture(cut, "--json")
        self.assertEqual(part.returncode, 1)
        # Everything before the cut frame (the last: printed or not, e.g. a fork).
        printed = part.stdout.splitlines()
        self.assertGreaterEqual(len(printed), len(events) - 1)
        self.assertEqual(printed, events[:len(printed)])
        err = part.stderr.strip().splitlines()
        self.assertEqual(len(err), 1, part.stderr)
        self.assertRegex(err[0], r"^vigil: error: %s: offset \d+: frame of \d+ bytes cut short$"
                         % cut)
        junk = os.path.join(self.dir, "junk.cap")
        with open(junk, "wb") as f:
            f.write(b"{\"not\": \"a capture\"}\n" * 50)
        bad = read_capture(junk)
        self.assertEqual(bad.returncode, 1)
        self.assertIn("offset 0: not a vigil capture", bad.stderr)
        self.assertEqual(bad.stdout, "")

    def test_a_capture_never_writes_through_a_symlink(self):
        target = os.path.join(self.dir, "precious")
        with open(target, "w") as f:
            f.write("keep me\n")
        os.symlink(target, self.cap)
        run = subprocess.run([VIGIL, "trace", "exec", "--capture", self.cap],
                             capture_output=True, text=True, timeout=60)
        self.assertNotEqual(run.returncode, 0)
        self.assertIn(self.cap, run.stderr)
        with open(target) as f:
            self.assertEqual(f.read(), "keep me\n")


if __name__ == "__main__":
    unittest.main()
