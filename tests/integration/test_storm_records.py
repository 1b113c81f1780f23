"""Storms of records other than opens (docs/policy.md, "Storms").

A file operation (chmod), a privilege call (kill) and a connect are stormed by a few
processes while a distinct attack runs: the kernel keys such records by
the record itself (every field but time, thread and CPU), lets the first
few of each key through per window and only counts the rest; a flush
program per sensor sends the counts as aggregate records (vigil.suppressed).
The distinct attack's alert must arrive, every storming process must be
named, a record that differs in one field (mode, signal target) is never
folded into the storm, and records sent + events held = calls made
(exactly, when nothing was lost).
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from vigil_test import Tracer, VigilTestCase, alerts, get

LOOPS = 3
CALLS = 30000

POLICY = """
rules:
  - name: storm_chmod
    event: chmod
    condition: file.path startswith {dir}/
    severity: low
  - name: other_file_made_executable
    event: chmod
    condition: file.path = {dir}/other and file.mode = 493
    severity: high
  - name: storm_term
    event: signal
    condition: signal.number = 15
    severity: low
  - name: process_stopped
    event: signal
    condition: signal.number = 19
    severity: high
"""

# A rule that reads the thread id (it may differ between like records) must see every signal.
TID_POLICY = """
rules:
  - name: term_by_thread
    event: signal
    condition: signal.number = 15 and process.thread.id > 0
    severity: low
"""

# A rule that counts chmods of one file needs every one of them there, and nowhere else.
PATH_POLICY = """
rules:
  - name: storm_chmod
    event: chmod
    condition: file.path startswith {dir}/
    severity: low
  - name: counted_chmod
    event: chmod
    condition: file.path = {dir}/other
    threshold: {{count: 1000, per: 60s, key: process.pid}}
    severity: medium
"""

# Opens of a file that does not exist: no file to key on, keyed by the failed record.
OPEN_POLICY = """
rules:
  - name: storm_open
    event: open
    condition: file.path startswith {dir}/
    severity: low
  - name: other_opened
    event: open
    condition: file.path = {dir}/other
    severity: high
"""

FAILED_OPEN_LOOP = r"""
import os, sys
path, n = sys.argv[1], int(sys.argv[2])
sys.stdin.readline()
for _ in range(n):
    try:
        os.close(os.open(path, os.O_RDONLY))
    except FileNotFoundError:
        pass
print(n, flush=True)
"""

# Writes through a bind mount, reported as such (file.mount.bind) by any
# process outside the host's mount namespace: keyed by the record.
BIND_POLICY = """
rules:
  - name: storm_bind_write
    event: open
    condition: file.mount.bind = 1
    severity: low
  - name: other_bind_write
    event: open
    condition: file.mount.bind = 1 and file.path = {dir}/target/other
    severity: high
"""

WRITE_LOOP = r"""
import os, sys
path, n = sys.argv[1], int(sys.argv[2])
sys.stdin.readline()
for _ in range(n):
    os.close(os.open(path, os.O_WRONLY))
print(n, flush=True)
"""

# In a private mount namespace of its own: bind $1 on $2, then run $3... there.
IN_BIND_NS = ["unshare", "-m", "--propagation", "private", "sh", "-c",
              'mount --bind "$1" "$2" && shift 2 && exec "$@"', "sh"]

# Each loop: CALLS chmods of the storm file to 0644, then one to 0600 (a distinct record).
CHMOD_LOOP = r"""
import os, sys
path, n = sys.argv[1], int(sys.argv[2])
sys.stdin.readline()
for _ in range(n):
    os.chmod(path, 0o644)
os.chmod(path, 0o600)
print(n, flush=True)
"""

# Each loop: two children that ignore SIGTERM; CALLS SIGTERMs to the first,
# then one to the second (a distinct target). Prints the two child pids and the count.
KILL_LOOP = r"""
import os, signal, sys, time
n = int(sys.argv[1])
kids = []
for _ in range(2):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        os.write(w, b"x")
        time.sleep(120)
        os._exit(0)
    os.read(r, 1)
    kids.append(pid)
