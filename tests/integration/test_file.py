"""File sensor (issue 3): kernel paths for opens, joined paths for path
operations, every listed operation exactly once, errors, Phantom-proof paths,
and in-kernel filtering. Run as root on the real kernel.

Every test works in its own directory under /tmp, watches only that
directory (or a file the test names), matches events to the helper
processes it started by pid, and removes everything it created.
"""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from vigil_test import Tracer, VigilTestCase, get, helper, kind

FILTERED_RE = re.compile(r"(\d+) filtered in kernel")


def run_op(*args, check=True):
    """Runs tests/helpers/file_ops; returns (pid, stdout)."""
    p = subprocess.Popen([helper("file_ops"), *args], stdout=subprocess.PIPE)
    out, _ = p.communicate(timeout=30)
    out = out.decode()
    if check and p.returncode != 0:
        raise AssertionError("file_ops %s failed: %s" % (args, out))
    return p.pid, out


def fd_path(out):
    """The PATH of the helper's 'fd N PATH' line."""
    m = re.search(r"^fd (\d+) (.*)$", out, re.M)
    assert m, out
    return int(m.group(1)), m.group(2)


def of_pid(events, pid):
    return [e for e in events if get(e, "process.pid") == pid]


class FileCase(VigilTestCase):
    """Each test's own directory under /tmp, and what it mounted, removed after."""

    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="vigil-ft-", dir="/tmp")
        self.mounts = []

    def tearDown(self):
        for m in reversed(self.mounts):
            subprocess.run(["umount", "-l", m], stderr=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)

    def p(self, *parts):
        return os.path.join(self.dir, *parts)

    def touch(self, name, mode=0o644):
        path = self.p(name)
        with open(path, "w") as f:
            f.write("x" * 100)
        os.chmod(path, mode)
        return path

    def one(self, events, pid, k):
        got = [e for e in of_pid(events, pid) if kind(e) == k]
        self.assertEqual(len(got), 1, "expected one %s event from pid %d, got %s" %
                         (k, pid, got))
        return got[0]


