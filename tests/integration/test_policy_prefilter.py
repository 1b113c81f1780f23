"""The policy's in-kernel pre-filter on the acting process: effective uid,
executable and cgroup. Records no rule can match must stay in the kernel
(the file sensor's own "sent" counter proves it), and the ones a rule wants
must still alert."""
import os
import re
import shutil
import subprocess
import tempfile
import time

from vigil_test import Tracer, VigilTestCase, alerts, free_port, get, scrape

USER = 4242
SENT_RE = r"sensor file: (\d+) sent, (\d+) filtered in kernel"


def as_user(uid):
    def drop():
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    return drop


def file_counts(stderr):
    m = re.search(SENT_RE, stderr)
    if not m:
        raise AssertionError("no file sensor counters in: " + stderr)
    return int(m.group(1)), int(m.group(2))


def file_sensor_metrics(port):
    """{'truncated': n, ...}: the file sensor's kernel counters from /metrics."""
    text = scrape(port)[1]
    return {name: int(value) for name, value in
            re.findall(r'^vigil_sensor_(\w+)_total\{sensor="file"\} (\d+)$', text, re.M)}


def tail(stderr):
    """The agent's last words, for a failure message."""
    return "\n" + "\n".join(stderr.splitlines()[-12:])



class PrefilterTest(VigilTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="vg-pf-", dir="/tmp")
        os.chmod(self.dir, 0o755)
        self.data = os.path.join(self.dir, "data")
        with open(self.data, "w") as f:
            f.write("x\n")
        os.chmod(self.data, 0o644)
        self.mycat = os.path.join(self.dir, "mycat")
        shutil.copy("/usr/bin/cat", self.mycat)
        self.mysh = os.path.join(self.dir, "mysh")
        shutil.copy("/usr/bin/dash", self.mysh)
        self.policy = os.path.join(self.dir, "policy.yaml")
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def write_policy(self, cond):
        tmp = self.policy + ".tmp"
        with open(tmp, "w") as f:
            f.write("rules:\n  - name: watched_open\n    event: open\n"
                    "    condition: file.path startswith %s/ and %s\n"
                    "    output: \"{process.user.id} {process.executable.path}\"\n"
                    % (self.dir, cond))
        os.rename(tmp, self.policy)

    def run_cmd(self, argv, uid=None):
        subprocess.run(argv, stdout=subprocess.DEVNULL, check=True, timeout=10,
                       preexec_fn=as_user(uid) if uid is not None else None)

    def test_uid_and_executable_filter_in_the_kernel(self):
        self.write_policy("process.user.id = %d and process.executable.path in (%s, /usr/bin/cat)"
                          % (USER, self.mycat))
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            for _ in range(50):
                self.run_cmd(["cat", self.data])            # root: uid filtered out
            self.run_cmd([self.mycat, self.data])           # root: uid filtered out
            self.run_cmd(["head", "-c1", self.data], USER)  # right uid, other executable
            self.run_cmd(["cat", self.data], USER)          # wanted
            self.run_cmd([self.mycat, self.data], USER)     # wanted
            t.stop()
        got = alerts(t.events, "watched_open")
        self.assertEqual(sorted(a["message"] for a in got),
                         sorted(["%d /usr/bin/cat" % USER, "%d %s" % (USER, self.mycat)]))
        sent, filtered = file_counts(t.stderr)
        self.assertEqual(sent, 2, "only the two wanted opens leave the kernel" + tail(t.stderr))
        self.assertGreaterEqual(filtered, 52)

    def test_processes_older_than_the_agent_are_filtered_by_executable(self):
        self.write_policy("process.executable.path = %s" % self.mysh)
        script = ("read go; : < %s; ( : < %s ); : < %s" % (self.data, self.data, self.data))
        mine = subprocess.Popen([self.mysh, "-c", script], stdin=subprocess.PIPE)
        other = subprocess.Popen(["/usr/bin/dash", "-c", script], stdin=subprocess.PIPE)
        self.procs += [mine, other]
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            for p in (mine, other):
                p.stdin.write(b"go\n")
                p.stdin.close()
                self.assertEqual(p.wait(timeout=10), 0)
            t.stop()
        got = alerts(t.events, "watched_open")
        self.assertEqual(len(got), 3, "three opens by mysh, one of them in a forked subshell")
        self.assertEqual({get(a, "process.executable.path") for a in got}, {self.mysh})
        sent, filtered = file_counts(t.stderr)
        self.assertEqual(sent, 3, "dash's three opens stay in the kernel" + tail(t.stderr))
        self.assertGreaterEqual(filtered, 3)

    def test_reload_moves_the_filter(self):
        self.write_policy("process.executable.path = %s" % self.mycat)
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            self.run_cmd([self.mycat, self.data])
            self.run_cmd(["head", "-c1", self.data])
            # No SIGHUP: the agent watches its policy file. (A second reload
            # would switch the filter off for a moment, and send more.)
            self.write_policy("process.executable.path = /usr/bin/head")
            deadline = time.time() + 10
            while "policy reloaded" not in open(t._err.name).read():
                self.assertLess(time.time(), deadline, "no reload")
                time.sleep(0.05)
            self.run_cmd([self.mycat, self.data])
            self.run_cmd(["head", "-c1", self.data])
            t.stop()
        got = [get(a, "process.executable.path") for a in alerts(t.events, "watched_open")]
        self.assertEqual(got, [self.mycat, "/usr/bin/head"])
        # Writing the agent's policy file is news whoever does it (issue #16):
        # the temporary file's open and its rename over the policy.
        own = alerts(t.events, "vigil_self_files")
        self.assertEqual(sorted(get(a, "event.action") for a in own), ["open", "rename"])
        sent, _ = file_counts(t.stderr)
        self.assertEqual(sent, 2 + len(own), "head before the reload and mycat after it stay in "
                         "the kernel" + tail(t.stderr))

    def test_cgroup_filter(self):
        root = next((c for c in ("/sys/fs/cgroup/unified", "/sys/fs/cgroup")
                     if os.path.exists(os.path.join(c, "cgroup.threads"))), None)
        self.assertIsNotNone(root, "no cgroup v2 hierarchy")
        cg = tempfile.mkdtemp(prefix="vg-pf-", dir=root)
        cgid = os.stat(cg).st_ino
        try:
            self.write_policy("process.cgroup.id = %d" % cgid)
            with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
                for _ in range(20):
                    self.run_cmd(["cat", self.data])
                self.run_cmd(["sh", "-c", "echo $$ > %s/cgroup.procs && exec cat %s"
                              % (cg, self.data)])
                t.stop()
        finally:
            os.rmdir(cg)
        got = alerts(t.events, "watched_open")
        self.assertEqual(len(got), 1)
        self.assertEqual(get(got[0], "process.cgroup.id"), cgid)
        sent, filtered = file_counts(t.stderr)
        self.assertEqual(sent, 1, tail(t.stderr))
        self.assertGreaterEqual(filtered, 20)

    def test_rejected_opens_cost_no_string_copy(self):
        """The uid filter is asked at hook entry: a rejected open never has
        its path read, so a name too long to copy whole is never cut. The
        same open by the wanted uid is read and cut twice (the path joined
        in the kernel and the requested string): the counters would show
        the rejected ones too if the filter judged the finished record."""
        self.write_policy("process.user.id = %d" % USER)
        long_path = os.path.join(self.dir, "/".join(["d" * 200] * 25))
        rejected = 50
        port = free_port()
        with Tracer("run", "--policy", self.policy, "--alerts-only",
                    "--metrics", str(port)) as t:
            for _ in range(rejected):                   # root: uid filtered out
                with self.assertRaises(OSError):
                    os.open(long_path, os.O_RDONLY)
            subprocess.run(["cat", long_path], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=10, preexec_fn=as_user(USER))
            time.sleep(0.3)
            counters = file_sensor_metrics(port)
            t.stop()
        self.assertEqual(len(alerts(t.events, "watched_open")), 1, tail(t.stderr))
        sent, filtered = file_counts(t.stderr)
        self.assertEqual(sent, 1, "only the wanted uid's open leaves the kernel" + tail(t.stderr))
        self.assertGreaterEqual(filtered, rejected)
        self.assertEqual(counters.get("truncated"), 2,
                         "the wanted open is cut twice, the %d rejected ones never: %r"
                         % (rejected, counters))
        self.assertEqual(counters.get("read_failures"), 0, repr(counters))
