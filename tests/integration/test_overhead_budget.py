"""The overhead budget (vigil run --max-overhead): over budget, record types
that only low rules read are shed in the kernel; a high rule's class still
alerts meanwhile; when the load falls, the class is restored. Each step is
polled on /metrics, never waited for with a fixed sleep.
"""
import os
import re
import shutil
import subprocess
import tempfile
import time

from vigil_test import Tracer, VigilTestCase, alerts, free_port, get, helper, scrape

POLICY = """
rules:
  - name: noisy_read
    event: open
    condition: file.path = {noisy}
    severity: low
  - name: trap_removed
    event: unlink
    condition: file.path = {trap}
    severity: high
"""


def metric(port, name, labels):
    text = scrape(port)[1]
    m = re.search(r"^%s\{%s\} (\S+)$" % (re.escape(name), re.escape(labels)), text, re.M)
    return float(m.group(1)) if m else None


class OverheadBudgetTest(VigilTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="vg-budget-", dir="/tmp")
        self.noisy = os.path.join(self.dir, "noisy")
        self.trap = os.path.join(self.dir, "trap")
        for path in (self.noisy, self.trap):
            with open(path, "w") as f:
                f.write("x\n")
        self.policy = os.path.join(self.dir, "policy.yaml")
        with open(self.policy, "w") as f:
            f.write(POLICY.format(noisy=self.noisy, trap=self.trap))
        self.loops = []

    def tearDown(self):
        self.stop_loops()
        shutil.rmtree(self.dir, ignore_errors=True)

    def stop_loops(self):
        for p in self.loops:
            if p.poll() is None:
                p.kill()
            p.wait()
        self.loops = []

    def poll(self, port, name, labels, want, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if metric(port, name, labels) == want:
                return True
            time.sleep(0.25)
        return False

    def poll_above(self, port, name, labels, floor, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            v = metric(port, name, labels)
            if v is not None and v > floor:
                return True
            time.sleep(0.25)
        return False

    def test_sheds_low_class_keeps_high_and_restores(self):
        port = free_port()
        # Every open crosses (no storm aggregation): four loops cost the agent
        # 20-30% of a CPU on the 2-CPU test machine, an idle agent under 10%.
        with Tracer("run", "--policy", self.policy, "--alerts-only", "--storm-burst", "0",
                    "--max-overhead", "15", "--metrics", str(port)) as t:
            self.assertEqual(metric(port, "vigil_shed_active", 'class="open"'), 0)
            # unlink feeds a high rule: it is never a shed class.
            self.assertIsNone(metric(port, "vigil_shed_active", 'class="unlink"'))
            self.loops = [subprocess.Popen([helper("file_openloop"), self.noisy, "100000000"],
                                           stdout=subprocess.DEVNULL) for _ in range(4)]
            self.assertTrue(self.poll(port, "vigil_shed_active", 'class="open"', 1, 60),
                            "the open class was never shed")
            shed_filtered = metric(port, "vigil_sensor_shed_total", 'sensor="file"')
            # The high rule's attack, while the low class is shed.
            os.unlink(self.trap)
            self.stop_loops()
            self.assertTrue(self.poll(port, "vigil_shed_active", 'class="open"', 0, 60),
                            "the open class was never restored")
            restores = metric(port, "vigil_shed_transitions_total", 'direction="restore"')
            # Restored for real: one more open of the noisy file alerts again.
            label = 'rule="noisy_read",severity="low",outcome="alerted"'
            before = metric(port, "vigil_alerts_total", label) or 0
            with open(self.noisy) as f:
                f.read()
            self.assertTrue(self.poll_above(port, "vigil_alerts_total", label, before, 30),
                            "an open after the restore did not alert")
            t.stop()
        self.assertGreater(shed_filtered, 0)
        self.assertGreaterEqual(restores, 1)
        trap = alerts(t.events, "trap_removed")
        self.assertEqual(len(trap), 1, "the high rule must alert during shedding")
        self.assertEqual(get(trap[0], "file.path"), self.trap)
        self.assertIn("overhead:", t.stderr)
        self.assertRegex(t.stderr, r"shedding tier 1 in the kernel \(.*open")
        self.assertRegex(t.stderr, r"restored tier 1 \(.*open")