class FileSensorTest(FileCase):
    # -- paths from the kernel --

    def test_relative_open_in_etc(self):
        with Tracer("trace", "file", "--path", "/etc/hostname", "--comm", "cat") as t:
            p = subprocess.run(["sh", "-c", "cd /etc && exec cat ./hostname"],
                               stdout=subprocess.DEVNULL)
            self.assertEqual(p.returncode, 0)
        t.stop()
        evs = [e for e in t.events if get(e, "file.path") == "/etc/hostname"]
        self.assertEqual(len(evs), 1, t.events)
        ev = evs[0]
        self.assertEqual(kind(ev), "open")
        self.assertEqual(get(ev, "file.access"), ["read"])
        self.assertEqual(get(ev, "file.path_source"), "kernel")
        self.assertEqual(get(ev, "file.requested_path"), "./hostname")
        self.assertEqual(get(ev, "event.outcome"), "success")
        self.assertEqual(get(ev, "process.name"), "cat")
        self.assertEqual(t.lost, 0)

    def test_dirfd_symlink_and_bind_mount_report_real_target(self):
        os.mkdir(self.p("real"))
        target = self.touch("real/f")
        os.symlink(self.p("real"), self.p("link"))
        os.mkdir(self.p("src"))
        self.touch("src/g")
        os.mkdir(self.p("mnt"))
        with Tracer("trace", "file", "--path", self.dir) as t:
            pid1, out1 = run_op("openat_dirfd", self.p("real"), "f")
            pid2, out2 = run_op("open", self.p("link", "f"), "0")
            subprocess.run(["mount", "--bind", self.p("src"), self.p("mnt")], check=True)
            self.mounts.append(self.p("mnt"))
            pid3, out3 = run_op("open", self.p("mnt", "g"), "0")
        t.stop()
        # openat(dirfd, "f")
        evs = [e for e in of_pid(t.events, pid1) if get(e, "file.requested_path") == "f"]
        self.assertEqual(len(evs), 1, of_pid(t.events, pid1))
        self.assertEqual(get(evs[0], "file.path"), target)
        self.assertEqual(get(evs[0], "file.path"), fd_path(out1)[1])
        # through a symlink
        ev = self.one(t.events, pid2, "open")
        self.assertEqual(get(ev, "file.path"), target)
        self.assertEqual(get(ev, "file.requested_path"), self.p("link", "f"))
        # through a bind mount: the path the kernel shows for the fd
        ev = self.one(t.events, pid3, "open")
        self.assertEqual(get(ev, "file.path"), fd_path(out3)[1])
        self.assertEqual(get(ev, "file.path"), self.p("mnt", "g"))
        self.assertEqual(get(ev, "file.path_source"), "kernel")

    def test_phantom_rewrite_cannot_fake_the_path(self):
        a = self.touch("aaaa")
        b = self.touch("bbbb")
        with Tracer("trace", "file", "--path", self.dir) as t:
            p = subprocess.run([helper("file_phantom"), a, b, "3000"],
                               stdout=subprocess.PIPE, check=True)
        t.stop()
        opened = [line.split(" ", 2)[2] for line in p.stdout.decode().splitlines()]
        self.assertGreater(len(opened), 1000)
        # the race really happened: both names were opened
        self.assertIn(a, opened)
        self.assertIn(b, opened)
        evs = [e for e in t.events if kind(e) == "open" and get(e, "process.name") == "file_phantom"
               and get(e, "file.path", "").startswith(self.dir)]
        self.assertEqual(t.lost, 0)
        # An open that failed on a torn name (the kernel copied half of each)
        # has no kernel object: its path is what user memory held, and the
        # event says so. Every open that succeeded has the kernel's path.
        failed = [e for e in evs if get(e, "event.outcome") != "success"]
        for e in failed:
            self.assertEqual(get(e, "file.path_source"), "user", e)
        ok = [e for e in evs if get(e, "event.outcome") == "success"]
        self.assertTrue(all(get(e, "file.path_source") == "kernel" for e in ok))
        self.assertEqual([get(e, "file.path") for e in ok], opened)

    # -- every operation, exactly one event, with its fields --

    def test_each_operation_once(self):
        d = self.p
        self.touch("f1")
        self.touch("f2")
        self.touch("f3")
        self.touch("own")
        self.touch("trunc")
        os.mkdir(d("dir1"))
        os.mkdir(d("dir2"))
        os.mkdir(d("msrc"))
        os.mkdir(d("mdst"))
        cases = []
        with Tracer("trace", "file", "--path", self.dir, "--path", "/memfd:vigil-ft*") as t:
            def op(*args):
                pid, out = run_op(*args)
                cases.append((args, pid, out))
                return pid, out
            op("open", d("f1"), str(os.O_WRONLY | os.O_APPEND))
            op("openat", d("new1"), str(os.O_WRONLY | os.O_CREAT | os.O_EXCL))
            op("openat2", d("new2"))
            op("creat", d("new3"))
            op("unlink", d("new1"))
            op("unlinkat", d("new2"))
            op("rmdir", d("dir1"))
            op("unlinkat_dir", d("dir2"))
            op("rename", d("f1"), d("r1"))
            op("renameat", d("r1"), d("r2"))
            op("renameat2", d("r2"), d("r3"))
            op("chmod", d("f2"), "04755")
            op("fchmod", d("f2"), "02750")
            op("fchmodat", d("f2"), "0600")
            op("chown", d("own"), "1234", "5678")
            op("lchown", d("own"), "1235", "-1")
            op("fchown", d("own"), "-1", "4321")
            op("fchownat", d("own"), "0", "0")
            op("truncate", d("trunc"), "10")
            op("ftruncate", d("trunc"), "5")
            op("link", d("f3"), d("hard1"))
            op("linkat", d("f3"), d("hard2"))
            op("symlink", "/etc/shadow", d("sym1"))
            op("symlinkat", "../f3", d("sym2"))
            op("mknod", d("fifo"))
            op("mknodat", d("chr"))
            op("utimes", d("f3"))
            op("utimensat", d("f3"))
            op("mount_bind", d("msrc"), d("mdst"))
            self.mounts.append(d("mdst"))
            op("umount2", d("mdst"))
            self.mounts.pop()
            op("memfd_create", "vigil-ft-memfd")
        t.stop()
        self.assertEqual(t.lost, 0)
        by = {c[0][0]: c for c in cases}

        def ev_of(name, k):
            return self.one(t.events, by[name][1], k)

        e = ev_of("open", "open")
        self.assertEqual(get(e, "file.path"), d("f1"))
        self.assertEqual(get(e, "file.access"), ["write", "append"])
        self.assertEqual(get(e, "syscall.name"), "open")
        self.assertEqual(get(e, "file.fd"), fd_path(by["open"][2])[0])
        e = ev_of("openat", "open")
        self.assertEqual(get(e, "file.path"), d("new1"))
        self.assertEqual(get(e, "file.access"), ["write", "create", "exclusive"])
        self.assertEqual(get(e, "file.mode"), 0o640)
        e = ev_of("openat2", "open")
        self.assertEqual((get(e, "file.path"), get(e, "syscall.name")), (d("new2"), "openat2"))
        self.assertEqual(get(e, "file.access"), ["read-write", "create"])
        self.assertEqual(get(e, "file.mode"), 0o600)
        e = ev_of("creat", "open")
        self.assertEqual((get(e, "file.path"), get(e, "syscall.name")), (d("new3"), "creat"))
        self.assertEqual(get(e, "file.access"), ["write", "create", "truncate", "execute-mode"])
        self.assertEqual(get(e, "file.mode_octal"), "0755")
        for name, path, flags in (("unlink", "new1", None), ("unlinkat", "new2", None),
                                  ("rmdir", "dir1", ["removedir"]),
                                  ("unlinkat_dir", "dir2", ["removedir"])):
            e = ev_of(name, "unlink")
            self.assertEqual(get(e, "file.path"), d(path), name)
            self.assertEqual(get(e, "file.path_source"), "user")
            self.assertEqual(get(e, "file.access"), ["delete"])
            self.assertEqual(get(e, "file.flag_names"), flags, name)
            self.assertEqual(get(e, "event.outcome"), "success")
        for name, old, new in (("rename", "f1", "r1"), ("renameat", "r1", "r2"),
                               ("renameat2", "r2", "r3")):
            e = ev_of(name, "rename")
            self.assertEqual((get(e, "file.path"), get(e, "file.target_path")), (d(old), d(new)))
            self.assertEqual(get(e, "syscall.name"), name)
        self.assertEqual(get(ev_of("renameat2", "rename"), "file.flag_names"), ["noreplace"])
        self.assertEqual(get(ev_of("renameat2", "rename"), "file.flags"), 1)
        e = ev_of("chmod", "chmod")
        self.assertEqual((get(e, "file.path"), get(e, "file.mode"), get(e, "file.setuid")),
                         (d("f2"), 0o4755, True))
        self.assertIn("execute-mode", get(e, "file.access"))
        e = ev_of("fchmod", "chmod")
        self.assertEqual((get(e, "file.path"), get(e, "file.mode"), get(e, "file.setgid")),
                         (d("f2"), 0o2750, True))
        self.assertEqual(get(e, "file.path_source"), "kernel")
        e = ev_of("fchmodat", "chmod")
        self.assertEqual((get(e, "file.mode_octal"), get(e, "file.access")), ("0600", ["attributes"]))
        for name, uid, gid, src in (("chown", 1234, 5678, "user"), ("lchown", 1235, None, "user"),
                                    ("fchown", None, 4321, "kernel"), ("fchownat", 0, 0, "user")):
            e = ev_of(name, "chown")
            self.assertEqual((get(e, "file.path"), get(e, "file.owner.id"), get(e, "file.group.id")),
                             (d("own"), uid, gid), name)
            self.assertEqual(get(e, "file.path_source"), src, name)
        e = ev_of("truncate", "truncate")
        self.assertEqual((get(e, "file.path"), get(e, "file.size")), (d("trunc"), 10))
        e = ev_of("ftruncate", "truncate")
        self.assertEqual((get(e, "file.path"), get(e, "file.size"),
                          get(e, "file.path_source")), (d("trunc"), 5, "kernel"))
        for name, new in (("link", "hard1"), ("linkat", "hard2")):
            e = ev_of(name, "link")
            self.assertEqual((get(e, "file.path"), get(e, "file.target_path")), (d(new), d("f3")))
        e = ev_of("symlink", "symlink")
        self.assertEqual((get(e, "file.path"), get(e, "file.target_path")), (d("sym1"), "/etc/shadow"))
        e = ev_of("symlinkat", "symlink")
        self.assertEqual((get(e, "file.path"), get(e, "file.target_path")), (d("sym2"), "../f3"))
        e = ev_of("mknod", "mknod")
        self.assertEqual((get(e, "file.path"), get(e, "file.type"), get(e, "file.mode")),
                         (d("fifo"), "fifo", 0o640))
        e = ev_of("mknodat", "mknod")
        self.assertEqual((get(e, "file.path"), get(e, "file.type"), get(e, "file.device")),
                         (d("chr"), "char", os.makedev(1, 3)))
        for name in ("utimes", "utimensat"):
            e = ev_of(name, "utimes")
            self.assertEqual(get(e, "file.path"), d("f3"))
        e = ev_of("mount_bind", "mount")
        self.assertEqual((get(e, "file.path"), get(e, "mount.source")), (d("mdst"), d("msrc")))
        self.assertIn("bind", get(e, "file.flag_names"))
        self.assertEqual(get(e, "file.target_path"), d("mdst"))
        e = ev_of("umount2", "mount")
        self.assertEqual(get(e, "syscall.name"), "umount2")
        self.assertEqual(get(e, "file.path"), d("mdst"))
        e = ev_of("memfd_create", "memfd")
        self.assertEqual(get(e, "file.path"), "/memfd:vigil-ft-memfd")
        self.assertEqual(get(e, "file.flag_names"), ["cloexec"])
        self.assertEqual(get(e, "file.fd"), fd_path(by["memfd_create"][2])[0])
        # fd operations opened their file first: that open is the only other event
        for (args, pid, out) in cases:
            others = [e for e in of_pid(t.events, pid) if kind(e) != "open"]
            self.assertLessEqual(len(others), 1, (args, others))

    def test_failed_operations_carry_the_error(self):
        os.chmod(self.dir, 0o755)
        secret = self.touch("secret", 0o600)
        with Tracer("trace", "file", "--path", self.dir) as t:
            pid1, out1 = run_op("open_as_nobody", secret, check=False)
            pid2, out2 = run_op("open", self.p("missing"), "0", check=False)
            pid3, out3 = run_op("chmod", self.p("missing"), "0777", check=False)
            pid4, out4 = run_op("unlink", self.p("missing"), check=False)
            pid5, out5 = run_op("rename", self.p("missing"), self.p("other"), check=False)
        t.stop()
        self.assertEqual(out1.strip(), "err 13")
        for pid, k, code, path in ((pid1, "open", "EACCES", secret),
                                   (pid2, "open", "ENOENT", self.p("missing")),
                                   (pid3, "chmod", "ENOENT", self.p("missing")),
                                   (pid4, "unlink", "ENOENT", self.p("missing")),
                                   (pid5, "rename", "ENOENT", self.p("missing"))):
            e = self.one(t.events, pid, k)
            self.assertEqual(get(e, "event.outcome"), "failure")
            self.assertEqual(get(e, "error.code"), code)
            self.assertEqual(get(e, "file.path"), path)
            self.assertEqual(get(e, "file.path_source"), "user")

    def test_write_only_drops_reads(self):
        f = self.touch("w")
        with Tracer("trace", "file", "--path", self.dir, "--write-only") as t:
            pid1, _ = run_op("open", f, "0")
            pid2, _ = run_op("open", f, str(os.O_WRONLY))
        t.stop()
        self.assertEqual(of_pid(t.events, pid1), [])
        self.assertEqual(get(self.one(t.events, pid2, "open"), "file.access"), ["write"])

    def test_dot_dot_cannot_escape_the_watch_set(self):
        self.touch("victim")
        self.touch("other")
        os.mkdir(self.p("sub"))
        with Tracer("trace", "file", "--path", self.p("victim")) as t:
            pid, _ = run_op("chmod", self.p("sub", "..", "victim"), "0700")
            pid2, _ = run_op("chmod", "/" + self.p("sub", ".", "..", "", "victim"), "0700")
            # normalized in the kernel: a ".." path outside the watch set is dropped there
            pid3, _ = run_op("chmod", self.p("sub", "..", "other"), "0700")
        t.stop()
        e = self.one(t.events, pid, "chmod")
        self.assertEqual(get(e, "file.path"), self.p("victim"))
        self.assertEqual(get(e, "file.requested_path"), self.p("sub", "..", "victim"))
        self.assertEqual(get(e, "file.path_normalized"), True)
        e = self.one(t.events, pid2, "chmod")
        self.assertEqual(get(e, "file.path"), self.p("victim"))
        self.assertEqual(of_pid(t.events, pid3), [])

    def test_default_set_sees_home_ssh(self):
        home = os.path.join("/home", os.path.basename(self.dir))
        key = os.path.join(home, ".ssh", "id_test")
        os.makedirs(os.path.dirname(key))
        try:
            with open(key, "w") as f:
                f.write("k")
            with Tracer("trace", "file") as t:
                pid, _ = run_op("open", key, str(os.O_RDONLY))
                pid2, _ = run_op("open", os.path.join(home, "notes"), "0", check=False)
            t.stop()
            e = self.one(t.events, pid, "open")
            self.assertEqual(get(e, "file.path"), key)
            self.assertEqual(get(e, "file.access"), ["read"])
            self.assertEqual(of_pid(t.events, pid2), [])
        finally:
            shutil.rmtree(home, ignore_errors=True)

    def test_proc_pid_mem_write_names_the_target_process(self):
        victim = subprocess.Popen(["sleep", "30"])
        try:
            mem = "/proc/%d/mem" % victim.pid
            with Tracer("trace", "file") as t:
                pid, _ = run_op("open", mem, str(os.O_RDWR))
                rpid, _ = run_op("open", mem, str(os.O_RDONLY))
            t.stop()
        finally:
            victim.kill()
            victim.wait()
        e = self.one(t.events, pid, "open")
        self.assertEqual(get(e, "file.path"), mem)
        self.assertIn("write", " ".join(get(e, "file.access")))
        self.assertEqual(get(e, "target.process.pid"), victim.pid)
        self.assertEqual(get(e, "target.process.executable.path"), os.path.realpath("/bin/sleep"))
        # Reading another process's memory is not in the default write-only /proc entry.
        self.assertEqual(of_pid(t.events, rpid), [])

    # -- filtering in the kernel --

    def test_unwatched_opens_are_filtered_in_kernel(self):
        f = self.touch("quiet")
        n = 100000
        with Tracer("trace", "file") as t:
            p = subprocess.run([helper("file_openloop"), f, str(n)], stdout=subprocess.PIPE,
                               check=True)
        t.stop()
        self.assertEqual(int(p.stdout), n)
        self.assertEqual([e for e in t.events if get(e, "file.path") == f], [])
        m = FILTERED_RE.search(t.stderr)
        self.assertIsNotNone(m, t.stderr)
        self.assertGreaterEqual(int(m.group(1)), n)
        self.assertEqual(t.lost, 0)


