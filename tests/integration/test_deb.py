"""make deb: the package installs on this machine, its files are where they
belong (policy and config as conffiles), the installed binary probes and
raises an alert, the unit passes systemd-analyze verify, and purge leaves
nothing. Each step's time is printed for the closing note of issue 17."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from vigil_test import ROOT, VigilTestCase, new_socket_path

FILES = [
    "/usr/sbin/vigil",
    "/etc/vigil/policy.d/local.yaml",
    "/usr/share/doc/vigil/policy/default.yaml",
    "/etc/vigil/vigil.yaml",
    "/lib/systemd/system/vigil.service",
    "/usr/share/man/man8/vigil.8.gz",
    "/usr/share/man/man8/vigil-run.8.gz",
    "/usr/share/man/man8/vigil-status.8.gz",
    "/usr/share/man/man8/vigil-policy-show.8.gz",
    "/usr/share/bash-completion/completions/vigil",
]
CONFFILES = ["/etc/vigil/policy.d/local.yaml", "/etc/vigil/vigil.yaml"]


def installed():
    r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "vigil"], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, text=True)
    return "install ok installed" in r.stdout


def run(*cmd, **kw):
    kw.setdefault("timeout", 300)
    return subprocess.run(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          **kw)


class DebTest(VigilTestCase):
    def step(self, name, start):
        took = time.monotonic() - start
        self.times.append((name, took))
        print("    step: %-44s %6.2fs" % (name, took), file=sys.stderr, flush=True)

    def test_install_probe_alert_verify_purge(self):
        if not shutil.which("dpkg-deb"):
            self.skipTest("dpkg-deb is missing (make deps)")
        if installed():
            self.skipTest("a vigil package is already installed here: not touching it")
        self.times = []
        t0 = time.monotonic()
        r = run("make", "-C", ROOT, "--no-print-directory", "deb")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.step("make deb", t0)
        deb = [f for f in os.listdir(os.path.join(ROOT, "build")) if f.endswith(".deb")]
        self.assertEqual(len(deb), 1, deb)
        deb = os.path.join(ROOT, "build", deb[0])
        self.addCleanup(lambda: installed() and run("dpkg", "--purge", "vigil"))

        # An upgrade from a package that shipped the default policy as conffiles in
        # policy.d: they would define every built-in rule twice, so they go (an
        # edited one is kept as *.dpkg-bak, which the agent does not load).
        self.install_old_layout()
        t0 = time.monotonic()
        r = run("dpkg", "-i", deb)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.step("dpkg -i (upgrade)", t0)
        self.assertFalse(os.path.exists("/etc/vigil/policy.d/default.yaml"))
        self.assertFalse(os.path.exists("/etc/vigil/policy.d/containers.yaml"))
        self.assertTrue(os.path.exists("/etc/vigil/policy.d/default.yaml.dpkg-bak"))
        for f in FILES:
            self.assertTrue(os.path.isfile(f), f)
            st = os.stat(f)
            self.assertEqual((st.st_uid, st.st_gid), (0, 0), f)
            self.assertFalse(st.st_mode & 0o022, "%s is writable by others" % f)
        conf = run("dpkg-query", "-W", "-f=${Conffiles}", "vigil").stdout
        for f in CONFFILES:
            self.assertIn(" %s " % f, conf)

        t0 = time.monotonic()
        r = run("/usr/sbin/vigil", "probe")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("process", r.stdout)
        self.step("vigil probe", t0)
        self.assertEqual(run("/usr/sbin/vigil", "policy", "check", "/etc/vigil/policy.d")
                         .returncode, 0)

        self.alert_from_installed_agent()

        if shutil.which("systemd-analyze"):
            r = run("systemd-analyze", "verify", "/lib/systemd/system/vigil.service")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

        # An upgrade (here: the same package again) keeps a local policy edit.
        with open("/etc/vigil/policy.d/local.yaml", "a") as f:
            f.write("# local edit\n")
        r = run("dpkg", "-i", "--force-confold", deb)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open("/etc/vigil/policy.d/local.yaml") as f:
            self.assertTrue(f.read().endswith("# local edit\n"))

        t0 = time.monotonic()
        r = run("dpkg", "--purge", "vigil")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.step("dpkg --purge", t0)
        for f in FILES:
            self.assertFalse(os.path.exists(f), f)
        self.assertFalse(os.path.exists("/etc/vigil"))

    def install_old_layout(self):
        """Installs a stand-in for the older package (its conffiles only) and edits one."""
        root = tempfile.mkdtemp(prefix="vg-olddeb-", dir="/tmp")
        self.addCleanup(shutil.rmtree, root, True)
        os.chmod(root, 0o755)
        for name in ("default.yaml", "containers.yaml"):
            dst = os.path.join(root, "etc", "vigil", "policy.d", name)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy(os.path.join(ROOT, "policy", name), dst)
        os.makedirs(os.path.join(root, "DEBIAN"))
        arch = run("dpkg", "--print-architecture").stdout.strip()   # as make deb's
        with open(os.path.join(root, "DEBIAN", "control"), "w") as f:
            f.write("Package: vigil\nVersion: 0.0.1\nArchitecture: %s\n" % arch +
                    "Maintainer: vigil developers <vigil@localhost>\n"
                    "Description: the layout before the default policy was built in\n")
        with open(os.path.join(root, "DEBIAN", "conffiles"), "w") as f:
            f.write("/etc/vigil/policy.d/default.yaml\n/etc/vigil/policy.d/containers.yaml\n")
        old = os.path.join(root, "..", os.path.basename(root) + ".deb")
        self.addCleanup(lambda: os.path.exists(old) and os.unlink(old))
        r = run("dpkg-deb", "--root-owner-group", "--build", root, old)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run("dpkg", "-i", old)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open("/etc/vigil/policy.d/default.yaml", "a") as f:
            f.write("# local edit of the old default\n")

    def alert_from_installed_agent(self):
        """The installed agent as its unit starts it, with a notify socket like systemd's."""
        tmp = tempfile.mkdtemp(prefix="vg-deb-", dir="/tmp")
        self.addCleanup(shutil.rmtree, tmp, True)
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(os.path.join(tmp, "notify"))
        notify.settimeout(120)
        self.addCleanup(notify.close)
        sock = new_socket_path()
        env = dict(os.environ, NOTIFY_SOCKET=os.path.join(tmp, "notify"))
        out = open(os.path.join(tmp, "out"), "w+")
        t0 = time.monotonic()
        agent = subprocess.Popen(["/usr/sbin/vigil", "run", "--policy", "/etc/vigil/policy.d",
                                  "--json", "--socket", sock], stdout=out,
                                 stderr=subprocess.DEVNULL, env=env)
        self.addCleanup(lambda: agent.poll() is None and agent.kill())
        self.assertIn("READY=1", notify.recv(4096).decode())
        self.step("vigil run until READY=1", t0)
        # The default rule exec_from_writable_dir: a program run from /tmp.
        prog = os.path.join(tmp, "vg-deb-true")
        shutil.copy("/bin/true", prog)
        t0 = time.monotonic()
        subprocess.run([prog], timeout=10)
        deadline = time.time() + 20
        while time.time() < deadline:
            out.seek(0)
            if prog in out.read():
                break
            time.sleep(0.05)
        self.step("exec from /tmp until its alert is written", t0)
        status = run("/usr/sbin/vigil", "status", "--socket", sock)
        self.assertEqual(status.returncode, 0, status.stderr)
        self.assertIn("from built-in default, /etc/vigil/policy.d", status.stdout)
        agent.terminate()
        self.assertEqual(agent.wait(timeout=30), 0)
        out.seek(0)
        rules = [json.loads(l).get("rule", {}).get("name") for l in out.read().splitlines()
                 if l.strip()]
        self.assertIn("exec_from_writable_dir", rules)
        out.close()
