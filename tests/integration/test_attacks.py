"""Every scenario of tests/attacks/ (a technique done for real, then undone)
raises the alert its header names, with the right attribution, under the
built-in default policy; evasion scenarios raise the same alert as their
direct form. A miss fails the suite. One agent serves all scenarios."""
import unittest

import scenarios
from vigil_test import VigilTestCase, require_root


class AttackScenarios(VigilTestCase):
    runs = alerts = None

    @classmethod
    def setUpClass(cls):
        import os
        if os.geteuid() != 0:
            return
        cls.runs, cls.alerts = scenarios.run_all("attacks")

    def check(self, name):
        require_root(self)
        run = self.runs[name]
        heads = run.heads
        mine = scenarios.of_run(self.alerts, run)
        self.assertEqual(run.left, [], "%s left behind: %s" % (name, run.left))
        self.assertEqual(run.rc, 0, scenarios.failure(run))
        hits = [a for a in mine if scenarios.rule_of(a) == heads["rule"]]
        good = [a for a in hits if scenarios.attribution_ok(a, heads)]
        if "known-miss" in heads:
            self.assertEqual(good, [], "%s is now detected: drop its known-miss line" % name)
            self.skipTest("known miss: " + heads["known-miss"])
        self.assertTrue(hits, "%s: no %s alert; its alerts:\n%s"
                        % (name, heads["rule"], scenarios.describe(mine)))
        self.assertTrue(good, "%s: %s alert lacks the attribution %s:\n%s"
                        % (name, heads["rule"], heads, hits[0]))
        if "evasion-of" in heads:
            direct = self.runs[heads["evasion-of"]]
            self.assertEqual(direct.heads["rule"], heads["rule"],
                             "an evasion must raise its direct form's rule")


scenarios.add_tests(AttackScenarios, "attacks")

if __name__ == "__main__":
    unittest.main()
