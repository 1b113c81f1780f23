"""Signed policy bundles (issue #16): `vigil run --trusted-keys` refuses an
unsigned, wrongly signed, tampered or downgraded bundle with one line and
keeps enforcing the running one; keys and bundles must be root-owned; a
bundle's rollout percentage picks hosts by a stable hash of the host id."""
import os
import re
import signal
import subprocess

from safe_change import SafeChangeCase, rules
from vigil_test import Tracer, alerts, get

NOBODY = 65534


class SignedPolicyTest(SafeChangeCase):
    def run_agent(self, *extra):
        return Tracer("run", "--policy", self.bundle, "--trusted-keys", self.keys,
                      "--alerts-only", *extra)

    def base(self, *more):
        return rules(("base", self.marker, ""), *more)

    def test_refused_bundles_leave_the_running_policy(self):
        self.sign(self.base(), 5)
        second = self.program("second")
        newer = self.base(("second_rule", second, ""))
        cases = [
            ("unsigned", lambda: (self.sign(newer, 6), os.unlink(os.path.join(self.bundle, "manifest.sig"))),
             "unsigned: no manifest.sig"),
            ("wrong key", lambda: self.sign(newer, 6, key="other"), "not signed by a trusted key"),
            ("tampered", lambda: (self.sign(newer, 6), self.flip_byte()),
             "main.yaml: digest does not match the manifest (tampered)"),
            ("downgrade", lambda: self.sign(newer, 4), "version 4 is older than the running 5"),
        ]
        with self.run_agent() as t:
            self.fires(t, "base", self.marker)
            for i, (what, change, reason) in enumerate(cases):
                change()
                t.proc.send_signal(signal.SIGHUP)
                self.wait_stderr(t, "refused", i + 1)
                self.assertIn(reason, self.stderr(t), what)
                # The running policy still alerts after each refusal.
                self.fires(t, "base", self.marker)
            self.assertEqual(self.count_alerts(t, "second_rule"), 0)
            self.assertEqual(len(self.states(t, "refused")), len(cases))
            self.sign(newer, 6)
            t.proc.send_signal(signal.SIGHUP)
            self.wait_stderr(t, "policy reloaded")
            self.fires(t, "second_rule", second)
        self.assertEqual(t.returncode, 0)

    def flip_byte(self):
        path = os.path.join(self.bundle, "main.yaml")
        with open(path, "rb") as f:
            data = bytearray(f.read())
        data[data.index(b"saw")] = ord("S")     # one byte, still valid YAML
        self.write(path, bytes(data))

    def test_allow_downgrade_takes_an_older_bundle(self):
        self.sign(self.base(), 5)
        with self.run_agent("--allow-downgrade") as t:
            self.sign(self.base(("older_rule", self.marker, "")), 3)
            t.proc.send_signal(signal.SIGHUP)
            self.wait_stderr(t, "policy reloaded")
            self.fires(t, "older_rule", self.marker)

    def test_unsigned_policy_files_are_refused_at_start(self):
        plain = self.path("plain.yaml")
        self.write(plain, self.base())
        res = self.vigil("run", "--policy", plain, "--trusted-keys", self.keys,
                         "--state-dir", self.path("state"), check=False)
        self.assertEqual(res.returncode, 1)
        self.assertIn("refused: unsigned", res.stderr)

    def test_keys_and_bundles_must_be_root_owned(self):
        self.sign(self.base(), 1)
        os.chmod(self.keys, 0o777)
        res = self.vigil("policy", "verify", "--trusted-keys", self.keys, self.bundle, check=False)
        self.assertEqual(res.returncode, 1)
        self.assertIn("writable", res.stderr)
        res = self.vigil("run", "--policy", self.bundle, "--trusted-keys", self.keys, check=False)
        self.assertEqual(res.returncode, 1)
        self.assertEqual(len(res.stderr.strip().splitlines()), 1, res.stderr)
        os.chmod(self.keys, 0o755)
        os.chown(os.path.join(self.bundle, "main.yaml"), NOBODY, NOBODY)
        res = self.vigil("policy", "verify", "--trusted-keys", self.keys, self.bundle, check=False)
        self.assertEqual(res.returncode, 1)
        self.assertIn("refused", res.stderr)

    def test_tar_bundle_verifies_and_a_changed_one_does_not(self):
        self.sign(self.base(), 2)
        tar = self.path("bundle.tar")
        subprocess.run(["tar", "-cf", tar, "-C", self.bundle, "."], check=True)
        res = self.vigil("policy", "verify", "--trusted-keys", self.keys, tar)
        self.assertIn("verified: version 2, 1 policy files", res.stdout)
        with open(tar, "r+b") as f:
            data = f.read()
            f.seek(data.index(b"saw"))
            f.write(b"S")
        res = self.vigil("policy", "verify", "--trusted-keys", self.keys, tar, check=False)
        self.assertEqual(res.returncode, 1)
        self.assertIn("tampered", res.stderr)

    def test_agent_runs_a_tar_bundle(self):
        self.sign(self.base(), 2)
        tar = self.path("bundle.tar")
        subprocess.run(["tar", "-cf", tar, "-C", self.bundle, "."], check=True)
        os.chmod(tar, 0o644)
        with Tracer("run", "--policy", tar, "--trusted-keys", self.keys, "--alerts-only") as t:
            self.assertIn("policy: 1 rules from " + tar, self.stderr(t))
            self.fires(t, "base", self.marker)

    def bucket_line(self, host):
        res = self.vigil("policy", "verify", "--trusted-keys", self.keys, "--host-id", host,
                         self.bundle)
        return re.search(r"rollout: .*", res.stdout).group(0)

    def test_rollout_percentage(self):
        self.sign(self.base(), 1, extra=("--rollout-percent", "0"))
        line = self.bucket_line("host-a")
        self.assertIn("skips it", line)
        self.assertEqual(line, self.bucket_line("host-a"))     # stable across runs
        self.sign(self.base(), 1, extra=("--rollout-percent", "100"))
        self.assertIn("takes it", self.bucket_line("host-a"))
        # The agent: a new bundle at 0% is skipped, the running one stays.
        with self.run_agent("--host-id", "host-a") as t:
            self.sign(self.base(("wave_rule", self.marker, "")), 2, extra=("--rollout-percent", "0"))
            t.proc.send_signal(signal.SIGHUP)
            self.wait_stderr(t, "skipped: rollout 0%")
            self._t = t
            self.wait_for(lambda: len(self.states(t, "skipped")) == 1, "a skipped state event")
            self.fires(t, "base", self.marker)
            self.assertEqual(self.count_alerts(t, "wave_rule"), 0)
            self.sign(self.base(("wave_rule", self.marker, "")), 3, extra=("--rollout-percent", "100"))
            t.proc.send_signal(signal.SIGHUP)
            self.wait_stderr(t, "policy reloaded")
            self.fires(t, "wave_rule", self.marker)


