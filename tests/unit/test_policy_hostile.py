"""Hostile policies (issue #15): each reproducer that once crashed `vigil policy
check`, ate gigabytes, ran for minutes or dropped a rule silently, run on the
built binary under a memory cap. Each must give one clear file:line:col error
naming the bound and exit 1 — or, for large but legal policies, compile every
rule. No root needed."""
import os
import re
import resource
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VIGIL = os.path.join(ROOT, "build", "vigil")
GEN = os.path.join(ROOT, "bench", "policy_gen.py")
MEM_CAP = 1 << 30          # a hostile file must not need more than this
HANG_GUARD_S = 120         # far above the compile times; only catches hangs


def gen(shape, n):
    return subprocess.run([sys.executable, GEN, shape, str(n)], check=True,
                          stdout=subprocess.PIPE).stdout


class HostilePolicyTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="vigil-hostile-")
        self.addCleanup(subprocess.run, ["rm", "-rf", self.dir])

    def write(self, name, data):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
        return path

    def check(self, path, mem=MEM_CAP):
        def cap():
            resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        res = subprocess.run([VIGIL, "policy", "check", "--no-default-policy", path], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, errors="replace",
                             preexec_fn=cap, timeout=HANG_GUARD_S)
        self.assertGreaterEqual(res.returncode, 0, "killed by signal %d: %s" %
                                (-res.returncode, res.stderr[-500:]))
        return res.returncode, res.stderr

    def refused(self, path, pattern, mem=MEM_CAP):
        rc, err = self.check(path, mem)
        self.assertEqual(rc, 1, err[-500:])
        lines = [l for l in err.splitlines() if l]
        self.assertEqual(len(lines), 1, "one line, got:\n" + err[-2000:])
        self.assertRegex(lines[0], r"^%s:\d+:\d+: error: " % re.escape(path))
        self.assertRegex(lines[0], pattern)
        return lines[0]

    # ---- nesting and length: no recursion the input can deepen ----
    def test_40000_parentheses(self):
        self.refused(self.write("p.yaml", gen("parens", 40000)), r"longer than 65536 bytes")

    def test_parentheses_under_the_length_bound(self):
        self.refused(self.write("p.yaml", gen("parens", 20000)), r"nests deeper than 64 levels")

    def test_100000_nots(self):
        self.refused(self.write("n.yaml", gen("nots", 100000)), r"longer than 65536 bytes")

    def test_nots_under_the_length_bound(self):
        self.refused(self.write("n.yaml", gen("nots", 3000)), r"nests deeper than 64 levels")

    def test_500000_term_and_chain(self):
        self.refused(self.write("a.yaml", gen("and", 500000)), r"longer than 65536 bytes")

    def test_and_chain_under_the_length_bound(self):
        self.refused(self.write("a.yaml", gen("and", 2000)), r"more than 1024 terms")

    def test_and_chain_at_the_bound_compiles(self):
        rc, err = self.check(self.write("a.yaml", gen("and", 512)))
        self.assertEqual(rc, 0, err)

    # ---- expansion, measured after expanding ----
    def test_lists_naming_lists(self):
        line = self.refused(self.write("l.yaml", gen("list_tree", 24)),
                            r"list 'l23' expands to more than 1048576 values")
        self.assertIn(":29:43:", line)   # where the rule uses it

    def test_list_chain_too_deep(self):
        text = "lists:\n  l0: [/a]\n" + "".join(
            "  l%d: [l%d]\n" % (i, i - 1) for i in range(1, 40))
        text += ("rules:\n  - name: r\n    event: exec\n"
                 "    condition: process.executable.path in l39\n    severity: low\n")
        self.refused(self.write("l.yaml", text), r"lists nest deeper than 32 levels")

    def test_macro_tree(self):
        self.refused(self.write("m.yaml", gen("macro_tree", 24)),
                     r"rule 'r': condition expands to more than 16384 terms, through macro 'm23'")

    def test_macro_chain_33_deep_is_refused_not_dropped(self):
        self.refused(self.write("m.yaml", gen("macro_chain", 33)),
                     r"macros nest deeper than 32 levels")

    def test_macro_chain_32_deep_compiles(self):
        rc, err = self.check(self.write("m.yaml", gen("macro_chain", 32)))
        self.assertEqual(rc, 0, err)
        self.assertIn("policy ok: 1 rule", err)

    def test_yaml_aliases_refused(self):
        big = "[" + ", ".join("/x/%d" % i for i in range(1000)) + "]"
        text = "lists:\n  a: &x %s\n" % big + "".join("  b%d: *x\n" % i for i in range(50))
        self.refused(self.write("y.yaml", text), r"anchors and aliases are not allowed")

    # ---- large but legal: every rule, in bounded time ----
    def test_60000_rules_compile(self):
        rc, err = self.check(self.write("r.yaml", gen("rules", 60000)))
        self.assertEqual(rc, 0, err[-500:])
        self.assertIn("policy ok: 60000 rules", err)

    def test_million_item_list_compiles(self):
        rc, err = self.check(self.write("l.yaml", gen("list", 1000000)))
        self.assertEqual(rc, 0, err[-500:])
        self.assertIn("policy ok: 1 rule", err)

    # ---- no rule dropped silently ----
    def test_out_of_memory_fails_the_policy(self):
        path = self.write("l.yaml", gen("list", 1000000))
        for mem in (150 << 20, 220 << 20, 260 << 20, 300 << 20):
            rc, err = self.check(path, mem)
            if rc == 0:
                self.assertIn("policy ok: 1 rule", err)
            else:
                self.assertEqual(rc, 1, err)
                self.assertRegex(err, r"out of memory")

    def test_too_many_errors_are_counted_not_lost(self):
        text = "rules:\n" + "".join(
            "  - name: r%d\n    event: exec\n    condition: no.such.field = 1\n"
            "    severity: low\n" % i for i in range(1000))
        rc, err = self.check(self.write("e.yaml", text))
        self.assertEqual(rc, 1)
        lines = err.splitlines()
        self.assertLessEqual(len(lines), 201)
        self.assertEqual(lines[-1], "... and 800 more diagnostics not shown")

    # ---- bad bytes reported where they are ----
    def test_invalid_utf8_position(self):
        path = self.write("u.yaml", b"rules:\n  - name: r\n    event: exec\n"
                          b"    severity: low\n    description: \"caf\xc3\xa9 \xff\"\n")
        self.assertIn(":5:24: error:", self.refused(path, r"UTF-8"))

    def test_nul_byte_position(self):
        path = self.write("z.yaml", b"rules:\n  - name: r\n    event: exec\n    cond\0ition: x\n")
        self.assertIn(":4:9: error:", self.refused(path, r"control characters"))

    # ---- policy test: malformed recorded events are skipped, never fatal ----
    def test_policy_test_survives_malformed_event_lines(self):
        with open(os.path.join(ROOT, "tests", "policies", "events.jsonl"), "rb") as f:
            good = f.read()
        first = [l for l in good.splitlines() if l.startswith(b"{")][0]
        bad = [b"[" * 100000, b'{"event": {"kind": "exec"', b"\xff\xfe{}", b"{\"a\": \"\0\"}",
               b'{"event": {"kind": 7}}', b'{"event": {"kind": "exec"}, "process": {"pid": "x"}}',
               b"{" * 5000 + b"}" * 5000, b"", b"null", b'"just a string"']
        events = self.write("ev.jsonl", b"\n".join(bad + [first] + bad + [first]) + b"\n")
        res = subprocess.run([VIGIL, "policy", "test", "--no-default-policy", os.path.join(ROOT, "tests", "policies",
                                                                    "basic.yaml"),
                              "--events", events], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, timeout=HANG_GUARD_S)
        self.assertEqual(res.returncode, 0, res.stderr[-1000:])
        alerts = [l for l in res.stdout.splitlines() if l.strip()]
        self.assertEqual(len(alerts), 2, "both good lines still alert")
        self.assertRegex(res.stderr.decode(errors="replace"), r"skipped")

    def test_file_over_the_size_bound(self):
        path = os.path.join(self.dir, "big.yaml")
        with open(path, "wb") as f:
            f.write(b"# " + b"x" * ((64 << 20) + 10) + b"\n")
        rc, err = self.check(path)
        self.assertEqual(rc, 1)
        self.assertRegex(err, r"big.yaml: error: file is larger than 64 MiB")


if __name__ == "__main__":
    unittest.main()