class RawTracepointFallbackTest(FileCase):
    """The raw_tracepoint variant, which runs where tp_btf is refused: forced
    here (VIGIL_REFUSE_VARIANTS), it must pass the verifier and deliver the
    same records. It once failed to load: 528 bytes of combined stack."""

    def test_raw_tracepoint_variant_loads_and_reports(self):
        f1 = self.touch("f1")
        with Tracer("trace", "file", "--path", self.dir,
                    extra_env={"VIGIL_REFUSE_VARIANTS": "file:lsm,file:tp_btf"}) as t:
            pid1, out1 = run_op("open", f1, "0")
            pid2, _ = run_op("openat", self.p("new1"), str(os.O_WRONLY | os.O_CREAT | os.O_EXCL))
            pid3, _ = run_op("rename", self.p("new1"), self.p("r1"))
        t.stop()
        self.assertIn("sensor file: raw_tracepoint", t.stderr)
        self.assertEqual(t.lost, 0)
        ev = self.one(t.events, pid1, "open")
        self.assertEqual(get(ev, "file.path"), f1)
        self.assertEqual(get(ev, "file.path"), fd_path(out1)[1])
        self.assertEqual(get(ev, "file.path_source"), "kernel")
        self.assertEqual(get(ev, "file.access"), ["read"])
        ev = self.one(t.events, pid2, "open")
        self.assertEqual(get(ev, "file.path"), self.p("new1"))
        self.assertIn("create", get(ev, "file.access"))
        ev = self.one(t.events, pid3, "rename")
        self.assertEqual(get(ev, "file.path"), self.p("new1"))
        self.assertEqual(get(ev, "file.target_path"), self.p("r1"))


