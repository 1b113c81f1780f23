#!/usr/bin/env python3
"""Generates policy files of a chosen shape and size, for the compile-time
benchmark (bench/policy_compile.sh), the hostile-policy tests and the fuzz corpora.

  policy_gen.py rules N        N rules of mixed kinds (open, exec, connect)
  policy_gen.py list N         one rule using a list of N paths
  policy_gen.py parens N       a condition inside N parentheses
  policy_gen.py nots N         a condition behind N 'not's
  policy_gen.py and N          an N-term 'and' chain
  policy_gen.py list_tree K    K lists, each naming the previous one twice
  policy_gen.py macro_tree K   K macros, each using the previous one twice
  policy_gen.py macro_chain K  K macros, each using the previous one once
"""
import sys

LEAF = "process.user.id = 0"


def rules(n):
    out = ["rules:"]
    for i in range(n):
        kind = i % 3
        if kind == 0:
            ev, cond = "open", "file.path startswith /etc/gen%d/ and process.user.id != %d" % (i, i)
        elif kind == 1:
            ev, cond = "exec", "process.executable.path = /opt/gen%d/tool" % i
        else:
            ev, cond = "connect", "destination.port = %d" % (1024 + i % 60000)
        out.append("  - name: rule_%d\n    event: %s\n    condition: %s\n"
                   "    severity: low\n    output: \"rule %d {process.pid}\"" % (i, ev, cond, i))
    return "\n".join(out) + "\n"


def one_rule(cond, head=""):
    return head + "rules:\n  - name: r\n    event: exec\n    condition: %s\n    severity: low\n" % cond


def list_of(n):
    items = "\n".join("    - /opt/gen/%d" % i for i in range(n))
    return one_rule("process.executable.path in big", "lists:\n  big:\n%s\n" % items)


def list_tree(k):
    head = "lists:\n  l0: [/a, /b]\n" + "".join(
        "  l%d: [l%d, l%d]\n" % (i, i - 1, i - 1) for i in range(1, k))
    return one_rule("process.executable.path in l%d" % (k - 1), head)


def macro_tree(k, uses=2):
    head = "macros:\n  m0: %s\n" % LEAF + "".join(
        "  m%d: %s\n" % (i, " or ".join(["m%d" % (i - 1)] * uses)) for i in range(1, k))
    return one_rule("m%d" % (k - 1), head)


def main():
    shape, n = sys.argv[1], int(sys.argv[2])
    text = {
        "rules": lambda: rules(n),
        "list": lambda: list_of(n),
        "parens": lambda: one_rule('"' + "(" * n + LEAF + ")" * n + '"'),
        "nots": lambda: one_rule("not " * n + LEAF),
        "and": lambda: one_rule(" and ".join([LEAF] * n)),
        "list_tree": lambda: list_tree(n),
        "macro_tree": lambda: macro_tree(n),
        "macro_chain": lambda: macro_tree(n, 1),
    }[shape]()
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
