"""The monitors bench/overhead.py compares: how each starts, when it is
ready, how it stops, and how many of a workload's events it reported.

A monitor is a list of processes started together and stopped together
(SIGINT). Each process writes its report to a file of its own; after the
stop the harness counts, per workload, the lines about that workload's
events (they hold its marker: the file's path, the program's path, the
port), so every monitor is judged by what it actually wrote down.
"""
import os
import re
import shutil
import signal
import subprocess
import time

LOST_RE = re.compile(r"(?i)\blost[ :]+(\d+)\b")          # libbpf-tools, bpftrace
VIGIL_LOST_RE = re.compile(r"vigil: (\d+) events received, (\d+) lost")
CLK_TCK = os.sysconf("SC_CLK_TCK")
# libbpf-tools print their header once attached, but to a file stdio holds
# it back: line-buffered, the header tells they are ready (bpftrace, too,
# writes each line as it goes).
LINE_BUFFERED = ["stdbuf", "-oL"]

BPFTRACE_SCRIPT = r"""
BEGIN { printf("ready\n"); }
tracepoint:syscalls:sys_enter_openat { printf("open %s\n", str(args->filename)); }
tracepoint:syscalls:sys_enter_execve { printf("exec %s\n", str(args->filename)); }
tracepoint:syscalls:sys_enter_connect {
	$sa = (struct sockaddr_in *)args->uservaddr;
	$p = $sa->sin_port;
	printf("connect %d\n", (($p & 0xff) << 8) | ($p >> 8));
}
"""


# Counting: one function per output format, (kind, marker, line) -> bool.
def vigil_json(kind, marker, line):
    if kind == "open":
        return '"action":"open"' in line and ('"path":"%s"' % marker) in line
    if kind == "exec":
        return '"action":"exec"' in line and ('"executable":{"path":"%s"' % marker) in line
    if kind == "connect":
        return ('"action":"connect"' in line and
                re.search(r'"destination":\{[^}]*"port":%s[,}]' % marker, line) is not None)
    return False


def vigil_columns(kind, marker, line):
    return marker in line


def opensnoop(kind, marker, line):
    return kind == "open" and line.rstrip().endswith(" " + marker)


def execsnoop(kind, marker, line):
    f = line.split()	# PCOMM PID PPID RET ARGS: the program itself, not a loop naming it
    return kind == "exec" and len(f) > 4 and f[4] == marker


def tcplife(kind, marker, line):
    f = line.split()
    return kind == "connect" and len(f) > 5 and f[5] == marker  # RPORT: the client's side


def bpftrace(kind, marker, line):
    return line.rstrip("\n") == "%s %s" % (kind, marker)


class Proc:
    """One process of a monitor: argv, how it says it is ready, its report."""

    def __init__(self, argv, ready, counter, kinds=("open", "exec", "connect"), env=None):
        self.argv, self.ready, self.counter, self.kinds = argv, ready, counter, kinds
        self.env = env or {}
        self.popen = self.out = self.err = None

    def is_ready(self):
        path = self.err if self.ready == "vigil" else self.out
        with open(path, errors="replace") as f:
            text = f.read(65536)
        if self.ready == "vigil":
            return "vigil: ready" in text
        if self.ready == "line":
            return "\n" in text
        return self.ready in text


class Monitor:
    """floor: the monitor whose cost this one's goals are stated against (the
    empty programs on the same hooks), reported as "x the floor"."""

    def __init__(self, name, procs, needs=(), note="", floor=None):
        self.name, self.procs, self.needs, self.note = name, procs, needs, note
        self.floor = floor

    def missing(self):
        """What is not installed, or None."""
        for tool in self.needs:
            if not (shutil.which(tool) or os.access(tool, os.X_OK)):
                return tool
        return None


