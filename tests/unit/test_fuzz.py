"""The fuzz targets (tests/fuzz/, built by `make fuzz-build`): every seed and
committed corpus input replays without a crash, then each target fuzzes for
FUZZ_TEST_SECONDS (30) under AddressSanitizer and UBSan, all at once. A
crash, a leak, a hang (10 s per input) or an input needing more than 2 GiB
fails the test with the report and the reproducer's path. No root needed."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fuzz"))
import run as fuzz  # noqa: E402  (tests/fuzz/run.py)

EXPECTED = ["fuzz_capture", "fuzz_dns", "fuzz_policy", "fuzz_record", "fuzz_replay"]
SECONDS = int(os.environ.get("FUZZ_TEST_SECONDS", "30"))


class FuzzTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.replayed = fuzz.run(fuzz.targets(), 0)
        cls.fuzzed = fuzz.run(fuzz.targets(), SECONDS)

    def test_every_target_is_built(self):
        self.assertEqual(fuzz.targets(), EXPECTED, "run make fuzz-build")

    def check(self, results, t):
        self.assertIn(t, results)
        r = results[t]
        self.assertFalse(r["crashed"], "%s crashed (log %s):\n%s" % (t, r["log"], r["report"]))
        self.assertGreater(r["execs"], 0, "%s ran nothing (log %s)" % (t, r["log"]))
        self.assertGreater(r["cov"], 0)

    def test_corpora_replay(self):
        for t in EXPECTED:
            with self.subTest(target=t):
                self.check(self.replayed, t)

    def test_fuzz_policy(self):
        self.check(self.fuzzed, "fuzz_policy")

    def test_fuzz_replay(self):
        self.check(self.fuzzed, "fuzz_replay")

    def test_fuzz_dns(self):
        self.check(self.fuzzed, "fuzz_dns")

    def test_fuzz_record(self):
        self.check(self.fuzzed, "fuzz_record")

    def test_fuzz_capture(self):
        self.check(self.fuzzed, "fuzz_capture")


if __name__ == "__main__":
    unittest.main()
