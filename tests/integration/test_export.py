"""Exporting every event (docs/performance.md, "Exporting every event").

- Exact loss accounting: with the agent stopped (SIGSTOP) a loop opens a
  traced file N times, more than a 64 KiB ring holds. Every open is either
  printed or counted as lost by the kernel: N = printed + reported lost,
  exactly, and some were lost.
- A rate it sustains loses nothing: the same loop, with the agent running
  and the default ring, prints every open.
- Batched wakeups do not delay what matters: while a storm of opens keeps
  the ring busy, a distinct alert reaches the output within a bound, and a
  lone event after a quiet spell within a tighter one.
- A steady stream costs the kernel (almost) no wakeups: the consumer polls
  on its own and says so (rb_pacing.h), so the kernel's count of forced
  wakeups stays far below one per batch window.

The output is counted as bytes (a line per event), not parsed: 10^5 lines of
JSON would cost the test more than the agent.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

from vigil_test import VIGIL, VigilTestCase, helper, new_socket_path

FILE_SENSOR_RE = re.compile(r"sensor file: (\d+) sent, \d+ filtered in kernel, (\d+) lost")
QUEUE_RE = re.compile(r"queue_full=(\d+)")


class Agent:
    """`vigil ARGS` with its stdout in a file we can read while it runs."""

    def __init__(self, *args):
        self.dir = tempfile.mkdtemp(prefix="vg-export-out-")
        self.out_path = os.path.join(self.dir, "out.json")
        self.err_path = os.path.join(self.dir, "err.txt")
        self.args = [VIGIL, *args]
        self.stderr = ""

    def __enter__(self):
        env = dict(os.environ, VIGIL_SOCKET=new_socket_path())
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen(self.args, stdout=out, stderr=err, env=env)
        deadline = time.time() + 60
        while time.time() < deadline:
            text = self.read_err()
            if "vigil: ready" in text:
                return self
            if self.proc.poll() is not None:
                raise AssertionError("vigil exited early: " + text)
            time.sleep(0.05)
        self.proc.kill()
        raise AssertionError("vigil did not become ready: " + self.read_err())

    def read_err(self):
        with open(self.err_path, "r", errors="replace") as f:
            return f.read()

    def output(self):
        with open(self.out_path, "rb") as f:
            return f.read()

    def count_new(self, needle):
        """How often @needle shows in what was written since the last call."""
        with open(self.out_path, "rb") as f:
            f.seek(getattr(self, "_seen", 0))
            data = f.read()
        # A line may still be half written: look at whole lines only.
        end = data.rfind(b"\n") + 1
        self._seen = getattr(self, "_seen", 0) + end
        return data[:end].count(needle)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)  # a failed test may leave it stopped
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stderr = self.read_err()

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
        return False


def pacing_of(pid):
    """The vg_rb_pacing value of agent @pid's own maps (through its fds)."""
    ids = set()
    for fd in os.listdir("/proc/%d/fdinfo" % pid):
        try:
            with open("/proc/%d/fdinfo/%s" % (pid, fd)) as f:
                ids.update(int(l.split()[1]) for l in f if l.startswith("map_id:"))
        except OSError:
            pass
    for i in sorted(ids):
        show = subprocess.run(["bpftool", "-j", "map", "show", "id", str(i)],
                              capture_output=True, text=True)
        if show.returncode == 0 and json.loads(show.stdout).get("name") == "vg_rb_pacing":
            dump = subprocess.run(["bpftool", "-j", "map", "dump", "id", str(i)],
                                  capture_output=True, text=True, check=True)
            return json.loads(dump.stdout)[0]["formatted"]["value"]
    raise AssertionError("agent %d holds no vg_rb_pacing map" % pid)


def open_loop(path, count):
    out = subprocess.run([helper("file_openloop"), path, str(count)], stdout=subprocess.PIPE,
                         check=True, timeout=300).stdout
    return int(out)