class NoKfuncFallbackTest(FileCase):
    """The object built without the bpf_rdonly_cast kfunc, which kernels before
    6.2 get (probe reads instead of plain loads): forced here
    (VIGIL_REFUSE_KFUNCS), under tp_btf and under raw_tracepoint, it must load
    and deliver the same records with the same paths."""

    NOTE = "file fields read with bpf_probe_read_kernel"

    def test_object_without_the_kfunc_loads_and_reports(self):
        for variants in ("file:lsm", "file:lsm,file:tp_btf"):
            env = {"VIGIL_REFUSE_KFUNCS": "bpf_rdonly_cast", "VIGIL_REFUSE_VARIANTS": variants}
            with self.subTest(variants=variants):
                f1 = self.touch("f1" + str(len(variants)))
                new = self.p("new" + str(len(variants)))
                with Tracer("trace", "file", "--path", self.dir, extra_env=env) as t:
                    pid1, out1 = run_op("open", f1, "0")
                    pid2, _ = run_op("openat", new, str(os.O_WRONLY | os.O_CREAT | os.O_EXCL))
                t.stop()
                self.assertIn(self.NOTE, t.stderr)
                self.assertEqual(t.lost, 0)
                ev = self.one(t.events, pid1, "open")
                self.assertEqual(get(ev, "file.path"), f1)
                self.assertEqual(get(ev, "file.path"), fd_path(out1)[1])
                self.assertEqual(get(ev, "file.access"), ["read"])
                ev = self.one(t.events, pid2, "open")
                self.assertEqual(get(ev, "file.path"), new)
                self.assertIn("create", get(ev, "file.access"))

    def test_kernel_with_the_kfunc_gets_plain_loads(self):
        with open("/sys/kernel/btf/vmlinux", "rb") as f:
            if b"\0bpf_rdonly_cast\0" not in f.read():
                self.skipTest("this kernel has no bpf_rdonly_cast")
        f1 = self.touch("f1")
        with Tracer("trace", "file", "--path", self.dir) as t:
            pid1, _ = run_op("open", f1, "0")
        t.stop()
        self.assertNotIn(self.NOTE, t.stderr)
        self.assertEqual(get(self.one(t.events, pid1, "open"), "file.path"), f1)


if __name__ == "__main__":
    unittest.main()
