"""Containers as containers: a real podman container (image imported from a
busybox-static root filesystem built here, nothing pulled) and, always, a
cgroup the test makes with a runtime-shaped path (the fallback where podman
cannot run)."""
import json
import os
import shutil
import signal
import subprocess
import tarfile
import tempfile
import time

from vigil_test import VIGIL, Tracer, VigilTestCase, alerts, cgroup2_mount

POLICY = """
rules:
  - name: in_container
    event: exec
    condition: container.id != "" and process.command_line contains {marker}
    output: "{{container.id}}"
  - name: on_host
    event: exec
    condition: container.id = "" and process.command_line contains {marker}
"""

# This machine's root lacks CAP_SYS_RESOURCE: runc cannot raise the rlimits
# podman asks for by default, so the test asks for limits below the current ones.
ULIMITS = ["--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1000:1000"]


def podman(*args, check=True, timeout=120):
    return subprocess.run(["podman", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=timeout, check=check)


class ContainerCase(VigilTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="vg-ctr-", dir="/tmp")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.marker = "vg-ctr-marker-%d" % os.getpid()
        self.policy = os.path.join(self.dir, "policy.yaml")
        with open(self.policy, "w") as f:
            f.write(POLICY.format(marker=self.marker))

    def mine(self, events, rule):
        return alerts(events, rule)


class PodmanCase(ContainerCase):
    """Debian's podman, runc, an image imported from /bin/busybox (no test of its own:
    the base of the podman tests here and in test_container_mounts.py)."""

    def setUp(self):
        super().setUp()
        if not shutil.which("podman") or not os.path.exists("/bin/busybox"):
            self.skipTest("podman or busybox-static is not installed (make deps)")
        self.tag = "localhost/vigil-test-busybox:%d" % os.getpid()
        self.names = []
        rootfs = os.path.join(self.dir, "rootfs.tar")
        with tarfile.open(rootfs, "w") as t:
            t.add("/bin/busybox", "bin/busybox")
            for applet in ("sh", "sleep", "true", "cat"):
                info = tarfile.TarInfo("bin/" + applet)
                info.type, info.linkname = tarfile.SYMTYPE, "busybox"
                t.addfile(info)
        podman("import", rootfs, self.tag)
        self.addCleanup(podman, "rmi", "-f", self.tag, check=False)
        probe = self.run_container("true", check=False)
        if probe.returncode != 0:
            self.skipTest("podman cannot run a container here: " + probe.stderr.strip()[-300:])

    def run_container(self, *cmd, detach=False, extra=(), check=True):
        name = "vg-test-%d-%d" % (os.getpid(), len(self.names))
        self.names.append(name)
        self.addCleanup(podman, "rm", "-f", "-t", "0", name, check=False)
        args = ["run", "--name", name, *ULIMITS, *extra]
        args += ["-d"] if detach else ["--rm"]
        r = podman(*args, self.tag, *cmd, check=check)
        r.name = name
        return r


class PodmanTest(PodmanCase):
    """Container fields and the default exec rules, with real containers."""

    def test_events_carry_what_podman_inspect_says(self):
        c = self.run_container("sleep", "60", detach=True)
        info = json.loads(podman("inspect", c.name).stdout)[0]
        with Tracer("run", "--policy", self.policy) as t:
            podman("exec", c.name, "sh", "-c", "true " + self.marker)
            subprocess.run(["sh", "-c", "true " + self.marker], timeout=10)
        self.assertEqual(t.returncode, 0, t.stderr)
        inside = self.mine(t.events, "in_container")
        self.assertGreaterEqual(len(inside), 1, t.stderr)
        ev = inside[0]   # an alert is its event plus the rule (docs/events.md)
        self.assertEqual(ev["container"]["id"], info["Id"])
        self.assertEqual(ev["container"]["runtime"], "podman")
        self.assertEqual(ev["container"]["name"], info["Name"])
        self.assertEqual(ev["container"]["image"]["name"], info["ImageName"])
        self.assertEqual(ev["container"]["privileged"], False)
        self.assertEqual(inside[0]["message"], info["Id"])
        host = self.mine(t.events, "on_host")
        self.assertGreaterEqual(len(host), 1)
        self.assertNotIn("container", host[0])

    def test_default_container_rules(self):
        c = self.run_container("sleep", "60", detach=True)
        execs = 3
        with Tracer("run") as t:  # the built-in default policy
            # runc exec may exit before or after its child execs the shell, so
            # the shell's parent at exec is runc or conmon by chance: every one
            # must alert all the same (it is never its namespace's pid 1).
            for _ in range(execs):
                podman("exec", c.name, "sh", "-c", "true")
            self.run_container("sh", "-c", "true", extra=["--privileged"])
        self.assertEqual(t.returncode, 0, t.stderr)
        shells = [a for a in self.mine(t.events, "shell_in_container")
                  if a["container"]["name"] == c.name]
        self.assertEqual(len(shells), execs, [a["message"] for a in t.events if "message" in a])
        self.assertTrue(all(a["process"]["vpid"] > 1 for a in shells))
        priv = [a for a in self.mine(t.events, "privileged_container_started")
                if a["container"]["name"] == self.names[-1]]
        self.assertEqual(len(priv), 1)
        self.assertTrue(priv[0]["container"]["privileged"])
        self.assertEqual(priv[0]["process"]["vpid"], 1)  # the entrypoint
        # The unprivileged container's entrypoint is neither.
        self.assertFalse([a for a in self.mine(t.events, "privileged_container_started")
                          if a["container"]["name"] == c.name])


class CgroupPathTest(ContainerCase):
    """A cgroup v2 directory named as podman names one: what the kernel reports
    for a process in it is read as a container, without any runtime."""

    def test_runtime_shaped_cgroup(self):
        mount = cgroup2_mount()
        if not mount:
            self.skipTest("no cgroup2 mount")
        cid = ("%016x" % os.getpid()) * 4
        parent = os.path.join(mount, "vigil-test-%d" % os.getpid())
        cg = os.path.join(parent, "libpod-%s.scope" % cid)
        os.makedirs(cg)
        self.addCleanup(os.rmdir, parent)
        self.addCleanup(os.rmdir, cg)
        procs = os.path.join(cg, "cgroup.procs")
        with Tracer("run", "--policy", self.policy) as t:
            # The marker only in the command that runs inside the cgroup.
            script = "echo $$ > %s && exec sh -c \"true $M\"" % procs
            subprocess.run(["sh", "-c", script], timeout=10, check=True,
                           env=dict(os.environ, M=self.marker))
            time.sleep(0.2)
        self.assertEqual(t.returncode, 0, t.stderr)
        inside = self.mine(t.events, "in_container")
        self.assertEqual(len(inside), 1, t.stderr)
        self.assertEqual(inside[0]["container"]["id"], cid)
        self.assertEqual(inside[0]["container"]["runtime"], "podman")
        self.assertNotIn("name", inside[0]["container"])  # no state files
        self.assertEqual(len(self.mine(t.events, "on_host")), 0)


def cgroup1_mount(controller):
    """Where the cgroup v1 hierarchy of @controller is mounted, or None."""
    with open("/proc/self/mountinfo") as f:
        for line in f:
            pre, _, post = line.partition(" - ")
            fields = post.split()
            if fields[0] == "cgroup" and controller in fields[2].split(","):
                return pre.split()[4]
    return None


class CgroupV1MoveTest(ContainerCase):
    """On a host with cgroup v1 hierarchies the agent remembers what
    /proc/PID/cgroup said for a record's cgroups (v2 id and cgroup_set). A
    process moved into a container's v1 cgroup after its exec must not teach
    it that the host's cgroups are that container's."""

    POLICY = """
rules:
  - name: in_container
    event: exec
    condition: container.id != "" and process.command_line contains {marker}
    output: "{{container.id}} {{process.command_line}}"
  - name: on_host
    event: exec
    condition: container.id = "" and process.command_line contains {marker}
    output: "{{process.command_line}}"
"""

    def lines(self, events, rule, tag):
        """The alerts of @rule for the exec of `sh -c ': TAG...'` (not the shell that ran it)."""
        return [a for a in alerts(events, rule) if a["process"]["args"][-1].startswith(": " + tag)]

    def test_moved_after_exec(self):
        mount = cgroup1_mount("pids")
        if not mount:
            self.skipTest("no cgroup v1 pids hierarchy on this host")
        with open(self.policy, "w") as f:
            f.write(self.POLICY.format(marker=self.marker))
        cid = ("%016x" % (os.getpid() + 7)) * 4
        parent = os.path.join(mount, "vigil-test-%d" % os.getpid())
        # A plain cgroup of its own: no other process's exec teaches the agent about it first.
        plain = os.path.join(parent, "plain")
        cg = os.path.join(parent, "docker-%s.scope" % cid)
        for d in (plain, cg):
            os.makedirs(d)
        self.addCleanup(os.rmdir, parent)
        self.addCleanup(os.rmdir, cg)
        self.addCleanup(os.rmdir, plain)
        join = lambda d, cmd: "echo $$ > %s/cgroup.procs && exec %s" % (d, cmd)  # noqa: E731
        tag = lambda n: "%s-%s" % (self.marker, n)  # noqa: E731
        victim = None
        with Tracer("run", "--policy", self.policy) as t:
            try:
                # The agent reads /proc only after the move: stopped until then.
                os.kill(t.proc.pid, signal.SIGSTOP)
                try:
                    victim = subprocess.Popen(
                        ["sh", "-c", join(plain, "sh -c 'sleep 30; : %s'" % tag("moved"))],
                        start_new_session=True)
                    time.sleep(0.3)
                    with open(os.path.join(cg, "cgroup.procs"), "w") as f:
                        f.write(str(victim.pid))
                finally:
                    os.kill(t.proc.pid, signal.SIGCONT)
                time.sleep(0.5)
                # Execs in the cgroups the victim exec'd in: the host's.
                for i in range(3):
                    subprocess.run(["sh", "-c", join(plain, "sh -c ': %s; sleep 0.3'" %
                                                     tag("host%d" % i))], check=True, timeout=10)
                # Execs in the container's cgroup: the container's.
                subprocess.run(["sh", "-c", join(cg, "sh -c ': %s; sleep 0.3'" % tag("inside"))],
                               check=True, timeout=10)
                time.sleep(0.3)
            finally:
                if victim:
                    os.killpg(victim.pid, signal.SIGKILL)
                    victim.wait()
        self.assertEqual(t.returncode, 0, t.stderr)
        for i in range(3):
            self.assertEqual(len(self.lines(t.events, "on_host", tag("host%d" % i))), 1, t.stderr)
            self.assertEqual(self.lines(t.events, "in_container", tag("host%d" % i)), [])
        inside = self.lines(t.events, "in_container", tag("inside"))
        self.assertEqual(len(inside), 1, t.stderr)
        self.assertEqual(inside[0]["container"]["id"], cid)