class ExportTest(VigilTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="vg-export-", dir="/var/tmp")
        self.file = os.path.join(self.dir, "traced.txt")
        with open(self.file, "w") as f:
            f.write("x\n")
        self.needle = ('"path":"%s"' % self.file).encode()

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def file_counts(self, agent):
        m = FILE_SENSOR_RE.search(agent.stderr)
        self.assertIsNotNone(m, agent.stderr)
        q = QUEUE_RE.search(agent.stderr)
        self.assertIsNotNone(q, agent.stderr)
        return int(m.group(1)), int(m.group(2)), int(q.group(1))

    def test_loss_is_counted_exactly(self):
        n = 20000
        with Agent("trace", "file", "--json", "--path", self.dir,
                   "--ringbuf-size", "64K") as a:
            a.proc.send_signal(signal.SIGSTOP)
            try:
                generated = open_loop(self.file, n)
            finally:
                a.proc.send_signal(signal.SIGCONT)
            a.stop()
            printed = a.output().count(self.needle)
        sent, lost, queue_full = self.file_counts(a)
        self.assertEqual(generated, n)
        self.assertEqual(a.proc.returncode, 0, a.stderr)
        self.assertGreater(lost, 0, "a stopped agent with a 64 KiB ring must lose opens")
        self.assertGreater(printed, 0)
        self.assertEqual(queue_full, 0, a.stderr)
        self.assertEqual(sent, printed, a.stderr)
        self.assertEqual(generated - printed, lost,
                         "generated %d, printed %d, reported lost %d" % (generated, printed, lost))

    def test_sustained_rate_loses_nothing(self):
        n = 150000
        with Agent("trace", "file", "--json", "--path", self.dir) as a:
            generated = open_loop(self.file, n)
            time.sleep(0.3)
            a.stop()
            printed = a.output().count(self.needle)
        sent, lost, queue_full = self.file_counts(a)
        self.assertEqual(a.proc.returncode, 0, a.stderr)
        self.assertEqual((lost, queue_full), (0, 0), a.stderr)
        self.assertEqual(printed, generated)
        self.assertEqual(sent, generated)

    def wait_for(self, agent, needle, timeout):
        """Seconds until @needle shows in the agent's new output, or None."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if agent.count_new(needle):
                return time.monotonic() - start
            time.sleep(0.002)
        return None

    def test_alert_is_not_held_by_a_busy_ring(self):
        storm_file = os.path.join(self.dir, "storm.txt")
        target = os.path.join(self.dir, "target.txt")
        for p in (storm_file, target):
            with open(p, "w") as f:
                f.write("x\n")
        # Every storm open crosses to user space (the kernel cannot test a
        # thread id) and none alerts: the ring is busy, the output quiet.
        policy = os.path.join(self.dir, "policy.yaml")
        with open(policy, "w") as f:
            f.write("rules:\n"
                    "  - name: export_storm_read\n    event: open\n"
                    "    condition: file.path = %s and process.thread.id = 1\n"
                    "    severity: low\n"
                    "  - name: export_target_read\n    event: open\n"
                    "    condition: file.path = %s\n    severity: high\n" % (storm_file, target))
        state = tempfile.mkdtemp(prefix="vg-state-")
        needle = b'"export_target_read"'
        try:
            with Agent("run", "--no-default-policy", "--policy", policy, "--alerts-only",
                       "--json", "--storm-burst", "0", "--max-overhead", "0",
                       "--canary-window", "0", "--state-dir", state) as a:
                # A lone event after a quiet spell wakes the consumer at once.
                subprocess.run(["cat", target], stdout=subprocess.DEVNULL, check=True)
                quiet = self.wait_for(a, needle, 10)
                storm = subprocess.Popen([helper("file_openloop"), storm_file, "300000"],
                                         stdout=subprocess.DEVNULL)
                try:
                    time.sleep(0.5)
                    running = storm.poll() is None
                    subprocess.run(["cat", target], stdout=subprocess.DEVNULL, check=True)
                    busy = self.wait_for(a, needle, 10)
                finally:
                    storm.kill()
                    storm.wait()
                a.stop()
        finally:
            shutil.rmtree(state, ignore_errors=True)
        sent, _, _ = self.file_counts(a)
        self.assertTrue(running, "the storm must still run when the target is read")
        self.assertGreater(sent, 10000, "the storm's opens must cross to user space")
        self.assertIsNotNone(quiet, a.stderr)
        self.assertIsNotNone(busy, a.stderr)
        print("alert latency: quiet %.1f ms, busy ring %.1f ms (%d storm records)"
              % (quiet * 1e3, busy * 1e3, sent))
        # Bounds for a loaded test host; the batch window is 4 ms.
        self.assertLess(quiet, 1.0)
        self.assertLess(busy, 1.0)

    def test_a_steady_stream_needs_no_wakeups(self):
        batch_ms = 50
        with Agent("trace", "file", "--json", "--path", self.dir,
                   "--wakeup-batch", str(batch_ms)) as a:
            before = pacing_of(a.proc.pid)["wakes"]
            start = time.monotonic()
            generated = open_loop(self.file, 150000)
            took = time.monotonic() - start
            wakes = pacing_of(a.proc.pid)["wakes"] - before
            a.stop()
        sent, lost, _ = self.file_counts(a)
        self.assertEqual((sent, lost), (generated, 0), a.stderr)
        # The kernel alone would wake the consumer once per batch window.
        windows = took * 1000 / batch_ms
        print("steady stream: %d records in %.2f s, %d kernel wakeups (%.0f windows)"
              % (generated, took, wakes, windows))
        self.assertGreater(windows, 10, "the stream must last several batch windows")
        self.assertLess(wakes, windows / 3)
