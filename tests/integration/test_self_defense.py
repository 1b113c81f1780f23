"""An agent that defends itself (issue #16): a SIGSTOP to the agent, a ptrace
attach to it, a write to its policy directory and a `bpftool link detach` of
one of its links each raise a critical alert; a SIGKILL it cannot survive is
reported by the next start."""
import ctypes
import json
import os
import re
import signal
import shutil
import subprocess
import tempfile
import time

from safe_change import SafeChangeCase, rules
from vigil_test import VIGIL, Tracer, alerts, cgroup2_mount, free_port, get, is_alert, scrape

PTRACE_DETACH, PTRACE_SEIZE = 17, 0x4206
OTHER_UID = 4343    # the only uid the test's own file rule wants
SENT_RE = r"sensor file: (\d+) sent, (\d+) filtered in kernel"


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
        with self.agent() as t:
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

    def test_own_files_alert_and_the_file_prefilter_stays_on(self):
        """The agent's files alert whoever writes them (root here), while a
        file rule on one uid keeps the kernel's uid filter on: root's reads
        never leave the kernel, only the changes to the agent's files do."""
        watched = self.path("watched")
        os.mkdir(watched, 0o755)
        self.write(os.path.join(self.pdir, "main.yaml"),
                   rules(("base", self.marker, "")) +
                   "  - name: other_uid_opens\n    event: open\n"
                   "    condition: file.path startswith %s/ and process.user.id = %d\n"
                   % (watched, OTHER_UID))
        policy = os.path.join(self.pdir, "main.yaml")
        with self.agent() as t:
            for _ in range(50):
                with open(policy) as f:
                    f.read()
            notes = os.path.join(self.pdir, "notes.txt")
            with open(notes, "w") as f:
                f.write("x\n")
            os.rename(notes, notes + ".old")
            os.chmod(policy, 0o644)
            os.unlink(notes + ".old")
            self._t = t
            self.wait_for(lambda: len(alerts(self.output(t), "vigil_self_files")) >= 4, "4 alerts")
            t.stop()
        own = alerts(t.events, "vigil_self_files")
        self.assertEqual(sorted(get(a, "event.action") for a in own),
                         ["chmod", "open", "rename", "unlink"])
        self.assertEqual({get(a, "rule.severity") for a in own}, {"critical"})
        sent, filtered = (int(n) for n in re.search(SENT_RE, t.stderr).groups())
        self.assertEqual(sent, len(own), "root's reads of the policy stay in the kernel: " +
                         t.stderr[-800:])
        self.assertGreaterEqual(filtered, 50)

    def append_from_shell(self, path):
        return subprocess.run(["sh", "-c", "echo '# appended' >> %s" % path],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=10)

    def test_protect_denies_writes_to_the_policy(self):
        policy = os.path.join(self.pdir, "main.yaml")
        with open(policy) as f:
            before = f.read()
        with self.agent("--protect") as t:
            res = self.append_from_shell(policy)
            self.assertNotEqual(res.returncode, 0)
            self.assertIn("Operation not permitted", res.stderr)
            got = self.critical(t, "vigil_self_protect")
            self.assertEqual(get(got[0], "alert.outcome"), "denied")
            self.assertEqual(get(got[0], "file.path"), os.path.realpath(policy))
            # Reading stays allowed, and the agent still works.
            cat = subprocess.run(["cat", policy], stdout=subprocess.PIPE, text=True, timeout=10)
            self.assertEqual(cat.stdout, before)
            self.fires(t, "base", self.marker)
            # The agent's own writes under its protected state directory go through.
            self.wait_stderr(t, "last-known-good: saved")
            got = alerts(self.output(t), "vigil_self_protect")
        self.assertEqual(len(got), 1, "one alert for the one denied write")
        with open(policy) as f:
            self.assertEqual(f.read(), before)

    def test_without_protect_a_write_succeeds_and_alerts(self):
        policy = os.path.join(self.pdir, "main.yaml")
        with self.agent() as t:
            res = self.append_from_shell(policy)
            self.assertEqual(res.returncode, 0, res.stderr)
            got = self.critical(t, "vigil_self_files")
            self.assertEqual(get(got[0], "file.path"), os.path.realpath(policy))
        with open(policy) as f:
            self.assertTrue(f.read().endswith("# appended\n"))

    def test_reading_the_agent_memory_alerts(self):
        with self.agent() as t:
            pid = t.proc.pid
            with open("/proc/%d/maps" % pid) as f:
                start = int(f.readline().split("-")[0], 16)
            with open("/proc/%d/mem" % pid, "rb") as f:
                f.seek(start)
                self.assertEqual(len(f.read(16)), 16)
            got = self.critical(t, "vigil_self_memory")
            self.assertEqual(get(got[0], "file.path"), "/proc/%d/mem" % pid)
            self.assertEqual(get(got[0], "target.process.pid"), pid)

    def test_bpffs_and_tracefs_unmount_alert(self):
        """In a private mount namespace, a private bpffs and a bind of
        tracefs (one instance per host) on top of the host's, then unmounted:
        the host's own mounts are never touched."""
        script = ("mount -t bpf vigiltest /sys/fs/bpf && umount /sys/fs/bpf && "
                  "mount --bind /sys/kernel/tracing /sys/kernel/tracing && "
                  "umount /sys/kernel/tracing")
        with self.agent() as t:
            subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script],
                           check=True, timeout=20)
            self._t = t

            def unmounts():
                return [a for a in alerts(self.output(t), "vigil_self_umount")
                        if get(a, "syscall.name") == "umount2"]
            got = self.wait_for(lambda: len(unmounts()) >= 2 and unmounts(), "both unmounts")
        self.assertEqual({get(a, "file.path") for a in got}, {"/sys/fs/bpf", "/sys/kernel/tracing"})
        self.assertEqual({get(a, "rule.severity") for a in got}, {"critical"})

    def test_a_program_named_vigil_is_not_exempt(self):
        """The host-wide self rules leave out the agent's own executable, not
        a name: umount copied to a file called vigil still alerts."""
        d = tempfile.mkdtemp(prefix="vg-named-", dir="/tmp")
        fake = os.path.join(d, "vigil")
        shutil.copy("/usr/bin/umount", fake)
        script = "mount -t bpf vigiltest /sys/fs/bpf && %s /sys/fs/bpf" % fake
        try:
            with self.agent() as t:
                subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script],
                               check=True, timeout=20)
                self._t = t
                got = self.wait_for(
                    lambda: [a for a in alerts(self.output(t), "vigil_self_umount")
                             if get(a, "process.executable.path") == fake], "the fake vigil's unmount")
        finally:
            shutil.rmtree(d, ignore_errors=True)
        self.assertEqual(get(got[0], "rule.severity"), "critical")

    def test_one_critical_alert_per_signal_with_the_default_policy(self):
        """The built-in vigil_self_signal and the default policy's
        vigil_signalled (SIGINT/SIGTERM only) never both fire."""
        with Tracer("run", "--alerts-only") as t:
            pid = t.proc.pid
            subprocess.run(["kill", "-CONT", str(pid)], check=True)
            self.critical(t, "vigil_self_signal")
            time.sleep(0.5)
            got = [a for a in self.output(t) if is_alert(a) and get(a, "signal.number") == 18
                   and get(a, "target.process.pid") == pid]
        self.assertEqual([get(a, "rule.name") for a in got], ["vigil_self_signal"])

    def test_bpf_enable_stats_call_alerts(self):
        """bpf(BPF_ENABLE_STATS) by another process: stats on host-wide while
        its fd lives (closed at once here)."""
        libc = ctypes.CDLL(None, use_errno=True)
        attr = ctypes.create_string_buffer(8)   # enable_stats.type = BPF_STATS_RUN_TIME (0)
        with self.agent() as t:
            fd = libc.syscall(321, 32, attr, 4)   # __NR_bpf, BPF_ENABLE_STATS
            self.assertGreaterEqual(fd, 0, os.strerror(ctypes.get_errno()))
            os.close(fd)
            got = self.critical(t, "vigil_self_bpf_stats_call")
            self.assertEqual(get(got[0], "process.pid"), os.getpid())

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
            # ... and the call itself names who did it, with the same link id.
            calls = self.wait_for(lambda: [a for a in alerts(self.output(t),
                                                                "vigil_bpf_link_detached")
                                           if get(a, "bpf.link.id") == int(link)], "the call")
            self.assertTrue(get(calls[0], "process.executable.path").endswith("bpftool"))
            _, text = scrape(port)
            self.assertRegex(text, r"(?m)^vigil_self_check_healthy 0$")
            self.assertRegex(text, r"(?m)^vigil_self_check_failures_total 1$")

    def hub_map(self, t, name):
        inv = json.loads(subprocess.run([VIGIL, "bpf", "--json"], stdout=subprocess.PIPE,
                                        check=True, text=True).stdout)
        ids = [m["id"] for m in inv["maps"] if m["name"] == name
               and any(o["pid"] == t.proc.pid for o in m["owners"])]
        self.assertEqual(len(ids), 1, inv["maps"])
        return str(ids[0])

    def test_emptied_syscall_hub_slot_fails_the_self_check(self):
        # The file sensor's sys_exit handler sits in the hub's exit array, slot 1:
        # emptying it blinds the sensor without touching any link.
        with self.agent() as t:
            exits = self.hub_map(t, "vg_hub_exit")
            time.sleep(1.5)     # the first self-check records what the agent holds
            subprocess.run(["bpftool", "map", "delete", "id", exits, "key", "1", "0", "0", "0"],
                           check=True)
            alert = self.critical(t, "vigil_self_check_failed")[0]
            self.assertIn("syscall hub's tp_btf/sys_exit slot 1 runs program 0", alert["message"])

    def test_zeroed_syscall_hub_route_fails_the_self_check(self):
        # openat (257): no handler runs for it any more, every slot still full.
        with self.agent() as t:
            routes = self.hub_map(t, "vg_hub_routes")
            time.sleep(1.5)
            subprocess.run(["bpftool", "map", "update", "id", routes, "key", "1", "1", "0", "0",
                            "value", "0", "0"], check=True)
            alert = self.critical(t, "vigil_self_check_failed")[0]
            self.assertIn("syscall hub's route of syscall 257 was changed", alert["message"])

    def test_sigkill_is_reported_by_the_next_start(self):
        state = self.path("state")
        p = subprocess.Popen([VIGIL, "run", "--no-default-policy", "--policy", self.pdir,
                              "--alerts-only", "--json",
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
