"""The workloads bench/overhead.py runs under each monitor. Each run returns
its figure (ops/s, or seconds for the build), its own CPU ("own_cpu": what
the work itself burnt, where the hooks it pays for run: a loop's user+system
ns per operation, redis-server's ns per request, the build's CPU seconds),
and for the loops the number of events it generated and the marker every
report of them holds."""
import os
import resource
import shutil
import socket
import subprocess
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BENCH = os.path.join(ROOT, "build", "bench")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def children_cpu():
    """User + system seconds of every child this process has waited for."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def task_cpu_ns(pid):
    """CPU nanoseconds of a live process, all its threads (schedstat: exact, not ticks)."""
    total = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass  # a thread that just ended
    return total


class Workload:
    unit, higher_is_better, kind, needs = "ops/s", True, None, ()
    # The workload's own CPU: its unit, and the goal stated for vigil run.
    cpu_unit, goal = "ns/op", "≤ 1.03× the floor"

    def __init__(self, scratch, secs):
        self.scratch, self.secs = scratch, secs

    def setup(self):
        pass

    def teardown(self):
        pass

    def missing(self):
        for tool in self.needs:
            if not shutil.which(tool):
                return tool
        return None


class Loop(Workload):
    """A bench/*_loop binary: prints ops/s, writes what it generated to a file."""
    args = ()

    def run(self):
        stats = os.path.join(self.scratch, "stats")
        env = dict(os.environ, VIGIL_BENCH_STATS=stats)
        cpu0 = children_cpu()
        out = subprocess.run([os.path.join(BENCH, self.binary), str(self.secs)] + list(self.args),
                             env=env, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                             text=True, timeout=self.secs * 20 + 60)
        if out.returncode:
            raise RuntimeError("%s failed (exit %d)" % (self.binary, out.returncode))
        cpu = children_cpu() - cpu0
        res = {"value": float(out.stdout.split()[0])}
        with open(stats) as f:
            for line in f:
                key, _, val = line.rstrip("\n").partition(" ")
                res[key] = val if key == "marker" else int(val)
        os.unlink(stats)
        # The loop's user+system time (a fork+exec loop's children included:
        # it waits for them) over its operations.
        res["own_cpu"] = cpu * 1e9 / res["ops"] if res.get("ops") else None
        return res


class OpenUnwatched(Loop):
    name, kind, binary = "open-unwatched", "open", "file_loop"
    title = "open+close, file not watched"

    def setup(self):
        # /var/cache: outside every prefix the default policy's file rules name.
        self.dir = os.path.join(self.scratch, "unwatched")
        os.makedirs(self.dir, exist_ok=True)
        self.args = (self.dir,)


class OpenWatched(Loop):
    name, kind, binary = "open-watched", "open", "file_loop"
    title = "open+close, watched file"

    def setup(self):
        # /var/tmp/ is a prefix of the default policy's file rules: the open
        # crosses to user space and is evaluated (no rule alerts on a read).
        self.dir = os.path.join("/var/tmp", os.path.basename(self.scratch))
        os.makedirs(self.dir, exist_ok=True)
        self.args = (self.dir,)

    def teardown(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class Exec(Loop):
    name, kind, binary = "exec", "exec", "exec_loop"
    title = "fork+exec"

    def setup(self):
        # A copy of true at a path of the bench's own: its marker.
        prog = os.path.join(self.scratch, "bin", "vigil-bench-true")
        os.makedirs(os.path.dirname(prog), exist_ok=True)
        shutil.copy2("/bin/true", prog)
        self.args = (prog,)


class Connect(Loop):
    name, kind, binary = "connect", "connect", "net_loop"
    title = "TCP connect on loopback"


class Redis(Workload):
    """redis-benchmark (SET and GET, 50 clients) against a redis-server of the
    bench's own on a random loopback port, no persistence."""
    name, title, needs = "redis", "redis-benchmark SET+GET", ("redis-server", "redis-benchmark")
    cpu_unit, goal = "ns/req", "≤ 3% loss: ≤ 1.03× none"

    def setup(self):
        self.port = free_port()
        self.server = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--dir", self.scratch,
             "--protected-mode", "yes"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True,
                              text=True).stdout.strip() == "PONG":
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("redis-server did not start on port %d" % self.port)
        # Requests per run: what this host does in secs, measured once.
        t0 = time.monotonic()
        self.bench(10000)
        rate = 20000 / (time.monotonic() - t0)
        self.n = max(1000, int(rate * self.secs / 2))

    def bench(self, n):
        out = subprocess.run(["redis-benchmark", "-h", "127.0.0.1", "-p", str(self.port), "-q",
                              "-t", "set,get", "-c", "50", "-n", str(n), "--csv"],
                             capture_output=True, text=True, timeout=600)
        if out.returncode or "GET" not in out.stdout:
            raise RuntimeError("redis-benchmark failed: %s" % (out.stderr or out.stdout)[-500:])

    def run(self):
        c0, t0 = task_cpu_ns(self.server.pid), time.monotonic()
        self.bench(self.n)
        wall = time.monotonic() - t0
        # redis-server's own CPU per request (SET + GET: 2n requests).
        return {"value": 2 * self.n / wall,
                "own_cpu": (task_cpu_ns(self.server.pid) - c0) / (2 * self.n)}

    def teardown(self):
        self.server.terminate()
        self.server.wait(timeout=30)


class Build(Workload):
    """make -j2 of vigil's own sources (gcc -O2) in a scratch build directory:
    the layers in $BUILD_LAYERS (default lib, event, policy, output: 62 files,
    14,000 lines; "all" for the whole library); the BPF skeletons are copied
    in, not rebuilt."""
    name, title, unit, higher_is_better = "build", "make -j2 of vigil's sources", "s", False
    cpu_unit, goal = "CPU s", "≤ +2% wall: ≤ 1.02× none"
    needs = ("make", "gcc")

    def setup(self):
        self.build = os.path.join(self.scratch, "build")
        layers = os.environ.get("BUILD_LAYERS", "lib,event,policy,output")
        if layers == "all":
            self.goals = [os.path.join(self.build, "libvigil.a")]
        else:
            bad = [la for la in layers.split(",") if not os.path.isdir(os.path.join(ROOT, "src", la))]
            if bad:
                raise RuntimeError("BUILD_LAYERS: no layer %s under src/" % ", ".join(bad))
            self.goals = [os.path.join(self.build, "obj", layer, name[:-2] + ".o")
                          for layer in layers.split(",")
                          for name in sorted(os.listdir(os.path.join(ROOT, "src", layer)))
                          if name.endswith(".c")]
        built = os.path.join(ROOT, "build")
        for part in ("vmlinux.h", "bpf", "skel"):
            if not os.path.exists(os.path.join(built, part)):
                raise RuntimeError("build/%s missing: run make first" % part)

    def run(self):
        shutil.rmtree(self.build, ignore_errors=True)
        os.makedirs(self.build)
        built = os.path.join(ROOT, "build")
        subprocess.run(["cp", "-a", os.path.join(built, "vmlinux.h"), os.path.join(built, "bpf"),
                        os.path.join(built, "skel"), self.build], check=True)
        # Not the jobserver or variables of a `make bench` around us: a build of its own.
        env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
        t0, cpu0 = time.monotonic(), children_cpu()
        out = subprocess.run(["make", "-s", "-j2", "-C", ROOT, "BUILD=" + self.build] +
                             self.goals, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall, cpu = time.monotonic() - t0, children_cpu() - cpu0
        if out.returncode:
            raise RuntimeError("build failed: %s" % out.stderr[-500:])
        # make and every compiler it waited for: the build's total CPU.
        return {"value": wall, "own_cpu": cpu}

    def teardown(self):
        shutil.rmtree(self.build, ignore_errors=True)


ALL = [OpenUnwatched, OpenWatched, Exec, Connect, Redis, Build]
