"""Scratch slots (vigil_common.bpf.h): a record, path buffer or path
normalization state that a program is building is never shared with
another task on the same CPU. Run as root on the real kernel.

Syscall exits are faultable on recent kernels and their programs run with
preemption enabled, so on a preemptible kernel a task can be switched out
halfway through a record while another task runs the same program on the
same CPU. Each CPU has several scratch slots; a program claims one and
releases it on every return.

test_held_slots_are_never_written plays the preempted task: it marks slots
as held in the running sensor's claim map and fills their buffers with a
canary, then checks that records come out whole from the free slots, that
no held buffer was touched, and that with every slot held the events are
dropped and counted as scratch_busy instead of built in a held buffer.

test_same_cpu_tasks_never_mix is the stress experiment: processes pinned to
one CPU open paths that name their own pid; every record must carry only
its own process's paths. On a kernel that never preempts kernel code
(preempt=none, as the test machine) it cannot show mixing even without
slots; on preempt=full/lazy it is the end-to-end check.
"""
import ctypes
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import time
import unittest

from vigil_test import Tracer, VigilTestCase, get, helper

BUSY_RE = re.compile(r"scratch_busy=(\d+)")
FILE_EXIT_PROGS = ("tp_btf_sys_exit", "raw_tp_sys_exit")
HOLD = 1 << 32          # survives any in-flight claimer's increment/decrement
CANARY = 0xA5

# ---- just enough of bpf(2) to read and write another process's maps ----

_libc = ctypes.CDLL(None, use_errno=True)
_SYS_BPF = 321          # x86_64, like the sensors
BPF_MAP_LOOKUP_ELEM, BPF_MAP_UPDATE_ELEM, BPF_MAP_GET_FD_BY_ID, BPF_OBJ_GET_INFO_BY_FD = 1, 2, 14, 15


def _bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr, 128)
    r = _libc.syscall(_SYS_BPF, cmd, buf, 128)
    if r < 0:
        e = ctypes.get_errno()
        raise OSError(e, "bpf(%d): %s" % (cmd, os.strerror(e)))
    return r, buf.raw


def ncpus():
    """Possible CPUs, as the kernel sizes per-CPU values."""
    with open("/sys/devices/system/cpu/possible") as f:
        n = 0
        for part in f.read().strip().split(","):
            lo, _, hi = part.partition("-")
            n = max(n, int(hi or lo) + 1)
        return n


class Map:
    def __init__(self, map_id):
        self.fd, _ = _bpf(BPF_MAP_GET_FD_BY_ID, struct.pack("III", map_id, 0, 0))
        info = ctypes.create_string_buffer(88)
        _bpf(BPF_OBJ_GET_INFO_BY_FD, struct.pack("IIQ", self.fd, 88, ctypes.addressof(info)))
        (self.type, self.id, self.key_size, self.value_size,
         self.max_entries, _flags) = struct.unpack_from("IIIIII", info.raw, 0)
        self.name = info.raw[24:40].split(b"\0")[0].decode()
        self.percpu = self.type == 6      # BPF_MAP_TYPE_PERCPU_ARRAY
        self.vsize = ((self.value_size + 7) & ~7) * ncpus() if self.percpu else self.value_size

    def lookup(self, key):
        k = ctypes.create_string_buffer(struct.pack("I", key))
        v = ctypes.create_string_buffer(self.vsize)
        _bpf(BPF_MAP_LOOKUP_ELEM, struct.pack("IIQQQ", self.fd, 0, ctypes.addressof(k),
                                              ctypes.addressof(v), 0))
        return v.raw

    def update(self, key, value):
        assert len(value) == self.vsize
        k = ctypes.create_string_buffer(struct.pack("I", key))
        v = ctypes.create_string_buffer(value, self.vsize)
        _bpf(BPF_MAP_UPDATE_ELEM, struct.pack("IIQQQ", self.fd, 0, ctypes.addressof(k),
                                              ctypes.addressof(v), 0))

    def close(self):
        os.close(self.fd)


def _bpftool(*args):
    return json.loads(subprocess.check_output(["bpftool", "-j", *args]))


def file_sensor_maps(pid):
    """{name: Map} of the file sensor loaded by vigil process @pid."""
    for fd in os.listdir("/proc/%d/fdinfo" % pid):
        try:
            with open("/proc/%d/fdinfo/%s" % (pid, fd)) as f:
                m = re.search(r"^prog_id:\s*(\d+)", f.read(), re.M)
        except OSError:
            continue
        if not m:
            continue
        prog = _bpftool("prog", "show", "id", m.group(1))
        if prog.get("name") not in FILE_EXIT_PROGS:
            continue
        maps = {}
        for mid in prog.get("map_ids", []):
            mp = Map(mid)
            maps[mp.name] = mp
        return maps
    raise AssertionError("no file sensor program held by vigil pid %d" % pid)


