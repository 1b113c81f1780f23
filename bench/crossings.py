#!/usr/bin/env python3
"""Which opens and connects leave the kernel: records the file sensor sends
to user space per 1000 opens of one file under /var/tmp (read, then write),
and records the net sensor sends per 1000 loopback TCP connects (by this
script: not a shell, one port), with the 9-rule default
(bench/default_before_issue12.yaml) and the built-in default.
A count, not a time: it does not move with the load of a shared machine,
and each record that crosses costs the agent one decode and evaluation
(several µs). The rest of the host's file records, counted over as long
again right after, are taken off.
Usage: python3 bench/crossings.py [ROUNDS]   (root; build/vigil)"""
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VIGIL = os.environ.get("VIGIL", os.path.join(ROOT, "build", "vigil"))
OLD = os.path.join(ROOT, "bench", "default_before_issue12.yaml")
N = 20000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sensor_records(port, sensor):
    text = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5).read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("vigil_sensor_events_total")
               and 'sensor="%s"' % sensor in line)


def file_records(port):
    return sensor_records(port, "file")


def connects(n):
    with socket.socket() as lst:
        lst.bind(("127.0.0.1", 0))
        lst.listen(128)
        for _ in range(n):
            c = socket.create_connection(lst.getsockname())
            a, _ = lst.accept()
            a.close()
            c.close()


def net_crossings(port):
    """Net records per 1000 connects, less the host's own over as long again."""
    n = N // 4
    time.sleep(1)
    before, t0 = sensor_records(port, "net"), time.monotonic()
    connects(n)
    took = time.monotonic() - t0
    time.sleep(1)
    during = sensor_records(port, "net") - before
    before = sensor_records(port, "net")
    time.sleep(took + 1)
    idle = sensor_records(port, "net") - before
    return "connect %6.1f" % (1000 * max(during - idle, 0) / n)


def measure(label, extra):
    port, state = free_port(), tempfile.mkdtemp(prefix="vg-cross-")
    err = tempfile.NamedTemporaryFile(delete=False)
    agent = subprocess.Popen([VIGIL, "run", "--alerts-only", "--metrics", str(port),
                              "--canary-window", "0", "--state-dir", state] + extra,
                             stdout=subprocess.DEVNULL, stderr=err,
                             env=dict(os.environ, VIGIL_SOCKET=os.path.join(state, "sock")))
    d = tempfile.mkdtemp(prefix="vg-cross-", dir="/var/tmp")
    path = os.path.join(d, "file.txt")
    out = []
    try:
        for _ in range(600):
            if "vigil: ready" in open(err.name).read():
                break
            if agent.poll() is not None:
                sys.exit("crossings: %s did not start: %s" % (label, open(err.name).read().strip()))
            time.sleep(0.05)
        open(path, "w").close()
        for what, flags in (("read", os.O_RDONLY), ("write", os.O_WRONLY)):
            time.sleep(1)
            before, t0 = file_records(port), time.monotonic()
            for _ in range(N):
                os.close(os.open(path, flags))
            took = time.monotonic() - t0
            time.sleep(1)
            during = file_records(port) - before
            # The rest of the host, over as long again with no loop.
            before = file_records(port)
            time.sleep(took + 1)
            idle = file_records(port) - before
            out.append("%s %6.1f" % (what, 1000 * max(during - idle, 0) / N))
        out.append(net_crossings(port))
    finally:
        agent.send_signal(2)
        agent.wait(timeout=30)
        os.unlink(err.name)
        for f in (path,):
            if os.path.exists(f):
                os.unlink(f)
        os.rmdir(d)
        subprocess.run(["rm", "-rf", state])
    print("%-16s records per 1000 opens in /var/tmp / loopback connects: %s"
          % (label, ", ".join(out)))


def main():
    for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 else 2):
        measure("9-rule default", ["--no-default-policy", "--policy", OLD])
        measure("new default", [])


if __name__ == "__main__":
    main()
