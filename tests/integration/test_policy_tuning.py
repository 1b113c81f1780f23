"""A user's policy file tunes the built-in default instead of replacing it
(docs/policy.md, "Tuning the default"): the real agent runs the default
plus a file that disables one rule and adds an exception to another. The
disabled rule stays silent, the excepted case is silent, the same technique
by another program still alerts, and an untouched default rule still
alerts. A program merely named dpkg is not a package manager."""
import os
import shutil
import subprocess
import tempfile

from vigil_test import VIGIL, DeniedFileCase, Tracer, VigilTestCase, alerts, get

TUNING = """\
rules:
  - override: exec_from_writable_dir
    enabled: false
  - override: read_credentials
    exceptions:
      - name: our_backup_reader
        fields: [process.executable.path]
        values: [[{allowed}]]
"""


class PolicyTuningTest(VigilTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="vg-tune-", dir="/tmp")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.prog = {}
        for name in ("vg-allowed-reader", "vg-other-reader", "dpkg"):
            self.prog[name] = os.path.join(self.dir, name)
            shutil.copy("/bin/cat", self.prog[name])
            os.chmod(self.prog[name], 0o755)
        self.policy = os.path.join(self.dir, "tune.yaml")
        with open(self.policy, "w") as f:
            f.write(TUNING.format(allowed=self.prog["vg-allowed-reader"]))
        self.suid = os.path.join(self.dir, "vg-suid-target")
        with open(self.suid, "w") as f:
            f.write("x\n")

    def read_shadow(self, name):
        subprocess.run([self.prog[name], "/etc/shadow"], stdout=subprocess.DEVNULL, check=True,
                       timeout=10)

    def mine(self, events, rule):
        return [a for a in alerts(events, rule)
                if (get(a, "process.executable.path") or "").startswith(self.dir + "/")
                or (get(a, "file.path") or "").startswith(self.dir + "/")]

    def test_default_plus_a_tuning_file(self):
        with Tracer("run", "--policy", self.policy, "--alerts-only", default_policy=True) as t:
            self.read_shadow("vg-allowed-reader")     # excepted by its executable
            self.read_shadow("vg-other-reader")       # the same technique: alerts
            self.read_shadow("dpkg")                  # named dpkg, not under one: alerts
            subprocess.run(["chmod", "u+s", self.suid], check=True)   # untouched default rule
            merged = subprocess.run([VIGIL, "policy", "show", "--merged", "--socket", t.socket],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    timeout=60)
            t.stop(settle=1.5)
        creds = self.mine(t.events, "read_credentials")
        readers = sorted(get(a, "process.executable.path") for a in creds)
        self.assertEqual(readers, [self.prog["dpkg"], self.prog["vg-other-reader"]],
                         "read_credentials alerts: %s" % creds)
        self.assertEqual(self.mine(t.events, "exec_from_writable_dir"), [],
                         "the disabled rule stays silent")
        self.assertTrue(self.mine(t.events, "setuid_bit_set"),
                        "the default policy is still loaded under the file")
        # The running agent's merged policy says what the file changed, and where.
        self.assertEqual(merged.returncode, 0, merged.stderr)
        text = merged.stdout
        i = text.index('- name: "exec_from_writable_dir"')
        head = text[text.rindex("\n  # ", 0, i):i]
        self.assertIn("enabled at %s:2:15" % self.policy, head)
        self.assertIn("enabled: false", text[i:text.index("\n  # ", i)])
        i = text.index('- name: "read_credentials"')
        self.assertIn('- name: "our_backup_reader"', text[i:text.index("\n  # ", i)])

    def test_check_and_show_predict_the_agent(self):
        res = subprocess.run([VIGIL, "policy", "check", self.policy], stderr=subprocess.PIPE,
                             text=True, timeout=60)
        self.assertEqual(res.returncode, 0, res.stderr)
        base = subprocess.run([VIGIL, "policy", "check"], stderr=subprocess.PIPE, text=True,
                              timeout=60)
        # one rule fewer enabled: the disabled one
        n = int(res.stderr.split("policy ok: ")[1].split()[0])
        n_base = int(base.stderr.split("policy ok: ")[1].split()[0])
        self.assertEqual(n, n_base - 1)
        # alone, the file changes rules that do not exist
        res = subprocess.run([VIGIL, "policy", "check", "--no-default-policy", self.policy],
                             stderr=subprocess.PIPE, text=True, timeout=60)
        self.assertEqual(res.returncode, 1)
        self.assertIn("%s:2:15: error: cannot change undefined rule 'exec_from_writable_dir'"
                      % self.policy, res.stderr)
        res = subprocess.run([VIGIL, "run", "--no-default-policy", "--policy", self.policy,
                              "--state-dir", os.path.join(self.dir, "state")],
                             stderr=subprocess.PIPE, text=True, timeout=60)
        self.assertEqual(res.returncode, 1)
        self.assertIn("cannot change undefined rule", res.stderr)


class ExceptedDenyTest(DeniedFileCase):
    """A deny rule fanotify enforces by path alone cannot take an exception:
    the agent would have to decide it in user space, where an open cannot be
    stopped, so the rule would silently stop denying. vigil run refuses it
    with the exception's place, and the running rule still denies."""

    def test_deny_with_an_exception_is_refused(self):
        tuning = os.path.join(self.dir, "tune.yaml")
        with open(tuning, "w") as f:
            f.write("rules:\n  - override: no_secret\n    exceptions:\n"
                    "      - {name: reader, fields: [process.name], values: [[cat]]}\n")
        res = subprocess.run([VIGIL, "run", "--no-default-policy", "--policy", self.policy,
                              "--policy", tuning, "--state-dir", os.path.join(self.dir, "state")],
                             stderr=subprocess.PIPE, text=True, timeout=60)
        self.assertEqual(res.returncode, 1)
        self.assertIn("%s:4:9: error: rule 'no_secret': with exception 'reader' its deny could "
                      "no longer be enforced" % tuning, res.stderr)
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            rc, out, pid, _ = self.cat()
            t.stop(settle=0.5)
        self.assertNotEqual(rc, 0)
        self.assertEqual(out, b"")
