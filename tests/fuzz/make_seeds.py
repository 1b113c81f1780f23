#!/usr/bin/env python3
"""Writes the generated seed inputs of the fuzz targets into DIR/<target>/:
large and deep policies (the sizes where bounds matter), the repository's
own policies and recorded events, DNS messages of each shape the parser
knows, and records of every type. Committed seeds (tests/fuzz/corpus/)
hold what fuzzing found; these are remade on every build.

Usage: make_seeds.py DIR
"""
import glob
import os
import shutil
import struct
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GEN = os.path.join(ROOT, "bench", "policy_gen.py")


def write(d, name, data):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def policies(d):
    os.makedirs(d, exist_ok=True)
    for shape, n in [("rules", 300), ("list", 5000), ("parens", 40000),
                     ("parens", 63), ("nots", 3000), ("and", 512), ("and", 3000),
                     ("list_tree", 24), ("macro_tree", 24), ("macro_chain", 40),
                     ("macro_chain", 32)]:
        out = subprocess.run([sys.executable, GEN, shape, str(n)], check=True,
                             stdout=subprocess.PIPE).stdout
        write(d, "gen_%s_%d.yaml" % (shape, n), out)
    for path in glob.glob(os.path.join(ROOT, "tests", "policies", "*.yaml")) + \
            [os.path.join(ROOT, "policy", "default.yaml")]:
        shutil.copy(path, os.path.join(d, "repo_" + os.path.basename(path)))


# Tuning: a definition then changes to it, in one file (the target loads one).
TUNING = {
    "tune_list_macro": "lists:\n  l: [a, b]\nmacros:\n  m: process.name in l\n"
                       "rules:\n  - name: r\n    event: exec\n    condition: m\n"
                       "---\nlists:\n  l: {append: [c]}\nmacros:\n  m: {append: or process.pid = 1}\n",
    "tune_override": "rules:\n  - name: r\n    event: [exec, open]\n    condition: process.pid > 1\n"
                     "  - override: r\n    severity: low\n    action: alert\n    enabled: false\n"
                     "  - override: r\n    condition: process.name = x\n    append: and not process.pid = 2\n",
    "tune_exceptions": "rules:\n  - name: r\n    event: open\n    condition: file.path startswith /etc/\n"
                       "    exceptions:\n      - name: e\n        fields: [process.name, file.path]\n"
                       "        comps: [in, startswith]\n        values: [[[a, b], /etc/x], [[c], [/etc/y, /etc/z]]]\n",
    "tune_errors": "rules:\n  - override: nope\n    append: process.pid\n  - override: r\n"
                   "lists:\n  l: {prepend: [x]}\nmacros:\n  m: {append: [x]}\n",
    "tune_chain": "macros:\n  m: process.pid = 0\n" + "".join(
        "---\nmacros:\n  m: {append: %s process.pid = %d}\n" % ("and" if i % 2 else "or", i)
        for i in range(300)) + "rules:\n  - name: r\n    event: exec\n    condition: m\n",
}


def tuning(d):
    for name, text in TUNING.items():
        write(d, name + ".yaml", text)


def replay(d):
    os.makedirs(d, exist_ok=True)
    for path in glob.glob(os.path.join(ROOT, "tests", "policies", "*.jsonl")):
        shutil.copy(path, os.path.join(d, "repo_" + os.path.basename(path)))
    write(d, "malformed.jsonl", '{"event": {"kind": "exec"}\n{]\n\n{"event": 1}\n[1,2]\n"x"\n')


def dns_name(name):
    out = b""
    for label in name.split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def dns(d):
    q = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + dns_name("example.org") + \
        struct.pack(">HH", 1, 1)
    write(d, "query_a", q)
    ans = struct.pack(">HHHHHH", 0x1234, 0x8180, 1, 3, 0, 0) + dns_name("www.example.org") + \
        struct.pack(">HH", 1, 1)
    ans += b"\xc0\x0c" + struct.pack(">HHIH", 5, 1, 60, 6) + b"\x03cdn\xc0\x10"   # CNAME
    ans += b"\xc0\x2d" + struct.pack(">HHIH", 1, 1, 60, 4) + bytes([127, 0, 0, 1])
    ans += b"\xc0\x2d" + struct.pack(">HHIH", 28, 1, 60, 16) + bytes(15) + b"\x01"
    write(d, "answer_cname_a_aaaa", ans)
    loop = struct.pack(">HHHHHH", 1, 0x8180, 1, 1, 0, 0) + b"\xc0\x0c" + struct.pack(">HH", 1, 1)
    write(d, "pointer_to_itself", loop)
    write(d, "long_name", struct.pack(">HHHHHH", 1, 0x0100, 1, 0, 0, 0) +
          b"".join(b"\x3f" + b"a" * 63 for _ in range(5)) + b"\0" + struct.pack(">HH", 1, 1))


def records(d):
    # [mode][len LE16][body]: mode 0 = the target writes the header; the
    # first body byte picks the type. One seed per type number.
    for t in range(128):
        body = bytes([t]) + bytes(range(256)) * 2
        write(d, "type_%03d" % t, bytes([0]) + struct.pack("<H", len(body)) + body)
    # exec, fork, exit of one process in one input: the cache's path.
    seq = b""
    for t in (2, 1, 3):
        body = bytes([t]) + bytes(600)
        seq += bytes([0x20]) + struct.pack("<H", len(body)) + body
    write(d, "fork_exec_exit", seq)


def abi_version():
    with open(os.path.join(ROOT, "src", "bpf", "vigil_abi.h")) as f:
        for line in f:
            if line.startswith("#define VG_ABI_VERSION"):
                return int(line.split()[2])
    raise SystemExit("make_seeds: no VG_ABI_VERSION in vigil_abi.h")


def frame(kind, body):
    return struct.pack("<II", kind, len(body)) + body + bytes(-len(body) % 8)


def capture(d):
    # [mode 0][frames]: the target writes a valid header (event/capture.h).
    # A process the capture knew (struct vg_capture_proc + exe + args), then
    # an exit record of its child (struct vg_hdr + struct vg_exit).
    exe, args = b"/bin/sh", b"sh\0-c\0x"
    proc = struct.pack("<IIQQQIIII16sIIBBB5x", 4000, 1, 5000, 0, 0, 0, 0, 0, 0, b"sh",
                       len(exe), len(args), 1, 0, 0) + exe + args
    hdr = struct.pack("<HHIQQQIIHHI16s", 3, abi_version(), 88, 9000, 6000, 1, 4243, 4242, 0, 0, 0,
                      b"child")
    exit_rec = hdr + struct.pack("<IiIIQ", 4000, 0, 0, 0, 3000)
    write(d, "proc_then_exit", bytes([0]) + frame(2, proc) + frame(1, exit_rec))
    write(d, "bad_lengths", bytes([0]) + frame(2, proc[:-3]) + struct.pack("<II", 1, 1 << 30))


def main():
    out = sys.argv[1]
    policies(os.path.join(out, "fuzz_policy"))
    tuning(os.path.join(out, "fuzz_policy"))
    replay(os.path.join(out, "fuzz_replay"))
    dns(os.path.join(out, "fuzz_dns"))
    records(os.path.join(out, "fuzz_record"))
    capture(os.path.join(out, "fuzz_capture"))


if __name__ == "__main__":
    main()
