"""Canary rollout (issue #16): a new policy runs in shadow beside the running
one; its kill rule only reports "would have killed" and a gate rolls it back;
an alert storm is rolled back; a benign candidate is promoted after the
window and its kill rule then acts. Each says which gate in a metric."""
import json
import os
import re
import subprocess
import time

from safe_change import SafeChangeCase, rules
from vigil_test import VIGIL, Tracer, free_port, get, is_alert, scrape

KILL = "    action: kill\n"


class CanaryTest(SafeChangeCase):
    def setUp(self):
        super().setUp()
        self.pdir = self.path("policy.d")
        os.mkdir(self.pdir, 0o755)
        self.main = os.path.join(self.pdir, "main.yaml")
        self.write(self.main, rules(("base", self.marker, "")))
        self.victim = self.program("victim")
        self.port = free_port()

    def agent(self, window):
        return Tracer("run", "--policy", self.pdir, "--alerts-only", "--canary-window", str(window),
                      "--metrics", str(self.port))

    def ctl(self, t, *args):
        return subprocess.run([VIGIL, *args, "--socket", t.socket], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=30)

    def metric(self, name):
        _, text = scrape(self.port)
        m = re.search(r"^%s (\d+)" % re.escape(name), text, re.M)
        return int(m.group(1)) if m else None

    def canary_alerts(self, t, rule):
        return [e for e in self.output(t) if is_alert(e) and get(e, "rule.name") == rule
                and get(e, "policy.stage") == "canary"]

    def test_would_kill_gate_rolls_the_candidate_back(self):
        with self.agent(60) as t:
            self._t = t
            self.write(self.main, rules(("base", self.marker, ""), ("kill_victim", self.victim, KILL)))
            self.wait_stderr(t, "policy canary: 2 rules in shadow")
            codes = []
            for _ in range(11):     # the would_act gate's default limit is 10
                codes.append(subprocess.run([self.victim]).returncode)
                if "rolled back" in self.stderr(t):
                    break
            ran_all = time.monotonic()
            self.wait_stderr(t, "policy canary failed: gate would_act")
            rollback_ms = (time.monotonic() - ran_all) * 1000
            self.assertTrue(all(c == 0 for c in codes), codes)      # nothing was killed
            would = self.canary_alerts(t, "kill_victim")
            self.assertGreaterEqual(len(would), 10)
            self.assertTrue(all(a["alert"]["outcome"] == "would have killed" for a in would))
            self.wait_for(lambda: self.states(t, "rolled_back"), "a rolled_back event")
            rb = self.states(t, "rolled_back")[0]
            self.assertEqual((rb["gate"], rb["limit"]), ("would_act", 10))
            self.assertEqual(self.metric('vigil_policy_rollbacks_total{gate="would_act"}'), 1)
            # By how much: the same value and limit as the event.
            self.assertEqual(self.metric('vigil_policy_gate_trip_value{gate="would_act"}'),
                             rb["value"])
            self.assertGreater(rb["value"], 10)
            self.assertEqual(self.metric('vigil_policy_gate_trip_limit{gate="would_act"}'), 10)
            self.assertEqual(self.metric('vigil_policy_gate_trip_limit{gate="alert_rate"}'), 0)
            self.assertEqual(self.metric('vigil_policy_state{state="rolled_back"}'), 1)
            # The running policy was never replaced.
            self.assertEqual(self.metric("vigil_policy_generation"), 1)
            self.assertEqual(subprocess.run([self.victim]).returncode, 0)
            self.fires(t, "base", self.marker)
            print("\n   rollback %.0f ms after the gate's last would-have kill" % rollback_ms)

    def test_alert_storm_is_rolled_back(self):
        with self.agent(60) as t:
            self._t = t
            storm = 'rules:\n  - name: storm\n    event: exec\n    condition: process.pid > 0\n' \
                    '    output: "exec {process.pid}"\n'
            self.write(os.path.join(self.pdir, "storm.yaml"), storm)
            self.wait_stderr(t, "policy canary: 2 rules in shadow")
            # 500 execs the running policy does not alert on.
            busy = self.program("busy")
            began = time.monotonic()
            subprocess.run(["sh", "-c", 'for i in $(seq 500); do "$0"; done', busy])
            ran = time.monotonic() - began
            self.wait_stderr(t, "policy canary failed: gate alert_rate")
            print("\n   500 execs took %.2f s; rolled back %.2f s after the first"
                  % (ran, time.monotonic() - began))
            self.assertEqual(self.metric('vigil_policy_rollbacks_total{gate="alert_rate"}'), 1)
            self.assertEqual(self.metric("vigil_policy_generation"), 1)
            self.fires(t, "base", self.marker)

    def test_candidate_that_would_fill_a_kernel_map_is_rolled_back(self):
        """1000 directories for a 1024-entry watch trie: over the map_fill
        gate's 0.9 before any event, counted without loading anything."""
        with self.agent(60) as t:
            self._t = t
            paths = ", ".join("%s/d%d/" % (self.dir, i) for i in range(1000))
            wide = ("lists:\n  wide_dirs: [%s]\nrules:\n  - name: wide\n    event: open\n"
                    "    condition: file.path startswith wide_dirs\n" % paths)
            self.write(os.path.join(self.pdir, "wide.yaml"), wide)
            self.wait_stderr(t, "fullest kernel map: watch_trie at 9")
            self.wait_stderr(t, "policy canary failed: gate map_fill")
            self.wait_for(lambda: self.states(t, "rolled_back"), "a rolled_back event")
            rb = self.states(t, "rolled_back")[0]
            self.assertEqual(rb["gate"], "map_fill")
            self.assertEqual(rb["limit"], 900)
            self.assertGreater(rb["value"], 900)
            self.assertEqual(self.metric('vigil_policy_gate_trip_value{gate="map_fill"}'),
                             rb["value"])
            self.assertEqual(self.metric("vigil_policy_generation"), 1)
            self.fires(t, "base", self.marker)

    def test_benign_candidate_is_promoted_and_then_acts(self):
        window = 3
        with self.agent(window) as t:
            self._t = t
            changed = time.monotonic()
            self.write(self.main, rules(("base", self.marker, ""), ("kill_victim", self.victim, KILL)))
            self.wait_stderr(t, "policy canary: 2 rules in shadow")
            # vigil status and vigil reload (#17) see the candidate's stage.
            status = json.loads(self.ctl(t, "status", "--json").stdout)
            self.assertEqual(status["policy"]["stage"], "canary")
            self.assertEqual(status["policy"]["generation"], 1)
            r = self.ctl(t, "reload")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout, "policy in its canary window: generation 1 still in use\n")
            self.wait_stderr(t, "policy canary passed: promoting", timeout=window + 20)
            promote_s = time.monotonic() - changed
            self.wait_stderr(t, "policy reloaded")
            self.assertEqual(self.metric("vigil_policy_promotions_total"), 1)
            self.assertEqual(self.metric('vigil_policy_state{state="promoted"}'), 1)
            self.assertEqual(subprocess.run([self.victim]).returncode, -9)
            status = json.loads(self.ctl(t, "status", "--json").stdout)
            self.assertEqual((status["policy"]["stage"], status["policy"]["generation"]),
                             ("promoted", 2))
            self.assertGreaterEqual(promote_s, window)
            # Each state is an event: the change was received (pending), then shadowed.
            pending, canary = self.states(t, "pending"), self.states(t, "canary")
            self.assertTrue(pending and canary, (pending, canary))
            self.assertEqual(get(pending[0], "policy.digest"), get(canary[0], "policy.digest"))
            print("\n   file change to promotion: %.2f s (window %d s)" % (promote_s, window))
