"""Storms lose duplicates, not alerts (docs/policy.md, "Storms").

Four processes open a watched file as fast as they can while another
process reads /etc/shadow: the kernel lets the first few opens of each
(process, file, call) through per window and only counts the rest; the
flush program sends the counts as aggregate records (vigil.suppressed).
The distinct attack's alert must arrive, every storming process must be
named in an alert, and opens = records sent + events held + records lost.
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
  - name: storm_file_read
    event: open
    condition: file.path = {watched}
    severity: low
    output: "{{process.executable.path}} read {{file.path}}"
  - name: shadow_read_by_cat
    event: open
    condition: file.path = /etc/shadow and process.name = cat
    severity: high
    output: "{{process.executable.path}} read {{file.path}}"
"""

# A rule that reads the thread id (it may differ between opens alike) must see every open.
TID_POLICY = """
rules:
  - name: tid_watch
    event: open
    condition: file.path = {watched} and process.thread.id > 0
    severity: low
"""

LOOPS = 4
HELD_RE = re.compile(r'^vigil_sensor_storm_held_total\{sensor="file"\} (\d+)$', re.M)
SUMMARY_HELD_RE = re.compile(r"sensor file: .* (\d+) held in storms")


def held_in_summary(stderr):
    m = SUMMARY_HELD_RE.search(stderr)
    return int(m.group(1)) if m else None


def held_metric(port):
    m = HELD_RE.search(scrape(port)[1])
    return int(m.group(1)) if m else None


def storm(path, count):
    """LOOPS processes opening @path @count times each: (procs, pids)."""
    procs = [subprocess.Popen([helper("file_openloop"), path, str(count)],
                              stdout=subprocess.PIPE) for _ in range(LOOPS)]
    return procs, [p.pid for p in procs]


def finish(procs):
    """Total successful opens, as the loops counted them."""
    total = 0
    for p in procs:
        out, _ = p.communicate(timeout=300)
        total += int(out)
    return total


class StormTest(VigilTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="vg-storm-", dir="/tmp")
        self.watched = os.path.join(self.dir, "watched")
        with open(self.watched, "w") as f:
            f.write("x\n")
        self.policy = os.path.join(self.dir, "policy.yaml")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write_policy(self, text):
        with open(self.policy, "w") as f:
            f.write(text.format(watched=self.watched))

    def test_storm_keeps_distinct_alert_and_counts_the_rest(self):
        self.write_policy(POLICY)
        port = free_port()
        with Tracer("run", "--policy", self.policy, "--alerts-only", "--storm-burst", "4",
                    "--metrics", str(port)) as t:
            procs, pids = storm(self.watched, 50000)
            # The distinct attack, while the storm runs.
            running = sum(p.poll() is None for p in procs)
            subprocess.run(["cat", "/etc/shadow"], stdout=subprocess.DEVNULL, check=True)
            opens = finish(procs)
            held_live = held_metric(port)
            t.stop()  # the last flush runs after the links go, before the queue drains
        held = held_in_summary(t.stderr)
        self.assertGreater(held_live, 0, "vigil_sensor_storm_held_total")
        self.assertGreaterEqual(held, held_live)
        self.assertEqual(t.returncode, 0, t.stderr)
        self.assertEqual(opens, LOOPS * 50000)
        shadow = alerts(t.events, "shadow_read_by_cat")
        self.assertEqual(len(shadow), 1, "the distinct attack's alert must arrive "
                         "(storm running when it ran: %d loops)" % running)
        self.assertEqual(shadow[0]["rule"]["severity"], "high")
        self.assertEqual(get(shadow[0], "file.path"), "/etc/shadow")

        mine = [a for a in alerts(t.events, "storm_file_read") if get(a, "process.pid") in pids]
        plain = [a for a in mine if not get(a, "vigil.suppressed")]
        aggregate = [a for a in mine if get(a, "vigil.suppressed")]
        self.assertTrue(aggregate, "a storm must be reported with its count")
        for a in aggregate:
            self.assertEqual(get(a, "file.path"), self.watched)
            self.assertEqual(a["rule"]["severity"], "low")
        # No storming process goes unnamed.
        self.assertEqual({get(a, "process.pid") for a in plain}, set(pids))
        self.assertEqual({get(a, "process.pid") for a in aggregate}, set(pids))
        folded = sum(get(a, "vigil.suppressed") for a in aggregate)
        # Every held event is reported once, in an aggregate.
        self.assertEqual(folded, held)
        # opens = records sent + events held + records lost (counted).
        self.assertLessEqual(len(plain) + folded, opens)
        self.assertGreaterEqual(len(plain) + folded + t.lost, opens,
                                "plain %d, held %d, lost %d" % (len(plain), folded, t.lost))
        # The storm cost the agent a handful of records per process and second,
        # not one per open (16 per second each: far under 10% even on a slow host).
        self.assertLess(len(plain), opens // 10)

    def test_rule_reading_per_event_fields_sees_every_open(self):
        self.write_policy(TID_POLICY)
        port = free_port()
        with Tracer("run", "--policy", self.policy, "--alerts-only", "--storm-burst", "4",
                    "--metrics", str(port)) as t:
            procs, pids = storm(self.watched, 500)
            opens = finish(procs)
            deadline = time.time() + 30
            while time.time() < deadline:
                text = scrape(port)[1]
                m = re.search(r'^vigil_alerts_total\{rule="tid_watch".*\} (\d+)$', text, re.M)
                if m and int(m.group(1)) >= opens:
                    break
                time.sleep(0.2)
            held = held_metric(port)
            t.stop()
        mine = [a for a in alerts(t.events, "tid_watch") if get(a, "process.pid") in pids]
        self.assertEqual(held, 0)
        self.assertEqual(held_in_summary(t.stderr), 0)
        self.assertEqual(len(mine) + t.lost, opens)
        self.assertFalse([a for a in mine if get(a, "vigil.suppressed")])
