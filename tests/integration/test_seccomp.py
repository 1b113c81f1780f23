"""Integration tests of `vigil advise seccomp` and `vigil sandbox` (root, real kernel).

Each test records real programs (tar, python3, tests/helpers/sc_helper.c) with
the in-kernel recorder, runs them again under the profile with libseccomp, and
checks that one syscall more (sc_helper extra: personality) is refused (EPERM) or
killed (SIGSYS) as the profile says. The profile's real consumer is runc (its
own spec parsing and libseccomp), run on a bundle the test builds.
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import uuid

from vigil_test import VIGIL, Tracer, VigilTestCase, alerts, cgroup2_mount, get, helper, is_alert, kind

SC_HELPER = helper("sc_helper")
ADDED = ("execve", "exit", "exit_group", "rt_sigreturn", "restart_syscall")


def allowed(profile):
    return {n for g in profile["syscalls"] if g["action"] == "SCMP_ACT_ALLOW" for n in g["names"]}


class SeccompCase(VigilTestCase):
    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="vgsc-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def advise(self, *args, cmd=None, check=True):
        """Runs `vigil advise seccomp ARGS [-- CMD]`; returns (process, profile or None)."""
        out = self.path("p-%s.json" % uuid.uuid4().hex[:8])
        argv = [VIGIL, "advise", "seccomp", "-o", out, *args]
        if cmd:
            argv += ["--", *cmd]
        res = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=self.tmp)
        if check:
            self.assertEqual(res.returncode, 0, res.stderr)
        prof = None
        if os.path.exists(out):
            with open(out) as f:
                prof = json.load(f)
            prof["_path"] = out
        return res, prof

    def sandbox(self, prof, cmd, *args):
        return subprocess.run([VIGIL, "sandbox", "--profile", prof["_path"], *args, "--", *cmd],
                              capture_output=True, text=True, timeout=60, cwd=self.tmp)


class AdviseSandboxTest(SeccompCase):
    def test_recorded_programs_run_under_their_own_profile(self):
        src = self.path("src")
        os.mkdir(src)
        with open(os.path.join(src, "a.txt"), "w") as f:
            f.write("hello\n" * 100)
        workloads = {
            "tar": ["tar", "czf", self.path("a.tgz"), "-C", src, "."],
            "python3": ["python3", "-c", "import json; print(json.dumps({'a': sum(range(10))}))"],
            "sc_helper": [SC_HELPER, "base"],
        }
        for name, cmd in workloads.items():
            with self.subTest(name):
                res, prof = self.advise(cmd=cmd)
                names = allowed(prof)
                self.assertIn("openat", names)
                self.assertIn("exit_group", names)
                self.assertNotIn("ptrace", names)
                self.assertLess(len(names), 150, "a profile of one program, not everything")
                self.assertIn("recorded", res.stderr)
                run = self.sandbox(prof, cmd)
                self.assertEqual(run.returncode, 0, "%s under its profile: %s" % (name, run.stderr))
        # The helper's own output came through under the sandbox.
        self.assertIn("sc_helper ok", self.sandbox(prof, [SC_HELPER, "base"]).stdout)

    def test_added_syscall_is_refused_with_eperm(self):
        _, prof = self.advise(cmd=[SC_HELPER, "base"])
        self.assertNotIn("personality", allowed(prof))
        self.assertEqual(prof["defaultAction"], "SCMP_ACT_ERRNO")
        self.assertEqual(prof["defaultErrnoRet"], 1)
        self.assertEqual(self.sandbox(prof, [SC_HELPER, "base"]).returncode, 0)
        self.assertEqual(self.sandbox(prof, [SC_HELPER, "extra"]).returncode, 13)  # EPERM
        # --log: the same call is logged by the kernel and allowed.
        self.assertEqual(self.sandbox(prof, [SC_HELPER, "extra"], "--log").returncode, 0)
        # Recorded with the extra call, the profile allows it.
        _, wider = self.advise(cmd=[SC_HELPER, "extra"])
        self.assertIn("personality", allowed(wider))
        self.assertEqual(self.sandbox(wider, [SC_HELPER, "extra"]).returncode, 0)

    def test_added_syscall_is_killed_with_sigsys(self):
        _, prof = self.advise("--default-action", "kill", cmd=[SC_HELPER, "base"])
        self.assertEqual(prof["defaultAction"], "SCMP_ACT_KILL_PROCESS")
        self.assertNotIn("defaultErrnoRet", prof)
        self.assertEqual(self.sandbox(prof, [SC_HELPER, "base"]).returncode, 0)
        self.assertEqual(self.sandbox(prof, [SC_HELPER, "extra"]).returncode, -signal.SIGSYS)

    def test_always_needed_syscalls_are_added_and_said_so(self):
        _, prof = self.advise(cmd=[SC_HELPER, "base"])
        groups = prof["syscalls"]
        self.assertEqual(len(groups), 2)
        recorded, added = groups
        self.assertNotIn("comment", recorded)
        self.assertIn("not seen in the recording", added["comment"])
        # Every always-needed name is allowed, once: seen, or in the added group.
        for name in ADDED:
            self.assertEqual((name in recorded["names"]) + (name in added["names"]), 1, name)
        # The command is followed from its exec: its execve is never seen.
        self.assertIn("execve", added["names"])
        self.assertEqual(prof["architectures"], ["SCMP_ARCH_X86_64"]
                         if os.uname().machine == "x86_64" else prof["architectures"])

    def test_systemd_and_summary_outputs(self):
        res, prof = self.advise("--format", "systemd", cmd=[SC_HELPER, "base"])
        lines = [l for l in res.stdout.splitlines() if l.startswith("SystemCall")]
        flt = [l for l in lines if l.startswith("SystemCallFilter=")]
        self.assertEqual(len(flt), 1)
        self.assertEqual(set(flt[0].split("=", 1)[1].split()), allowed(prof))
        self.assertIn("SystemCallErrorNumber=EPERM", lines)
        res, _ = self.advise("--format", "summary", cmd=[SC_HELPER, "base"])
        self.assertRegex(res.stdout, r"file +\d+ .*openat")
        self.assertRegex(res.stdout, r"network +0")
        self.assertRegex(res.stdout, r"added +\d+ .*execve")

    def test_bad_input_is_one_line_error(self):
        bad = self.path("bad.json")
        with open(bad, "w") as f:
            f.write('{"defaultAction": "SCMP_ACT_ERRNO",\n "syscalls": [}\n')
        res = subprocess.run([VIGIL, "sandbox", "--profile", bad, "--", "true"],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(res.returncode, 2)
        self.assertRegex(res.stderr.strip(), r"^vigil: error: .*bad\.json:2:\d+: ")
        with open(bad, "w") as f:
            json.dump({"defaultAction": "SCMP_ACT_ERRNO",
                       "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW",
                                     "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]}]}, f)
        res = subprocess.run([VIGIL, "advise", "seccomp", "--merge", bad, "--", "true"],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(res.returncode, 1)
        self.assertIn("args", res.stderr)
        for args in (["--pid", "1", "--cgroup", "/"], [], ["--stop-after", "soon", "--", "true"]):
            res = subprocess.run([VIGIL, "advise", "seccomp", *args], capture_output=True,
                                 text=True, timeout=30)
            self.assertEqual(res.returncode, 64, args)  # argp usage error
        gone = subprocess.Popen(["true"])
        gone.wait()
        res = subprocess.run([VIGIL, "advise", "seccomp", "--pid", str(gone.pid)],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(res.returncode, 1)
        self.assertIn("no such process", res.stderr)
        # A command that cannot run gives an error, not a profile of nothing.
        out = self.path("never.json")
        res = subprocess.run([VIGIL, "advise", "seccomp", "-o", out, "--", self.path("no-such")],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(res.returncode, 1)
        self.assertIn("nothing recorded", res.stderr)
        self.assertFalse(os.path.exists(out))
        # An output that cannot be written fails before recording, not after.
        res = subprocess.run([VIGIL, "advise", "seccomp", "-o", self.path("no/such/dir.json"),
                              "--", SC_HELPER, "base"], capture_output=True, text=True, timeout=30)
        self.assertEqual(res.returncode, 1)
        self.assertNotIn("sc_helper ok", res.stdout)
        self.assertIn("cannot write", res.stderr)


class RunReportsDenialsTest(SeccompCase):
    """`vigil run` reports what a seccomp filter stopped, and the default rule alerts."""

    def denials(self, events, pid):
        return [e for e in events if not is_alert(e) and kind(e) == "seccomp_deny"
                and get(e, "process.pid") == pid]

    def test_errno_and_kill_are_reported_with_the_syscall(self):
        _, eperm = self.advise(cmd=[SC_HELPER, "base"])
        _, kill = self.advise("--default-action", "kill", cmd=[SC_HELPER, "base"])
        trap = dict(eperm, defaultAction="SCMP_ACT_TRAP", _path=self.path("trap.json"))
        trap.pop("defaultErrnoRet")
        with open(trap["_path"], "w") as f:
            json.dump({k: v for k, v in trap.items() if k != "_path"}, f)
        runs = {}
        with Tracer("run", "--events") as t:   # events too: alerts only is the default
            for name, prof, cmd in (("ok", eperm, [SC_HELPER, "base"]),
                                    ("errno", eperm, [SC_HELPER, "extra", "500"]),
                                    ("kill", kill, [SC_HELPER, "extra"]),
                                    ("trap", trap, [SC_HELPER, "extra"])):
                p = subprocess.Popen([VIGIL, "sandbox", "--profile", prof["_path"], "--", *cmd],
                                     stdout=subprocess.DEVNULL)
                runs[name] = (p.pid, p.wait(timeout=60))
            t.stop(settle=1.0)
        self.assertEqual([r[1] for r in runs.values()], [0, 13] + [-signal.SIGSYS] * 2)
        self.assertEqual(self.denials(t.events, runs["ok"][0]), [])
        # The install itself is the priv sensor's seccomp event: this process is now filtered.
        installs = [e for e in t.events if not is_alert(e) and kind(e) == "seccomp"
                    and get(e, "process.pid") == runs["ok"][0]]
        self.assertTrue(installs, "no seccomp install event from vigil sandbox")
        self.assertTrue(get(installs[-1], "seccomp.process_filtered"), installs[-1])
        self.assertEqual(get(installs[-1], "seccomp.operation"), "SECCOMP_SET_MODE_FILTER")
        errno = self.denials(t.events, runs["errno"][0])
        # 500 refusals in well under a second: one record, the rest folded in the kernel.
        self.assertTrue(1 <= len(errno) <= 2, errno)
        self.assertEqual(get(errno[0], "syscall.name"), "personality")
        self.assertEqual(get(errno[0], "seccomp.action"), "errno")
        self.assertEqual(get(errno[0], "seccomp.errno"), 1)
        self.assertEqual(get(errno[0], "process.executable.path"), os.path.realpath(SC_HELPER))
        killed = self.denials(t.events, runs["kill"][0])
        self.assertEqual(len(killed), 1, killed)
        self.assertEqual(get(killed[0], "syscall.name"), "personality")
        self.assertEqual(get(killed[0], "seccomp.action"), "kill")
        # A trap is a SIGSYS too (unhandled here), told apart from a kill.
        trapped = self.denials(t.events, runs["trap"][0])
        self.assertEqual([get(e, "seccomp.action") for e in trapped], ["trap"])
        raised = [a for a in alerts(t.events, "seccomp_violation")
                  if get(a, "process.pid") in (runs["errno"][0], runs["kill"][0])]
        self.assertEqual(len(raised), len(errno) + 1)
        self.assertEqual({a["rule"]["severity"] for a in raised}, {"medium"})


    def test_trace_seccomp_filters_in_the_kernel(self):
        _, eperm = self.advise(cmd=[SC_HELPER, "base"])
        other = self.path("other_helper")
        shutil.copy(SC_HELPER, other)  # same program, another comm: filtered out
        with Tracer("trace", "seccomp", "--comm", "sc_helper") as t:
            pids = []
            for prog in (SC_HELPER, other):
                p = subprocess.Popen([VIGIL, "sandbox", "--profile", eperm["_path"], "--",
                                      prog, "extra"], stdout=subprocess.DEVNULL)
                self.assertEqual(p.wait(timeout=60), 13)
                pids.append(p.pid)
        self.assertEqual(len(self.denials(t.events, pids[0])), 1)
        self.assertEqual(self.denials(t.events, pids[1]), [])
        self.assertEqual({kind(e) for e in t.events}, {"seccomp_deny"})


class MergeTest(SeccompCase):
    def test_merge_widens_never_drops_and_is_idempotent(self):
        _, a = self.advise(cmd=[SC_HELPER, "base"])
        _, b = self.advise("--merge", a["_path"], cmd=["python3", "-c", "import socket; socket.socket()"])
        self.assertLessEqual(allowed(a), allowed(b))
        self.assertIn("socket", allowed(b))
        # Merging again what is already allowed changes nothing, byte for byte.
        with open(b["_path"]) as f:
            before = f.read()
        _, c = self.advise("--merge", b["_path"], cmd=[SC_HELPER, "base"])
        with open(c["_path"]) as f:
            self.assertEqual(f.read(), before)
        # A name the recorder never sees (kept from the old file) is never dropped.
        with open(b["_path"]) as f:
            edited = json.load(f)
        edited["syscalls"][0]["names"].append("kexec_load")
        with open(b["_path"], "w") as f:
            json.dump(edited, f)
        _, d = self.advise("--merge", b["_path"], cmd=[SC_HELPER, "base"])
        self.assertIn("kexec_load", allowed(d))
        self.assertLessEqual(allowed(b) | {"kexec_load"}, allowed(d))


class TargetTest(SeccompCase):
    def start_advise(self, *args):
        out = self.path("t.json")
        err = open(self.path("advise.err"), "w+")
        proc = subprocess.Popen([VIGIL, "advise", "seccomp", "-o", out, *args],
                                stdout=subprocess.DEVNULL, stderr=err)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        deadline = time.time() + 30
        while time.time() < deadline:
            err.seek(0)
            if "vigil: ready" in err.read():
                return proc, out, err
            self.assertIsNone(proc.poll(), "advise exited early")
            time.sleep(0.05)
        self.fail("advise did not become ready")

    def finish(self, proc, out, err, sig=signal.SIGINT):
        if sig:
            proc.send_signal(sig)
        self.assertEqual(proc.wait(timeout=30), 0)
        with open(out) as f:
            return json.load(f)

    def test_cgroup_records_only_that_cgroup(self):
        root = cgroup2_mount()
        if not root:
            self.skipTest("no cgroup2 hierarchy")
        cg = os.path.join(root, "vigil-sc-%s" % uuid.uuid4().hex[:8])
        os.mkdir(cg)
        self.addCleanup(os.rmdir, cg)
        busy = subprocess.Popen([SC_HELPER, "busy", "30"])  # outside the cgroup
        self.addCleanup(lambda: (busy.kill(), busy.wait()))
        proc, out, err = self.start_advise("--cgroup", cg)

        def enter():
            with open(os.path.join(cg, "cgroup.procs"), "w") as f:
                f.write("0")
        inside = subprocess.run([SC_HELPER, "base"], preexec_fn=enter, capture_output=True)
        self.assertEqual(inside.returncode, 0)
        time.sleep(0.3)
        prof = self.finish(proc, out, err)
        names = allowed(prof)
        self.assertIn("openat", names)       # the helper inside
        self.assertNotIn("socket", names)    # the busy loop outside
        self.assertNotIn("getpriority", names)

    def test_pid_follows_process_and_descendants_then_stops_after(self):
        # A shell that waits, then starts a child that makes the extra syscall.
        go = self.path("go")
        sh = subprocess.Popen(["sh", "-c", "while [ ! -e %s ]; do sleep 0.05; done; %s extra"
                               % (go, SC_HELPER)], stdout=subprocess.DEVNULL)
        self.addCleanup(lambda: sh.poll() is None and sh.kill())
        proc, out, err = self.start_advise("--pid", str(sh.pid), "--stop-after", "20s")
        open(go, "w").close()
        self.assertEqual(sh.wait(timeout=30), 0)
        prof = self.finish(proc, out, err, sig=None)  # the target is gone: advise ends
        names = allowed(prof)
        self.assertIn("personality", names)  # made by a child forked after --pid
        self.assertIn("wait4", names)    # made by the shell itself

    def test_command_records_what_it_leaves_running(self):
        # The shell exits at once; the job it left behind runs later, and is recorded.
        res, prof = self.advise(cmd=["sh", "-c", "(sleep 0.5; %s extra) >/dev/null & exit 0"
                                     % SC_HELPER])
        self.assertIn("personality", allowed(prof))

    def test_stop_after_ends_a_long_recording(self):
        sleeper = subprocess.Popen(["sleep", "60"])
        self.addCleanup(lambda: (sleeper.kill(), sleeper.wait()))
        start = time.time()
        proc, out, err = self.start_advise("--pid", str(sleeper.pid), "--stop-after", "1s")
        self.finish(proc, out, err, sig=None)
        self.assertLess(time.time() - start, 20)
        self.assertIsNone(sleeper.poll(), "the target keeps running")


@unittest.skipUnless(shutil.which("runc"), "runc is not installed (scripts/deps.sh test installs it)")
class RuncConsumerTest(SeccompCase):
    """The profile's consumer is runc: it parses the OCI seccomp section itself and
    loads it with its own libseccomp before exec'ing the container's process."""

    def bundle(self, args):
        b = self.path("bundle-%s" % uuid.uuid4().hex[:6])
        os.makedirs(os.path.join(b, "rootfs"))
        subprocess.run(["runc", "spec"], cwd=b, check=True)
        rootfs = os.path.join(b, "rootfs")
        for d in ("usr", "proc", "dev", "tmp", "helpers"):
            os.mkdir(os.path.join(rootfs, d))
        for link in ("bin", "lib", "lib64"):
            os.symlink("usr/" + link, os.path.join(rootfs, link))
        with open(os.path.join(b, "config.json")) as f:
            cfg = json.load(f)
        cfg["process"]["terminal"] = False
        cfg["process"]["args"] = args
        cfg["root"]["readonly"] = True
        cfg["mounts"] += [
            {"destination": "/usr", "type": "bind", "source": "/usr", "options": ["rbind", "ro"]},
            {"destination": "/helpers", "type": "bind", "source": os.path.dirname(SC_HELPER),
             "options": ["rbind", "ro"]}]
        return b, cfg

    def runc(self, b, cfg, profile=None):
        if profile is not None:
            cfg = dict(cfg, linux=dict(cfg["linux"], seccomp=profile))
        with open(os.path.join(b, "config.json"), "w") as f:
            json.dump(cfg, f)
        cid = "vigil-sc-" + uuid.uuid4().hex[:8]
        self.addCleanup(subprocess.run, ["runc", "delete", "-f", cid], capture_output=True)
        return cid, ["runc", "run", "-b", b, cid]

    def test_runc_runs_the_container_under_the_recorded_profile(self):
        b, cfg = self.bundle(["/helpers/sc_helper", "base"])
        _, cmd = self.runc(b, cfg)
        # Record the whole container start: runc, its init and the helper.
        _, prof = self.advise(cmd=cmd)
        prof.pop("_path")
        _, cmd = self.runc(b, cfg, prof)
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertIn("sc_helper ok", res.stdout)
        self.assertNotIn("personality", allowed(prof))
        # One syscall more inside the container: runc's filter refuses it (EPERM).
        cfg["process"]["args"] = ["/helpers/sc_helper", "extra"]
        _, cmd = self.runc(b, cfg, prof)
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        self.assertEqual(res.returncode, 13, res.stderr)
        # And runc's own validation rejects a broken profile: the check can fail.
        _, cmd = self.runc(b, cfg, dict(prof, defaultAction="SCMP_ACT_NOPE"))
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        self.assertNotEqual(res.returncode, 0)
