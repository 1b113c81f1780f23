"""vigil run: alerts carry the ancestry the record had, though the agent now
walks it only when a rule or an alert line reads it, and though the parent
exited before the alert was written."""
import os
import shutil
import subprocess
import tempfile
import time

from vigil_test import Tracer, VigilTestCase, alerts, get

POLICY = """
rules:
  - name: read_under_mid
    event: open
    condition: file.path = {target} and process.ancestors.executable.path = {mid}
    output: "{{process.name}} under {{process.parent.executable.path}} read {{file.path}}"
  - name: read_plain
    event: open
    condition: file.path = {target}
    output: "{{process.name}} read {{file.path}}"
"""


class LazyAncestryTest(VigilTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="vg-anc-", dir="/tmp")
        self.mid = os.path.join(self.dir, "mid-sh")	# a shell of our own: its path marks it
        shutil.copy2(os.path.realpath("/bin/sh"), self.mid)
        self.target = os.path.join(self.dir, "watched")
        with open(self.target, "w") as f:
            f.write("x\n")
        self.policy = os.path.join(self.dir, "p.yaml")
        with open(self.policy, "w") as f:
            f.write(POLICY.format(target=self.target, mid=self.mid))

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_alert_names_the_parent_that_exited_before_it(self):
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            # mid-sh starts a reader and exits while the reader sleeps; the
            # reader opens the file later, an orphan. (It execs while its
            # parent lives: an exec after the parent's exit names init,
            # which the kernel made its parent.)
            reader = ("import sys, time; time.sleep(1.5); open(sys.argv[1]).read()")
            script = "python3 -c '%s' %s & sleep 0.5; exit 0" % (reader, self.target)
            mid = subprocess.Popen([self.mid, "-c", script])
            self.assertEqual(mid.wait(timeout=10), 0)
            mid_gone = time.monotonic()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not self.reader_done():
                time.sleep(0.1)
            self.assertGreater(time.monotonic() - mid_gone, 0.5, "the parent exited first")
            t.stop(settle=0.5)
        for rule in ("read_under_mid", "read_plain"):
            a = alerts(t.events, rule)
            self.assertEqual(len(a), 1, rule)
            anc = get(a[0], "process.ancestors")
            pids = [x["pid"] for x in anc]
            self.assertIn(mid.pid, pids, rule)
            i = pids.index(mid.pid)
            self.assertEqual(anc[i]["executable"]["path"], self.mid)
            self.assertEqual(anc[i]["args"], [self.mid, "-c", script])
            self.assertEqual(pids[i + 1], os.getpid(), "then the test itself")
            self.assertEqual(i, 0, "mid-sh is the reader's parent")
            self.assertEqual(get(a[0], "process.parent.pid"), mid.pid)
            self.assertEqual(get(a[0], "process.parent.executable.path"), self.mid)
            self.assertEqual(get(a[0], "process.name"), "python3")
        self.assertEqual(alerts(t.events, "read_under_mid")[0]["message"],
                         "python3 under %s read %s" % (self.mid, self.target))

    def reader_done(self):
        """Whether no process names our file any more (mid-sh, its subshell, cat)."""
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open("/proc/%s/cmdline" % pid, "rb") as f:
                    cmd = f.read()
            except OSError:
                continue
            if self.target.encode() in cmd:
                return False
        return True