class BundleOnDefaultTest(SafeChangeCase):
    """A bundle is the user's part: the agent loads the built-in default
    under it (docs/policy.md, "Tuning the default"), so a bundle can tune
    the default's rules; --no-default-policy runs the bundle alone."""

    TUNING = ("rules:\n  - override: exec_from_writable_dir\n    exceptions:\n"
              "      - {name: marker, fields: [process.executable.path], values: [[%s]]}\n")

    def test_bundle_tunes_the_default(self):
        other = self.program("other")
        self.sign(self.TUNING % self.marker, 1)
        res = self.vigil("policy", "verify", "--trusted-keys", self.keys, self.bundle)
        self.assertIn("verified: version 1", res.stdout)
        res = self.vigil("policy", "verify", "--trusted-keys", self.keys, "--no-default-policy",
                         self.bundle, check=False)
        self.assertEqual(res.returncode, 1)
        self.assertIn("cannot change undefined rule 'exec_from_writable_dir'", res.stderr)
        with Tracer("run", "--policy", self.bundle, "--trusted-keys", self.keys, "--alerts-only",
                    default_policy=True) as t:
            subprocess.run([self.marker])
            self.fires(t, "exec_from_writable_dir", other)   # the default's rule, under the bundle
            t.stop(settle=1.0)
        paths = [get(a, "process.executable.path") for a in alerts(t.events, "exec_from_writable_dir")]
        self.assertIn(other, paths)
        self.assertNotIn(self.marker, paths, "the bundle's exception")
