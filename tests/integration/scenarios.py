"""Scenario scripts (tests/attacks/*.sh, tests/benign/*.sh) run under one real
`vigil run --json --alerts-only` with the built-in default policy.

A scenario is a bash script that does one thing for real and undoes it (trap
on EXIT). Its header says what must follow:

    # rule: read_credentials        the alert that must be raised (attacks)
    # exe: /usr/bin/cat             executable the alert must name (glob)
    # file: /etc/shadow             file.path (or target_path, watched_path) it must name (glob)
    # peer: 127.0.0.1               destination.address it must name
    # evasion-of: 01_shadow_cat     the direct form this one sidesteps
    # known-miss: why               a gap vigil does not close yet (the test
                                    then fails if the alert DOES appear, so the
                                    note cannot go stale)

An alert belongs to a scenario when its process is the scenario's shell or
descends from it (pid or an ancestor's pid), so other work on the host never
counts. Each script gets VG_TMP (a private directory under /tmp), VG_TAG (a
unique lower-case marker for anything it creates in system places), VG_PORT
(a free loopback port), VG_HELPERS and VG_AGENT_PID.
"""
import fnmatch
import glob
import os
import pwd
import grp
import re
import shutil
import stat
import subprocess
import tempfile
import uuid

from vigil_test import HELPERS, Tracer, free_port, get, is_alert

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HEADER_RE = re.compile(r"^# ([a-z-]+): (.*)$")
# Where scenarios may create things; anything carrying a tag left here fails.
SWEEP_DIRS = ["/etc", "/etc/cron.d", "/etc/systemd/system", "/etc/init.d", "/etc/profile.d",
              "/etc/pam.d", "/etc/udev/rules.d", "/etc/update-motd.d", "/etc/sudoers.d",
              "/etc/modules-load.d", "/boot", "/srv", "/home", "/var/log", "/var/log/audit",
              "/usr/local/bin", "/tmp", "/dev/shm", "/var/spool/cron/crontabs"]


def load(kind):
    """[(name, path, headers)] of tests/KIND/*.sh in name order."""
    out = []
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", kind, "*.sh"))):
        heads = {}
        with open(path) as f:
            for line in f:
                m = HEADER_RE.match(line.rstrip("\n"))
                if m:
                    heads[m.group(1)] = m.group(2).strip()
        out.append((os.path.splitext(os.path.basename(path))[0], path, heads))
    return out


def leftovers(tag):
    """Files, users and groups carrying TAG that a scenario left behind."""
    found = []
    for d in SWEEP_DIRS:
        try:
            found += [os.path.join(d, n) for n in os.listdir(d) if tag in n]
        except OSError:
            pass
    found += ["user " + p.pw_name for p in pwd.getpwall() if tag in p.pw_name]
    found += ["group " + g.gr_name for g in grp.getgrall() if tag in g.gr_name]
    return found


def sweep(items):
    """Removes what leftovers() found (the test still fails on it)."""
    for it in items:
        if it.startswith("user "):
            subprocess.run(["userdel", "-r", it[5:]], stderr=subprocess.DEVNULL)
        elif it.startswith("group "):
            subprocess.run(["groupdel", it[6:]], stderr=subprocess.DEVNULL)
        elif os.path.isdir(it) and not os.path.islink(it):
            shutil.rmtree(it, True)
        else:
            try:
                os.unlink(it)
            except OSError:
                pass


class Run:
    """One scenario's run: its shell pid, exit status, output and leftovers."""

    def __init__(self, name, path, heads):
        self.name, self.path, self.heads = name, path, heads
        self.pid = None
        self.rc = None
        self.output = ""
        self.left = []
        self.devnull_ok = True


def devnull_ok():
    """Whether /dev/null is still the null device (another job may have replaced it)."""
    try:
        return stat.S_ISCHR(os.stat("/dev/null").st_mode)
    except OSError:
        return False


def failure(run):
    """The message for a scenario that exited non-zero."""
    why = "" if run.devnull_ok else " (/dev/null was not the null device: another job replaced it)"
    return "%s failed (%s)%s:\n%s" % (run.name, run.rc, why, run.output)


def run_all(kind, timeout=60):
    """Runs every scenario of tests/KIND under one agent; returns ({name: Run}, alerts)."""
    runs = {}
    with Tracer("run", "--alerts-only") as agent:
        for name, path, heads in load(kind):
            r = Run(name, path, heads)
            tag = "vgt" + uuid.uuid4().hex[:8]
            tmp = tempfile.mkdtemp(prefix="vg-%s-" % kind, dir="/tmp")
            env = dict(os.environ, VG_TMP=tmp, VG_TAG=tag, VG_PORT=str(free_port()),
                       VG_HELPERS=HELPERS, VG_AGENT_PID=str(agent.proc.pid), VG_ROOT=ROOT)
            try:
                p = subprocess.Popen(["bash", path], env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
                r.pid = p.pid
                try:
                    out, _ = p.communicate(timeout=timeout)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, 9)
                    out, _ = p.communicate()
                r.rc = p.returncode
                r.devnull_ok = devnull_ok()
                r.output = out.decode(errors="replace")
            finally:
                shutil.rmtree(tmp, True)
                r.left = leftovers(tag)
                sweep(r.left)
            runs[name] = r
    alerts = [e for e in agent.events if is_alert(e)]
    return runs, alerts


def belongs(alert, pid):
    """Whether ALERT was raised for pid PID or one of its descendants."""
    ev = alert
    if get(ev, "process.pid") == pid:
        return True
    return any(a.get("pid") == pid for a in get(ev, "process.ancestors", []) or [])


def of_run(alerts, run):
    return [a for a in alerts if belongs(a, run.pid)]


def attribution_ok(alert, heads):
    """Whether ALERT carries the pid, parent, executable and file/peer the header asks."""
    ev = alert
    if not get(ev, "process.pid") or get(ev, "process.parent.pid") is None:
        return False
    if "exe" in heads and not fnmatch.fnmatch(get(ev, "process.executable.path") or "",
                                              heads["exe"].replace("$VG_HELPERS", HELPERS)):
        return False
    if "file" in heads:
        names = [get(ev, "file.path") or "", get(ev, "file.target_path") or "",
                 get(ev, "file.watched_path") or ""]
        if not any(fnmatch.fnmatch(n, heads["file"]) for n in names):
            return False
    if "peer" in heads and get(ev, "destination.address") != heads["peer"]:
        return False
    return True


def rule_of(alert):
    return get(alert, "rule.name")


def severity_of(alert):
    return get(alert, "rule.severity")


def describe(alerts):
    return "\n".join("  %s %s: %s" % (rule_of(a), severity_of(a), a.get("message"))
                     for a in alerts) \
        or "  (none)"


def add_tests(cls, kind):
    """One test method per scenario of tests/KIND, each calling cls.check(name)."""
    def make(name):
        def test(self):
            self.check(name)
        test.__name__ = "test_" + name
        return test
    for name, _path, _heads in load(kind):
        setattr(cls, "test_" + name, make(name))