sys.stdin.readline()
for _ in range(n):
    os.kill(kids[0], signal.SIGTERM)
os.kill(kids[1], signal.SIGTERM)
for k in kids:
    os.kill(k, signal.SIGKILL)
    os.waitpid(k, 0)
print(kids[0], kids[1], n, flush=True)
"""


# Each loop: CALLS TCP connects to a port (each closed at once). Prints the successful ones.
CONNECT_LOOP = r"""
import socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
sys.stdin.readline()
ok = 0
for _ in range(n):
    s = socket.socket()
    try:
        s.connect(("127.0.0.1", port))
        ok += 1
    except OSError:
        pass
    s.close()
print(ok, flush=True)
"""

NET_POLICY = """
rules:
  - name: storm_connect
    event: connect
    condition: destination.port = {storm_port}
    severity: low
  - name: other_port
    event: connect
    condition: destination.port = {other_port}
    severity: high
"""


def listener():
    """A loopback TCP server that accepts and closes: (socket, port). Closing the socket stops it."""
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(4096)

    def serve():
        while True:
            try:
                c, _ = srv.accept()
            except OSError:
                return
            c.close()
    threading.Thread(target=serve, daemon=True).start()
    return srv, srv.getsockname()[1]


def start_loops(script, *args):
    """LOOPS python processes running @script, waiting for a line on stdin."""
    return [subprocess.Popen([sys.executable, "-c", script, *map(str, args)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            for _ in range(LOOPS)]


def go(procs):
    for p in procs:
        p.stdin.write("\n")
        p.stdin.flush()


def finish(procs):
    """Each loop's printed words."""
    outs = []
    for p in procs:
        out, _ = p.communicate(timeout=300)
        outs.append(out.split())
    return outs


def split(mine):
    plain = [a for a in mine if not get(a, "vigil.suppressed")]
    aggregate = [a for a in mine if get(a, "vigil.suppressed")]
    return plain, aggregate


