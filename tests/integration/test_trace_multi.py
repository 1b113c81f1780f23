#!/usr/bin/env python3
"""One `vigil trace` for several sensors (`vigil trace exec file net`): one
syscall hub, one ring buffer, one consumer, one output.

- A workload in a cgroup of its own (the trace filters by it) execs, opens a
  file under the traced path and connects to a local listener, interleaved:
  every exec, open and connect shows in the one output, each line naming its
  kind, nothing lost; the agent holds one program per syscall direction and
  one ring buffer.
- The exit summary is exact: events received = lines written, and each
  sensor's "sent" = its lines; with the agent stopped (SIGSTOP) and a 64 KiB
  ring, for each sensor, records generated = lines written + that sensor's
  reported losses, and some were lost.
- A capture (`--capture FILE`) of several sensors reads back with each kind.
- The command line: a short option two sensors share (-P: file's --path,
  net's --port) is refused, their long forms reach their own sensor; a
  sensor named twice or after the options is a usage error.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from test_syscall_hub import inventory, owned_by
from vigil_test import VIGIL, Tracer, VigilTestCase, cgroup2_mount, get, kind

SUMMARY_RE = r"sensor %s: (\d+) sent, \d+ filtered in kernel, (\d+) lost"

# Each round: OPENS opens of the traced file, one exec, one connect.
WORKLOAD = """
import os, socket, subprocess, sys
path, exe, port, rounds, opens = sys.argv[1], sys.argv[2], int(sys.argv[3]), \\
    int(sys.argv[4]), int(sys.argv[5])
for _ in range(rounds):
    for _ in range(opens):
        os.close(os.open(path, os.O_RDONLY))
    subprocess.run([exe], check=True)
    socket.create_connection(("127.0.0.1", port)).close()
"""

# The category a line's sensor writes (docs/events.md).
SENSOR_OF = {"process": "process", "file": "file", "network": "net"}


class Listener:
    """A loopback listener outside the workload's cgroup: its accepts are not traced."""

    def __enter__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()
        return self

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.close()

    def __exit__(self, *exc):
        self.sock.close()
        return False


