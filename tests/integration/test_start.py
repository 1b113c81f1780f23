#!/usr/bin/env python3
"""What a `vigil run` start loads into the kernel, counted on our own agent's
programs (its fds, never host-wide): only the programs of the variant each
sensor picked, and a verifier workload small enough for a start under a
second (most of a start was the verifier). The start time itself is measured
by bench/stop.sh, not here."""
import ctypes
import glob
import os
import re
import struct
import unittest

from vigil_test import ROOT, Tracer, VigilTestCase

SYS_BPF = 321  # x86-64
BPF_PROG_GET_FD_BY_ID = 13
BPF_OBJ_GET_INFO_BY_FD = 15
INFO_BYTES = 256
# struct bpf_prog_info (include/uapi/linux/bpf.h): name[16] at 64,
# verified_insns (Linux 5.16+) at 216.
NAME_AT, VERIFIED_AT = 64, 216

# The verifier's instruction count for the whole agent and for its largest
# program, on this kernel: 589,078 and 399,822 (the exec program) before its
# loops moved into global functions; 268,975 and 111,506 after.
TOTAL_BUDGET = 450000
PROGRAM_BUDGET = 200000

libc = ctypes.CDLL(None, use_errno=True)


def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr, 128)
    ret = libc.syscall(SYS_BPF, cmd, buf, 128)
    if ret < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return ret


def prog_info(prog_id):
    """(name, verified_insns) of BPF program @prog_id."""
    fd = bpf(BPF_PROG_GET_FD_BY_ID, struct.pack("IIII", prog_id, 0, 0, 0))
    try:
        info = ctypes.create_string_buffer(INFO_BYTES)
        bpf(BPF_OBJ_GET_INFO_BY_FD, struct.pack("IIQ", fd, INFO_BYTES, ctypes.addressof(info)))
    finally:
        os.close(fd)
    raw = info.raw
    name = raw[NAME_AT:NAME_AT + 16].split(b"\0")[0].decode()
    return name, struct.unpack_from("I", raw, VERIFIED_AT)[0]


def agent_programs(pid):
    """{prog_id: (name, verified_insns)} of the programs process @pid holds."""
    ids = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            if "bpf-prog" not in os.readlink("/proc/%d/fd/%s" % (pid, fd)):
                continue
            with open("/proc/%d/fdinfo/%s" % (pid, fd)) as f:
                m = re.search(r"^prog_id:\s*(\d+)", f.read(), re.M)
        except OSError:
            continue
        if m:
            ids.add(int(m.group(1)))
    return {i: prog_info(i) for i in ids}


def sensor_variants():
    """{sensor: [(variant, [program, ...]), ...]} from the sensors' own tables."""
    out = {}
    for path in glob.glob(os.path.join(ROOT, "src", "sensors", "*.c")):
        with open(path) as f:
            src = f.read()
        name = re.search(r'^\t\.name = "(\w+)",', src, re.M)
        if not name:
            continue
        lists = {m.group(1): re.findall(r'"(\w+)"', m.group(2)) for m in re.finditer(
            r"static const char \*const (\w+)\[\] = \{(.*?)NULL \};", src, re.S)}
        table = re.findall(r'\{ "(\w+)", (\w+)(?:, \w+)? \}', src)
        variants = [(v, lists[arr]) for v, arr in table if arr in lists]
        if variants:
            out[name.group(1)] = variants
    return out


class StartLoadTest(VigilTestCase):
    def run_agent(self):
        with Tracer("run", "--events") as t:
            progs = agent_programs(t.proc.pid)
            t.stop(settle=0)
        self.assertEqual(t.returncode, 0, t.stderr)
        self.assertTrue(progs, "no BPF program found in the agent's fds")
        return t, progs

    def test_only_the_chosen_variants_are_loaded(self):
        t, progs = self.run_agent()
        held = {name for name, _ in progs.values()}
        chosen, others = set(), set()
        variants = sensor_variants()
        self.assertIn("process", variants)
        for sensor, table in variants.items():
            m = re.search(r"vigil: sensor %s: (\w+)" % sensor, t.stderr)
            if not m:
                continue  # not a sensor `vigil run` loads
            for variant, names in table:
                # The kernel keeps the first 15 bytes of a program's name.
                (chosen if variant == m.group(1) else others).update(n[:15] for n in names)
        self.assertTrue(chosen <= held, "chosen programs missing: %s" % (chosen - held))
        self.assertEqual(held & (others - chosen), set(), "programs of unused variants loaded")

    def test_verifier_work_within_budget(self):
        _, progs = self.run_agent()
        counts = sorted((n, name) for name, n in progs.values())
        if not any(n for n, _ in counts):
            self.skipTest("this kernel does not report verified_insns (Linux < 5.16)")
        total = sum(n for n, _ in counts)
        self.assertLessEqual(total, TOTAL_BUDGET, counts)
        self.assertLessEqual(counts[-1][0], PROGRAM_BUDGET, counts)


if __name__ == "__main__":
    unittest.main()
