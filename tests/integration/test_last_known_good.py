"""Last-known-good (issue #16): a policy that proved itself is kept on disk;
after three abnormal exits following a policy change, or when the configured
policy cannot be loaded, the agent starts with the last-known-good one and
says so."""
import os
import signal
import subprocess
import time

from safe_change import SafeChangeCase, rules
from vigil_test import VIGIL, Tracer, alerts, get


class LastKnownGoodTest(SafeChangeCase):
    def setUp(self):
        super().setUp()
        self.state = self.path("state")
        self.pdir = self.path("policy.d")
        os.mkdir(self.pdir, 0o755)
        self.main = os.path.join(self.pdir, "main.yaml")
        self.write(self.main, rules(("good_rule", self.marker, "")))

    def agent(self, window):
        return Tracer("run", "--policy", self.pdir, "--alerts-only", "--canary-window", str(window),
                      "--state-dir", self.state)

    def save_good(self):
        with self.agent(1) as t:
            self.wait_stderr(t, "last-known-good: saved")
        self.assertTrue(os.path.isdir(os.path.join(self.state, "lkg")))

    def start_and_kill(self):
        err = open(self.path("killed.err"), "w+")
        p = subprocess.Popen([VIGIL, "run", "--no-default-policy", "--policy", self.pdir,
                              "--alerts-only", "--json",
                              "--canary-window", "60", "--state-dir", self.state],
                             stdout=subprocess.DEVNULL, stderr=err)
        try:
            deadline = time.time() + 30
            while time.time() < deadline and p.poll() is None:
                err.seek(0)
                if "vigil: ready" in err.read():
                    break
                time.sleep(0.05)
        finally:
            p.send_signal(signal.SIGKILL)
            p.wait()
            err.close()
        self.assertEqual(p.returncode, -signal.SIGKILL)

    def test_crash_loop_starts_with_last_known_good(self):
        self.save_good()
        self.write(self.main, rules(("new_rule", self.marker, "")))
        for _ in range(3):
            self.start_and_kill()
        with self.agent(60) as t:
            text = self.stderr(t)
            self.assertIn("crash loop: 3 abnormal exits within 10 min", text)
            self.assertIn("starting with the last-known-good policy", text)
            self.fires(t, "good_rule", self.marker)
            self.assertEqual(self.count_alerts(t, "new_rule"), 0)

    def test_two_crashes_are_not_a_loop(self):
        self.save_good()
        self.write(self.main, rules(("new_rule", self.marker, "")))
        for _ in range(2):
            self.start_and_kill()
        with self.agent(60) as t:
            self.assertNotIn("last-known-good policy", self.stderr(t))
            self.fires(t, "new_rule", self.marker)

    def test_unloadable_policy_starts_with_last_known_good(self):
        self.save_good()
        self.write(self.main, "rules: [\n")
        with self.agent(60) as t:
            self.assertIn("the configured policy cannot be loaded: starting with the last-known-good",
                          self.stderr(t))
            self.fires(t, "good_rule", self.marker)


class LastKnownGoodOnDefaultTest(SafeChangeCase):
    """The last-known-good store keeps the merged policy whole: the built-in
    default's text with the tuning files on top (docs/policy.md)."""

    def test_fallback_restores_the_default_and_its_tuning(self):
        state, pdir = self.path("state"), self.path("policy.d")
        os.mkdir(pdir, 0o755)
        main = os.path.join(pdir, "main.yaml")
        self.write(main, "rules:\n  - override: exec_from_writable_dir\n    exceptions:\n"
                         "      - {name: marker, fields: [process.executable.path], values: [[%s]]}\n"
                         % self.marker)
        other = self.program("other")

        def agent(window):
            return Tracer("run", "--policy", pdir, "--alerts-only", "--canary-window", str(window),
                          "--state-dir", state, default_policy=True)

        with agent(1) as t:
            self.wait_stderr(t, "last-known-good: saved")
        stored = sorted(os.listdir(os.path.join(state, "lkg")))
        self.assertIn("0000-default.yaml", stored)
        self.write(main, "rules: [\n")
        with agent(60) as t:
            self.assertIn("starting with the last-known-good", self.stderr(t))
            subprocess.run([self.marker])
            self.fires(t, "exec_from_writable_dir", other)    # the default's rule
            t.stop(settle=1.0)
        paths = [get(a, "process.executable.path") for a in alerts(t.events, "exec_from_writable_dir")]
        self.assertIn(other, paths)
        self.assertNotIn(self.marker, paths, "the tuning file's exception came back too")