def assert_storm_counted(test, t, plain, aggregate, calls):
    """Records sent + events held = calls: exact without loss, bounded by it otherwise."""
    folded = sum(get(a, "vigil.suppressed") for a in aggregate)
    test.assertTrue(aggregate, "a storm must be reported with its count")
    test.assertLessEqual(len(plain) + folded, calls)
    test.assertGreaterEqual(len(plain) + folded + t.lost, calls,
                            "plain %d, held %d, lost %d" % (len(plain), folded, t.lost))
    if t.lost == 0:
        test.assertEqual(len(plain) + folded, calls)
    # The storm cost the agent a handful of records per second, not one per call.
    test.assertLess(len(plain), calls // 10)


class StormRecordsTest(VigilTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="vg-storm-rec-", dir="/tmp")
        self.storm_file = os.path.join(self.dir, "storm")
        self.other = os.path.join(self.dir, "other")
        for p in (self.storm_file, self.other):
            with open(p, "w") as f:
                f.write("x\n")
        self.policy = os.path.join(self.dir, "policy.yaml")
        self.victim = None

    def tearDown(self):
        if self.victim and self.victim.poll() is None:
            self.victim.kill()
            self.victim.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def write_policy(self, text):
        with open(self.policy, "w") as f:
            f.write(text.format(dir=self.dir))

    def assert_storm_counted(self, t, plain, aggregate, calls):
        assert_storm_counted(self, t, plain, aggregate, calls)

    def test_chmod_storm_keeps_distinct_alerts(self):
        self.write_policy(POLICY)
        with Tracer("run", "--policy", self.policy, "--alerts-only", "--storm-burst", "4") as t:
            procs = start_loops(CHMOD_LOOP, self.storm_file, CALLS)
            pids = {p.pid for p in procs}
            go(procs)
            # The distinct attack, while the storm runs.
            running = sum(p.poll() is None for p in procs)
            subprocess.run(["chmod", "0755", self.other], check=True)
            outs = finish(procs)
            t.stop()
        self.assertEqual(t.returncode, 0, t.stderr)
        self.assertEqual([int(o[0]) for o in outs], [CALLS] * LOOPS)
        other = alerts(t.events, "other_file_made_executable")
        self.assertEqual(len(other), 1, "the distinct attack's alert must arrive "
                         "(storm running when it ran: %d loops)" % running)
        self.assertEqual(get(other[0], "file.path"), self.other)
        self.assertEqual(other[0]["rule"]["severity"], "high")

        mine = [a for a in alerts(t.events, "storm_chmod") if get(a, "process.pid") in pids]
        storm = [a for a in mine if get(a, "file.path") == self.storm_file]
        # One field apart (mode 0600): never folded into the storm, each loop's own alert.
        distinct = [a for a in storm if get(a, "file.mode") == 0o600]
        self.assertEqual({get(a, "process.pid") for a in distinct}, pids)
        self.assertFalse([a for a in distinct if get(a, "vigil.suppressed")])
        plain, aggregate = split([a for a in storm if get(a, "file.mode") == 0o644])
        self.assertEqual({get(a, "process.pid") for a in plain}, pids)
        self.assertEqual({get(a, "process.pid") for a in aggregate}, pids)
        for a in aggregate:
            self.assertEqual(get(a, "event.action"), "chmod")
        self.assert_storm_counted(t, plain, aggregate, LOOPS * CALLS)

    def test_kill_storm_keeps_distinct_alerts(self):
        self.write_policy(POLICY)
        self.victim = subprocess.Popen(["sleep", "120"])
        with Tracer("run", "--policy", self.policy, "--alerts-only", "--storm-burst", "4") as t:
            procs = start_loops(KILL_LOOP, CALLS)
            pids = {p.pid for p in procs}
            go(procs)
            running = sum(p.poll() is None for p in procs)
            # The distinct attack: another process stops one.
            os.kill(self.victim.pid, signal.SIGSTOP)
            outs = finish(procs)
            os.kill(self.victim.pid, signal.SIGCONT)
            t.stop()
        self.assertEqual(t.returncode, 0, t.stderr)
        stormed = {int(o[0]) for o in outs}
        second = {int(o[1]) for o in outs}
        self.assertEqual([int(o[2]) for o in outs], [CALLS] * LOOPS)
        stopped = [a for a in alerts(t.events, "process_stopped")
                   if get(a, "target.process.pid") == self.victim.pid]
        self.assertEqual(len(stopped), 1, "the distinct attack's alert must arrive "
                         "(storm running when it ran: %d loops)" % running)
        self.assertEqual(stopped[0]["rule"]["severity"], "high")

        mine = [a for a in alerts(t.events, "storm_term") if get(a, "process.pid") in pids]
        # Another target: never folded into the storm.
        distinct = [a for a in mine if get(a, "target.process.pid") in second]
        self.assertEqual({get(a, "target.process.pid") for a in distinct}, second)
        self.assertFalse([a for a in distinct if get(a, "vigil.suppressed")])
        plain, aggregate = split([a for a in mine if get(a, "target.process.pid") in stormed])
        self.assertEqual({get(a, "process.pid") for a in plain}, pids)
        self.assertEqual({get(a, "process.pid") for a in aggregate}, pids)
        for a in aggregate:
            self.assertEqual(get(a, "signal.number"), 15)
        self.assert_storm_counted(t, plain, aggregate, LOOPS * CALLS)

    def test_rule_needing_every_record_keeps_only_its_path_out(self):
        self.write_policy(PATH_POLICY)
        counted = 3000
        with Tracer("run", "--policy", self.policy, "--alerts-only", "--storm-burst", "4") as t:
            procs = start_loops(CHMOD_LOOP, self.storm_file, CALLS)
            other = [subprocess.Popen([sys.executable, "-c", CHMOD_LOOP, self.other, str(counted)],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)]
            pids = {p.pid for p in procs}
            go(procs + other)
            outs = finish(procs + other)
            time.sleep(1.5)
            t.stop()
        self.assertEqual(t.returncode, 0, t.stderr)
        self.assertEqual([int(o[0]) for o in outs], [CALLS] * LOOPS + [counted])
        # Elsewhere the storm is held and counted as ever.
        mine = [a for a in alerts(t.events, "storm_chmod") if get(a, "process.pid") in pids
                and get(a, "file.path") == self.storm_file and get(a, "file.mode") == 0o644]
        plain, aggregate = split(mine)
        self.assert_storm_counted(t, plain, aggregate, LOOPS * CALLS)
        # On the counted path every chmod crossed on its own: none held.
        theirs = [a for a in alerts(t.events, "storm_chmod")
                  if get(a, "process.pid") == other[0].pid and get(a, "file.path") == self.other]
        self.assertFalse([a for a in theirs if get(a, "vigil.suppressed")])
        self.assertLessEqual(len(theirs), counted + 1)
        self.assertGreaterEqual(len(theirs) + t.lost, counted + 1)
        # The threshold saw its 1000 chmods (a held storm would have shown it 4 a second).
        self.assertTrue([a for a in alerts(t.events, "counted_chmod")
                         if get(a, "process.pid") == other[0].pid])

    def test_failed_open_storm_keeps_distinct_alerts(self):
        self.write_policy(OPEN_POLICY)
        missing = os.path.join(self.dir, "missing")
        with Tracer("run", "--policy", self.policy, "--alerts-only", "--storm-burst", "4") as t:
            procs = start_loops(FAILED_OPEN_LOOP, missing, CALLS)
            pids = {p.pid for p in procs}
            go(procs)
            running = sum(p.poll() is None for p in procs)
            with open(self.other) as f:
                f.read()
            outs = finish(procs)
            time.sleep(1.5)
            t.stop()
        self.assertEqual(t.returncode, 0, t.stderr)
        self.assertEqual([int(o[0]) for o in outs], [CALLS] * LOOPS)
        other = [a for a in alerts(t.events, "other_opened") if get(a, "process.pid") == os.getpid()]
        self.assertEqual(len(other), 1, "the distinct open's alert must arrive "
                         "(storm running when it ran: %d loops)" % running)
        mine = [a for a in alerts(t.events, "storm_open") if get(a, "process.pid") in pids
                and get(a, "file.path") == missing]
        for a in mine:
            self.assertEqual(get(a, "event.outcome"), "failure")
        plain, aggregate = split(mine)
        self.assertEqual({get(a, "process.pid") for a in aggregate}, pids)
        self.assert_storm_counted(t, plain, aggregate, LOOPS * CALLS)

    def test_bind_mount_write_storm_keeps_distinct_alerts(self):
        if not shutil.which("unshare"):
            self.skipTest("no unshare")
        self.write_policy(BIND_POLICY)
        host, target = os.path.join(self.dir, "host"), os.path.join(self.dir, "target")
        for d in (host, target):
            os.mkdir(d)
        for name in ("storm", "other"):
            with open(os.path.join(host, name), "w") as f:
                f.write("x\n")
        storm = os.path.join(target, "storm")
        with Tracer("run", "--policy", self.policy, "--alerts-only", "--storm-burst", "4") as t:
            procs = [subprocess.Popen(IN_BIND_NS + [host, target, sys.executable, "-c",
                                                    WRITE_LOOP, storm, str(CALLS)],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                     for _ in range(LOOPS)]
            for p in procs:
                self.addCleanup(p.kill)
                self.addCleanup(p.wait)
            pids = {p.pid for p in procs}
            go(procs)
            running = sum(p.poll() is None for p in procs)
            # The distinct write: another file, through a bind mount of its own.
            subprocess.run(IN_BIND_NS + [host, target, "sh", "-c", "echo y > %s/other" % target],
                           check=True, timeout=20)
            outs = finish(procs)
            time.sleep(1.5)
            t.stop()
        self.assertEqual(t.returncode, 0, t.stderr)
        self.assertEqual([int(o[0]) for o in outs], [CALLS] * LOOPS)
        with open(os.path.join(host, "other")) as f:
            self.assertEqual(f.read(), "y\n")  # it wrote through the bind mount
        other = alerts(t.events, "other_bind_write")
        self.assertEqual(len(other), 1, "the distinct write's alert must arrive "
                         "(storm running when it ran: %d loops)" % running)
        mine = [a for a in alerts(t.events, "storm_bind_write") if get(a, "process.pid") in pids]
        for a in mine:
            self.assertEqual(get(a, "file.path"), storm)
            self.assertTrue(get(a, "file.mount.bind"))
            self.assertEqual(get(a, "file.mount.source"), host)
        plain, aggregate = split(mine)
        self.assertEqual({get(a, "process.pid") for a in plain}, pids)
        self.assertEqual({get(a, "process.pid") for a in aggregate}, pids)
        self.assert_storm_counted(t, plain, aggregate, LOOPS * CALLS)

    def test_rule_reading_per_event_fields_sees_every_signal(self):
        self.write_policy(TID_POLICY)
        calls = 2000
        with Tracer("run", "--policy", self.policy, "--alerts-only", "--storm-burst", "4") as t:
            procs = start_loops(KILL_LOOP, calls)
            pids = {p.pid for p in procs}
            go(procs)
            outs = finish(procs)
            time.sleep(1)
            t.stop()
        stormed = {int(o[0]) for o in outs}
        mine = [a for a in alerts(t.events, "term_by_thread") if get(a, "process.pid") in pids
                and get(a, "target.process.pid") in stormed]
        self.assertFalse([a for a in mine if get(a, "vigil.suppressed")])
        self.assertLessEqual(len(mine), LOOPS * calls)
        self.assertGreaterEqual(len(mine) + t.lost, LOOPS * calls)

    def test_connect_storm_keeps_distinct_alerts(self):
        storm_srv, storm_port = listener()
        other_srv, other_port = listener()
        calls = 4000
        try:
            with open(self.policy, "w") as f:
                f.write(NET_POLICY.format(storm_port=storm_port, other_port=other_port))
            with Tracer("run", "--policy", self.policy, "--alerts-only",
                        "--storm-burst", "4") as t:
                procs = start_loops(CONNECT_LOOP, storm_port, calls)
                pids = {p.pid for p in procs}
                go(procs)
                running = sum(p.poll() is None for p in procs)
                # The distinct attack: this process connects to another port.
                with socket.create_connection(("127.0.0.1", other_port), timeout=5):
                    pass
                outs = finish(procs)
                time.sleep(1)
                t.stop()
        finally:
            storm_srv.close()
            other_srv.close()
        self.assertEqual(t.returncode, 0, t.stderr)
        connected = sum(int(o[0]) for o in outs)
        self.assertEqual(connected, LOOPS * calls)
        other = [a for a in alerts(t.events, "other_port") if get(a, "process.pid") == os.getpid()]
        self.assertEqual(len(other), 1, "the distinct attack's alert must arrive "
                         "(storm running when it ran: %d loops)" % running)
        mine = [a for a in alerts(t.events, "storm_connect") if get(a, "process.pid") in pids]
        plain, aggregate = split(mine)
        self.assertEqual({get(a, "process.pid") for a in plain}, pids)
        self.assertEqual({get(a, "process.pid") for a in aggregate}, pids)
        for a in aggregate:
            self.assertEqual(get(a, "destination.port"), storm_port)
        self.assert_storm_counted(t, plain, aggregate, connected)