class TraceMultiTest(VigilTestCase):
    def setUp(self):
        super().setUp()
        root = cgroup2_mount()
        if not root:
            self.skipTest("no cgroup v2 hierarchy")
        self.dir = tempfile.mkdtemp(prefix="vg-tmulti-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.traced = os.path.join(self.dir, "traced")
        os.mkdir(self.traced)
        self.file = os.path.join(self.traced, "f")
        with open(self.file, "w") as f:
            f.write("x\n")
        # The program it execs lives outside the traced path.
        self.exe = os.path.join(self.dir, "vg_multi_true")
        shutil.copy("/bin/true", self.exe)
        self.script = os.path.join(self.dir, "workload.py")
        with open(self.script, "w") as f:
            f.write(WORKLOAD)
        self.cgroup = os.path.join(root, "vg-tmulti-%d" % os.getpid())
        os.mkdir(self.cgroup)
        self.addCleanup(os.rmdir, self.cgroup)

    def trace(self, *extra):
        return Tracer("trace", "exec", "file", "net", "--forks", "--path", self.traced,
                      "--cgroup", self.cgroup, *extra)

    def workload(self, port, rounds, opens):
        """Runs it in the cgroup; the records it makes, per sensor."""
        subprocess.run(["sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', self.cgroup,
                        sys.executable, self.script, self.file, self.exe, str(port),
                        str(rounds), str(opens)], check=True, timeout=120)
        # The shell's exec into python and its exit; per round a fork, an
        # exec and an exit; per connect its connect and its close.
        return {"process": 2 + 3 * rounds, "file": rounds * opens, "net": 2 * rounds}

    def summary(self, t, sensor):
        m = re.search(SUMMARY_RE % sensor, t.stderr)
        self.assertIsNotNone(m, t.stderr)
        return int(m.group(1)), int(m.group(2))

    def lines_per_sensor(self, events):
        counts = {"process": 0, "file": 0, "net": 0}
        for e in events:
            counts[SENSOR_OF[get(e, "event.category")[0]]] += 1
        return counts

    def test_exec_file_and_net_in_one_stream(self):
        rounds = 20
        with Listener() as srv, self.trace() as t:
            inv = inventory()
            expected = self.workload(srv.port, rounds, 5)
            t.stop()
        self.assertEqual(t.returncode, 0, t.stderr)
        pid = t.proc.pid
        hooks = [l["attach_point"].split(":")[-1] for l in inv["links"] if owned_by(l, pid)]
        # One hub for every sensor: one sys_exit program; a sys_enter one only
        # where a sensor needs entries (the network sensor's fallback variants,
        # for connect), never one per sensor.
        self.assertEqual(hooks.count("sys_exit"), 1, hooks)
        self.assertLessEqual(hooks.count("sys_enter"), 1, hooks)
        rings = [m["name"] for m in inv["maps"] if m["type"] == "ringbuf" and owned_by(m, pid)]
        self.assertEqual(rings, ["events"])
        def ours(e):
            return ((kind(e) == "exec" and get(e, "process.executable.path") == self.exe) or
                    (kind(e) == "open" and get(e, "file.path") == self.file) or
                    (kind(e) == "connect" and get(e, "destination.port") == srv.port))

        # In the one output as they happened: each round's opens, its exec, its connect.
        order = [kind(e) for e in t.events if ours(e)]
        self.assertEqual(order, (["open"] * 5 + ["exec", "connect"]) * rounds, order)
        self.assertEqual(t.lost, 0, t.stderr)
        self.assertEqual(t.received, len(t.events), t.stderr)
        self.assertEqual(self.lines_per_sensor(t.events), expected, t.stderr)
        for sensor, n in expected.items():
            self.assertEqual(self.summary(t, sensor), (n, 0), t.stderr)

    def test_a_capture_holds_every_sensor(self):
        cap = os.path.join(self.dir, "multi.cap")
        with Listener() as srv, Tracer("trace", "exec", "file", "net", "--path", self.traced,
                                       "--cgroup", self.cgroup, "--capture", cap,
                                       json_output=False) as t:
            self.workload(srv.port, 3, 2)
            t.stop()
        self.assertEqual(t.returncode, 0, t.stderr)
        out = subprocess.run([VIGIL, "trace", "read", "--json", cap], capture_output=True,
                             text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        events = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
        self.assertEqual(len([e for e in events if kind(e) == "exec"
                              and get(e, "process.executable.path") == self.exe]), 3)
        self.assertEqual(len([e for e in events if kind(e) == "open"
                              and get(e, "file.path") == self.file]), 6)
        self.assertEqual(len([e for e in events if kind(e) == "connect"
                              and get(e, "destination.port") == srv.port]), 3)

    def test_loss_is_counted_exactly_per_sensor(self):
        with Listener() as srv, self.trace("--ringbuf-size", "64K") as t:
            t.proc.send_signal(signal.SIGSTOP)
            try:
                expected = self.workload(srv.port, 150, 40)
            finally:
                t.proc.send_signal(signal.SIGCONT)
            t.stop()
        self.assertEqual(t.returncode, 0, t.stderr)
        # The agent's own health lines say when the loss started and stopped.
        health = [e for e in t.events if kind(e) == "health"]
        records = [e for e in t.events if kind(e) != "health"]
        lines = self.lines_per_sensor(records)
        self.assertGreater(t.lost, 0, "a stopped agent with a 64 KiB ring must lose records")
        self.assertEqual(get(health[-1], "vigil.loss.total"), t.lost, health)
        self.assertEqual(t.received, len(records), t.stderr)
        total_lost = 0
        for sensor, generated in expected.items():
            sent, lost = self.summary(t, sensor)
            self.assertEqual(sent, lines[sensor], t.stderr)
            self.assertEqual(lines[sensor] + lost, generated,
                             "%s: generated %d, written %d, reported lost %d"
                             % (sensor, generated, lines[sensor], lost))
            total_lost += lost
        self.assertEqual(total_lost, t.lost, t.stderr)


class TraceMultiCliTest(VigilTestCase):
    def vigil(self, *args):
        return subprocess.run([VIGIL, *args], capture_output=True, text=True, timeout=30)

    def test_options_reach_their_own_sensor(self):
        help_text = self.vigil("trace", "exec", "file", "net", "--help").stdout
        for heading in ("exec options:", "file options:", "net options:", "Common options:"):
            self.assertIn(heading, help_text)
        self.assertIn("--port=PORT", help_text)
        # -P is file's --path and net's --port: ambiguous together.
        r = self.vigil("trace", "file", "net", "-P", "80")
        self.assertEqual(r.returncode, 64, r.stderr)
        self.assertIn("invalid option -- 'P'", r.stderr)
        # Alone, each sensor keeps its short form.
        r = self.vigil("trace", "net", "-P", "x")
        self.assertIn("invalid --port 'x'", r.stderr)
        r = self.vigil("trace", "file", "net", "--port", "x")
        self.assertIn("invalid --port 'x'", r.stderr)
        r = self.vigil("trace", "file", "net", "--path", "relative")
        self.assertIn("invalid --path 'relative'", r.stderr)

    def test_bad_sensor_lists_are_usage_errors(self):
        r = self.vigil("trace", "exec", "exec")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("trace 'exec' named twice", r.stderr)
        r = self.vigil("trace", "exec", "--json", "file")
        self.assertEqual(r.returncode, 64, r.stderr)
        self.assertIn("name every sensor before the options", r.stderr)
