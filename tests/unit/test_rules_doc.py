"""docs/rules.md describes every rule of the built-in policy, and every rule
it describes exists (so the page cannot drift from policy/default.yaml);
each rule's "how to except" is tuning syntax that compiles on the default."""
import os
import re
import subprocess
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VIGIL = os.path.join(ROOT, "build", "vigil")


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

    def test_every_exception_recipe_compiles_on_the_default(self):
        with open(os.path.join(ROOT, "docs", "rules.md")) as f:
            text = f.read()
        rules, lists = [], []
        for name, line in re.findall(r"(?ms)^#### `([a-z_0-9]+)`$.*?^- Except: (.*?)$", text):
            snippets = re.findall(r"`(\{override: [^`]*\})`", line)
            self.assertTrue(snippets, "%s: no '{override: ...}' recipe" % name)
            for snip in snippets:
                self.assertTrue(snip.startswith("{override: %s," % name),
                                "%s: a recipe for another rule: %s" % (name, snip))
            rules += snippets
            lists += re.findall(r"`([a-z_0-9]+: \{append: \[[^`]*\]\})`", line)
        self.assertEqual(len(set(n for n in re.findall(r"\{override: ([a-z_0-9]+),", " ".join(rules)))),
                         len(documented_rules()))
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
            f.write("lists:\n%srules:\n%s" % ("".join("  %s\n" % l for l in sorted(set(lists))),
                                               "".join("  - %s\n" % r for r in rules)))
            f.flush()
            res = subprocess.run([VIGIL, "policy", "check", f.name], stderr=subprocess.PIPE,
                                 text=True, timeout=120)
        self.assertEqual(res.returncode, 0, res.stderr)


if __name__ == "__main__":
    unittest.main()
