"""The default rule container_wrote_host_mount: a container process writing
through a bind mount (a volume, a host path). With real podman (image built
here from busybox-static, nothing pulled) and, always, a fallback without any
runtime: a private mount namespace with a bind mount, in a cgroup the test
names as podman would."""
import os
import shutil
import subprocess
import tempfile
import time

import test_containers as tc
from vigil_test import Tracer, alerts, cgroup2_mount, get

RULE = "container_wrote_host_mount"


def rule_alerts(events):
    """The rule's alerts; an alert is its event plus the rule (docs/events.md)."""
    return alerts(events, RULE)


class PodmanMountTest(tc.PodmanCase):
    def test_write_through_volume_alerts_and_nothing_else_does(self):
        host_dir = tempfile.mkdtemp(prefix="vg-vol-", dir="/tmp")
        self.addCleanup(shutil.rmtree, host_dir, True)
        name = "vg-test-%d-vol" % os.getpid()
        self.addCleanup(tc.podman, "rm", "-f", "-t", "0", name, check=False)
        script = "echo a > /data/x; echo b > /tmp/y; echo c >> /etc/hosts; echo d > /etc/z"
        with Tracer("run") as t:  # the built-in default policy
            cid = tc.podman("run", "-d", "--name", name, *tc.ULIMITS,
                            "-v", host_dir + ":/data", self.tag, "sh", "-c", script).stdout.strip()
            tc.podman("wait", name)
            with open(os.path.join(host_dir, "from-host"), "w") as f:  # a host process
                f.write("h")
        self.assertEqual(t.returncode, 0, t.stderr)
        with open(os.path.join(host_dir, "x")) as f:
            self.assertEqual(f.read(), "a\n")  # it did write
        mine = [a for a in rule_alerts(t.events) if a["container"]["id"] == cid]
        self.assertEqual([a["file"]["path"] for a in mine], ["/data/x"],
                         [a.get("message") for a in rule_alerts(t.events)])
        ev = mine[0]
        self.assertEqual(ev["file"]["mount"]["source"], host_dir)
        self.assertTrue(ev["file"]["mount"]["bind"])
        self.assertEqual(ev["container"]["name"], name)
        self.assertIn(name, mine[0]["message"])
        self.assertIn("/data/x", mine[0]["message"])
        self.assertIn(host_dir, mine[0]["message"])
        self.assertEqual(get(mine[0], "rule.severity"), "medium")
        # Nothing for the host's own write into the same directory.
        self.assertFalse([a for a in rule_alerts(t.events)
                          if "from-host" in a["file"]["path"]])


class NamespaceMountTest(tc.ContainerCase):
    """No runtime: unshare -m, a bind mount, a podman-shaped cgroup."""

    def setUp(self):
        super().setUp()
        mount = cgroup2_mount()
        if not mount or not shutil.which("unshare"):
            self.skipTest("no cgroup2 mount or no unshare")
        self.cid = ("%016x" % (os.getpid() + 1)) * 4
        parent = os.path.join(mount, "vigil-test-mnt-%d" % os.getpid())
        self.cg = os.path.join(parent, "libpod-%s.scope" % self.cid)
        os.makedirs(self.cg)
        self.addCleanup(os.rmdir, parent)
        self.addCleanup(os.rmdir, self.cg)
        for sub in ("host", "target", "plain"):
            os.mkdir(os.path.join(self.dir, sub))

    def in_namespace(self, script):
        """Runs @script in a new private mount namespace inside the test's cgroup."""
        procs = os.path.join(self.cg, "cgroup.procs")
        outer = "echo $$ > %s && exec unshare -m --propagation private sh -c \"$S\"" % procs
        subprocess.run(["sh", "-c", outer], timeout=20, check=True,
                       env=dict(os.environ, S=script), cwd=self.dir)

    def test_bind_write_in_namespace(self):
        d = self.dir
        with Tracer("run") as t:
            self.in_namespace("mount --bind %s/host %s/target && echo a > %s/target/x "
                              "&& echo b > %s/plain/y && echo c > %s/target/y2 < /dev/null"
                              % (d, d, d, d, d))
            # The host writes into the very directory the namespace bound: nothing.
            with open(os.path.join(d, "host", "from-host"), "w") as f:
                f.write("h")
            time.sleep(0.2)
        self.assertEqual(t.returncode, 0, t.stderr)
        got = rule_alerts(t.events)
        paths = sorted(a["file"]["path"] for a in got)
        self.assertEqual(paths, [d + "/target/x", d + "/target/y2"],
                         [a.get("message") for a in got])
        for a in got:
            self.assertEqual(a["container"]["id"], self.cid)
            self.assertEqual(a["file"]["mount"]["source"], d + "/host")
        self.assertTrue(os.path.exists(os.path.join(d, "host", "x")))

    def test_no_rule_no_bind_events(self):
        """A policy without a file.mount.bind rule: the kernel does not look (no event)."""
        d = self.dir
        policy = os.path.join(d, "p.yaml")
        with open(policy, "w") as f:
            f.write("rules:\n  - name: any_write_under_tmp_other\n    event: open\n"
                    "    condition: file.path startswith /nonexistent-vg/\n")
        with Tracer("run", "--policy", policy, "--events") as t:
            self.in_namespace("mount --bind %s/host %s/target && echo a > %s/target/x"
                              % (d, d, d))
            time.sleep(0.2)
        self.assertEqual(t.returncode, 0, t.stderr)
        binds = [e for e in t.events if get(e, "file.mount.bind")]
        self.assertEqual(binds, [])
        # The same write with the rule loaded is reported (the test can fail).
        with Tracer("run", "--events") as t:
            self.in_namespace("mount --bind %s/host %s/target && echo a > %s/target/x"
                              % (d, d, d))
            time.sleep(0.2)
        binds = [e for e in t.events if get(e, "file.mount.bind")]
        self.assertTrue(binds, t.stderr)
