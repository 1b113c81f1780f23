#!/usr/bin/env python3
"""What a storm of file operations, privilege calls or network records costs the agent.

Runs `vigil run` (and VIGIL_BASE, another build, interleaved in the same
rounds) with a policy that alerts on chmod under a directory, on SIGTERM,
on connects to one local port, on one DNS question, on opens of a missing
file, and denies connects to another port, then storms it: LOOPS processes
chmod one file CALLS times each, send SIGTERM to a child CALLS times each,
open the missing file CALLS times each, or connect to the port, ask the
question (new id, new socket each time) or connect to the denied port
CALLS / 10 times each. STORMS picks some (default: all). Per storm and build: the agent's CPU
seconds (utime + stime over the storm and one flush second after it), the
records that crossed to user space (the exit summary's "events received"),
the events the kernel held in storms, the records lost, and the alerts.

    ROUNDS=3 LOOPS=3 CALLS=100000 VIGIL_BASE=/path/to/old/vigil bench/storm_records.py
    STORMS=dns,deny,failed_open bench/storm_records.py

(The connect storm under the base build measures only the cost without
aggregation when the base cannot hold connects.)
"""
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VIGIL = os.environ.get("VIGIL", os.path.join(ROOT, "build", "vigil"))
BASE = os.environ.get("VIGIL_BASE", "")
ROUNDS = int(os.environ.get("ROUNDS", "3"))
LOOPS = int(os.environ.get("LOOPS", "3"))
CALLS = int(os.environ.get("CALLS", "100000"))
STORMS = os.environ.get("STORMS", "chmod,kill,connect,failed_open,dns,deny").split(",")
SENSOR = {"chmod": "file", "kill": "priv", "connect": "net", "failed_open": "file", "dns": "net",
          "deny": "net"}
TICK = os.sysconf("SC_CLK_TCK")

POLICY = """
rules:
  - name: bench_chmod
    event: chmod
    condition: file.path startswith {dir}/
    severity: low
  - name: bench_term
    event: signal
    condition: signal.number = 15
    severity: low
  - name: bench_connect
    event: connect
    condition: destination.port = {port}
    severity: low
  - name: bench_missing
    event: open
    condition: file.path = {dir}/missing
    severity: low
  - name: bench_dns
    event: dns
    condition: dns.question.name = storm.vigil.bench
    severity: low
  - name: bench_deny
    event: connect
    condition: destination.port = {deny_port} and destination.address cidr 127.0.0.0/8
    action: deny
    severity: low
"""

CHMOD = "import os,sys\nfor _ in range(int(sys.argv[2])): os.chmod(sys.argv[1], 0o644)\n"
KILL = ("import os,signal,sys,time\npid=os.fork()\nif pid==0:\n"
        " signal.signal(signal.SIGTERM,signal.SIG_IGN); time.sleep(600); os._exit(0)\n"
        "time.sleep(0.2)\nfor _ in range(int(sys.argv[1])): os.kill(pid,signal.SIGTERM)\n"
        "os.kill(pid,signal.SIGKILL); os.waitpid(pid,0)\n")
CONNECT = ("import socket,sys\nfor _ in range(int(sys.argv[2])):\n s=socket.socket()\n"
           " try: s.connect(('127.0.0.1',int(sys.argv[1])))\n except OSError: pass\n s.close()\n")
MISSING = ("import os,sys\nfor _ in range(int(sys.argv[2])):\n try: os.open(sys.argv[1], os.O_RDONLY)\n"
           " except OSError: pass\n")
DNS = ("import random,socket,struct,sys\nq=b'\\x05storm\\x05vigil\\x05bench\\x00\\x00\\x01\\x00\\x01'\n"
       "for _ in range(int(sys.argv[2])):\n s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
       " s.sendto(struct.pack('!HHHHHH',random.getrandbits(16),256,1,0,0,0)+q,(sys.argv[1],53))\n"
       " s.close()\n")
# Nothing listens there: the questions go nowhere, the sensor sees them leave.
DNS_SERVER = "127.83.77.77"


