"""`vigil probe` on the real kernel (root).

The expectations are the development kernel's measured facts: fentry/fexit and
BPF LSM programs are refused with EPERM, tracepoints/tp_btf/raw_tracepoint and
ring buffers work, the kernel has no module support, and the process sensor
runs on tp_btf.
"""
import json
import os
import subprocess
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VIGIL = os.path.join(ROOT, "build", "vigil")

HOOKS = ["tracepoint", "tp_btf", "raw_tracepoint", "fentry", "fexit", "lsm", "kprobe",
         "uprobe", "cgroup_sock_addr", "xdp", "tc", "socket_filter"]
MODULE_SYSCALLS = ["init_module", "finit_module", "delete_module"]


def run_probe(*args):
    res = subprocess.run([VIGIL, "probe", *args], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, timeout=60)
    return res.returncode, res.stdout.decode(), res.stderr.decode()


class ProbeJsonTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise unittest.SkipTest("needs root")
        cls.rc, out, cls.err = run_probe("--json")
        cls.out = out
        cls.doc = json.loads(out) if cls.rc == 0 else None

    def setUp(self):
        self.assertEqual(self.rc, 0, "vigil probe --json failed: " + self.err)

    def hook(self, name):
        return self.doc["hooks"][name]

    def assert_unavailable_with(self, item, *needles):
        self.assertIs(item["available"], False, item)
        self.assertTrue(item.get("reason"), item)
        for n in needles:
            self.assertIn(n, item["reason"])

    def test_one_json_object_on_one_line(self):
        self.assertEqual(len(self.out.strip().splitlines()), 1)
        for key in ("kernel", "hooks", "maps", "helpers", "syscall_tracepoints", "sensors"):
            self.assertIn(key, self.doc)

    def test_every_hook_is_reported(self):
        for h in HOOKS:
            self.assertIn(h, self.doc["hooks"])
            self.assertIn(self.hook(h)["available"], (True, False))
            self.assertTrue(self.hook(h).get("tested"), h)

    def test_fentry_fexit_refused_with_eperm(self):
        self.assert_unavailable_with(self.hook("fentry"), "EPERM")
        self.assert_unavailable_with(self.hook("fexit"), "EPERM")

    def test_lsm_refused_with_eperm(self):
        self.assert_unavailable_with(self.hook("lsm"), "EPERM")

    def test_tracing_hooks_available(self):
        for h in ("tracepoint", "tp_btf", "raw_tracepoint", "uprobe", "cgroup_sock_addr",
                  "socket_filter", "xdp", "tc"):
            self.assertIs(self.hook(h)["available"], True, (h, self.hook(h)))
            self.assertNotIn("reason", self.hook(h))

    def test_kprobe_unavailable_with_reason(self):
        self.assert_unavailable_with(self.hook("kprobe"), "kprobe")

    def test_ringbuf_and_maps(self):
        for m in ("ringbuf", "hash", "lru_hash", "percpu_array", "lpm_trie"):
            self.assertIs(self.doc["maps"][m]["available"], True, m)

    def test_helpers(self):
        h = self.doc["helpers"]
        for name in ("bpf_send_signal", "bpf_probe_read_kernel", "bpf_probe_read_user",
                     "bpf_ktime_get_boot_ns", "bpf_ringbuf_output", "bpf_loop",
                     "bpf_get_current_task_btf"):
            self.assertIs(h[name]["available"], True, (name, h[name]))
        # bpf_d_path needs fentry or LSM programs, both refused here.
        self.assert_unavailable_with(h["bpf_d_path"], "EPERM")

    def test_module_syscalls_unavailable(self):
        st = self.doc["syscall_tracepoints"]
        for name in MODULE_SYSCALLS:
            self.assert_unavailable_with(
                st[name], "kernel built without module support: no sys_enter_%s tracepoint" % name)

    def test_process_sensor_uses_tp_btf(self):
        p = self.doc["sensors"]["process"]
        self.assertEqual(p["variant"], "tp_btf")
        statuses = {v["name"]: v["status"] for v in p["variants"]}
        self.assertEqual(statuses["tp_btf"], "chosen")
        self.assertEqual(statuses.get("raw_tracepoint"), "not tried")

    def test_kernel_facts(self):
        k = self.doc["kernel"]
        self.assertEqual(k["release"]["value"], os.uname().release)
        self.assertIs(k["btf"]["available"], True)
        self.assertIn(k["lockdown"]["value"], ("none", "integrity", "confidentiality"))
        with open("/sys/kernel/security/lockdown") as f:  # probe mounted securityfs
            self.assertIn("[%s]" % k["lockdown"]["value"], f.read())
        self.assertIsInstance(k["active_lsms"]["value"], list)
        self.assertEqual(k["bpf_lsm_active"]["available"], "bpf" in k["active_lsms"]["value"])
        self.assertIsInstance(k["unprivileged_bpf_disabled"]["value"], int)
        self.assertEqual(k["cgroup2"]["value"], "/sys/fs/cgroup/unified")
        for fs in ("tracefs", "bpffs", "securityfs"):
            self.assertIs(k[fs]["available"], True, fs)
        self.assertIs(k["bpf_stats"]["available"], True, k["bpf_stats"])
        self.assertIn("io_uring", k)

    def test_self_limits_or_why_not(self):
        """What `vigil run` would set on itself (issue #16), judged from the
        cgroup v2 root's controllers the way the agent does at start."""
        lim = self.doc["kernel"]["self_limits"]
        with open(os.path.join(self.doc["kernel"]["cgroup2"]["value"],
                               "cgroup.controllers")) as f:
            controllers = f.read().split()
        can = "memory" in controllers and "cpu" in controllers
        self.assertIs(lim["available"], can, lim)
        if can:
            self.assertIn("memory.max 2048 MiB, cpu.max 1.000 CPU", lim["value"])
        else:
            self.assertIn("has no memory or cpu controller", lim["reason"])

    def test_clean_and_timed(self):
        """Leaves no probe cgroup behind and says how long it took. How long
        is a speed goal: bench/probe.sh measures it, not a timed test."""
        self.assertIsInstance(self.doc["elapsed_ms"], int)
        leftovers = [d for d in os.listdir("/sys/fs/cgroup/unified")
                     if d.startswith("vigil-probe.")]
        self.assertEqual(leftovers, [])
        self.assertRegex(self.doc["kernel"]["bpf_stats"]["value"], r"^kernel\.bpf_stats_enabled=\d$")


class ProbeTextTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise unittest.SkipTest("needs root")
        cls.rc, cls.out, cls.err = run_probe()

    def row(self, key):
        for line in self.out.splitlines():
            words = line.split()
            if words and words[0] == key:
                return line
        self.fail("no row for %r in:\n%s" % (key, self.out))

    def test_exit_zero(self):
        self.assertEqual(self.rc, 0, self.err)

    def test_mentions_each_hook(self):
        for h in HOOKS:
            self.row(h)

    def test_rows_say_yes_or_no(self):
        self.assertEqual(self.row("fentry").split()[1], "no")
        self.assertIn("EPERM", self.row("fentry"))
        self.assertEqual(self.row("lsm").split()[1], "no")
        self.assertEqual(self.row("tp_btf").split()[1], "yes")
        self.assertEqual(self.row("tracepoint").split()[1], "yes")
        self.assertEqual(self.row("ringbuf").split()[1], "yes")
        self.assertIn("kernel built without module support", self.row("init_module"))

    def test_sensor_row(self):
        self.assertEqual(self.row("process").split()[1], "tp_btf")

    def test_help_has_examples(self):
        rc, out, _ = run_probe("--help")
        self.assertEqual(rc, 0)
        self.assertIn("EXAMPLES", out)
        self.assertIn("--json", out)


class ProbeErrorsTest(unittest.TestCase):
    def test_not_root_one_clear_line(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to drop to nobody")
        res = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                              VIGIL, "probe"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             timeout=30)
        self.assertNotEqual(res.returncode, 0)
        self.assertEqual(res.stdout, b"")
        lines = res.stderr.decode().strip().splitlines()
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("root", lines[0])

    def test_bad_argument(self):
        rc, out, err = run_probe("--no-such-option")
        self.assertEqual(rc, 2)
        self.assertEqual(out, "")


if __name__ == "__main__":
    unittest.main()
