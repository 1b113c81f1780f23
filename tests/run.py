#!/usr/bin/env python3
"""vigil's test runner: unit tests (cmocka binaries and Python unittest modules
under tests/unit, no root) then integration tests (Python unittest modules
under tests/integration, root, real kernel).

Usage: tests/run.py [NAME-SUBSTRING ...]   (filters test files by name)
Prints one closing line "N passed, N failed" and exits non-zero on any failure.
"""
import glob
import os
import re
import subprocess
import sys
import time
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))


def selected(path, filters):
    return not filters or any(f in os.path.basename(path) for f in filters)


def run_unit(filters):
    passed = failed = 0
    for binary in sorted(glob.glob(os.path.join(ROOT, "build", "tests", "test_*"))):
        if not os.access(binary, os.X_OK) or not selected(binary, filters):
            continue
        print("== unit: %s" % os.path.basename(binary), flush=True)
        res = subprocess.run([binary], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             env=dict(os.environ, CMOCKA_MESSAGE_OUTPUT="STDOUT"))
        out = res.stdout.decode(errors="replace")
        p = sum(int(n) for n in re.findall(r"\[  PASSED  \] (\d+) test", out))
        f = sum(int(n) for n in re.findall(r"\[  FAILED  \] (\d+) test", out))
        if res.returncode != 0 and f == 0:
            f = 1  # crashed or failed outside cmocka's accounting
        if f:
            print(out)
        else:
            print("   %d passed" % p)
        passed += p
        failed += f
    return passed, failed


class CountingResult(unittest.TextTestResult):
    pass


def run_python(kind, filters):
    files = sorted(glob.glob(os.path.join(ROOT, "tests", kind, "test_*.py")))
    sys.path.insert(0, os.path.join(ROOT, "tests", kind))
    suite = unittest.TestSuite()
    loader = unittest.TestLoader()
    for f in files:
        if not selected(f, filters):
            continue
        name = os.path.splitext(os.path.basename(f))[0]
        suite.addTests(loader.loadTestsFromName(name))
    if suite.countTestCases() == 0:
        return 0, 0, 0
    print("== %s: %d tests" % (kind, suite.countTestCases()), flush=True)
    runner = unittest.TextTestRunner(verbosity=2, stream=sys.stdout, resultclass=CountingResult)
    res = runner.run(suite)
    failed = len(res.failures) + len(res.errors) + len(res.unexpectedSuccesses)
    skipped = len(res.skipped)
    return res.testsRun - failed - skipped, failed, skipped


def main():
    filters = sys.argv[1:]
    start = time.time()
    up, uf = run_unit(filters)
    pp, pf, psk = run_python("unit", filters)
    ip, ifail, isk = run_python("integration", filters)
    isk += psk
    passed, failed = up + pp + ip, uf + pf + ifail
    print("took %.1fs" % (time.time() - start))
    line = "%d passed, %d failed" % (passed, failed)
    if isk:
        line += ", %d skipped" % isk
    print(line)
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
