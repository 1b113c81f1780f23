"""Shared set-up for the safe-change tests (issue #16): a scratch directory
with a trusted key, an untrusted one, a signed bundle, and marker programs
(copies of /bin/true) that rules match, so no rule ever touches a program the
test did not make."""
import os
import shutil
import subprocess
import tempfile
import time

from vigil_test import VIGIL, VigilTestCase, alerts, get

RULE = """
  - name: {name}
    event: exec
    condition: process.executable.path == "{path}"
    output: "{name} saw {{process.pid}}"
{extra}"""


def rules(*items):
    return "rules:\n" + "".join(RULE.format(name=n, path=p, extra=e) for n, p, e in items)


class SafeChangeCase(VigilTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="vg-safe-", dir="/tmp")
        self.addCleanup(shutil.rmtree, self.dir, True)
        os.chmod(self.dir, 0o755)
        self.keys = self.path("keys")
        os.mkdir(self.keys, 0o755)
        self.vigil("policy", "keygen", self.path("trusted"))
        self.vigil("policy", "keygen", self.path("other"))
        shutil.move(self.path("trusted.pub"), os.path.join(self.keys, "trusted.pub"))
        self.bundle = self.path("bundle")
        os.mkdir(self.bundle, 0o755)
        self.marker = self.program("marker")

    def path(self, name):
        return os.path.join(self.dir, name)

    def program(self, name):
        p = self.path(name)
        shutil.copy("/bin/true", p)
        os.chmod(p, 0o755)
        return p

    def vigil(self, *args, check=True):
        res = subprocess.run([VIGIL, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, timeout=60)
        if check and res.returncode:
            raise AssertionError("vigil %s: %s" % (" ".join(args), res.stderr))
        return res

    def write(self, path, text):
        tmp = path + ".tmp-write"
        with open(tmp, "wb") as f:
            f.write(text if isinstance(text, bytes) else text.encode())
        os.chmod(tmp, 0o644)
        os.rename(tmp, path)

    def sign(self, text, version, key="trusted", extra=()):
        """Writes main.yaml and signs the bundle (manifest replaced atomically)."""
        self.write(os.path.join(self.bundle, "main.yaml"), text)
        self.vigil("policy", "sign", "--key", self.path(key + ".key"), "--version", str(version),
                   *extra, self.bundle)

    def stderr(self, t):
        with open(t._err.name, errors="replace") as f:
            return f.read()

    def wait_stderr(self, t, text, count=1, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.stderr(t).count(text) >= count:
                return
            time.sleep(0.05)
        self.fail("no %d x %r in: %s" % (count, text, self.stderr(t)))

    def output(self, t):
        """The JSON lines written so far (the agent is still running)."""
        import json
        t._out.flush()
        with open("/proc/%d/fd/1" % t.proc.pid, "rb") as f:
            raw = f.read().decode(errors="replace")
        return [json.loads(l) for l in raw.splitlines() if l.strip()]

    def count_alerts(self, t, rule):
        return len(alerts(self.output(t), rule))

    def states(self, t, state):
        return [e for e in self.output(t) if get(e, "event.action") == "policy_state" and e.get("state") == state]

    def wait_for(self, fn, what, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            v = fn()
            if v:
                return v
            time.sleep(0.05)
        self.fail("timed out waiting for %s; stderr: %s" % (what, self.stderr(self._t)))

    def fires(self, t, rule, program):
        """Runs @program and waits for @rule's alert on it."""
        self._t = t
        before = self.count_alerts(t, rule)
        subprocess.run([program])
        self.wait_for(lambda: self.count_alerts(t, rule) > before, "an alert of " + rule)
