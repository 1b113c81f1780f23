#!/usr/bin/env python3
"""Checks the shape of src/ that docs/architecture.md promises:

  - no #include cycle between src/ units (a unit is foo.c with foo.h);
  - each layer includes only its own and lower layers' headers;
  - no file over MAX_FILE_LINES, no function over MAX_FUNC_LINES.

Prints one line per problem and exits 1 if there is any. The kernel side
(src/bpf/*.bpf.c and its headers) is held to the same sizes: the verifier
bounds what a program does, not how readable its source is. Only the
generated vmlinux headers are left out.
Usage: scripts/check_layout.py [--sizes] [--root DIR]
  --sizes     also list the ten largest files and functions
  --root DIR  check DIR/src instead of this checkout's (the tests use it)
"""
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
if "--root" in sys.argv:
    ROOT = os.path.abspath(sys.argv[sys.argv.index("--root") + 1])
SRC = os.path.join(ROOT, "src")
MAX_FILE_LINES = 800
MAX_FUNC_LINES = 100
# Lower layers first: a file may include headers of its own layer and below.
LAYERS = ["bpf", "lib", "seccomp", "sensors", "event", "policy", "output", "agent", "cli"]
# What each layer may include besides itself (the arrows of docs/architecture.md).
ALLOWED = {
    "bpf": set(),
    "lib": {"bpf"},
    "seccomp": {"bpf", "lib"},
    "sensors": {"bpf", "lib"},
    "event": {"bpf", "lib"},
    "policy": {"bpf", "lib", "event"},
    "output": {"bpf", "lib"},
    "agent": {"bpf", "lib", "seccomp", "sensors", "event", "policy", "output"},
    "cli": {"bpf", "lib", "seccomp", "sensors", "event", "policy", "output", "agent"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
FUNC_START = re.compile(r"^[A-Za-z_][\w \t\*]*?\b([A-Za-z_]\w*)\s*\([^;]*$")
# libbpf's program-defining macros: the program's name is their first argument.
PROG_MACRO = re.compile(r"\b(?:BPF_PROG|BPF_KPROBE|BPF_KRETPROBE|BPF_KSYSCALL|BPF_UPROBE|"
                        r"BPF_URETPROBE|BPF_USDT)\(\s*([A-Za-z_]\w*)")


def sources():
    for layer in LAYERS:
        d = os.path.join(SRC, layer)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            # vmlinux*.h is generated (bpftool btf dump of the kernel's BTF, or
            # its committed copy vmlinux_fallback.h): nobody writes or reads it
            # as code, and it is far over any size on purpose.
            if name.endswith((".c", ".h")) and not name.startswith("vmlinux"):
                yield layer, os.path.join(layer, name)


def unit_of(rel):
    return re.sub(r"\.(c|h)$", "", rel)


def includes(rel):
    text = open(os.path.join(SRC, rel), encoding="utf-8", errors="replace").read()
    out = []
    for inc in INCLUDE.findall(text):
        if inc.endswith(".skel.h"):
            continue
        path = inc if "/" in inc else os.path.join(os.path.dirname(rel), inc)
        if os.path.exists(os.path.join(SRC, path)):
            out.append(os.path.normpath(path))
    return out


def find_cycles(graph):
    """Every elementary cycle's members, one list per strongly connected set > 1."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph.get(v, ()):
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index:
            strong(v)
    return out


def functions(path):
    """(name, first line, length) of each top-level function body in kernel style.

    A signature runs from its first line to a line that is just "{"; a blank
    line, a ";" or a macro continuation ("\\") ends the search first. BPF
    programs count too: SEC("...") is the line before the signature, and a
    BPF_PROG(name, ...) signature is named by its first argument."""
    lines = open(path, encoding="utf-8", errors="replace").read().split("\n")
    i, out = 0, []
    while i < len(lines):
        m = FUNC_START.match(lines[i])
        if m and not lines[i].startswith(("typedef", "struct", "enum", "#", "static const", "SEC(")):
            j = i
            while (j < len(lines) and lines[j] != "{" and lines[j].strip()
                   and not lines[j].endswith((";", "\\"))):
                j += 1
            if j < len(lines) and lines[j] == "{":
                k = j + 1
                while k < len(lines) and lines[k] != "}":
                    k += 1
                prog = PROG_MACRO.search(lines[i])
                out.append((prog.group(1) if prog else m.group(1), i + 1, k - j + 1))
                i = k
        i += 1
    return out


def main():
    problems = []
    graph, sizes, funcs = {}, [], []
    for layer, rel in sources():
        unit = unit_of(rel)
        for inc in includes(rel):
            target = unit_of(inc)
            tlayer = inc.split("/")[0]
            if tlayer != layer and tlayer not in ALLOWED[layer]:
                problems.append("src/%s: includes %s: layer %s may not include %s"
                                % (rel, inc, layer, tlayer))
            if target != unit:
                graph.setdefault(unit, set()).add(target)
        n = sum(1 for _ in open(os.path.join(SRC, rel), encoding="utf-8", errors="replace"))
        sizes.append((n, rel))
        if n > MAX_FILE_LINES:
            problems.append("src/%s: %d lines (at most %d)" % (rel, n, MAX_FILE_LINES))
        # Kernel headers hold function bodies (static __always_inline, by job).
        if rel.endswith(".c") or layer == "bpf":
            for name, line, length in functions(os.path.join(SRC, rel)):
                funcs.append((length, "src/%s:%d %s()" % (rel, line, name)))
                if length > MAX_FUNC_LINES:
                    problems.append("src/%s:%d: %s() is %d lines (at most %d)"
                                    % (rel, line, name, length, MAX_FUNC_LINES))
    for comp in find_cycles(graph):
        problems.append("include cycle: " + " <-> ".join(comp))
    if "--sizes" in sys.argv:
        for n, rel in sorted(sizes, reverse=True)[:10]:
            print("file %5d src/%s" % (n, rel))
        for n, where in sorted(funcs, reverse=True)[:10]:
            print("func %5d %s" % (n, where))
    for p in problems:
        print(p)
    print("layout: %d units, %d problems" % (len(graph), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