def trace_procs(v, paths):
    """Every event exported: one `vigil trace exec file net`, or, for a build
    without several sensors per trace, one agent per sensor."""
    help_text = subprocess.run([v, "trace", "exec", "file", "net", "--help"],
                               capture_output=True, text=True).stdout
    if "net options:" not in help_text:
        return [Proc([v, "trace", "exec", "--json"], "vigil", vigil_json, ("exec",)),
                Proc([v, "trace", "file", "--json"] + paths, "vigil", vigil_json, ("open",)),
                Proc([v, "trace", "net", "--json"], "vigil", vigil_json, ("connect",))]
    return [Proc([v, "trace", "exec", "file", "net", "--json"] + paths, "vigil", vigil_json)]


def monitors(vigil, scratch, hooks_run, hooks_3tp, file_dirs, base=None):
    """Every monitor by name, in the order they run."""
    sock = os.path.join(scratch, "vigil.sock")
    bt = os.path.join(scratch, "monitor.bt")
    with open(bt, "w") as f:
        f.write(BPFTRACE_SCRIPT)
    paths = [a for d in file_dirs for a in ("--path", d)]

    def vigil_set(v, prefix):
        return [
            Monitor(prefix + "floor-run", [Proc([v, "floor", "--hooks", hooks_run], "vigil",
                                               vigil_columns, ())],
                    note="empty programs on every hook vigil run attaches"),
            Monitor(prefix + "floor-3tp", [Proc([v, "floor", "--hooks", hooks_3tp], "vigil",
                                               vigil_columns, ())],
                    note="empty programs on sys_enter_openat, sys_enter_execve, sys_enter_connect"),
            Monitor(prefix + "run", [Proc([v, "run", "--socket", sock + prefix.strip(":")], "vigil",
                                          vigil_columns)],
                    note="vigil run, default policy, alerts as columns to a file",
                    floor=prefix + "floor-run"),
            Monitor(prefix + "run-alerts-only",
                    [Proc([v, "run", "--alerts-only", "--json", "--socket",
                           sock + prefix.strip(":") + "2"], "vigil", vigil_json)],
                    note="vigil run --alerts-only --json to a file", floor=prefix + "floor-run"),
            Monitor(prefix + "trace", trace_procs(v, paths),
                    note="vigil trace exec file net (file: the bench's directories), JSON to a file"),
        ]

    out = [Monitor("none", [])] + vigil_set(vigil, "")
    if base:
        out += vigil_set(base, "base:")
    out += [
        Monitor("libbpf-tools", [
            Proc(LINE_BUFFERED + ["/usr/sbin/opensnoop"], "line", opensnoop, ("open",)),
            Proc(LINE_BUFFERED + ["/usr/sbin/execsnoop"], "line", execsnoop, ("exec",)),
            Proc(LINE_BUFFERED + ["/usr/sbin/tcplife"], "line", tcplife, ("connect",))],
            needs=("stdbuf", "/usr/sbin/opensnoop", "/usr/sbin/execsnoop", "/usr/sbin/tcplife"),
            note="opensnoop + execsnoop + tcplife (Debian libbpf-tools), line-buffered to files"),
        # str() keeps 64 bytes by default: whole paths, like the other monitors.
        Monitor("bpftrace", [Proc(["bpftrace", bt], "ready", bpftrace,
                                  env={"BPFTRACE_STRLEN": "200"})], needs=("bpftrace",),
                note="one printf per event on sys_enter_openat/execve/connect (BPFTRACE_STRLEN=200)"),
    ]
    return out


def audit_monitors(scratch):
    """auditd (BENCH_AUDIT=1 only, run after every other monitor: audit leaves the
    kernel's syscalls slower until reboot), then no monitor again, to show that."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "auditd_monitor.sh")
    return [
        Monitor("auditd", [Proc(["sh", script, os.path.join(scratch, "audit")], "ready",
                                bpftrace)], needs=("auditd", "auditctl"),
                note="auditd with one rule (openat, execve, connect), its log decoded after "
                     "the stop (bench/auditd_events.py); run last, only with BENCH_AUDIT=1"),
        Monitor("none-after-audit", [],
                note="no monitor, after auditd ran: the slower syscall path audit leaves"),
    ]


def proc_cpu(pid):
    """User + system CPU seconds of a live process (all its threads)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return 0.0


