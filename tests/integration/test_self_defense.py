"""An agent that defends itself (issue #16): a SIGSTOP to the agent, a ptrace
attach to it, a write to its policy directory and a `bpftool link detach` of
one of its links each raise a critical alert; a SIGKILL it cannot survive is
reported by the next start."""
import ctypes
import os
import re
import signal
import subprocess
import time

from safe_change import SafeChangeCase, rules
from vigil_test import VIGIL, Tracer, cgroup2_mount, free_port, get, is_alert, scrape

PTRACE_DETACH, PTRACE_SEIZE = 17, 0x4206


def seize_and_detach(pid):
    """In a child: PTRACE_SEIZE the agent (no stop), then detach."""
    child = os.fork()
    if child == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
        ok = libc.ptrace(PTRACE_SEIZE, pid, None, None) == 0
        libc.ptrace(PTRACE_DETACH, pid, None, None)
        os._exit(0 if ok else 1)
    _, status = os.waitpid(child, 0)
    return os.WEXITSTATUS(status) == 0


class SelfDefenseTest(SafeChangeCase):
    def setUp(self):
        super().setUp()
        self.pdir = self.path("policy.d")
        os.mkdir(self.pdir, 0o755)
        self.write(os.path.join(self.pdir, "main.yaml"), rules(("base", self.marker, "")))

    def agent(self, *extra):
        return Tracer("run", "--policy", self.pdir, "--alerts-only", *extra)

    def critical(self, t, rule):
        self._t = t
        return self.wait_for(lambda: [a for a in self.output(t) if is_alert(a)
                                      and get(a, "rule.name") == rule
                                      and get(a, "rule.severity") == "critical"], rule)

    def test_signal_ptrace_and_file_write_alert(self):
        with self.agent("--watch-own-files") as t:
            pid = t.proc.pid
            subprocess.run(["kill", "-STOP", str(pid)], check=True)
            time.sleep(0.2)
            subprocess.run(["kill", "-CONT", str(pid)], check=True)
            sig = self.critical(t, "vigil_self_signal")
            self.assertIn(19, [get(a, "signal.number") for a in sig])
            self.assertTrue(seize_and_detach(pid))
            self.critical(t, "vigil_self_ptrace")
            with open(os.path.join(self.pdir, "notes.txt"), "w") as f:
                f.write("not a policy\n")
            files = self.critical(t, "vigil_self_files")
            self.assertTrue(any("notes.txt" in a["message"] for a in files))
            # The same value written back: nothing changes for anyone else on the host.
            stats = "/proc/sys/kernel/bpf_stats_enabled"
            with open(stats) as f:
                value = f.read()
            with open(stats, "w") as f:
                f.write(value)
            self.critical(t, "vigil_self_bpf_stats")
            self.fires(t, "base", self.marker)      # and it still works

    def test_link_detach_fails_the_self_check(self):
        # Only cgroup links can be detached on this kernel, and the agent holds
        # its cgroup (deny) programs only while a rule enforces a deny: one on
        # a port nobody listens on.
        if not cgroup2_mount():
            self.skipTest("no cgroup2 mount")
        self.write(os.path.join(self.pdir, "deny.yaml"),
                   "rules:\n  - name: deny_unused_port\n    event: connect\n"
                   "    condition: destination.port = %d and destination.address cidr 127.0.0.0/8\n"
                   "    action: deny\n" % free_port())
        port = free_port()
        with self.agent("--metrics", str(port)) as t:
            link = None
            for fd in os.listdir("/proc/%d/fdinfo" % t.proc.pid):
                try:
                    with open("/proc/%d/fdinfo/%s" % (t.proc.pid, fd)) as f:
                        info = f.read()
                except OSError:
                    continue
                if re.search(r"link_type:\s+cgroup", info):
                    link = re.search(r"link_id:\s+(\d+)", info).group(1)
                    break
            self.assertIsNotNone(link, "the deny rule attached no cgroup link")
            time.sleep(1.5)     # the first self-check records the links
            subprocess.run(["bpftool", "link", "detach", "id", link], check=True)
            alert = self.critical(t, "vigil_self_check_failed")[0]
            self.assertIn("link %s" % link, alert["message"])
            self.assertIn("was detached", alert["message"])
            _, text = scrape(port)
            self.assertRegex(text, r"(?m)^vigil_self_check_healthy 0$")
            self.assertRegex(text, r"(?m)^vigil_self_check_failures_total 1$")

    def test_sigkill_is_reported_by_the_next_start(self):
        state = self.path("state")
        p = subprocess.Popen([VIGIL, "run", "--policy", self.pdir, "--alerts-only", "--json",
                              "--state-dir", state], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
        try:
            for line in p.stderr:
                if "vigil: ready" in line:
                    break
        finally:
            p.kill()
            p.wait()
            p.stderr.close()
        with self.agent("--state-dir", state) as t:
            self.assertIn("the last run ended abnormally", self.stderr(t))
            alert = self.critical(t, "vigil_self_abnormal_exit")[0]
            self.assertIn("ended abnormally", alert["message"])

    def test_own_cgroup_limits_or_the_reason(self):
        port = free_port()
        mount = cgroup2_mount()
        with self.agent("--metrics", str(port), "--self-limits", "memory=512,cpu=500") as t:
            _, text = scrape(port)
            confined = re.search(r"(?m)^vigil_self_confined (\d)$", text).group(1)
            cgdir = "%s/vigil-%d" % (mount, t.proc.pid)
            if confined == "1":
                with open("/proc/%d/cgroup" % t.proc.pid) as f:
                    self.assertIn("0::/vigil-%d" % t.proc.pid, f.read())
                with open(cgdir + "/memory.max") as f:
                    self.assertEqual(int(f.read()), 512 << 20)
                with open(cgdir + "/cpu.max") as f:
                    self.assertEqual(f.read().split(), ["50000", "100000"])
                self.assertRegex(text, r"(?m)^vigil_self_memory_max_bytes %d$" % (512 << 20))
            else:
                # This host's cgroup v2 lacks the controllers (v1 or hybrid): said once, nothing set.
                self.assertIn("not confined: ", self.stderr(t))
                self.assertRegex(text, r"(?m)^vigil_self_memory_max_bytes 0$")
                self.assertFalse(os.path.exists(cgdir))
        self.assertFalse(os.path.exists(cgdir))     # left and removed at exit
