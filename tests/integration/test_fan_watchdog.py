"""The fanotify deny path never hangs the host: with the agent stopped or its
cgroup frozen, its watchdog process (vigil-fanwd) answers "allow" within
the deadline, counts it, and the agent reports what it let through once it
runs again; when the agent dies the watchdog goes with it."""
import os
import signal
import time

from vigil_test import DeniedFileCase, Tracer, alerts, cgroup2_mount, get

DEADLINE_S = 0.5


def children(pid):
    out = []
    for tid in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
            out += [int(c) for c in f.read().split()]
    return out


def comm(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except FileNotFoundError:
        return None


def cgroup2_of(pid):
    with open("/proc/%d/cgroup" % pid) as f:
        for line in f:
            if line.startswith("0::"):
                return line[3:].strip()
    return None


def watchdog_of(agent_pid):
    found = [c for c in children(agent_pid) if comm(c) == "vigil-fanwd"]
    assert len(found) == 1, "no single vigil-fanwd child: %r" % found
    return found[0]


class FanWatchdogTest(DeniedFileCase):
    def test_stopped_agent_lets_the_open_through_and_reports_it_after(self):
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            agent = t.proc.pid
            self.addCleanup(lambda: t.proc.poll() is None and os.kill(agent, signal.SIGCONT))
            wd = watchdog_of(agent)
            # Its own session: a stop sent to the agent's terminal or group
            # does not reach it.
            self.assertNotEqual(os.getsid(wd), os.getsid(agent))

            rc, _, _, _ = self.cat()
            self.assertNotEqual(rc, 0, "the guard denies while the agent runs")

            os.kill(agent, signal.SIGSTOP)
            try:
                rc, out, stalled_pid, took = self.cat()
            finally:
                os.kill(agent, signal.SIGCONT)
            print("\nopen with the agent stopped answered in %.3f s" % took)
            self.assertEqual((rc, out), (0, b"data\n"))
            self.assertLess(took, DEADLINE_S + 1.5)
            self.assertGreaterEqual(took, DEADLINE_S * 0.8, "answered by the watchdog, not the guard")

            rc, _, _, _ = self.cat()
            self.assertNotEqual(rc, 0, "denies again once the agent runs")
            t.stop(settle=0.5)

        self.assertIn("1 allowed by the watchdog", t.stderr)
        a = alerts(t.events, "no_secret")
        self.assertEqual([x["alert"]["outcome"] for x in a],
                         ["denied", "allowed by the watchdog (agent stalled)", "denied"], a)
        late = a[1]
        self.assertEqual(late["rule"]["mode"], "enforce")
        self.assertEqual(get(late, "process.pid"), stalled_pid)
        self.assertEqual(get(late, "file.path"), self.secret)

    def test_watchdog_leaves_with_the_agent(self):
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            agent = t.proc.pid
            wd = watchdog_of(agent)
            os.kill(agent, signal.SIGKILL)
            t.proc.wait(timeout=10)
            deadline = time.monotonic() + 5
            while comm(wd) == "vigil-fanwd" and time.monotonic() < deadline:
                time.sleep(0.02)
            self.assertNotEqual(comm(wd), "vigil-fanwd", "the watchdog outlived the agent")
            rc, out, _, took = self.cat()
            self.assertEqual((rc, out), (0, b"data\n"))
            self.assertLess(took, 1.0)

    def test_clean_exit_reaps_the_watchdog(self):
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            wd = watchdog_of(t.proc.pid)
            t.stop()
        self.assertEqual(t.returncode, 0, t.stderr)
        self.assertIsNone(comm(wd), "left a vigil-fanwd behind (or a zombie)")
        self.assertIn("0 allowed by the watchdog", t.stderr)

    def test_frozen_agent_cgroup_does_not_freeze_the_watchdog(self):
        mnt = cgroup2_mount()
        self.assertIsNotNone(mnt, "no cgroup2 mount")
        cg = os.path.join(mnt, "vg-fanwd-frozen-%d" % os.getpid())
        os.mkdir(cg)
        self.addCleanup(os.rmdir, cg)
        freeze = os.path.join(cg, "cgroup.freeze")

        def thaw():
            with open(freeze, "w") as f:
                f.write("0")
        self.addCleanup(thaw)
        t = Tracer("run", "--policy", self.policy, "--alerts-only")
        # Started inside the cgroup, as under docker or a systemd unit.
        t.args = ["sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', cg] + t.args
        with t:
            agent = t.proc.pid
            wd = watchdog_of(agent)
            self.assertEqual(cgroup2_of(agent), "/" + os.path.basename(cg))
            self.assertEqual(cgroup2_of(wd), "/", "the watchdog left for the root cgroup")
            self.assertNotEqual(self.cat()[0], 0)
            with open(freeze, "w") as f:
                f.write("1")
            deadline = time.monotonic() + 5
            while "frozen 1" not in open(os.path.join(cg, "cgroup.events")).read():
                self.assertLess(time.monotonic(), deadline, "the cgroup did not freeze")
                time.sleep(0.02)
            try:
                rc, out, _, took = self.cat()
            finally:
                thaw()
            print("\nopen with the agent's cgroup frozen answered in %.3f s" % took)
            self.assertEqual((rc, out), (0, b"data\n"))
            self.assertLess(took, DEADLINE_S + 1.5)
            t.stop(settle=0.5)
        outcomes = [a["alert"]["outcome"] for a in alerts(t.events, "no_secret")]
        self.assertEqual(outcomes, ["denied", "allowed by the watchdog (agent stalled)"])
