"""Integration tests of the privilege sensor (`vigil trace priv`, `vigil bpf`).

Each test runs a mode of tests/helpers/priv_helper.c under a tracer filtered
to the test's own processes (--comm priv_helper, or --uid of a user the test
creates) and asserts exact field values.
"""
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid

from vigil_test import VIGIL, Tracer, VigilTestCase, get, helper, kind

HELPER = helper("priv_helper")
COMM = "priv_helper"


def of_kind(events, k, pid=None):
    return [e for e in events
            if kind(e) == k and (pid is None or get(e, "process.pid") == pid)]


class PrivTestBase(VigilTestCase):
    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="vgpriv-")
        os.chmod(self.tmp, 0o755)
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def copy_helper(self, name):
        path = os.path.join(self.tmp, name)
        shutil.copy(HELPER, path)
        os.chown(path, 0, 0)
        return path

    def make_user(self):
        name = "vgt" + uuid.uuid4().hex[:8]
        subprocess.run(["useradd", "-M", "-N", "-s", "/usr/sbin/nologin", name],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(subprocess.run, ["userdel", "-f", name],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ent = pwd.getpwnam(name)
        return ent.pw_uid, ent.pw_gid


class TestCredentials(PrivTestBase):
    def run_as(self, uid, gid, argv):
        p = subprocess.Popen(argv, user=uid, group=gid, extra_groups=[])
        p.wait(timeout=10)
        return p

    def assert_exec_marked(self, tx, pid, uid):
        """The process sensor's own exec record says privileges were gained."""
        execs = [e for e in tx.events if kind(e) == "exec" and get(e, "process.pid") == pid]
        self.assertEqual(len(execs), 1, tx.events)
        self.assertTrue(get(execs[0], "process.privileged_exec"))
        self.assertEqual(get(execs[0], "process.real_user.id"), uid)

    def test_setuid_root_binary(self):
        uid, gid = self.make_user()
        suid = self.copy_helper("priv_suid")
        os.chmod(suid, 0o4755)
        with Tracer("trace", "exec", "--uid", str(uid)) as tx, \
                Tracer("trace", "priv", "--uid", str(uid)) as t:
            p = self.run_as(uid, gid, [suid, "setuid0"])
        self.assertEqual(p.returncode, 0)
        self.assert_exec_marked(tx, p.pid, uid)
        execs = of_kind(t.events, "privileged_exec", p.pid)
        self.assertEqual(len(execs), 1, t.events)
        ex = execs[0]
        self.assertEqual(get(ex, "syscall.name"), "execve")
        self.assertEqual(get(ex, "credentials.old.uid"), uid)
        self.assertEqual(get(ex, "credentials.old.euid"), uid)
        self.assertEqual(get(ex, "credentials.new.uid"), uid)
        self.assertEqual(get(ex, "credentials.new.euid"), 0)
        self.assertEqual(get(ex, "credentials.new.suid"), 0)
        self.assertIn("euid", get(ex, "credentials.changed"))
        self.assertTrue(get(ex, "credentials.gained_privileges"))
        creds = of_kind(t.events, "setuid", p.pid)
        self.assertEqual(len(creds), 1, t.events)
        c = creds[0]
        self.assertEqual(get(c, "syscall.name"), "setuid")
        self.assertEqual(get(c, "syscall.result"), 0)
        self.assertEqual(get(c, "credentials.old.uid"), uid)
        self.assertEqual(get(c, "credentials.old.euid"), 0)
        self.assertEqual(get(c, "credentials.new.uid"), 0)
        self.assertEqual(get(c, "credentials.new.euid"), 0)
        self.assertEqual(get(c, "process.new_user.id"), 0)
        self.assertEqual(get(c, "process.new_real_user.id"), 0)
        self.assertIn("uid", get(c, "credentials.changed"))
        self.assertGreater(get(c, "event.boot_time_ns"), get(ex, "event.boot_time_ns"))
        self.assertEqual(t.lost, 0)

    def test_file_capability_then_setuid(self):
        uid, gid = self.make_user()
        capbin = self.copy_helper("priv_cap")
        os.chmod(capbin, 0o755)
        subprocess.run(["setcap", "cap_setuid+ep", capbin], check=True)
        with Tracer("trace", "exec", "--uid", str(uid)) as tx, \
                Tracer("trace", "priv", "--uid", str(uid)) as t:
            p = self.run_as(uid, gid, [capbin, "setuid0"])
        self.assertEqual(p.returncode, 0)
        self.assert_exec_marked(tx, p.pid, uid)
        cap_setuid = 1 << 7
        execs = of_kind(t.events, "privileged_exec", p.pid)
        self.assertEqual(len(execs), 1, t.events)
        ex = execs[0]
        self.assertEqual(int(get(ex, "credentials.old.capabilities.permitted"), 16), 0)
        self.assertEqual(int(get(ex, "credentials.new.capabilities.permitted"), 16), cap_setuid)
        self.assertEqual(int(get(ex, "credentials.new.capabilities.effective"), 16), cap_setuid)
        self.assertEqual(get(ex, "credentials.new.euid"), uid)
        self.assertIn("capabilities.permitted", get(ex, "credentials.changed"))
        self.assertTrue(get(ex, "credentials.gained_privileges"))
        creds = of_kind(t.events, "setuid", p.pid)
        self.assertEqual(len(creds), 1, t.events)
        c = creds[0]
        self.assertEqual(get(c, "syscall.name"), "setuid")
        self.assertEqual(c["syscall"]["args"][0], 0)
        self.assertEqual(get(c, "credentials.old.uid"), uid)
        self.assertEqual(get(c, "credentials.old.euid"), uid)
        self.assertEqual(get(c, "credentials.new.uid"), 0)
        self.assertEqual(get(c, "credentials.new.euid"), 0)
        self.assertEqual(int(get(c, "credentials.new.capabilities.permitted"), 16), cap_setuid)


class TestPtrace(PrivTestBase):
    def test_ptrace_attach_and_poke_sibling(self):
        with Tracer("trace", "priv", "--comm", COMM) as t:
            sleeper = subprocess.Popen([HELPER, "sleeper"], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, text=True)
            spid, addr = sleeper.stdout.readline().split()
            spid = int(spid)
            self.assertEqual(spid, sleeper.pid)
            tracer = subprocess.run([HELPER, "ptrace", str(spid), addr], timeout=10)
            sleeper.stdin.close()
            value = sleeper.stdout.readline().strip()
            sleeper.wait(timeout=10)
        self.assertEqual(tracer.returncode, 0)
        self.assertEqual(value, "3333333333333333")  # process_vm_writev landed
        evs = of_kind(t.events, "ptrace")
        attach = [e for e in evs if get(e, "ptrace.request_name") == "PTRACE_ATTACH"]
        poke = [e for e in evs if get(e, "ptrace.request_name") == "PTRACE_POKEDATA"]
        self.assertEqual(len(attach), 1, evs)
        self.assertEqual(len(poke), 1, evs)
        for e in attach + poke:
            self.assertEqual(get(e, "syscall.result"), 0)
            self.assertEqual(get(e, "target.process.pid"), spid)
            self.assertEqual(get(e, "target.process.name"), COMM)
            self.assertEqual(get(e, "target.process.executable.path"), os.path.realpath(HELPER))
            self.assertFalse(get(e, "target.is_vigil"))
            self.assertEqual(get(e, "process.executable.path"), os.path.realpath(HELPER))
        self.assertEqual(get(attach[0], "ptrace.request"), 16)
        self.assertEqual(int(get(poke[0], "ptrace.address"), 16), int(addr, 16))
        self.assertEqual(int(get(poke[0], "ptrace.data"), 16), 0x2222222222222222)
        vm = of_kind(t.events, "process_vm")
        self.assertEqual(len(vm), 1, t.events)
        self.assertEqual(get(vm[0], "syscall.name"), "process_vm_writev")
        self.assertEqual(get(vm[0], "syscall.result"), 8)
        self.assertEqual(get(vm[0], "process_vm.operation"), "write")
        self.assertEqual(get(vm[0], "target.process.pid"), spid)
        self.assertEqual(get(vm[0], "target.process.executable.path"), os.path.realpath(HELPER))


class TestModules(VigilTestCase):
    def test_module_hooks_reported_unavailable_with_reason(self):
        out = subprocess.run([VIGIL, "trace", "priv", "--list-hooks", "--json"],
                             stdout=subprocess.PIPE, check=True, text=True).stdout
        hooks = json.loads(out)
        has_modules = os.path.exists("/proc/modules")
        self.assertEqual(get(hooks, "modules.available"), has_modules)
        self.assertEqual(get(hooks, "syscalls.init_module"), has_modules)
        self.assertEqual(get(hooks, "syscalls.finit_module"), has_modules)
        self.assertTrue(get(hooks, "syscalls.bpf"))
        self.assertTrue(get(hooks, "targets_resolved"))  # bpf_task_from_pid on this kernel
        if not has_modules:
            self.assertIn("without loadable module support", get(hooks, "modules.reason"))
            # The sensor still loads everything else, and says why modules are missing.
            with Tracer("trace", "priv", "--comm", COMM) as t:
                pass
            self.assertIn("module events unavailable: kernel built without loadable module support",
                          t.stderr)
            self.assertIn("sensor priv: tp_btf", t.stderr)
            self.assertEqual(t.returncode, 0)


class TestBpf(PrivTestBase):
    def test_bpf_prog_load_reported_and_listed(self):
        name = "vg_test_sf"
        with Tracer("trace", "priv", "--comm", COMM) as t:
            h = subprocess.Popen([HELPER, "bpf", name], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True)
            fd = int(h.stdout.readline())
            inv = json.loads(subprocess.run([VIGIL, "bpf", "--json"], stdout=subprocess.PIPE,
                                            check=True, text=True).stdout)
            h.stdin.close()
            h.wait(timeout=10)
        self.assertEqual(h.returncode, 0)
        loads = [e for e in of_kind(t.events, "bpf", h.pid)
                 if get(e, "bpf.command") == "PROG_LOAD"]
        self.assertEqual(len(loads), 1, t.events)
        e = loads[0]
        self.assertEqual(get(e, "bpf.program.type"), "socket_filter")
        self.assertEqual(get(e, "bpf.program.name"), name)
        self.assertEqual(get(e, "bpf.program.instruction_count"), 2)
        self.assertEqual(get(e, "syscall.result"), fd)
        self.assertEqual(get(e, "bpf.fd"), fd)
        mine = [p for p in inv["programs"] if p["name"] == name
                and any(o["pid"] == h.pid for o in p["owners"])]
        self.assertEqual(len(mine), 1, inv["programs"])
        self.assertEqual(mine[0]["type"], "socket_filter")
        self.assertFalse(mine[0]["vigil"])
        # The running tracer's own programs are vigil's: the sensor's syscall
        # entry handler, and the syscall hub on the raw sys_enter tracepoint
        # that tail-calls it (the only vigil program there).
        mine = lambda p: any(o["pid"] == t.proc.pid for o in p["owners"])
        handler = [p for p in inv["programs"] if p["name"] == "priv_btf_enter" and mine(p)]
        self.assertEqual(len(handler), 1, inv["programs"])
        self.assertTrue(handler[0]["vigil"])
        hub = [p["id"] for p in inv["programs"] if p["name"] == "hub_sys_enter" and mine(p)]
        on_enter = [l for l in inv["links"] if l["attach_point"] == "raw_tracepoint:sys_enter"
                    and mine(l)]
        self.assertEqual([l["program_id"] for l in on_enter], hub, inv["links"])
        self.assertTrue(all(l["vigil"] for l in on_enter))


class TestMisc(PrivTestBase):
    def test_prctl_set_name(self):
        with Tracer("trace", "priv", "--comm", COMM) as t:
            p = subprocess.Popen([HELPER, "prctl", "vgrenamed"])
            p.wait(timeout=10)
        p_pid = p.pid
        self.assertEqual(p.returncode, 0)
        evs = of_kind(t.events, "prctl")
        self.assertEqual(len(evs), 1, t.events)
        self.assertEqual(get(evs[0], "prctl.option_name"), "PR_SET_NAME")
        self.assertEqual(get(evs[0], "prctl.option"), 15)
        self.assertEqual(get(evs[0], "prctl.name"), "vgrenamed")
        self.assertEqual(get(evs[0], "prctl.old_name"), COMM)
        self.assertEqual(get(evs[0], "process.name"), "vgrenamed")  # reported after the call
        self.assertEqual(get(evs[0], "process.pid"), p_pid)
        self.assertEqual(get(evs[0], "syscall.result"), 0)

    def test_unshare_mount_namespace(self):
        with Tracer("trace", "priv", "--comm", COMM) as t:
            p = subprocess.Popen([HELPER, "unshare"])
            p.wait(timeout=10)
        self.assertEqual(p.returncode, 0)
        evs = of_kind(t.events, "namespace", p.pid)
        self.assertEqual(len(evs), 1, t.events)
        e = evs[0]
        self.assertEqual(get(e, "syscall.name"), "unshare")
        self.assertEqual(get(e, "syscall.result"), 0)
        self.assertEqual(get(e, "namespace.types"), ["mnt"])
        self.assertEqual(get(e, "namespace.type"), ["mnt"])
        self.assertEqual(int(get(e, "namespace.flags"), 16), 0x20000)
        self.assertEqual(get(e, "namespace.old.mnt"), os.stat("/proc/self/ns/mnt").st_ino)
        self.assertNotEqual(get(e, "namespace.new.mnt"), get(e, "namespace.old.mnt"))
        self.assertEqual(get(e, "namespace.new.net"), get(e, "namespace.old.net"))

    def test_sigkill_between_test_processes(self):
        with Tracer("trace", "priv", "--comm", COMM) as t:
            victim = subprocess.Popen([HELPER, "sleeper"], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True)
            victim.stdout.readline()
            killer = subprocess.Popen([HELPER, "kill", str(victim.pid)])
            killer.wait(timeout=10)
            victim.wait(timeout=10)
        self.assertEqual(killer.returncode, 0)
        self.assertEqual(victim.returncode, -9)
        evs = of_kind(t.events, "signal", killer.pid)
        self.assertEqual(len(evs), 1, t.events)
        e = evs[0]
        self.assertEqual(get(e, "syscall.name"), "kill")
        self.assertEqual(get(e, "syscall.result"), 0)
        self.assertEqual(get(e, "signal.number"), 9)
        self.assertEqual(get(e, "signal.name"), "SIGKILL")
        self.assertEqual(get(e, "target.process.pid"), victim.pid)
        self.assertEqual(get(e, "target.process.name"), COMM)
        self.assertEqual(get(e, "target.process.executable.path"), os.path.realpath(HELPER))
        self.assertFalse(get(e, "target.is_vigil"))

    def test_signal_filter_and_signals_aimed_at_vigil(self):
        with Tracer("trace", "priv", "--comm", COMM) as t:
            victim = subprocess.Popen([HELPER, "sleeper"], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True)
            victim.stdout.readline()
            # SIGCONT to an ordinary process: filtered out in the kernel.
            quiet = subprocess.run([HELPER, "signal", str(victim.pid), "18"], timeout=10)
            # SIGHUP (vigil ignores it) to vigil itself: always reported.
            loud = subprocess.Popen([HELPER, "signal", str(t.proc.pid), "1"])
            loud.wait(timeout=10)
            victim.stdin.close()
            victim.wait(timeout=10)
        self.assertEqual(quiet.returncode, 0)
        self.assertEqual(loud.returncode, 0)
        sigs = of_kind(t.events, "signal")
        self.assertEqual(len(sigs), 1, sigs)
        e = sigs[0]
        self.assertEqual(get(e, "process.pid"), loud.pid)
        self.assertEqual(get(e, "signal.number"), 1)
        self.assertEqual(get(e, "signal.name"), "SIGHUP")
        self.assertEqual(get(e, "target.process.pid"), t.proc.pid)
        self.assertEqual(get(e, "target.process.executable.path"), os.path.realpath(VIGIL))
        self.assertTrue(get(e, "target.is_vigil"))

    def test_io_uring_openat(self):
        path = os.path.join(self.tmp, "uring-target")
        with open(path, "w") as f:
            f.write("x")
        with Tracer("trace", "priv", "--comm", COMM) as t:
            p = subprocess.Popen([HELPER, "uring", path], stdout=subprocess.PIPE, text=True)
            out, _ = p.communicate(timeout=10)
        self.assertEqual(p.returncode, 0)
        setup = of_kind(t.events, "io_uring_setup", p.pid)
        self.assertEqual(len(setup), 1, t.events)
        self.assertEqual(get(setup[0], "io_uring.entries"), 4)
        self.assertGreaterEqual(get(setup[0], "io_uring.fd"), 0)
        ops = [e for e in of_kind(t.events, "io_uring", p.pid)
               if get(e, "io_uring.operation") == "OPENAT"]
        self.assertEqual(len(ops), 1, t.events)
        e = ops[0]
        self.assertEqual(get(e, "io_uring.opcode"), 18)
        self.assertEqual(get(e, "io_uring.fd"), -100)  # AT_FDCWD
        self.assertEqual(get(e, "io_uring.user_data"), 0x5eed)
        self.assertEqual(get(e, "file.path"), path)
        self.assertEqual(get(e, "file.path_source"), "user")


if __name__ == "__main__":
    import unittest
    unittest.main()