def run_stress(dirpath, procs, count, cpu=0):
    out = subprocess.run([helper("scratch_stress"), dirpath, str(procs), str(count), str(cpu)],
                         stdout=subprocess.PIPE, timeout=600, check=True).stdout.decode()
    return [int(x) for x in re.findall(r"^pid (\d+)$", out, re.M)]


def foreign_pids(ev, root):
    """Pids named by the record's paths under @root that are not its own."""
    own = get(ev, "process.pid")
    seen = set()
    for field in ("file.path", "file.requested"):
        val = get(ev, field)
        if not isinstance(val, str) or not val.startswith(root + "/"):
            continue
        for comp in val[len(root) + 1:].split("/"):
            m = re.fullmatch(r"[dfm]?(\d+)", comp)
            if m:
                seen.add(int(m.group(1)))
    return seen - {own}


class ScratchSlotTest(VigilTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="vigil-scr-", dir="/tmp")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def ours(self, events, pids):
        return [e for e in events if get(e, "process.pid") in pids and
                str(get(e, "file.path", "")).startswith(self.dir + "/")]

    def test_held_slots_are_never_written(self):
        n = ncpus()
        count = 200
        with Tracer("trace", "file", "--path", self.dir) as t:
            maps = file_sensor_maps(t.proc.pid)
            try:
                claims = maps["vg_scratch_clai"]     # names are cut at 15 characters
                records = maps["vg_scratch_map"]
                paths = maps["vg_path_map"]
                slots = claims.max_entries
                self.assertEqual(records.max_entries, slots * n)
                # Hold all but the last two slots of every CPU, as preempted owners
                # would (two stay free: other tasks' opens claim them too).
                self.assertGreaterEqual(slots, 3)
                held = range(slots - 2)
                for s in held:
                    claims.update(s, struct.pack("Q", HOLD) * n)
                time.sleep(0.2)     # owners that claimed before the hold finish
                rec_canary = bytes([CANARY]) * records.vsize
                path_canary = bytes([CANARY]) * paths.vsize
                for s in held:
                    paths.update(s, path_canary)
                    for cpu in range(n):
                        records.update(cpu * slots + s, rec_canary)
                # Phase 1: one free slot per CPU; work on every CPU.
                pids1 = []
                for cpu in range(n):
                    pids1 += run_stress(self.dir, 2, count, cpu)
                time.sleep(0.3)
                for s in held:
                    self.assertTrue(paths.lookup(s) == path_canary,
                                    "path buffer of held slot %d was written" % s)
                    for cpu in range(n):
                        self.assertTrue(records.lookup(cpu * slots + s) == rec_canary,
                                        "record buffer of held slot %d on CPU %d was written"
                                        % (s, cpu))
                    self.assertTrue(all(struct.unpack_from("Q", claims.lookup(s), 8 * c)[0]
                                        >= HOLD - 1000 for c in range(n)))
                # Phase 2: every slot held: nothing is built, every drop is counted.
                for s in range(slots - 2, slots):
                    claims.update(s, struct.pack("Q", HOLD) * n)
                time.sleep(0.2)
                pids2 = []
                for cpu in range(n):
                    pids2 += run_stress(self.dir, 1, count, cpu)
            finally:
                for m in maps.values():
                    m.close()
            t.stop()
        got1 = self.ours(t.events, set(pids1))
        # Each process: its creat of f<pid>, count opens and count failed opens.
        self.assertEqual(len(got1), len(pids1) * (2 * count + 1))
        for ev in got1:
            self.assertEqual(foreign_pids(ev, self.dir), set(), ev)
        self.assertEqual(self.ours(t.events, set(pids2)), [])
        m = BUSY_RE.search(t.stderr)
        self.assertIsNotNone(m, t.stderr)
        self.assertGreaterEqual(int(m.group(1)), len(pids2) * (2 * count + 1))

    def test_same_cpu_tasks_never_mix(self):
        procs, count, rounds = 4, 3000, 2
        total = mixed = 0
        with Tracer("trace", "file", "--path", self.dir) as t:
            pids = []
            for _ in range(rounds):
                pids += run_stress(self.dir, procs, count, 0)
            t.stop(settle=1.0)
        got = self.ours(t.events, set(pids))
        for ev in got:
            total += 1
            if foreign_pids(ev, self.dir):
                mixed += 1
        print("\nscratch stress: %d records from %d processes on CPU 0, %d mixed, lost %s"
              % (total, len(pids), mixed, t.lost))
        self.assertEqual(mixed, 0)
        self.assertEqual(t.lost, 0)
        self.assertEqual(total, len(pids) * (2 * count + 1))


if __name__ == "__main__":
    unittest.main()
