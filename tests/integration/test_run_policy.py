"""vigil run with a policy: alerts, in-kernel kill, audit mode and atomic reload."""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

from vigil_test import DENY_POLICY, VIGIL, Tracer, VigilTestCase, alerts, cgroup2_mount, get, helper, is_alert

KILL_POLICY = """
rules:
  - name: no_exec_from_dir
    description: nothing may run from the test directory
    event: exec
    condition: process.executable.path startswith {dir}/
    severity: critical
    tags: [T1204]
    output: "blocked {{process.executable.path}}"
    action: kill
    mode: {mode}
"""

ALERT_POLICY = """
lists:
  marked: [{marker}]
rules:
  - name: marker_exec
    event: exec
    condition: process.executable.path in marked
    output: "generation {gen} saw {{process.pid}}"
"""



class RunPolicyTest(VigilTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="vg-run-", dir="/tmp")
        self.victim = os.path.join(self.dir, "victim")
        shutil.copy(helper("first_write"), self.victim)
        os.chmod(self.victim, 0o755)
        self.policy = os.path.join(self.dir, "policy.yaml")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write_policy(self, text):
        tmp = self.policy + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.rename(tmp, self.policy)

    def test_kill_rule_kills_before_first_instruction(self):
        self.write_policy(KILL_POLICY.format(dir=self.dir, mode="enforce"))
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            res = subprocess.run([self.victim], stdout=subprocess.PIPE, timeout=10)
            t.stop()
        self.assertEqual(res.stdout, b"", "nothing may arrive on the pipe")
        self.assertEqual(res.returncode, -signal.SIGKILL)
        a = alerts(t.events, "no_exec_from_dir")
        self.assertEqual(len(a), 1)
        self.assertEqual(a[0]["alert"]["outcome"], "killed in kernel")
        self.assertEqual(a[0]["rule"]["severity"], "critical")
        self.assertEqual(a[0]["message"], "blocked " + self.victim)
        self.assertEqual(get(a[0], "process.executable.path"), self.victim)
        self.assertEqual(get(a[0], "vigil.kernel_action"), "killed")
        self.assertTrue(a[0]["alert"]["kernel_decidable"])

    def test_audit_mode_lets_it_run_and_says_would_have(self):
        self.write_policy(KILL_POLICY.format(dir=self.dir, mode="audit"))
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            res = subprocess.run([self.victim], stdout=subprocess.PIPE, timeout=10)
            t.stop()
        self.assertEqual(res.stdout, b"alive\n")
        self.assertEqual(res.returncode, 0)
        a = alerts(t.events, "no_exec_from_dir")
        self.assertEqual(len(a), 1)
        self.assertTrue(a[0]["alert"]["outcome"].startswith("would have killed"), a[0]["alert"]["outcome"])
        self.assertEqual(a[0]["rule"]["mode"], "audit")

    def test_kill_rule_with_a_uid_kills_only_that_uid_in_the_kernel(self):
        os.chmod(self.dir, 0o755)  # nobody must be able to run the victim
        self.write_policy("""
rules:
  - name: no_root_exec_from_dir
    event: exec
    condition: process.executable.path startswith {dir}/ and process.user.id = 0
    severity: critical
    action: kill
""".format(dir=self.dir))
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            root = subprocess.run([self.victim], stdout=subprocess.PIPE, timeout=10)
            nobody = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                     self.victim], stdout=subprocess.PIPE, timeout=10)
            t.stop()
        self.assertEqual(root.stdout, b"", "nothing may arrive on the pipe")
        self.assertEqual(root.returncode, -signal.SIGKILL)
        self.assertEqual(nobody.stdout, b"alive\n")
        self.assertEqual(nobody.returncode, 0)
        a = alerts(t.events, "no_root_exec_from_dir")
        self.assertEqual(len(a), 1, a)
        self.assertEqual(a[0]["alert"]["outcome"], "killed in kernel")
        self.assertTrue(a[0]["alert"]["kernel_decidable"])
        self.assertEqual(get(a[0], "process.user.id"), 0)

    def test_other_uids_fall_back_to_the_audit_rule_on_the_path_in_the_kernel(self):
        os.chmod(self.dir, 0o755)
        self.write_policy("""
rules:
  - name: watch_dir
    event: exec
    condition: process.executable.path startswith {dir}/
    action: kill
    mode: audit
  - name: no_root_exec_from_dir
    event: exec
    condition: process.executable.path startswith {dir}/ and process.user.id = 0
    action: kill
""".format(dir=self.dir))
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            root = subprocess.run([self.victim], stdout=subprocess.PIPE, timeout=10)
            nobody = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                     self.victim], stdout=subprocess.PIPE, timeout=10)
            t.stop()
        self.assertEqual((root.returncode, root.stdout), (-signal.SIGKILL, b""))
        self.assertEqual((nobody.returncode, nobody.stdout), (0, b"alive\n"))
        kill = alerts(t.events, "no_root_exec_from_dir")
        self.assertEqual([a["alert"]["outcome"] for a in kill], ["killed in kernel"])
        # uid 65534: the one hook entry on the path answers with the audit rule
        audit = [a for a in alerts(t.events, "watch_dir")
                 if get(a, "process.user.id") == 65534]
        self.assertEqual([a["alert"]["outcome"] for a in audit], ["would have killed (kernel, audit)"])

    def test_kill_rule_with_a_cgroup_kills_only_in_that_cgroup_in_the_kernel(self):
        mnt = cgroup2_mount()
        self.assertIsNotNone(mnt, "no cgroup2 mount")
        cg = os.path.join(mnt, "vg-killcg-%d" % os.getpid())
        os.mkdir(cg)
        self.addCleanup(os.rmdir, cg)
        cgroup_id = os.stat(cg).st_ino  # a cgroup2 directory's inode is its id
        self.write_policy("""
rules:
  - name: no_exec_in_cgroup
    event: exec
    condition: process.cgroup.id = {id} and process.executable.path startswith {dir}/
    action: kill
""".format(id=cgroup_id, dir=self.dir))
        inside = ["sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$1"', cg, self.victim]
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            caged = subprocess.run(inside, stdout=subprocess.PIPE, timeout=10)
            free = subprocess.run([self.victim], stdout=subprocess.PIPE, timeout=10)
            t.stop()
        self.assertEqual(caged.stdout, b"", "nothing may arrive on the pipe")
        self.assertEqual(caged.returncode, -signal.SIGKILL)
        self.assertEqual(free.stdout, b"alive\n")
        a = alerts(t.events, "no_exec_in_cgroup")
        self.assertEqual(len(a), 1, a)
        self.assertEqual(a[0]["alert"]["outcome"], "killed in kernel")
        self.assertEqual(get(a[0], "process.cgroup.id"), cgroup_id)

    def test_sighup_while_starting_is_a_reload_not_the_end(self):
        self.write_policy(KILL_POLICY.format(dir=self.dir, mode="audit"))
        err_path = os.path.join(self.dir, "stderr")
        with open(err_path, "w") as err:
            # A reload acts at once (no canary window), with a state dir of its own.
            p = subprocess.Popen([VIGIL, "run", "--no-default-policy", "--policy", self.policy,
                                  "--alerts-only",
                                  "--canary-window", "0",
                                  "--state-dir", os.path.join(self.dir, "state")],
                                 stdout=subprocess.DEVNULL, stderr=err)
        self.addCleanup(lambda: p.poll() is None and p.kill())
        read = lambda: open(err_path, errors="replace").read()
        deadline = time.time() + 30
        while "vigil: policy:" not in read():  # the agent exists, its threads do not yet
            self.assertIsNone(p.poll(), read())
            self.assertLess(time.time(), deadline)
            time.sleep(0.005)
        p.send_signal(signal.SIGHUP)
        self.assertNotIn("vigil: ready", read(), "too late to test the start")
        while "policy reloaded" not in read():
            self.assertIsNone(p.poll(), "SIGHUP while starting ended the agent: " + read())
            self.assertLess(time.time(), deadline)
            time.sleep(0.05)
        self.assertIn("vigil: ready", read())
        p.send_signal(signal.SIGINT)
        self.assertEqual(p.wait(timeout=30), 0, read())

    def test_kill_decided_in_user_space_says_so_and_how_late(self):
        self.write_policy("""
rules:
  - name: kill_marked_shell
    event: exec
    condition: process.command_line contains vg-userkill-marker
    action: kill
""")
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            start = time.time()
            res = subprocess.run(["sh", "-c", "sleep 20", "vg-userkill-marker"], timeout=30)
            elapsed = time.time() - start
            t.stop()
        self.assertEqual(res.returncode, -signal.SIGKILL)
        self.assertLess(elapsed, 10)
        a = alerts(t.events, "kill_marked_shell")
        self.assertEqual(len(a), 1)
        self.assertEqual(a[0]["alert"]["outcome"], "killed by agent")
        self.assertFalse(a[0]["alert"]["kernel_decidable"])
        self.assertGreater(a[0]["alert"]["action_latency_ns"], 0)

    def test_invalid_policy_at_start_is_refused_with_position(self):
        with open(self.policy, "w") as f:
            f.write("rules:\n  - name: x\n    event: exec\n    condition: process.exe = 1\n")
        res = subprocess.run([VIGIL, "run", "--no-default-policy", "--policy", self.policy,
                              "--state-dir", os.path.join(self.dir, "state")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        self.assertEqual(res.returncode, 1)
        self.assertIn(self.policy + ":4:16: error: unknown field 'process.exe'", res.stderr.decode())

    def test_reload_50_times_under_load_loses_nothing(self):
        marker = os.path.join(self.dir, "marker")
        shutil.copy("/bin/true", marker)
        valid = lambda gen: ALERT_POLICY.format(marker=marker, gen=gen)
        invalid = "rules:\n  - name: broken\n    event: exec\n    condition: process.pid ==\n"
        self.write_policy(valid(0))
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            runs = 0
            stop_at = time.time() + 60
            for i in range(50):
                self.write_policy(valid(i + 1) if i % 2 == 0 else invalid)
                t.proc.send_signal(signal.SIGHUP)
                # A steady stream of matching execs while the reload happens.
                for _ in range(4):
                    subprocess.run([marker], check=True)
                    runs += 1
                    time.sleep(0.03)
                self.assertLess(time.time(), stop_at)
            t.stop(settle=1.0)
        got = alerts(t.events, "marker_exec")
        self.assertEqual(len(got), runs, "one alert per triggering exec, none lost or doubled")
        self.assertEqual(len({a["process"]["pid"] for a in got}), runs)
        self.assertGreater(t.stderr.count("policy reloaded"), 5)
        self.assertGreater(t.stderr.count("policy reload failed"), 5)
        # A failed load never replaced the running policy: generations only grow
        # and every alert came from a valid generation.
        gens = [int(a["message"].split()[1]) for a in got]
        self.assertEqual(gens, sorted(gens))
        self.assertFalse([a for a in t.events if a.get("rule") == "broken"])

    def wait_stderr(self, t, text, count, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with open(t._err.name, "r", errors="replace") as f:
                if f.read().count(text) >= count:
                    return
            time.sleep(0.05)
        self.fail("no %d x %r on vigil's stderr" % (count, text))

    def test_reload_moves_exec_kills_in_the_kernel(self):
        victim_b = os.path.join(self.dir, "victim_b")
        shutil.copy(self.victim, victim_b)
        policy = """
rules:
  - name: kill_it
    event: exec
    condition: process.executable.path = {path}
    action: kill
"""
        self.write_policy(policy.format(path=self.victim))
        run = lambda exe: subprocess.run([exe], stdout=subprocess.PIPE, timeout=10)
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            a_before, b_before = run(self.victim), run(victim_b)
            self.write_policy(policy.format(path=victim_b))
            self.wait_stderr(t, "policy reloaded", 1)
            a_after, b_after = run(self.victim), run(victim_b)
            t.stop()
        self.assertEqual((a_before.returncode, a_before.stdout), (-signal.SIGKILL, b""))
        self.assertEqual((b_before.returncode, b_before.stdout), (0, b"alive\n"))
        # The old entry is gone from the hook, the new one is there.
        self.assertEqual((a_after.returncode, a_after.stdout), (0, b"alive\n"))
        self.assertEqual((b_after.returncode, b_after.stdout), (-signal.SIGKILL, b""))
        self.assertEqual([a["alert"]["outcome"] for a in alerts(t.events, "kill_it")],
                         ["killed in kernel", "killed in kernel"])

    def kernel_global(self, pid, map_name, field):
        """A global of our own agent's BPF object as the kernel sees it."""
        fdinfo = "/proc/%d/fdinfo" % pid
        ids = set()
        for fd in os.listdir(fdinfo):
            try:
                with open(os.path.join(fdinfo, fd)) as f:
                    ids.update(int(l.split()[1]) for l in f if l.startswith("map_id:"))
            except OSError:
                continue  # closed meanwhile
        for i in sorted(ids):
            info = json.loads(subprocess.check_output(["bpftool", "-j", "map", "show", "id", str(i)]))
            if info.get("name") == map_name:
                dump = json.loads(subprocess.check_output(["bpftool", "-j", "map", "dump", "id", str(i)]))
                section = next(iter(dump[0]["formatted"]["value"].values()))
                return next(v[field] for v in section if field in v)
        self.fail("agent %d holds no map %s" % (pid, map_name))

    def test_globals_written_after_load_reach_the_kernel(self):
        # The file sensor writes file_any_mask (.data) after load: the accesses
        # some rule watches (here only the agent's own-file rules: no memfd),
        # so an open no rule watches is rejected before any path walk. Loaded
        # without the skeleton, the write stayed in a private copy and the
        # kernel kept its initial "everything" (1023).
        exec_only = """
rules:
  - name: marker_exec
    event: exec
    condition: process.executable.path = {dir}/nothing
"""
        opens = """
rules:
  - name: watched_open
    event: open
    condition: file.path startswith {dir}/
"""
        self.write_policy(exec_only.format(dir=self.dir))
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            before = self.kernel_global(t.proc.pid, "sensor_f.data", "file_any_mask")
            self.write_policy(opens.format(dir=self.dir))
            self.wait_stderr(t, "policy reloaded", 1)
            after = self.kernel_global(t.proc.pid, "sensor_f.data", "file_any_mask")
            t.stop()
        self.assertNotEqual(before, 1023, "the kernel kept the mask it was loaded with")
        self.assertTrue(after & 1, "reads watched after the reload to an open rule")

    def test_reload_that_widens_the_watch_set_forgets_cached_rejections(self):
        # The kernel caches the dentries the watch set rejected; a reload must
        # invalidate that cache, or files rejected under the old policy stay
        # unseen under the new one (the generation bump must reach the kernel).
        policy = """
rules:
  - name: watched_open
    event: open
    condition: file.path startswith {dir}/
    output: "open of {{file.path}}"
"""
        dir_a, dir_b = os.path.join(self.dir, "a"), os.path.join(self.dir, "b")
        os.mkdir(dir_a)
        os.mkdir(dir_b)
        files = [os.path.join(dir_b, "f%d" % i) for i in range(3)]
        for f in files:
            with open(f, "w") as out:
                out.write("x")

        def read_all():
            for f in files:
                with open(f) as inp:
                    inp.read()

        self.write_policy(policy.format(dir=dir_a))
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            read_all()  # unwatched: each dentry is cached as rejected
            read_all()  # and the second open is decided by that cache
            # Written in place, not renamed: a rename would itself bump the
            # kernel's generation and hide a reload that does not.
            with open(self.policy, "w") as f:
                f.write(policy.format(dir=dir_b))
            self.wait_stderr(t, "policy reloaded", 1)
            read_all()
            t.stop()
        mine = [a for a in alerts(t.events, "watched_open")
                if get(a, "process.pid") == os.getpid()]
        self.assertEqual(sorted(get(a, "file.path") for a in mine), files)

    def test_reload_keeps_throttle_windows(self):
        marker = os.path.join(self.dir, "marker")
        shutil.copy("/bin/true", marker)
        per = 6.0
        text = lambda per, extra="": THROTTLE_POLICY.format(marker=marker, per=per) + extra
        self.write_policy(text("6s"))
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            first = time.monotonic()
            for _ in range(5):
                subprocess.run([marker], check=True)
            # Same rule, same throttle, one more rule: the window goes on.
            self.write_policy(text("6s", OTHER_RULE))
            t.proc.send_signal(signal.SIGHUP)
            self.wait_stderr(t, "policy reloaded", 1)
            subprocess.run([marker], check=True)
            self.assertLess(time.monotonic() - first, per, "the test ran too slowly")
            time.sleep(first + per + 0.5 - time.monotonic())
            subprocess.run([marker], check=True)	# next window: reports 4 suppressed
            subprocess.run([marker], check=True)
            subprocess.run([marker], check=True)	# suppressed
            # Another interval: a fresh window, said once on stderr.
            self.write_policy(text("7s", OTHER_RULE))
            t.proc.send_signal(signal.SIGHUP)
            self.wait_stderr(t, "policy reloaded", 2)
            subprocess.run([marker], check=True)
            t.stop(settle=0.5)
        got = [a["alert"]["suppressed"] for a in alerts(t.events, "throttled_exec")]
        self.assertEqual(got, [0, 0, 4, 0, 0], t.stderr)
        self.assertEqual(t.stderr.count("throttle changed"), 1, t.stderr)
        self.assertIn("rule 'throttled_exec': throttle changed from {count: 2, per: 6000ms",
                      t.stderr)


THROTTLE_POLICY = """
lists:
  marked: [{marker}]
rules:
  - name: throttled_exec
    event: exec
    condition: process.executable.path in marked
    throttle: {{count: 2, per: {per}}}
"""

OTHER_RULE = """
  - name: other_exec
    event: exec
    condition: process.executable.path = /nonexistent/vg-other
"""


class FileDenyTest(VigilTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="vg-deny-", dir="/tmp")
        self.secret = os.path.join(self.dir, "secret")
        self.other = os.path.join(self.dir, "other")
        for p in (self.secret, self.other):
            with open(p, "w") as f:
                f.write("data\n")
        self.policy = os.path.join(self.dir, "policy.yaml")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def cat(self, path):
        return subprocess.run(["cat", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=10)

    def run_with(self, mode):
        with open(self.policy, "w") as f:
            f.write(DENY_POLICY.format(path=self.secret, mode=mode))
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            secret = self.cat(self.secret)
            other = self.cat(self.other)
            t.stop(settle=0.5)
        return t, secret, other

    def test_deny_rule_makes_cat_fail_with_eperm(self):
        t, secret, other = self.run_with("enforce")
        self.assertNotEqual(secret.returncode, 0)
        self.assertIn(b"Operation not permitted", secret.stderr)
        self.assertEqual(other.stdout, b"data\n")
        a = alerts(t.events, "no_secret")
        self.assertEqual(len(a), 1, a)
        self.assertEqual(a[0]["alert"]["outcome"], "denied")
        self.assertEqual(a[0]["alert"]["action_by"], "fanotify")
        self.assertEqual(a[0]["rule"]["severity"], "high")
        self.assertEqual(a[0]["file"]["path"], self.secret)
        # The process context the issue asks every alert to carry.
        self.assertEqual(get(a[0], "process.executable.path"), "/usr/bin/cat")
        self.assertEqual(get(a[0], "process.parent.pid"), os.getpid())
        # Once vigil is gone the file opens again: no mark outlives the agent.
        self.assertEqual(self.cat(self.secret).stdout, b"data\n")

    def test_deny_rule_in_audit_mode_lets_cat_through(self):
        t, secret, other = self.run_with("audit")
        self.assertEqual(secret.stdout, b"data\n")
        a = alerts(t.events, "no_secret")
        # One open, one report: the guard's, not the guard's and the engine's.
        self.assertEqual(len(a), 1, a)
        self.assertEqual(a[0]["alert"]["outcome"], "would have denied")


class DefaultPolicyTest(VigilTestCase):
    def test_builtin_policy_alerts_on_exec_from_tmp(self):
        d = tempfile.mkdtemp(prefix="vg-default-", dir="/tmp")
        try:
            binary = os.path.join(d, "dropper")
            shutil.copy("/bin/true", binary)
            with Tracer("run", "--events") as t:
                subprocess.run([binary], check=True, timeout=10)
                t.stop()
        finally:
            shutil.rmtree(d, ignore_errors=True)
        self.assertIn("rules from the built-in default", t.stderr)
        a = alerts(t.events, "exec_from_writable_dir")
        a = [x for x in a if get(x, "process.executable.path") == binary]
        self.assertEqual(len(a), 1)
        self.assertEqual(a[0]["alert"]["outcome"], "alerted")
        # medium: a program just built under /tmp runs the same way (issue 12);
        # a downloaded one raises download_and_execute (critical) besides.
        self.assertEqual(a[0]["rule"]["severity"], "medium")
        self.assertIn("T1204.002", a[0]["rule"]["tags"])
        # With --events the events themselves are printed too.
        execs = [e for e in t.events if not is_alert(e) and get(e, "event.action") == "exec"
                 and get(e, "process.executable.path") == binary]
        self.assertEqual(len(execs), 1)


NET_DENY_POLICY = """
rules:
  - name: no_port_{port}
    event: connect
    condition: destination.port = {port} and destination.address cidr 127.0.0.0/8
    severity: high
    tags: [T1071]
    action: deny
    mode: {mode}
"""


class NetDenyTest(VigilTestCase):
    def setUp(self):
        super().setUp()
        import socket
        self.dir = tempfile.mkdtemp(prefix="vg-netdeny-", dir="/tmp")
        self.policy = os.path.join(self.dir, "policy.yaml")
        self.servers = []
        self.ports = []
        for _ in range(2):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            s.listen(16)
            self.servers.append(s)
            self.ports.append(s.getsockname()[1])

    def tearDown(self):
        for s in self.servers:
            s.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def connect(self, port):
        # From a child process, so the verdict is about a process we started.
        code = ("import socket,sys\n"
                "s=socket.socket()\n"
                "try:\n s.connect(('127.0.0.1',%d)); print('ok')\n"
                "except OSError as e: print(e.errno)\n" % port)
        return subprocess.run(["python3", "-c", code], stdout=subprocess.PIPE,
                              timeout=20).stdout.decode().strip()

    def run_with(self, mode):
        import errno
        denied, other = self.ports
        with open(self.policy, "w") as f:
            f.write(NET_DENY_POLICY.format(port=denied, mode=mode))
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            r_denied = self.connect(denied)
            r_other = self.connect(other)
            t.stop(settle=0.5)
        return t, r_denied, r_other, errno.EPERM

    def test_deny_rule_on_loopback_port_gives_eperm(self):
        t, r_denied, r_other, eperm = self.run_with("enforce")
        self.assertEqual(r_denied, str(eperm))
        self.assertEqual(r_other, "ok")
        a = alerts(t.events, "no_port_%d" % self.ports[0])
        self.assertEqual(len(a), 1, a)
        self.assertEqual(a[0]["alert"]["outcome"], "denied in kernel")
        self.assertEqual(get(a[0], "destination.port"), self.ports[0])
        # The cgroup programs left with the agent.
        out = subprocess.run(["bpftool", "cgroup", "tree"], stdout=subprocess.PIPE).stdout.decode()
        self.assertNotIn("vg_", out)

    def link_types(self, pid):
        """How many BPF links of each type our own agent holds (its fdinfo)."""
        types = {}
        fdinfo = "/proc/%d/fdinfo" % pid
        for fd in os.listdir(fdinfo):
            try:
                with open(os.path.join(fdinfo, fd)) as f:
                    for line in f:
                        if line.startswith("link_type:"):
                            types[line.split()[1]] = types.get(line.split()[1], 0) + 1
            except OSError:
                continue
        return types

    def test_hooks_only_for_what_the_policy_reads(self):
        # An exec-only policy: no network hook runs, and no program sits on
        # the cgroup root (it would run on every connect of the host). (The
        # agent's own self-defense rules read file and privilege events.)
        # A reload to a deny rule attaches what that rule needs.
        import errno
        with open(self.policy, "w") as f:
            f.write("rules:\n  - name: x\n    event: exec\n"
                    "    condition: process.executable.path = /nonexistent\n")
        ctl = lambda *a: subprocess.run([VIGIL, *a], stdout=subprocess.PIPE, text=True,
                                        env=t.env, check=True).stdout
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            before = self.link_types(t.proc.pid)
            status = json.loads(ctl("status", "--json"))
            self.assertEqual(self.connect(self.ports[0]), "ok")
            tmp = self.policy + ".tmp"
            with open(tmp, "w") as f:
                f.write(NET_DENY_POLICY.format(port=self.ports[0], mode="enforce"))
            os.rename(tmp, self.policy)
            deadline = time.time() + 10
            while "policy reloaded" not in open(t._err.name).read() and time.time() < deadline:
                time.sleep(0.05)
            after = self.link_types(t.proc.pid)
            r_denied, r_other = self.connect(self.ports[0]), self.connect(self.ports[1])
            t.stop()
        sensors = {s["name"]: s for s in status["sensors"]}
        self.assertEqual(sensors["net"]["links"], 0, sensors["net"])
        self.assertEqual(sensors["net"]["attached"], "no: no rule needs it")
        self.assertEqual(sensors["process"]["attached"], "always")
        self.assertNotIn("cgroup", before)
        self.assertEqual(after.get("cgroup"), 4, after)  # connect4/6, sendmsg4/6
        self.assertEqual((r_denied, r_other), (str(errno.EPERM), "ok"))
        self.assertIn("sensor net: attached", t.stderr)

    def test_kill_rule_on_loopback_port_kills_before_connecting(self):
        port = self.ports[0]
        with open(self.policy, "w") as f:
            f.write(NET_DENY_POLICY.format(port=port, mode="enforce")
                    .replace("action: deny", "action: kill")
                    + "    output: \"{process.name} to port {destination.port}\"\n")
        code = ("import socket\ns=socket.socket()\n"
                "try:\n s.connect(('127.0.0.1',%d)); print('connected', flush=True)\n"
                "except OSError as e: print(e.errno, flush=True)\n" % port)
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            res = subprocess.run(["python3", "-c", code], stdout=subprocess.PIPE, timeout=20)
            t.stop(settle=0.5)
        self.assertEqual(res.returncode, -signal.SIGKILL)
        self.assertEqual(res.stdout, b"", "killed as connect returned: not one more line runs")
        self.servers[0].settimeout(0.2)
        with self.assertRaises(OSError):
            self.servers[0].accept()    # no connection ever reached the server
        a = alerts(t.events, "no_port_%d" % port)
        self.assertEqual(len(a), 1, a)
        self.assertEqual(a[0]["alert"]["outcome"], "killed in kernel")
        self.assertEqual(a[0]["rule"]["action"], "kill")
        self.assertEqual(a[0]["alert"]["action_by"], "kernel")
        self.assertEqual(a[0]["rule"]["severity"], "high")
        self.assertEqual(a[0]["message"], "python3 to port %d" % port)
        self.assertTrue(a[0]["alert"]["kernel_decidable"])
        self.assertEqual(get(a[0], "destination.port"), port)
        self.assertEqual(get(a[0], "process.parent.pid"), os.getpid())

    def test_audit_mode_lets_it_connect_and_says_would_have(self):
        t, r_denied, r_other, _ = self.run_with("audit")
        self.assertEqual(r_denied, "ok")
        a = alerts(t.events, "no_port_%d" % self.ports[0])
        self.assertGreaterEqual(len(a), 1)
        self.assertEqual(a[0]["alert"]["outcome"], "would have denied")


class KernelGatingTest(VigilTestCase):
    def test_record_types_no_rule_wants_stay_in_the_kernel(self):
        import re
        import socket
        d = tempfile.mkdtemp(prefix="vg-gate-", dir="/tmp")
        policy = os.path.join(d, "p.yaml")
        with open(policy, "w") as f:
            f.write("rules:\n  - name: only_exec\n    event: exec\n"
                    "    condition: process.executable.path = /nonexistent/vg-gate\n")
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(128)
        port = srv.getsockname()[1]
        try:
            with Tracer("run", "--policy", policy, "--alerts-only") as t:
                code = ("import os, socket\nfor i in range(100):\n"
                        " s=socket.create_connection(('127.0.0.1',%d)); s.close()\n"
                        " p='%s/f%%d' %% i; open(p, 'w').close(); os.unlink(p)\n"
                        " os.setresuid(-1, 65534, -1); os.setresuid(-1, 0, -1)\n" % (port, d))
                subprocess.run(["python3", "-c", code], check=True, timeout=30)
                t.stop()
        finally:
            srv.close()
            shutil.rmtree(d, ignore_errors=True)
        per_sensor = {m.group(1): (int(m.group(2)), int(m.group(3))) for m in re.finditer(
            r"sensor (\w+): (\d+) sent, (\d+) filtered in kernel", t.stderr)}
        # No rule reads a network record: those hooks are not even attached.
        self.assertEqual(per_sensor["net"], (0, 0))
        # The file sensor is (the agent's own rules watch writes to its files),
        # but the 200 creates and unlinks in an unwatched directory stay in the kernel.
        self.assertEqual(per_sensor["file"][0], 0)
        self.assertGreaterEqual(per_sensor["file"][1], 200)
        # The privilege sensor is (the agent's own rules read signals and
        # ptrace), but 200 credential changes no rule reads stay in the kernel.
        self.assertGreaterEqual(per_sensor["priv"][1], 200)
        self.assertEqual([e for e in t.events if is_alert(e)], [])


class LiveFileRuleTest(VigilTestCase):
    def test_open_rule_alerts_on_the_live_file_event(self):
        d = tempfile.mkdtemp(prefix="vg-live-", dir="/tmp")
        policy = os.path.join(d, "p.yaml")
        target = os.path.join(d, "watched", "cfg")
        os.makedirs(os.path.dirname(target))
        with open(policy, "w") as f:
            f.write("rules:\n  - name: cfg_written\n    event: open\n"
                    "    condition: file.path startswith %s/watched/ and file.access contains write\n"
                    "    severity: medium\n    output: \"{process.name} wrote {file.path}\"\n"
                    % d)
        try:
            with Tracer("run", "--policy", policy, "--alerts-only") as t:
                subprocess.run(["sh", "-c", "echo x > %s; cat %s > /dev/null" % (target, target)],
                               check=True, timeout=10)
                t.stop()
        finally:
            shutil.rmtree(d, ignore_errors=True)
        a = alerts(t.events, "cfg_written")
        self.assertEqual(len(a), 1, "the write alerts, the read does not")
        self.assertEqual(a[0]["message"], "sh wrote " + target)
        self.assertEqual(get(a[0], "file.path"), target)


class NamespaceRuleTest(VigilTestCase):
    def test_namespace_type_is_a_list(self):
        d = tempfile.mkdtemp(prefix="vg-ns-", dir="/tmp")
        policy = os.path.join(d, "p.yaml")
        with open(policy, "w") as f:
            f.write("rules:\n"
                    "  - name: ns_mnt\n    event: namespace\n    condition: namespace.type = mnt\n"
                    "    output: \"entered {namespace.type}\"\n"
                    "  - name: ns_net\n    event: namespace\n    condition: namespace.type = net\n")
        try:
            with Tracer("run", "--policy", policy, "--alerts-only") as t:
                # unshare(CLONE_NEWNS | CLONE_NEWUTS): two namespaces, one of them mnt
                p = subprocess.Popen(["unshare", "--mount", "--uts", "true"])
                p.wait(timeout=10)
                t.stop()
        finally:
            shutil.rmtree(d, ignore_errors=True)
        self.assertEqual(p.returncode, 0)
        mine = lambda rule: [a for a in alerts(t.events, rule)
                             if get(a, "process.pid") == p.pid]
        a = mine("ns_mnt")
        self.assertEqual(len(a), 1, t.events)
        self.assertEqual(a[0]["message"], "entered mnt uts")
        self.assertEqual(get(a[0], "namespace.type"), ["mnt", "uts"])
        self.assertEqual(mine("ns_net"), [])
