"""make bench counts, per monitor, the lines it wrote about a workload's own
events (bench/overhead_monitors.py). Lines in each tool's real format: the
right ones count, a loop that merely names the marker in its arguments and
the other side of a connection do not."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench"))
import overhead_monitors as om  # noqa: E402

FILE = "/var/cache/vigil-bench.ab12/unwatched/vigil-bench-XYZ/data/file.txt"
PROG = "/var/cache/vigil-bench.ab12/bin/vigil-bench-true"


class CounterTest(unittest.TestCase):
    def test_opensnoop(self):
        self.assertTrue(om.opensnoop("open", FILE, "28903  file_loop          3   0 %s\n" % FILE))
        self.assertFalse(om.opensnoop("open", FILE, "28903  file_loop          3   0 %s.tmp\n"
                                      % FILE))
        self.assertFalse(om.opensnoop("exec", FILE, "28903  file_loop  3   0 %s\n" % FILE))

    def test_execsnoop_counts_the_program_not_the_loop_naming_it(self):
        self.assertTrue(om.execsnoop("exec", PROG, "vigil-bench-tru  29094  29091    0 %s \n"
                                     % PROG))
        self.assertFalse(om.execsnoop("exec", PROG, "exec_loop  29090  29000    0 "
                                      "build/bench/exec_loop 2 %s \n" % PROG))

    def test_tcplife_counts_the_client_side_once(self):
        client = "29241   net_loop  127.0.0.1       55888 127.0.0.1       37537 0.00   0.00   0.07"
        server = "29241   net_loop  127.0.0.1       37537 127.0.0.1       55888 0.00   0.00   0.07"
        self.assertTrue(om.tcplife("connect", "37537", client))
        self.assertFalse(om.tcplife("connect", "37537", server))
        self.assertFalse(om.tcplife("connect", "37537", "PID COMM LADDR LPORT RADDR RPORT"))

    def test_bpftrace(self):
        self.assertTrue(om.bpftrace("open", FILE, "open %s\n" % FILE))
        self.assertTrue(om.bpftrace("connect", "37537", "connect 37537\n"))
        self.assertFalse(om.bpftrace("connect", "3753", "connect 37537\n"))

    def test_vigil_json(self):
        op = ('{"event":{"kind":"event","action":"open"},"process":{"args":["x"]},'
              '"file":{"path":"%s","access":"read"}}' % FILE)
        ex = ('{"event":{"kind":"event","action":"exec"},"process":{"pid":1,'
              '"executable":{"path":"%s"},"args":["%s"]}}' % (PROG, PROG))
        loop = ('{"event":{"kind":"event","action":"exec"},"process":{"pid":1,'
                '"executable":{"path":"/b/exec_loop"},"args":["exec_loop","2","%s"]}}' % PROG)
        conn = ('{"event":{"action":"connect"},"source":{"address":"127.0.0.1","port":55888},'
                '"destination":{"address":"127.0.0.1","port":37537}}')
        self.assertTrue(om.vigil_json("open", FILE, op))
        self.assertFalse(om.vigil_json("open", FILE, op.replace('"open"', '"unlink"')))
        self.assertTrue(om.vigil_json("exec", PROG, ex))
        self.assertFalse(om.vigil_json("exec", PROG, loop))
        self.assertFalse(om.vigil_json("exec", PROG, ex.replace('"exec"', '"exit"')))
        self.assertTrue(om.vigil_json("connect", "37537", conn))
        self.assertFalse(om.vigil_json("connect", "55888", conn))
        self.assertFalse(om.vigil_json("connect", "3753", conn))

    def test_lost_messages(self):
        self.assertEqual(om.LOST_RE.findall("Lost 308 events on CPU #1!\nlost 5 events\n"),
                         ["308", "5"])
        m = om.VIGIL_LOST_RE.search("vigil: 1253 events received, 7 lost (ringbuf_full=7 ...)")
        self.assertEqual(m.groups(), ("1253", "7"))


if __name__ == "__main__":
    unittest.main()
