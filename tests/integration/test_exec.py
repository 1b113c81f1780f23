"""Process sensor: exec/fork/exit events from `vigil trace exec` on the real kernel."""
import os
import signal
import subprocess
import time
import unittest

from vigil_test import Tracer, VigilTestCase, get, helper, kind


def execs(events, **match):
    out = []
    for ev in events:
        if kind(ev) != "exec":
            continue
        if all(get(ev, k) == v for k, v in match.items()):
            out.append(ev)
    return out


class TraceExecTest(VigilTestCase):
    def test_exec_args_path_uid_and_ancestry(self):
        with Tracer("trace", "exec") as t:
            sh = subprocess.Popen(["sh", "-c", '/usr/bin/env FOO=1 /bin/true alpha "beta gamma"; exit 0'])
            sh.wait()
            t.stop()
        true_ev = [ev for ev in execs(t.events, **{"process.executable.path": "/usr/bin/true"})
                   if get(ev, "process.args") == ["/bin/true", "alpha", "beta gamma"]]
        self.assertEqual(len(true_ev), 1, "exactly one exec of true with our args")
        ev = true_ev[0]
        self.assertEqual(get(ev, "process.executable.invoked_path"), "/bin/true")
        self.assertEqual(get(ev, "process.user.id"), os.geteuid())
        self.assertEqual(get(ev, "process.real_user.id"), os.getuid())
        self.assertFalse(get(ev, "process.args_truncated"))
        ancestors = get(ev, "process.ancestors")
        self.assertGreaterEqual(len(ancestors), 2)
        self.assertEqual(ancestors[0]["pid"], sh.pid)
        self.assertEqual(ancestors[0]["args"][:2], ["sh", "-c"])
        self.assertEqual(ancestors[1]["pid"], os.getpid())
        self.assertEqual(get(ev, "process.parent.pid"), sh.pid)
        # env ran first in the same process and has its own exec event.
        env_ev = execs(t.events, **{"process.pid": get(ev, "process.pid"),
                                    "process.executable.path": "/usr/bin/env"})
        self.assertEqual(len(env_ev), 1)
        self.assertEqual(get(env_ev[0], "process.args"),
                         ["/usr/bin/env", "FOO=1", "/bin/true", "alpha", "beta gamma"])
        self.assertLess(get(env_ev[0], "event.boot_time_ns"), get(ev, "event.boot_time_ns"))
        self.assertTrue(get(ev, "@timestamp").endswith("Z"))
        self.assertEqual(t.lost, 0)

    def test_exit_code_and_signal(self):
        with Tracer("trace", "exec") as t:
            code3 = subprocess.Popen(["sh", "-c", "exit 3"])
            code3.wait()
            victim = subprocess.Popen(["sleep", "30"])
            time.sleep(0.2)
            victim.send_signal(signal.SIGTERM)
            victim.wait()
            t.stop()
        exits = {get(ev, "process.pid"): ev for ev in t.events if kind(ev) == "exit"}
        self.assertIn(code3.pid, exits)
        self.assertEqual(get(exits[code3.pid], "process.exit.code"), 3)
        self.assertEqual(get(exits[code3.pid], "process.exit.signal"), 0)
        self.assertIn(victim.pid, exits)
        self.assertEqual(get(exits[victim.pid], "process.exit.signal"), signal.SIGTERM)
        self.assertEqual(get(exits[victim.pid], "process.exit.signal_name"), "SIGTERM")
        self.assertEqual(get(exits[victim.pid], "process.exit.code"), 0)
        self.assertGreater(get(exits[victim.pid], "process.exit.run_time_ns"), 150_000_000)

    def test_ancestry_of_process_older_than_agent(self):
        # The parent shell starts before vigil and waits on a pipe.
        older = subprocess.Popen(["sh", "-c", "read go; /bin/echo old-parent-marker"],
                                 stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
        time.sleep(0.2)
        try:
            with Tracer("trace", "exec") as t:
                older.stdin.write(b"go\n")
                older.stdin.flush()
                older.wait(timeout=10)
                t.stop()
        finally:
            older.kill()
        ev = execs(t.events, **{"process.args": ["/bin/echo", "old-parent-marker"]})
        self.assertEqual(len(ev), 1)
        ancestors = get(ev[0], "process.ancestors")
        self.assertEqual(ancestors[0]["pid"], older.pid)
        self.assertEqual(ancestors[0]["executable"]["path"], os.path.realpath("/bin/sh"))
        self.assertEqual(ancestors[0]["args"], ["sh", "-c", "read go; /bin/echo old-parent-marker"])
        self.assertEqual(ancestors[1]["pid"], os.getpid())

    def test_burst_of_2000_processes_no_loss_no_identity_mixup(self):
        n = 2000
        with Tracer("trace", "exec", "--comm", "forkexec") as t:
            forker = subprocess.Popen([helper("forkexec"), str(n), "8"], stdout=subprocess.PIPE)
            out = forker.communicate()[0].decode()
            self.assertEqual(forker.returncode, 0)
            t.stop(settle=1.0)
        want = {int(i): int(pid) for i, pid in (line.split() for line in out.splitlines())}
        self.assertEqual(len(want), n)
        seen = {}
        keys = set()
        for ev in execs(t.events):
            args = get(ev, "process.args")
            # Only our forker's children: other tests on the host may run forkexec too.
            if get(ev, "process.parent.pid") != forker.pid:
                continue
            if len(args) == 3 and args[:2] == ["forkexec", "child"]:
                idx = int(args[2])
                self.assertFalse(idx in seen, "child %d reported twice" % idx)
                seen[idx] = ev
                keys.add((get(ev, "process.pid"), get(ev, "process.start_time")))
        self.assertEqual(len(seen), n, "every exec reported")
        for idx, ev in seen.items():
            self.assertEqual(get(ev, "process.pid"), want[idx], "child %d identity" % idx)
        self.assertEqual(len(keys), n, "(pid, start_time) is unique per process")
        exits = [ev for ev in t.events if kind(ev) == "exit"
                 and (get(ev, "process.pid"), get(ev, "process.start_time")) in keys]
        self.assertEqual(len(exits), n, "every child's exit matches its exec's identity")
        self.assertEqual(t.lost, 0)

    def test_long_argv_is_flagged_truncated(self):
        long_arg = "x" * 6000
        with Tracer("trace", "exec", "--comm", "true") as t:
            subprocess.run(["/bin/true", "long-argv-marker", long_arg], check=True)
            t.stop()
        ev = [e for e in execs(t.events) if get(e, "process.args")[1:2] == ["long-argv-marker"]]
        self.assertEqual(len(ev), 1)
        self.assertTrue(get(ev[0], "process.args_truncated"))
        self.assertEqual(get(ev[0], "process.args_count"), 3)
        kept = get(ev[0], "process.args")[2]
        self.assertTrue(0 < len(kept) < len(long_arg))
        self.assertEqual(set(kept), {"x"})

    def test_kernel_filters(self):
        with Tracer("trace", "exec", "--comm", "vg-filter-yes") as t:
            for name in ("vg-filter-yes", "vg-filter-no"):
                subprocess.run(["cp", "/bin/true", "/tmp/" + name], check=True)
                subprocess.run(["/tmp/" + name], check=True)
                os.unlink("/tmp/" + name)
            t.stop()
        names = {get(ev, "process.name") for ev in t.events}
        self.assertEqual(names, {"vg-filter-yes"})
        self.assertIn("filtered in kernel", t.stderr)


class TraceExecCliTest(unittest.TestCase):
    def test_bad_option_value_is_one_clear_line(self):
        from vigil_test import VIGIL
        res = subprocess.run([VIGIL, "trace", "exec", "--pid", "12x"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("invalid --pid '12x'", res.stderr.decode())

    def test_not_root_is_refused_clearly(self):
        from vigil_test import VIGIL
        if os.geteuid() != 0:
            self.skipTest("needs root to drop privileges")
        res = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                              VIGIL, "trace", "exec"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(res.returncode, 1)
        err = res.stderr.decode().strip().splitlines()
        self.assertEqual(len(err), 1, err)
        self.assertIn("must run as root", err[0])


if __name__ == "__main__":
    unittest.main()
