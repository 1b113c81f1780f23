"""The overhead budget sheds filter entries of the net sensor and of the
executable filter, not only file paths (docs/operating.md, "Overhead
budget"): a record type a high rule reads is never shed as a whole, but a
destination port or an executable only a low rule names is. Under load the
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

PORT_POLICY = """
rules:
  - name: noisy_port
    event: connect
    condition: destination.port = {noisy}
    severity: low
  - name: secret_port
    event: connect
    condition: destination.port = {secret}
    severity: high
"""

CONNECT_LOOP = ("import socket\nwhile True:\n    s = socket.socket()\n"
                "    s.connect(('127.0.0.1', %d))\n    s.close()\n")

# chmod: the agent's own critical file rules read it too (never a shed class). Their
# paths cross whatever the executable filter says; the user's rules are filtered by it.
EXE_POLICY = """
rules:
  - name: noisy_program
    event: chmod
    condition: process.executable.path = {noisy}
    severity: low
  - name: watched_program
    event: chmod
    condition: process.executable.path = {watched}
    severity: high
"""

CHMOD_LOOP = "import os\nwhile True:\n    os.chmod(%r, 0o644)\n"
CHMOD_ONCE = "import os; os.chmod(%r, 0o600)"

# A Python interpreter that runs from any path (Debian's: its prefix is built in).
PYTHON = "/usr/bin/python3.11"


class EntrySheddingCase(BudgetCase):
    def wait_all_restored(self, port, timeout=90):
        deadline = time.time() + timeout
        while time.time() < deadline:
            sheds = metric(port, "vigil_shed_transitions_total", 'direction="shed"')
            if metric(port, "vigil_shed_transitions_total", 'direction="restore"') == sheds:
                return
            time.sleep(0.25)
        self.fail("the shed tiers were never all restored")

    def storm_rate(self, port, sensor):
        """Records per second the sensor sends, over 2 s."""
        before = metric(port, "vigil_sensor_events_total", 'sensor="%s"' % sensor)
        time.sleep(2)
        return (metric(port, "vigil_sensor_events_total", 'sensor="%s"' % sensor) - before) / 2

    def shed_health(self, t):
        health = [e for e in t.events if kind(e) == "health"]
        return [e for e in health if get(e, "vigil.health.state") == "shed"], health


class NetEntrySheddingTest(EntrySheddingCase):
    def test_sheds_a_low_port_keeps_a_high_one_and_restores(self):
        noisy_srv, noisy = listener()
        secret_srv, secret = listener()
        try:
            with open(self.policy, "w") as f:
                f.write(PORT_POLICY.format(noisy=noisy, secret=secret))
            port = free_port()
            with Tracer("run", "--policy", self.policy, "--alerts-only", "--storm-burst", "0",
                        "--max-overhead", "15", "--metrics", str(port)) as t:
                # A high rule reads connects: the type is never a shed class.
                self.assertIsNone(metric(port, "vigil_shed_active", 'class="connect"'))
                self.loops = [subprocess.Popen([PYTHON, "-c", CONNECT_LOOP % noisy])
                              for _ in range(4)]
                self.assertTrue(self.poll_above(port, "vigil_shed_transitions_total",
                                                'direction="shed"', 0, 60), "nothing was shed")
                time.sleep(1)
                during = self.storm_rate(port, "net")
                with socket.create_connection(("127.0.0.1", secret), timeout=5):
                    pass
                self.stop_loops()
                self.wait_all_restored(port)
                label = 'rule="noisy_port",severity="low",outcome="alerted"'
                before = metric(port, "vigil_alerts_total", label) or 0
                with socket.create_connection(("127.0.0.1", noisy), timeout=5):
                    pass
                self.assertTrue(self.poll_above(port, "vigil_alerts_total", label, before, 30),
                                "a connect to the restored port did not alert")
                t.stop()
        finally:
            noisy_srv.close()
            secret_srv.close()
        # Four loops connect thousands of times a second: shed, a handful cross.
        self.assertLess(during, 100, "the shed port's storm still crossed to user space")
        secret_alerts = [a for a in alerts(t.events, "secret_port")
                         if get(a, "process.pid") == os.getpid()]
        self.assertEqual(len(secret_alerts), 1, "the high rule's connect must alert during shedding")
        shed, health = self.shed_health(t)
        self.assertTrue(any("net-port:%d" % noisy in get(e, "vigil.shed.classes") for e in shed))
        self.assertFalse(any("net-port:%d" % secret in (get(e, "vigil.shed.classes") or "")
                             for e in health))


class ExeEntrySheddingTest(EntrySheddingCase):
    def test_sheds_a_low_executable_keeps_a_high_one_and_restores(self):
        noisy = os.path.join(self.dir, "noisypy")
        watched = os.path.join(self.dir, "watchedpy")
        target = os.path.join(self.dir, "target")
        for p in (noisy, watched):
            shutil.copy(PYTHON, p)
        with open(target, "w") as f:
            f.write("x\n")
        with open(self.policy, "w") as f:
            f.write(EXE_POLICY.format(noisy=noisy, watched=watched))
        port = free_port()
        with Tracer("run", "--policy", self.policy, "--alerts-only", "--storm-burst", "0",
                    "--max-overhead", "15", "--metrics", str(port)) as t:
            self.assertIsNone(metric(port, "vigil_shed_active", 'class="chmod"'))
            self.loops = [subprocess.Popen([noisy, "-c", CHMOD_LOOP % target])
                          for _ in range(4)]
            self.assertTrue(self.poll_above(port, "vigil_shed_transitions_total",
                                            'direction="shed"', 0, 60), "nothing was shed")
            time.sleep(1)
            during = self.storm_rate(port, "file")
            watched_run = subprocess.run([watched, "-c", CHMOD_ONCE % target], check=True)
            self.stop_loops()
            self.wait_all_restored(port)
            label = 'rule="noisy_program",severity="low",outcome="alerted"'
            before = metric(port, "vigil_alerts_total", label) or 0
            subprocess.run([noisy, "-c", CHMOD_ONCE % target], check=True)
            self.assertTrue(self.poll_above(port, "vigil_alerts_total", label, before, 30),
                            "a chmod by the restored executable did not alert")
            t.stop()
        self.assertEqual(watched_run.returncode, 0)
        self.assertLess(during, 100, "the shed executable's storm still crossed to user space")
        self.assertEqual(len(alerts(t.events, "watched_program")), 1,
                         "the high rule's executable must alert during shedding")
        shed, health = self.shed_health(t)
        self.assertTrue(any("exe:" + noisy in get(e, "vigil.shed.classes") for e in shed))
        self.assertFalse(any("exe:" + watched in (get(e, "vigil.shed.classes") or "")
                             for e in health))


if __name__ == "__main__":
    import unittest
    unittest.main()
