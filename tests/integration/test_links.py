#!/usr/bin/env python3
"""The BPF links `vigil run` holds: no perf-event (syscalls:sys_enter_X)
tracepoint link, whose close waits an RCU grace period under the kernel's
event_mutex (a stop took seconds with ~80 of them), and nothing left after
it stops. The stop time itself is measured by bench/stop.sh, not here."""
import os
import subprocess
import time
import unittest

from vigil_test import Tracer, VigilTestCase


def agent_links(pid):
    """(link_type, prog_id) of every BPF link our own agent holds (its fdinfo)."""
    links = []
    fdinfo = "/proc/%d/fdinfo" % pid
    for fd in os.listdir(fdinfo):
        try:
            with open(os.path.join(fdinfo, fd)) as f:
                fields = dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
        except OSError:
            continue
        if "link_type" in fields:
            links.append((fields["link_type"].strip(), int(fields.get("prog_id", "0"))))
    return links


def program_exists(prog_id):
    return subprocess.run(["bpftool", "prog", "show", "id", str(prog_id)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


class TestLinks(VigilTestCase):
    def check_run(self, *args):
        with Tracer("run", *args) as t:
            links = agent_links(t.proc.pid)
            t.stop(settle=0)
        self.assertEqual(t.returncode, 0, t.stderr)
        types = [lt for lt, _ in links]
        # Syscalls are watched from the raw sys_enter/sys_exit tracepoints.
        self.assertNotIn("perf", types, links)
        self.assertGreaterEqual(types.count("raw_tracepoint"), 4, links)
        # Nothing of the agent outlives it: its programs went with their links
        # (the kernel frees a program after an RCU grace period: give it time).
        deadline = time.time() + 20
        left = [pid for _, pid in links if pid]
        while left and time.time() < deadline:
            left = [pid for pid in left if program_exists(pid)]
            time.sleep(0.2)
        self.assertEqual(left, [], "programs of a stopped agent still loaded")
        return t

    def test_default_policy_holds_no_perf_tracepoint_link(self):
        self.check_run("--alerts-only")

    def test_every_event_holds_no_perf_tracepoint_link(self):
        # Every sensor attached (priv and net included).
        t = self.check_run("--events")
        for sensor in ("priv", "net"):
            self.assertIn("sensor %s: tp_btf" % sensor, t.stderr)


if __name__ == "__main__":
    unittest.main()
