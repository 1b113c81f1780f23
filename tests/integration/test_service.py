"""vigil as a service: what `vigil run` prints, the control socket (status,
reload, policy show, one agent per socket, root only), systemd readiness."""
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

from vigil_test import VIGIL, Tracer, VigilTestCase, new_socket_path

MARKER_POLICY = """
lists:
  marked: [{marker}]
rules:
  - name: marker_exec
    event: exec
    condition: process.executable.path in marked
    severity: high
    output: "marker ran with {{process.command_line}}"
"""

# TIME SEVERITY RULE PID EXECUTABLE MESSAGE
ALERT_LINE = re.compile(r"^(\d\d:\d\d:\d\d\.\d{6}) +(\S+) +(\S+) +(\d+) +(\S+) +(.*)$")


class ServiceCase(VigilTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="vg-svc-", dir="/tmp")
        os.chmod(self.dir, 0o755)
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.marker = os.path.join(self.dir, "marker")
        shutil.copy("/bin/true", self.marker)
        self.policy = os.path.join(self.dir, "policy.yaml")
        self.write_policy(MARKER_POLICY.format(marker=self.marker))

    def write_policy(self, text):
        with open(self.policy + ".tmp", "w") as f:
            f.write(text)
        os.rename(self.policy + ".tmp", self.policy)

    def ctl(self, sock, *args, user=None):
        cmd = [VIGIL, *args, "--socket", sock]
        if user is not None:
            cmd = ["setpriv", "--reuid=%d" % user, "--regid=%d" % user, "--clear-groups"] + cmd
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              timeout=30)


class RunOutputTest(ServiceCase):
    def run_marker(self, *extra):
        with Tracer("run", "--policy", self.policy, *extra, json_output=False) as t:
            p = subprocess.run([self.marker, "vg-arg"], timeout=10)
            self.assertEqual(p.returncode, 0)
        self.assertEqual(t.returncode, 0, t.stderr)
        return t.text.splitlines(), p

    def test_alerts_only_by_default_one_line_each(self):
        lines, _ = self.run_marker()
        self.assertRegex(lines[0], r"^TIME +SEVERITY +RULE +PID +EXECUTABLE +MESSAGE$")
        mine = [l for l in lines[1:] if " marker_exec " in l]
        self.assertEqual(len(mine), 1, lines)
        m = ALERT_LINE.match(mine[0])
        self.assertIsNotNone(m, mine[0])
        self.assertEqual(m.group(2), "HIGH")
        self.assertEqual(m.group(3), "marker_exec")
        self.assertEqual(m.group(5), self.marker)
        self.assertEqual(m.group(6), "marker ran with %s vg-arg" % self.marker)
        # Nothing but alerts: every line after the header is an alert line.
        for l in lines[1:]:
            self.assertIsNotNone(ALERT_LINE.match(l), l)

    def test_events_flag_prints_events_too(self):
        lines, _ = self.run_marker("--events")
        self.assertRegex(lines[0], r"^TIME +EVENT +PID +PPID +UID +COMM +DETAILS$")
        execs = [l for l in lines if re.match(r"^\S+ +exec +\d+ ", l) and self.marker in l]
        self.assertGreaterEqual(len(execs), 1, lines[:20])
        self.assertEqual(len([l for l in lines if " marker_exec " in l]), 1)

    def test_event_column_fits_the_longest_kind(self):
        lines, _ = self.run_marker("--events")
        header = lines[0]
        width = header.index("PID") - header.index("EVENT") - 1
        self.assertGreaterEqual(width, len("privileged_exec"))

    def test_version(self):
        r = subprocess.run([VIGIL, "--version"], stdout=subprocess.PIPE, text=True, timeout=10)
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^vigil \d+\.\d+\.\d+(\+g[0-9a-f]+)?\n$")

    def test_help_names_the_whole_command(self):
        for cmd in (["probe"], ["run"], ["status"], ["policy", "show"], ["trace", "exec"]):
            with self.subTest(cmd=cmd):
                r = subprocess.run([VIGIL, *cmd, "--help"], stdout=subprocess.PIPE, text=True,
                                   timeout=10)
                self.assertTrue(r.stdout.startswith("Usage: vigil " + " ".join(cmd) + " "),
                                r.stdout[:80])
                self.assertNotIn("/sys/fs/cgroup/unified", r.stdout)


