"""The overhead budget sheds filter entries of the net sensor and of the
executable filter, not only file paths (docs/policy.md, "Overhead
budget"): a record type a high rule reads is never shed as a whole, but a
destination port, a program name the network filter checks, or an
executable only a low rule names is. Under load the
storm on that entry stays in the kernel while a high rule's event of the
same type still alerts; when the load falls, the entry is restored and
alerts again. Each step is polled on /metrics.
"""
import os
import shutil
import socket
import subprocess
import time

from vigil_test import Tracer, alerts, free_port, get, kind
from test_overhead_budget import BudgetCase, metric
from test_storm_records import listener

# connect: a high rule reads it (never a shed class); one port only a low rule names.
# chmod: the agent's own critical file rules read it too (never a shed class). Their
# paths cross whatever the executable filter says; the user's rules are filtered by it.
POLICY = """
rules:
  - name: noisy_port
    event: connect
    condition: destination.port = {noisy_port}
    severity: low
  - name: secret_port
    event: connect
    condition: destination.port = {secret_port}
    severity: high
  - name: noisy_program
    event: chmod
    condition: process.executable.path = {noisy_exe}
    severity: low
  - name: watched_program
    event: chmod
    condition: process.executable.path = {watched_exe}
    severity: high
"""

# Every connect rule names a program: the net sensor filters by executable name.
NAMES_POLICY = """
rules:
  - name: noisy_name
    event: connect
    condition: process.executable.name = noisypy
    severity: low
  - name: watched_name
    event: connect
    condition: process.executable.name = watchedpy
    severity: high
"""

CONNECT_LOOP = ("import socket\nwhile True:\n    s = socket.socket()\n"
                "    s.connect(('127.0.0.1', %d))\n    s.close()\n")
REFUSED_CONNECT = ("    s = socket.socket()\n    try:\n        s.connect(('127.0.0.1', %d))\n"
                   "    except OSError:\n        pass\n    s.close()\n")
REFUSED_LOOP = "import socket\nwhile True:\n" + REFUSED_CONNECT
REFUSED_ONCE = "import socket\nif True:\n" + REFUSED_CONNECT
CHMOD_LOOP = "import os\nwhile True:\n    os.chmod(%r, 0o644)\n"
CHMOD_ONCE = "import os; os.chmod(%r, 0o600)"

# A Python interpreter that runs from any path (Debian's: its prefix is built in).
PYTHON = "/usr/bin/python3.11"


