"""Ordinary work on a host (tests/benign/*.sh) raises no alert of severity high
or critical under the built-in default policy. Every lower alert a workload
raises must be one docs/rules.md lists for it (section "Expected alerts of
ordinary work"), so a new one is a decision, not an accident."""
import os
import re
import unittest

import scenarios
from vigil_test import VigilTestCase, require_root

SERIOUS = ("high", "critical")
RULES_DOC = os.path.join(scenarios.ROOT, "docs", "rules.md")


def documented():
    """{workload: {rule, ...}} from the benign table of docs/rules.md."""
    out = {}
    with open(RULES_DOC) as f:
        text = f.read()
    section = text.split("## Expected alerts of ordinary work", 1)[-1]
    for m in re.finditer(r"^\| `([0-9a-z_]+)` \| ([^|]*) \|", section, re.M):
        out[m.group(1)] = set(re.findall(r"`([a-z_]+)`", m.group(2)))
    return out


class BenignWorkloads(VigilTestCase):
    runs = alerts = None

    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            return
        cls.runs, cls.alerts = scenarios.run_all("benign", timeout=300)

    def check(self, name):
        require_root(self)
        run = self.runs[name]
        mine = scenarios.of_run(self.alerts, run)
        self.assertEqual(run.left, [], "%s left behind: %s" % (name, run.left))
        self.assertEqual(run.rc, 0, scenarios.failure(run))
        serious = [a for a in mine if scenarios.severity_of(a) in SERIOUS]
        self.assertEqual(serious, [], "%s raised:\n%s" % (name, scenarios.describe(serious)))
        allowed = documented().get(name, set())
        undocumented = sorted({scenarios.rule_of(a) for a in mine} - allowed)
        self.assertEqual(undocumented, [], "%s raised alerts docs/rules.md does not list:\n%s"
                         % (name, scenarios.describe([a for a in mine
                                                      if scenarios.rule_of(a) in undocumented])))


scenarios.add_tests(BenignWorkloads, "benign")

if __name__ == "__main__":
    unittest.main()
