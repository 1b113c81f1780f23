"""bench/record_cost under the built-in default policy: it runs (so it cannot
rot), and the policy walks no ancestry for the records of a fork+exec loop
but the exec's, nor for an open no rule's condition takes that far."""
import os
import subprocess
import unittest

BIN = os.path.join(os.path.dirname(__file__), "..", "..", "build", "bench", "record_cost")


class RecordCostTest(unittest.TestCase):
    def test_default_policy_walks_ancestry_only_where_a_rule_reaches_it(self):
        out = subprocess.run([BIN, "3000"], capture_output=True, text=True, timeout=120,
                             check=True).stdout
        rows = {line.split()[0]: line.split() for line in out.splitlines()}
        self.assertEqual(set(rows), {"exec", "open"})
        for row in rows.values():
            self.assertGreater(float(row[1]), 0, "ns per record")
        # fork, exec, exit: only the exec's rules read a parent or ancestor.
        self.assertLessEqual(float(rows["exec"][-1]), 0.34)
        self.assertGreater(float(rows["exec"][-1]), 0.0)
        self.assertEqual(float(rows["open"][-1]), 0.0)


if __name__ == "__main__":
    unittest.main()