class EntrySheddingTest(BudgetCase):
    """One agent, two storms at once (each test of the budget costs a minute)."""

    def setUp(self):
        super().setUp()
        self.noisy_exe = os.path.join(self.dir, "noisypy")
        self.watched_exe = os.path.join(self.dir, "watchedpy")
        self.target = os.path.join(self.dir, "target")
        for p in (self.noisy_exe, self.watched_exe):
            shutil.copy(PYTHON, p)
        with open(self.target, "w") as f:
            f.write("x\n")

    def wait_all_restored(self, port, timeout=90):
        deadline = time.time() + timeout
        while time.time() < deadline:
            sheds = metric(port, "vigil_shed_transitions_total", 'direction="shed"')
            if metric(port, "vigil_shed_transitions_total", 'direction="restore"') == sheds:
                return
            time.sleep(0.25)
        self.fail("the shed tiers were never all restored")

    def rates(self, port, sensors):
        """Records per second each sensor sends, over 2 s."""
        label = 'sensor="%s"'
        before = {s: metric(port, "vigil_sensor_events_total", label % s) for s in sensors}
        time.sleep(2)
        return {s: (metric(port, "vigil_sensor_events_total", label % s) - before[s]) / 2
                for s in sensors}

    def restored_alerts(self, port, rule, action):
        label = 'rule="%s",severity="low",outcome="alerted"' % rule
        before = metric(port, "vigil_alerts_total", label) or 0
        action()
        return self.poll_above(port, "vigil_alerts_total", label, before, 30)

    def test_sheds_a_low_port_and_program_keeps_high_ones_and_restores(self):
        noisy_srv, noisy_port = listener()
        secret_srv, secret_port = listener()
        try:
            with open(self.policy, "w") as f:
                f.write(POLICY.format(noisy_port=noisy_port, secret_port=secret_port,
                                      noisy_exe=self.noisy_exe, watched_exe=self.watched_exe))
            port = free_port()
            with Tracer("run", "--policy", self.policy, "--alerts-only", "--storm-burst", "0",
                        "--max-overhead", "15", "--metrics", str(port)) as t:
                for cls in ("connect", "chmod"):
                    self.assertIsNone(metric(port, "vigil_shed_active", 'class="%s"' % cls))
                self.loops = [subprocess.Popen([PYTHON, "-c", CONNECT_LOOP % noisy_port])
                              for _ in range(2)]
                self.loops += [subprocess.Popen([self.noisy_exe, "-c", CHMOD_LOOP % self.target])
                               for _ in range(2)]
                self.assertTrue(self.poll_above(port, "vigil_shed_transitions_total",
                                                'direction="shed"', 0, 60), "nothing was shed")
                time.sleep(1)
                during = self.rates(port, ("net", "file"))
                # The high rules' events, while their types' low entries are shed.
                with socket.create_connection(("127.0.0.1", secret_port), timeout=5):
                    pass
                subprocess.run([self.watched_exe, "-c", CHMOD_ONCE % self.target], check=True)
                self.stop_loops()
                self.wait_all_restored(port)
                connected = self.restored_alerts(port, "noisy_port", lambda: socket.create_connection(
                    ("127.0.0.1", noisy_port), timeout=5).close())
                chmodded = self.restored_alerts(port, "noisy_program", lambda: subprocess.run(
                    [self.noisy_exe, "-c", CHMOD_ONCE % self.target], check=True))
                t.stop()
        finally:
            noisy_srv.close()
            secret_srv.close()
        self.assertTrue(connected, "a connect to the restored port did not alert")
        self.assertTrue(chmodded, "a chmod by the restored program did not alert")
        # Each storm runs thousands of calls a second: shed, a handful cross.
        self.assertLess(during["net"], 100, "the shed port's storm still crossed to user space")
        self.assertLess(during["file"], 100, "the shed program's storm still crossed")
        secret = [a for a in alerts(t.events, "secret_port") if get(a, "process.pid") == os.getpid()]
        self.assertEqual(len(secret), 1, "the high rule's connect must alert during shedding")
        self.assertEqual(len(alerts(t.events, "watched_program")), 1,
                         "the high rule's program must alert during shedding")
        health = [e for e in t.events if kind(e) == "health"]
        shed = {c for e in health if get(e, "vigil.health.state") == "shed"
                for c in get(e, "vigil.shed.classes") or []}
        self.assertIn("net-port:%d" % noisy_port, shed)
        self.assertIn("exe:" + self.noisy_exe, shed)
        every = {c for e in health for c in get(e, "vigil.shed.classes") or []}
        self.assertNotIn("net-port:%d" % secret_port, every)
        self.assertNotIn("exe:" + self.watched_exe, every)

    def test_sheds_a_low_network_program_name_keeps_a_high_one_and_restores(self):
        # Connects refused (nothing listens): a connect record each, no server to feed.
        # The agent handles one in a few µs: eight loops (a larger share of a busy
        # machine's CPUs) cross a budget of 10%, under 80% of which an idle one stays.
        closed = free_port()
        with open(self.policy, "w") as f:
            f.write(NAMES_POLICY)
        port = free_port()
        with Tracer("run", "--policy", self.policy, "--alerts-only", "--storm-burst", "0",
                    "--max-overhead", "10", "--metrics", str(port)) as t:
            # Running before the shed: the name's verdict, kept per process, is judged anew.
            self.loops = [subprocess.Popen([self.noisy_exe, "-c", REFUSED_LOOP % closed])
                          for _ in range(8)]
            self.assertTrue(self.poll_above(port, "vigil_shed_transitions_total",
                                            'direction="shed"', 0, 60), "nothing was shed")
            time.sleep(1)
            during = self.rates(port, ("net",))
            subprocess.run([self.watched_exe, "-c", REFUSED_ONCE % closed], check=True)
            self.stop_loops()
            self.wait_all_restored(port)
            connected = self.restored_alerts(port, "noisy_name", lambda: subprocess.run(
                [self.noisy_exe, "-c", REFUSED_ONCE % closed], check=True))
            t.stop()
        self.assertTrue(connected, "a connect by the restored program name did not alert")
        self.assertLess(during["net"], 100, "the shed name's storm still crossed to user space")
        self.assertEqual(len(alerts(t.events, "watched_name")), 1,
                         "the high rule's program must alert during shedding")
        health = [e for e in t.events if kind(e) == "health"]
        shed = {c for e in health if get(e, "vigil.health.state") == "shed"
                for c in get(e, "vigil.shed.classes") or []}
        self.assertIn("net-name:noisypy", shed)
        every = {c for e in health for c in get(e, "vigil.shed.classes") or []}
        self.assertNotIn("net-name:watchedpy", every)

if __name__ == "__main__":
    import unittest
    unittest.main()