class ControlSocketTest(ServiceCase):
    def test_status_reload_policy_show(self):
        with Tracer("run", "--policy", self.policy) as t:
            st = os.stat(t.socket)
            self.assertEqual(st.st_mode & 0o777, 0o600)
            self.assertEqual(st.st_uid, 0)
            subprocess.run([self.marker], timeout=10)
            time.sleep(1.5)  # a rate sample and the alert
            r = self.ctl(t.socket, "status", "--json")
            self.assertEqual(r.returncode, 0, r.stderr)
            s = json.loads(r.stdout)
            self.assertEqual(s["pid"], t.proc.pid)
            self.assertEqual(s["policy"]["generation"], 1)
            self.assertEqual(s["policy"]["sources"], [self.policy])
            self.assertEqual(s["alerts_last_hour"]["high"], 1)
            self.assertEqual([x["name"] for x in s["sensors"]], ["process", "priv", "file", "net", "seccomp"])
            self.assertTrue(all(x["hook"] for x in s["sensors"]))
            self.assertGreater(s["events_received"], 0)
            self.assertGreater(s["rss_bytes"], 1 << 20)
            self.assertIn("queue_full", s["drops"])
            self.assertGreater(s["process_cache_entries"], 0)
            text = self.ctl(t.socket, "status")
            self.assertEqual(text.returncode, 0, text.stderr)
            self.assertIn("policy: generation 1, 1 rules, from %s" % self.policy, text.stdout)

            self.write_policy(MARKER_POLICY.format(marker=self.marker).replace("high", "low"))
            r = self.ctl(t.socket, "reload")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertRegex(r.stdout, r"^policy reloaded: generation \d+\n$")
            show = self.ctl(t.socket, "policy", "show")
            self.assertEqual(show.returncode, 0, show.stderr)
            self.assertIn("# --- %s\n" % self.policy, show.stdout)
            self.assertIn("severity: low", show.stdout)

            self.write_policy("rules:\n  - name: broken\n    event: exec\n    condition: x ==\n")
            r = self.ctl(t.socket, "reload")
            self.assertEqual(r.returncode, 1)
            self.assertIn("reload failed", r.stderr)
            show = self.ctl(t.socket, "policy", "show", "--json")
            self.assertIn("severity: low", json.loads(show.stdout)["sources"][0]["text"])
        self.assertEqual(t.returncode, 0, t.stderr)
        self.assertFalse(os.path.exists(t.socket), "socket left behind")

    def test_second_agent_refused_naming_the_pid(self):
        with Tracer("run", "--policy", self.policy) as t:
            start = time.monotonic()
            r = subprocess.run([VIGIL, "run", "--no-default-policy", "--policy", self.policy,
                                "--socket", t.socket],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               timeout=30)
            took = time.monotonic() - start
            self.assertEqual(r.returncode, 1)
            self.assertIn("another vigil is running (pid %d) and holds %s" %
                          (t.proc.pid, t.socket), r.stderr)
            self.assertLess(took, 5, "refused only after loading sensors")
            self.assertEqual(self.ctl(t.socket, "status").returncode, 0)

    def test_stale_socket_is_replaced(self):
        path = new_socket_path()
        s = socket.socket(socket.AF_UNIX)
        s.bind(path)
        s.close()  # a socket file nobody listens on: a crashed agent's
        with Tracer("run", "--policy", self.policy, "--socket", path) as t:
            self.assertEqual(self.ctl(path, "status").returncode, 0)
        self.assertEqual(t.returncode, 0, t.stderr)

    def test_non_root_gets_permission_denied_at_once(self):
        with Tracer("run", "--policy", self.policy) as t:
            start = time.monotonic()
            r = self.ctl(t.socket, "status", user=65534)
            self.assertLess(time.monotonic() - start, 5)
        self.assertEqual(r.returncode, 1)
        self.assertIn("permission denied", r.stderr)

    def test_no_agent(self):
        r = self.ctl(new_socket_path(), "status")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no vigil agent is running", r.stderr)

    def test_silent_client_does_not_block_others(self):
        with Tracer("run", "--policy", self.policy) as t:
            idle = socket.socket(socket.AF_UNIX)
            idle.connect(t.socket)  # says nothing
            try:
                r = self.ctl(t.socket, "status", "--json")
            finally:
                idle.close()
            self.assertEqual(r.returncode, 0, r.stderr)
            bad = socket.socket(socket.AF_UNIX)
            bad.connect(t.socket)
            bad.sendall(b"x" * 4096 + b"\n")
            self.assertIn(b"unknown request", bad.recv(100))
            bad.close()


class NotifyTest(ServiceCase):
    def test_ready_sent_once_sensors_attached(self):
        path = os.path.join(self.dir, "notify")
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        srv.bind(path)
        srv.settimeout(30)
        self.addCleanup(srv.close)
        with Tracer("run", "--policy", self.policy, extra_env={"NOTIFY_SOCKET": path}) as t:
            msg = srv.recv(4096).decode()
            self.assertIn("vigil: ready", open(t._err.name).read())
        self.assertIn("READY=1", msg.split("\n"))
        self.assertEqual(srv.recv(4096).decode(), "STOPPING=1")
        self.assertEqual(t.returncode, 0, t.stderr)

    def test_abstract_notify_socket(self):
        name = "vg-notify-%d" % os.getpid()
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        srv.bind("\0" + name)
        srv.settimeout(30)
        self.addCleanup(srv.close)
        with Tracer("run", "--policy", self.policy, extra_env={"NOTIFY_SOCKET": "@" + name}):
            self.assertIn("READY=1", srv.recv(4096).decode())