def proc_hwm(pid):
    """Peak resident set (VmHWM) of a live process, in bytes."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


class Session:
    """One monitor, started once, under which a round's workloads run."""

    def __init__(self, monitor, directory):
        self.m, self.dir = monitor, directory
        self.start_s = self.stop_s = 0.0
        self.rss = self.lost = self.received = 0
        self.cpu_total = 0.0

    def start(self, env, timeout=60):
        t0 = time.monotonic()
        for i, p in enumerate(self.m.procs):
            p.out = os.path.join(self.dir, "%s.%d.out" % (self.m.name.replace(":", "_"), i))
            p.err = p.out[:-4] + ".err"
            with open(p.out, "w") as o, open(p.err, "w") as e:
                p.popen = subprocess.Popen(p.argv, stdout=o, stderr=e, stdin=subprocess.DEVNULL,
                                           env=dict(env, **p.env), start_new_session=True)
        while not all(p.is_ready() for p in self.m.procs):
            dead = [p for p in self.m.procs if p.popen.poll() is not None]
            if dead or time.monotonic() - t0 > timeout:
                self.kill()
                p = (dead or self.m.procs)[0]
                with open(p.err, errors="replace") as f:
                    why = f.read()[-2000:]
                raise RuntimeError("%s: '%s' did not start: %s" % (self.m.name, " ".join(p.argv),
                                                                     why.strip()))
            time.sleep(0.05)
        self.start_s = time.monotonic() - t0

    def cpu(self):
        return sum(proc_cpu(p.popen.pid) for p in self.m.procs)

    def settle(self, limit=3.0):
        """Waits until the monitor stops using CPU (backlog drained), at most limit s."""
        t0, last = time.monotonic(), self.cpu()
        while time.monotonic() - t0 < limit:
            time.sleep(0.2)
            now = self.cpu()
            if now == last:
                return
            last = now

    def stop(self):
        self.rss = sum(proc_hwm(p.popen.pid) for p in self.m.procs)
        t0 = time.monotonic()
        for p in self.m.procs:
            p.popen.send_signal(signal.SIGINT)
        for p in self.m.procs:
            _, status, ru = os.wait4(p.popen.pid, 0)
            p.popen.returncode = os.waitstatus_to_exitcode(status)
            self.cpu_total += ru.ru_utime + ru.ru_stime
        self.stop_s = time.monotonic() - t0
        for p in self.m.procs:
            with open(p.err, errors="replace") as f:
                err = f.read()
            m = VIGIL_LOST_RE.search(err)
            if m:
                self.received += int(m.group(1))
                self.lost += int(m.group(2))
            else:
                self.lost += sum(int(n) for n in LOST_RE.findall(err))
                if p.counter is bpftrace:
                    with open(p.out, errors="replace") as f:
                        self.lost += sum(int(n) for n in LOST_RE.findall(f.read()[-4096:]))

    def kill(self):
        for p in self.m.procs:
            if p.popen and p.popen.poll() is None:
                p.popen.kill()
                p.popen.wait()

    def count(self, kind, marker):
        """Lines this monitor wrote about the events with this marker, or None."""
        procs = [p for p in self.m.procs if kind in p.kinds]
        if not procs:
            return None
        n = 0
        for p in procs:
            with open(p.out, errors="replace") as f:
                for line in f:
                    if marker in line and p.counter(kind, marker, line):
                        n += 1
        return n

    def cleanup(self):
        for p in self.m.procs:
            for path in (p.out, p.err):
                if path and os.path.exists(path):
                    os.unlink(path)