def listener():
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(4096)

    def serve():
        while True:
            try:
                srv.accept()[0].close()
            except OSError:
                return
    threading.Thread(target=serve, daemon=True).start()
    return srv


def cpu_s(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def one(binary, workdir, storm, port, deny_port):
    policy = os.path.join(workdir, "policy.yaml")
    target = os.path.join(workdir, "f")
    err = tempfile.NamedTemporaryFile(delete=False)
    out = tempfile.TemporaryFile()
    sock = tempfile.mktemp(prefix="vg-bench-", suffix=".sock", dir="/tmp")
    state = tempfile.mkdtemp(prefix="vg-bench-state-")
    agent = subprocess.Popen([binary, "run", "--policy", policy, "--no-default-policy",
                              "--alerts-only", "--json", "--max-overhead", "0",
                              "--canary-window", "0", "--socket", sock, "--state-dir", state],
                             stdout=out, stderr=err)
    deadline = time.time() + 60
    while b"vigil: ready" not in open(err.name, "rb").read():
        if agent.poll() is not None or time.time() > deadline:
            raise SystemExit("vigil did not start: " + open(err.name).read())
        time.sleep(0.05)
    before = cpu_s(agent.pid)
    t0 = time.time()
    args = {"chmod": (CHMOD, target, CALLS), "connect": (CONNECT, port, CALLS // 10),
            "kill": (KILL, CALLS), "failed_open": (MISSING, os.path.join(workdir, "missing"), CALLS),
            "dns": (DNS, DNS_SERVER, CALLS // 10), "deny": (CONNECT, deny_port, CALLS // 10)}[storm]
    procs = [subprocess.Popen([sys.executable, "-c"] + [str(a) for a in args])
             for _ in range(LOOPS)]
    for p in procs:
        p.wait()
    wall = time.time() - t0
    time.sleep(1.5)	# one flush and the queue drained
    cpu = cpu_s(agent.pid) - before
    agent.send_signal(2)
    agent.wait(timeout=60)
    text = open(err.name).read()
    os.unlink(err.name)
    subprocess.run(["rm", "-rf", state])
    out.seek(0)
    alerts = sum(1 for line in out if b'"bench_' in line)
    m = re.search(r"(\d+) events received, (\d+) lost", text)
    h = re.search(r"sensor %s: .* (\d+) held in storms" % SENSOR[storm], text)
    return {"cpu": cpu, "received": int(m.group(1)) if m else -1,
            "lost": int(m.group(2)) if m else -1, "held": int(h.group(1)) if h else 0,
            "alerts": alerts, "wall": wall}


def main():
    builds = [("now", VIGIL)] + ([("base", BASE)] if BASE else [])
    workdir = tempfile.mkdtemp(prefix="vg-bench-storm-")
    srv = listener()
    port = srv.getsockname()[1]
    deny_port = port + 1 if port < 65535 else port - 1
    with open(os.path.join(workdir, "policy.yaml"), "w") as f:
        f.write(POLICY.format(dir=workdir, port=port, deny_port=deny_port))
    open(os.path.join(workdir, "f"), "w").close()
    res = {}
    try:
        for _ in range(ROUNDS):
            for storm in STORMS:
                for label, binary in builds:
                    res.setdefault((storm, label), []).append(
                        one(binary, workdir, storm, port, deny_port))
    finally:
        srv.close()
        subprocess.run(["rm", "-rf", workdir])
    print("== storm cost (%d interleaved rounds, %d loops x %d calls; median [min-max]); "
          "load %s" % (ROUNDS, LOOPS, CALLS, open("/proc/loadavg").read().split()[:3]))
    print("| storm | build | agent CPU s | records received | held in kernel | lost | alerts "
          "| storm wall s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for (storm, label), rs in res.items():
        def col(k, fmt="%d"):
            v = [r[k] for r in rs]
            return (fmt + " [" + fmt + "-" + fmt + "]") % (statistics.median(v), min(v), max(v))
        print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            storm, label, col("cpu", "%.2f"), col("received"), col("held"), col("lost"),
            col("alerts"), col("wall", "%.1f")))


if __name__ == "__main__":
    main()
