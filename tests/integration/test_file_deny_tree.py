"""fanotify deny on a path prefix: any depth, directories created or moved in
after the agent started, byte prefixes, exec rules, audit mode, reload."""
import errno
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

from vigil_test import Tracer, VigilTestCase, alerts, helper

OPEN_POLICY = """
rules:
  - name: {name}
    event: open
    condition: file.path startswith {prefix}
    severity: high
    action: deny
    mode: {mode}
"""

EXEC_POLICY = """
rules:
  - name: no_exec_in_bin
    event: exec
    condition: process.executable.path startswith {prefix}
    severity: high
    action: deny
"""

# How long a test gives the guard to mark a directory that just appeared. The
# window is the documented race (inotify event -> mark); tests stay outside it.
MARK_SETTLE_S = 0.3



def write(path, data=b"data\n"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def fan_marks(pid):
    """Inode marks of vigil's fanotify permission group, from fdinfo."""
    fd_dir = "/proc/%d/fd" % pid
    for fd in os.listdir(fd_dir):
        try:
            if os.readlink(os.path.join(fd_dir, fd)) != "anon_inode:[fanotify]":
                continue
            with open("/proc/%d/fdinfo/%s" % (pid, fd)) as f:
                info = f.read()
        except OSError:
            continue
        return sum(1 for line in info.splitlines() if line.startswith("fanotify ino:"))
    return 0


class FileDenyTreeTest(VigilTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="vg-denytree-", dir="/tmp")
        self.secret = os.path.join(self.dir, "secret")
        self.deep = os.path.join(self.secret, "a", "b", "key")      # 3 levels under secret/
        self.outside = os.path.join(self.dir, "outside", "key")
        self.near = os.path.join(self.dir, "secretive", "key")      # shares the bytes, not the dir
        for p in (self.deep, self.outside, self.near):
            write(p)
        self.policy = os.path.join(self.dir, "policy.yaml")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write_policy(self, text):
        tmp = self.policy + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.rename(tmp, self.policy)

    def cat(self, path):
        return subprocess.run(["cat", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=10)

    def assert_denied(self, path):
        res = self.cat(path)
        self.assertNotEqual(res.returncode, 0, path + " was readable")
        self.assertIn(b"Operation not permitted", res.stderr)

    def assert_readable(self, path, data=b"data\n"):
        res = self.cat(path)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertEqual(res.stdout, data)

    def test_prefix_denies_at_any_depth_and_in_new_directories(self):
        self.write_policy(OPEN_POLICY.format(name="no_secret", prefix=self.secret + "/",
                                             mode="enforce"))
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            self.assert_denied(self.deep)
            # A directory created after the agent started, then a file in it
            # (mknod: creating it with open() would itself be denied).
            fresh = os.path.join(self.secret, "new", "newer")
            os.makedirs(fresh)
            time.sleep(MARK_SETTLE_S)
            later = os.path.join(fresh, "key")
            os.mknod(later, 0o644)
            with self.assertRaises(PermissionError) as cm:
                open(later, "rb")
            self.assertEqual(cm.exception.errno, errno.EPERM)
            self.assert_denied(later)
            # A tree built elsewhere, then moved in whole.
            staged = os.path.join(self.dir, "staging", "m1", "m2", "key")
            write(staged)
            os.rename(os.path.join(self.dir, "staging", "m1"), os.path.join(self.secret, "m1"))
            time.sleep(MARK_SETTLE_S)
            moved = os.path.join(self.secret, "m1", "m2", "key")
            self.assert_denied(moved)
            # Outside the prefix stays readable, even with the same leading bytes.
            self.assert_readable(self.outside)
            self.assert_readable(self.near)
            t.stop(settle=0.5)
        got = alerts(t.events, "no_secret")
        paths = {a["file"]["path"] for a in got}
        self.assertIn(self.deep, paths)
        self.assertIn(later, paths)
        self.assertIn(moved, paths)
        self.assertFalse({self.outside, self.near} & paths)
        self.assertEqual({a["alert"]["outcome"] for a in got}, {"denied"})
        # The exit summary counts the watchdog's answers (the "never hang" metric).
        self.assertRegex(t.stderr, r"\d+ allowed by the watchdog")
        # No mark outlives the agent.
        self.assert_readable(self.deep)

    def test_prefix_in_audit_mode_lets_it_through_and_says_would_have(self):
        self.write_policy(OPEN_POLICY.format(name="no_secret", prefix=self.secret + "/",
                                             mode="audit"))
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            self.assert_readable(self.deep)
            fresh = os.path.join(self.secret, "new")
            os.makedirs(fresh)
            time.sleep(MARK_SETTLE_S)
            later = os.path.join(fresh, "key")
            write(later)
            self.assert_readable(later)
            self.assert_readable(self.outside)
            t.stop(settle=0.5)
        got = alerts(t.events, "no_secret")
        paths = {a["file"]["path"] for a in got}
        self.assertIn(self.deep, paths)
        self.assertIn(later, paths)
        self.assertNotIn(self.outside, paths)
        self.assertEqual({a["alert"]["outcome"] for a in got}, {"would have denied"})
        # The guard itself decided (the file sensor's events alert in audit mode too).
        m = re.search(r"fanotify guard: \d+ permission events, 0 denied, (\d+) would deny",
                      t.stderr)
        self.assertIsNotNone(m, t.stderr)
        self.assertGreaterEqual(int(m.group(1)), 2)

    def test_prefix_directory_made_later_renamed_inside_and_moved_out(self):
        later = os.path.join(self.dir, "later")
        self.write_policy(OPEN_POLICY.format(name="no_later", prefix=later + "/",
                                             mode="enforce"))
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            # The prefix's directory does not exist when the rule loads.
            os.makedirs(os.path.join(later, "a"))
            time.sleep(MARK_SETTLE_S)
            first = os.path.join(later, "a", "key")
            os.mknod(first, 0o644)
            self.assert_denied(first)
            # Renamed inside the prefix: a directory made under its new name.
            os.rename(os.path.join(later, "a"), os.path.join(later, "z"))
            os.mkdir(os.path.join(later, "z", "n"))
            time.sleep(MARK_SETTLE_S)
            renamed = os.path.join(later, "z", "n", "key")
            os.mknod(renamed, 0o644)
            self.assert_denied(renamed)
            # Moved out of the prefix: readable again.
            out = os.path.join(self.dir, "out")
            os.rename(os.path.join(later, "z"), out)
            time.sleep(MARK_SETTLE_S)
            self.assert_readable(os.path.join(out, "n", "key"), b"")
            # Removed and made again.
            shutil.rmtree(later)
            os.makedirs(os.path.join(later, "b"))
            time.sleep(MARK_SETTLE_S)
            again = os.path.join(later, "b", "key")
            os.mknod(again, 0o644)
            self.assert_denied(again)
            t.stop(settle=0.5)
        paths = {a["file"]["path"] for a in alerts(t.events, "no_later")}
        self.assertEqual(paths, {first, renamed, again})

    def test_byte_prefix_not_ending_in_slash(self):
        # /dir/cron matches /dir/crontab and /dir/cron.d/x, not /dir/other.
        crontab = os.path.join(self.dir, "crontab")
        crond = os.path.join(self.dir, "cron.d", "x")
        write(crontab)
        write(crond)
        self.write_policy(OPEN_POLICY.format(name="no_cron", prefix=os.path.join(self.dir, "cron"),
                                             mode="enforce"))
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            self.assert_denied(crontab)
            self.assert_denied(crond)
            # A matching directory made later, a file two levels inside it.
            os.makedirs(os.path.join(self.dir, "cron.weekly", "sub"))
            time.sleep(MARK_SETTLE_S)
            weekly = os.path.join(self.dir, "cron.weekly", "sub", "job")
            os.mknod(weekly, 0o644)
            self.assert_denied(weekly)
            self.assert_readable(self.outside)
            self.assert_readable(self.deep)
            t.stop(settle=0.5)
        paths = {a["file"]["path"] for a in alerts(t.events, "no_cron")}
        self.assertEqual(paths, {crontab, crond, weekly})

    def test_exec_deny_on_prefix_two_levels_deep(self):
        bindir = os.path.join(self.dir, "bin")
        prog = os.path.join(bindir, "x", "y", "prog")
        os.makedirs(os.path.dirname(prog))
        self.write_policy(EXEC_POLICY.format(prefix=bindir + "/"))
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            # Copied in while the rule is live: writing and reading the binary
            # are opens, not executions, and stay allowed.
            shutil.copy(helper("first_write"), prog)
            os.chmod(prog, 0o755)
            with open(prog, "rb") as f:
                self.assertGreater(len(f.read()), 0)
            with self.assertRaises(PermissionError) as cm:
                subprocess.run([prog], stdout=subprocess.PIPE, timeout=10)
            self.assertEqual(cm.exception.errno, errno.EPERM)
            t.stop(settle=0.5)
        got = alerts(t.events, "no_exec_in_bin")
        self.assertEqual(len(got), 1, got)
        ev = got[0]
        self.assertEqual(ev["process"]["executable"]["path"], prog)
        self.assertEqual(ev["event"]["action"], "exec")
        self.assertEqual(got[0]["alert"]["outcome"], "denied")
        self.assertEqual(got[0]["alert"]["action_by"], "fanotify")
        # The engine's alert: the rule's severity and the caller's context.
        self.assertEqual(got[0]["rule"]["severity"], "high")
        # The caller is the forked child that tried to exec, a child of this test.
        self.assertEqual(ev["process"]["parent"]["pid"], os.getpid())
        self.assertTrue(ev["process"]["ancestors"], "ancestry of the caller")

    def test_reload_moves_the_marks(self):
        self.write_policy(OPEN_POLICY.format(name="no_secret", prefix=self.secret + "/",
                                             mode="enforce"))
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            self.assert_denied(self.deep)
            before = fan_marks(t.proc.pid)
            # secret/, a/, b/ and the parent watching for secret/ itself.
            self.assertGreaterEqual(before, 3)
            self.write_policy(OPEN_POLICY.format(name="no_outside",
                                                 prefix=os.path.dirname(self.outside) + "/",
                                                 mode="enforce"))
            t.proc.send_signal(signal.SIGHUP)
            deadline = time.time() + 10
            while self.cat(self.outside).returncode == 0 and time.time() < deadline:
                time.sleep(0.05)
            self.assert_denied(self.outside)
            self.assert_readable(self.deep)
            # secret/a/b no longer carry marks: only outside/ (and its parent) do.
            self.assertLess(fan_marks(t.proc.pid), before)
            t.stop(settle=0.5)
        self.assertIn("policy reloaded", t.stderr)

    def test_too_many_directories_warns_with_prefix_and_count(self):
        big = os.path.join(self.dir, "big")
        for i in range(130):
            for k in range(130):
                os.makedirs(os.path.join(big, "d%d" % i, "e%d" % k))
        self.write_policy(OPEN_POLICY.format(name="no_big", prefix=big + "/", mode="enforce"))
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            t.stop(settle=0.2)
        self.assertIn("deny prefix '%s/': more than " % big, t.stderr)
        self.assertRegex(t.stderr, r"more than \d+ directories, marked \d+")
