"""docs/rules.md describes every rule of the built-in policy, and every rule
it describes exists (so the page cannot drift from policy/default.yaml)."""
import os
import re
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def policy_rules():
    with open(os.path.join(ROOT, "policy", "default.yaml")) as f:
        return re.findall(r"^  - name: (\S+)$", f.read(), re.M)


def documented_rules():
    with open(os.path.join(ROOT, "docs", "rules.md")) as f:
        return re.findall(r"^#### `([a-z_0-9]+)`$", f.read(), re.M)


class RulesDocTest(unittest.TestCase):
    def test_every_rule_is_documented_once(self):
        rules, docs = policy_rules(), documented_rules()
        self.assertGreaterEqual(len(rules), 45)
        self.assertEqual(sorted(set(rules) - set(docs)), [], "rules missing from docs/rules.md")
        self.assertEqual(sorted(set(docs) - set(rules)), [], "docs/rules.md names rules that do not exist")
        self.assertEqual(len(docs), len(set(docs)), "a rule is documented twice")

    def test_every_rule_has_what_on_call_needs(self):
        with open(os.path.join(ROOT, "policy", "default.yaml")) as f:
            blocks = re.split(r"(?m)^  - name: ", f.read())[1:]
        for b in blocks:
            name = b.split("\n", 1)[0]
            for key in ("description:", "severity:", "tags: [T", "output:"):
                self.assertIn("\n    " + key, b, "%s has no %s" % (name, key))


if __name__ == "__main__":
    unittest.main()
