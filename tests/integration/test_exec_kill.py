"""In-kernel kill at exec: the process dies before its first instruction."""
import os
import shutil
import signal
import subprocess
import tempfile

from vigil_test import Tracer, VigilTestCase, get, helper, kind


class ExecKillTest(VigilTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="vg-kill-", dir="/tmp")
        self.victim = os.path.join(self.dir, "victim")
        shutil.copy(helper("first_write"), self.victim)
        os.chmod(self.victim, 0o755)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_victim(self):
        return subprocess.run([self.victim], stdout=subprocess.PIPE, timeout=10)

    def test_kill_by_prefix_before_first_instruction(self):
        with Tracer("trace", "exec", "--kill-exe", self.dir + "/*") as t:
            res = self.run_victim()
            # Outside the prefix the same binary runs normally.
            ok = subprocess.run([helper("first_write")], stdout=subprocess.PIPE, timeout=10)
            t.stop()
        self.assertEqual(res.stdout, b"", "the victim must not run a single instruction")
        self.assertEqual(res.returncode, -signal.SIGKILL)
        self.assertEqual(ok.stdout, b"alive\n")
        ev = [e for e in t.events if kind(e) == "exec" and get(e, "process.executable.path") == self.victim]
        self.assertEqual(len(ev), 1)
        self.assertEqual(get(ev[0], "vigil.kernel_action"), "killed")
        self.assertIsInstance(get(ev[0], "vigil.kernel_rule_id"), int)
        ex = [e for e in t.events if kind(e) == "exit" and get(e, "process.pid") == get(ev[0], "process.pid")]
        self.assertEqual(get(ex[0], "process.exit.signal"), signal.SIGKILL)

    def test_exact_path_does_not_match_longer_name(self):
        longer = self.victim + "2"
        shutil.copy(self.victim, longer)
        with Tracer("trace", "exec", "--kill-exe", self.victim) as t:
            killed = self.run_victim()
            spared = subprocess.run([longer], stdout=subprocess.PIPE, timeout=10)
            t.stop()
        self.assertEqual(killed.returncode, -signal.SIGKILL)
        self.assertEqual(spared.stdout, b"alive\n")

    def test_audit_mode_reports_would_kill(self):
        with Tracer("trace", "exec", "--kill-exe", self.dir + "/*", "--audit") as t:
            res = self.run_victim()
            t.stop()
        self.assertEqual(res.stdout, b"alive\n")
        self.assertEqual(res.returncode, 0)
        ev = [e for e in t.events if kind(e) == "exec" and get(e, "process.executable.path") == self.victim]
        self.assertEqual(get(ev[0], "vigil.kernel_action"), "would_kill")

    def test_relative_kill_path_is_refused(self):
        from vigil_test import VIGIL
        res = subprocess.run([VIGIL, "trace", "exec", "--kill-exe", "tmp/x"], stderr=subprocess.PIPE)
        self.assertEqual(res.returncode, 1)
        self.assertIn("need an absolute path", res.stderr.decode())
