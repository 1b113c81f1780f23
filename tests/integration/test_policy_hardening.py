"""A policy can never take the running agent down (issue #15): hostile files
dropped into its policy directory are refused and the running rules keep
alerting; policy files someone other than root could have written are
refused at start and on reload; only policy files trigger a reload."""
import os
import shutil
import subprocess
import sys
import tempfile
import time

from vigil_test import VIGIL, Tracer, VigilTestCase, alerts

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GEN = os.path.join(ROOT, "bench", "policy_gen.py")
NOBODY = 65534

MARKER_POLICY = """
lists:
  marked: [{marker}]
rules:
  - name: marker_exec
    event: exec
    condition: process.executable.path in marked
    output: "marker ran as {{process.pid}}"
"""


def as_nobody():
    os.setgid(NOBODY)
    os.setuid(NOBODY)


class PolicyHardeningTest(VigilTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="vg-harden-", dir="/tmp")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.pdir = os.path.join(self.dir, "policy.d")
        os.mkdir(self.pdir, 0o755)
        os.chmod(self.dir, 0o755)   # nobody must reach policy.d in the takeover test
        self.marker = os.path.join(self.dir, "marker")
        shutil.copy("/bin/true", self.marker)
        self.main = os.path.join(self.pdir, "main.yaml")
        self.write(self.main, MARKER_POLICY.format(marker=self.marker))

    def write(self, path, text):
        tmp = os.path.join(os.path.dirname(path), ".tmp-write")
        with open(tmp, "wb") as f:
            f.write(text if isinstance(text, bytes) else text.encode())
        os.chmod(tmp, 0o644)
        os.rename(tmp, path)

    def stderr(self, t):
        with open(t._err.name, errors="replace") as f:
            return f.read()

    def wait_stderr(self, t, text, count=1, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.stderr(t).count(text) >= count:
                return
            self.assertIsNone(t.proc.poll(), "the agent died: " + self.stderr(t)[-2000:])
            time.sleep(0.05)
        self.fail("no %d x %r on vigil's stderr:\n%s" % (count, text, self.stderr(t)[-2000:]))

    def gen(self, shape, n):
        return subprocess.run([sys.executable, GEN, shape, str(n)], check=True,
                              stdout=subprocess.PIPE).stdout

    # ---- hostile content, dropped into a running agent's directory ----
    def test_hostile_files_in_the_policy_directory_leave_the_agent_enforcing(self):
        hostile = [("parens.yaml", self.gen("parens", 40000), "longer than 65536 bytes"),
                   ("lists.yaml", self.gen("list_tree", 24), "expands to more than 1048576 values"),
                   ("macros.yaml", self.gen("macro_tree", 24), "expands to more than 16384 terms"),
                   ("chain.yaml", self.gen("macro_chain", 40), "macros nest deeper than 32")]
        with Tracer("run", "--policy", self.pdir, "--alerts-only") as t:
            for i, (name, text, why) in enumerate(hostile):
                path = os.path.join(self.pdir, name)
                self.write(path, text)
                self.wait_stderr(t, "policy reload failed", i + 1)
                self.assertIn(why, self.stderr(t).splitlines()[-1])
                os.unlink(path)
                self.wait_stderr(t, "policy reloaded", i + 1)
                subprocess.run([self.marker], check=True)
            t.stop(settle=1.0)
        self.assertEqual(t.returncode, 0, t.stderr[-2000:])
        self.assertEqual(len(alerts(t.events, "marker_exec")), len(hostile),
                         "every marker run alerted: the rules never went away")

    # ---- ownership: like sshd's StrictModes ----
    def test_world_writable_policy_directory_is_refused_at_start(self):
        os.chmod(self.pdir, 0o777)
        # An empty state dir: no last-known-good policy to fall back to.
        res = subprocess.run([VIGIL, "run", "--policy", self.pdir,
                              "--state-dir", os.path.join(self.dir, "state")], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, timeout=60)
        self.assertEqual(res.returncode, 1, res.stderr)
        self.assertIn("%s: error: refused: %s is writable by everyone (mode 0777" %
                      (self.pdir, self.pdir), res.stderr)

    def test_policy_file_owned_by_another_user_is_refused_at_start(self):
        os.chown(self.main, NOBODY, NOBODY)
        res = subprocess.run([VIGIL, "run", "--policy", self.main,
                              "--state-dir", os.path.join(self.dir, "state")], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, timeout=60)
        self.assertEqual(res.returncode, 1, res.stderr)
        self.assertIn("refused: %s is owned by uid %d, not root" % (self.main, NOBODY),
                      res.stderr)

    def test_group_writable_policy_file_is_refused_at_start(self):
        os.chmod(self.main, 0o664)
        res = subprocess.run([VIGIL, "policy", "check", self.main], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, timeout=60)
        self.assertEqual(res.returncode, 1, res.stderr)
        self.assertIn("is writable by its group (mode 0664", res.stderr)

    def test_unprivileged_user_cannot_switch_the_rules_off(self):
        with Tracer("run", "--policy", self.pdir, "--alerts-only") as t:
            os.chmod(self.pdir, 0o777)   # an administrator's mistake
            # nobody moves root's file away and puts an empty policy in its place.
            attack = 'mv "$1" "$1.old" && printf "rules: []\\n" > "$1"'
            subprocess.run(["/bin/sh", "-c", attack, "sh", self.main], preexec_fn=as_nobody,
                           check=True)
            self.assertEqual(os.stat(self.main).st_uid, NOBODY)
            self.wait_stderr(t, "policy reload failed")
            self.assertIn("refused: %s is writable by everyone" % self.pdir, self.stderr(t))
            subprocess.run([self.marker], check=True)
            t.stop(settle=1.0)
        self.assertEqual(len(alerts(t.events, "marker_exec")), 1, "the rules still act")
        self.assertNotIn("policy reloaded", t.stderr)

    # ---- only policy files reload ----
    def test_unrelated_files_do_not_reload(self):
        with Tracer("run", "--policy", self.pdir, "--alerts-only") as t:
            for name in ("notes.txt", ".main.yaml.swp", "main.yaml~", "4913"):
                self.write(os.path.join(self.pdir, name), "rules: [broken\n")
            time.sleep(1.5)
            self.assertNotIn("policy reload", self.stderr(t))
            # A real change does reload: the test can see one.
            self.write(self.main, MARKER_POLICY.format(marker=self.marker) + "\n")
            self.wait_stderr(t, "policy reloaded")
            t.stop()
        self.assertEqual(t.stderr.count("policy reload"), 1, t.stderr[-2000:])

    def test_single_file_policy_ignores_its_neighbours(self):
        with Tracer("run", "--policy", self.main, "--alerts-only") as t:
            self.write(os.path.join(self.pdir, "other.yaml"), "rules: [broken\n")
            time.sleep(1.5)
            self.assertNotIn("policy reload", self.stderr(t))
            self.write(self.main, MARKER_POLICY.format(marker=self.marker) + "\n")
            self.wait_stderr(t, "policy reloaded")
            t.stop()
