"""Shared helpers for vigil's integration tests (run as root on the real kernel).

Tracer starts a real `vigil trace ...` (or `vigil run`) with --json, waits until
its programs are attached, lets the test run its workload, then stops it with
SIGINT and returns the parsed events and the exit summary.
"""
import atexit
import itertools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VIGIL = os.path.join(ROOT, "build", "vigil")
HELPERS = os.path.join(ROOT, "build", "tests", "helpers")

SUMMARY_RE = re.compile(r"(\d+) events received, (\d+) lost")

# Every `vigil run` a test starts binds a control socket; one host keeps one
# agent per socket, so tests (and other checkouts testing at the same time)
# never use /run/vigil/vigil.sock: each run gets its own under SOCKET_DIR.
SOCKET_DIR = tempfile.mkdtemp(prefix="vg-sock-", dir="/tmp")
os.chmod(SOCKET_DIR, 0o755)
atexit.register(shutil.rmtree, SOCKET_DIR, True)
os.environ["VIGIL_SOCKET"] = os.path.join(SOCKET_DIR, "vigil.sock")
_socket_seq = itertools.count()


def new_socket_path():
    """A control socket path no other agent of this test run uses."""
    return os.path.join(SOCKET_DIR, "run-%d.sock" % next(_socket_seq))


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on (for `--metrics`)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape(port):
    """(Content-Type, text) of the agent's /metrics on @port."""
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=10) as r:
        return r.headers.get("Content-Type"), r.read().decode()


def helper(name):
    """Path of a compiled test helper program (tests/helpers/NAME.c)."""
    return os.path.join(HELPERS, name)


class Tracer:
    """Runs `vigil ARGS --json` for the duration of a with-block."""

    def __init__(self, *args, json_output=True, ready_timeout=30, extra_env=None):
        self.args = [VIGIL, *args]
        self.state_dir = None
        if args and args[0] == "run":
            # A test that does not test the canary wants a new policy to act
            # at once, and its own last-known-good store and crash journal.
            if not any(a.startswith("--canary-window") for a in args):
                self.args += ["--canary-window", "0"]
            # The overhead budget (default 5% of one CPU) would shed events
            # under a loaded test host: only the tests of it turn it on.
            if not any(a.startswith("--max-overhead") for a in args):
                self.args += ["--max-overhead", "0"]
            if not any(a.startswith("--state-dir") for a in args):
                self.state_dir = tempfile.mkdtemp(prefix="vg-state-")
                self.args += ["--state-dir", self.state_dir]
        self.json_output = json_output
        self.text = ""
        if json_output:
            self.args.append("--json")
        self.ready_timeout = ready_timeout
        self.socket = new_socket_path()
        self.env = dict(os.environ, VIGIL_SOCKET=self.socket)
        self.env.update(extra_env or {})
        self.events = []
        self.stderr = ""
        self.returncode = None
        self.received = None
        self.lost = None

    def __enter__(self):
        self._out = tempfile.TemporaryFile()
        self._err = tempfile.NamedTemporaryFile(delete=False)
        self.proc = subprocess.Popen(self.args, stdout=self._out, stderr=self._err,
                                     env=self.env)
        deadline = time.time() + self.ready_timeout
        while time.time() < deadline:
            with open(self._err.name, "r", errors="replace") as f:
                text = f.read()
            if "vigil: ready" in text:
                return self
            if self.proc.poll() is not None:
                raise AssertionError("vigil exited early (%d): %s" % (self.proc.returncode, text))
            time.sleep(0.05)
        self.proc.kill()
        raise AssertionError("vigil did not become ready: " + text)

    def stop(self, settle=0.3):
        if self.returncode is not None:
            return
        time.sleep(settle)  # let the last records cross the ring buffer
        self.proc.send_signal(signal.SIGINT)
        try:
            self.returncode = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.returncode = self.proc.wait()
        self._out.seek(0)
        raw = self._out.read().decode("utf-8")
        self.text = raw
        self.events = []
        for line in raw.splitlines() if self.json_output else []:
            if line.strip():
                self.events.append(json.loads(line))  # every line must be valid JSON
        with open(self._err.name, "r", errors="replace") as f:
            self.stderr = f.read()
        os.unlink(self._err.name)
        if self.state_dir:
            shutil.rmtree(self.state_dir, ignore_errors=True)
        m = SUMMARY_RE.search(self.stderr)
        if m:
            self.received, self.lost = int(m.group(1)), int(m.group(2))

    def __exit__(self, exc_type, exc, tb):
        if self.returncode is None:
            self.stop(settle=0 if exc_type else 0.3)
        return False


def get(obj, dotted, default=None):
    """get(ev, "process.executable.path") on nested JSON objects."""
    cur = obj
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return default
        cur = cur[part]
    return cur


def kind(ev):
    """What happened (exec, open, ...): event.action (docs/events.md)."""
    return get(ev, "event.action")


def is_alert(ev):
    return get(ev, "event.kind") == "alert"


def alerts(events, rule):
    """The alerts rule RULE raised, in order."""
    return [e for e in events if is_alert(e) and get(e, "rule.name") == rule]


def require_root(testcase):
    if os.geteuid() != 0:
        testcase.skipTest("needs root")


class VigilTestCase(unittest.TestCase):
    def setUp(self):
        require_root(self)


def cgroup2_mount():
    """Where the cgroup2 hierarchy is mounted, or None."""
    with open("/proc/self/mountinfo") as f:
        for line in f:
            pre, _, post = line.partition(" - ")
            if post.split()[0] == "cgroup2":
                return pre.split()[4]
    return None


DENY_POLICY = """
rules:
  - name: no_secret
    event: open
    condition: file.path = {path}
    severity: high
    action: deny
    mode: {mode}
"""


class DeniedFileCase(VigilTestCase):
    """A file, SECRET, and a policy whose rule no_secret denies opening it."""

    mode = "enforce"

    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="vg-deny-", dir="/tmp")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.secret = os.path.join(self.dir, "secret")
        with open(self.secret, "w") as f:
            f.write("data\n")
        self.policy = os.path.join(self.dir, "policy.yaml")
        with open(self.policy, "w") as f:
            f.write(DENY_POLICY.format(path=self.secret, mode=self.mode))

    def cat(self):
        """(returncode, stdout, pid, seconds) of `cat SECRET`."""
        start = time.monotonic()
        p = subprocess.Popen(["cat", self.secret], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
        out, _ = p.communicate(timeout=20)
        return p.returncode, out, p.pid, time.monotonic() - start
