"""Storms of network records beyond connects (docs/policy.md, "Storms").

Accepts and closes of one server, listens on one port, DNS questions and
connects a deny rule refuses are stormed while a distinct event of the
same kind happens: the
distinct alert must arrive, and records sent + events held in the kernel =
events generated (exactly, when nothing was lost). The key clears what
differs between two like records (the peer's ephemeral port, durations,
byte counts, a DNS message's id and local port), so a storm folds although
no two of its records are byte for byte alike.
"""
import os
import random
import socket
import struct
import subprocess
import sys
import tempfile
import shutil
import time

from vigil_test import Tracer, VigilTestCase, alerts, free_port, get
from net_workload import dns_name
from test_storm_records import (CONNECT_LOOP, LOOPS, assert_storm_counted, finish, go,
                                listener, split, start_loops)

CALLS = 3000
SERVER_NAME = "vgstormsrv"

# Accepts and closes @n connections, named SERVER_NAME; prints its port, then @n when done.
SERVER = r"""
import socket, sys
with open("/proc/self/comm", "w") as f:
    f.write(sys.argv[2])
n = int(sys.argv[1])
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(4096)
print(srv.getsockname()[1], flush=True)
for _ in range(n):
    c, _ = srv.accept()
    c.close()
print(n, flush=True)
"""

# Each loop: @n DNS questions for one name, each with a new id from a new socket. Prints @n.
QUESTIONS = r"""
import os, random, socket, struct, sys
server, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0" + struct.pack("!HH", 1, 1)
sys.stdin.readline()
for _ in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(struct.pack("!HHHHHH", random.getrandbits(16), 0x0100, 1, 0, 0, 0) + q, (server, 53))
    s.close()
print(n, flush=True)
"""

# Each loop, named SERVER_NAME: @n listens on one port of its own (bind, listen, close,
# again: no connection, so nothing lingers). Prints @n and the port.
LISTENS = r"""
import socket, sys
with open("/proc/self/comm", "w") as f:
    f.write(sys.argv[2])
n, port = int(sys.argv[1]), 0
sys.stdin.readline()
for _ in range(n):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(8)
    port = s.getsockname()[1]
    s.close()
print(n, port, flush=True)
"""

# Nothing listens there: the questions go nowhere, the sensor sees them leave.
DNS_SERVER = "127.83.%d.%d" % (random.randint(1, 254), random.randint(1, 254))


def question(name):
    return struct.pack("!HHHHHH", 4321, 0x0100, 1, 0, 0, 0) + dns_name(name) + struct.pack("!HH", 1, 1)


class StormNetTest(VigilTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="vg-storm-net-", dir="/tmp")
        self.policy = os.path.join(self.dir, "policy.yaml")
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def write_policy(self, text):
        with open(self.policy, "w") as f:
            f.write(text)

    def assert_counted(self, t, records, calls):
        assert_storm_counted(self, t, *split(records), calls)

    def test_accept_and_close_storm_keeps_distinct_alerts(self):
        other_srv, other_port = listener()
        try:
            server = subprocess.Popen([sys.executable, "-c", SERVER, str(LOOPS * CALLS),
                                       SERVER_NAME], stdout=subprocess.PIPE, text=True)
            self.procs.append(server)
            port = int(server.stdout.readline())
            self.write_policy("""
rules:
  - name: storm_accept
    event: accept
    condition: source.port = {port}
    severity: low
  - name: storm_close
    event: close
    condition: process.name = {name}
    severity: low
  - name: other_accept
    event: accept
    condition: source.port = {other}
    severity: high
""".format(port=port, other=other_port, name=SERVER_NAME))
            with Tracer("run", "--policy", self.policy, "--alerts-only",
                        "--storm-burst", "4") as t:
                procs = start_loops(CONNECT_LOOP, port, CALLS)
                self.procs += procs
                go(procs)
                running = sum(p.poll() is None for p in procs)
                # The distinct event: an accept on another port, by this process.
                with socket.create_connection(("127.0.0.1", other_port), timeout=5):
                    pass
                outs = finish(procs)
                self.assertEqual(server.stdout.readline().strip(), str(LOOPS * CALLS))
                server.wait(timeout=30)
                time.sleep(1.5)
                t.stop()
        finally:
            other_srv.close()
        self.assertEqual(t.returncode, 0, t.stderr)
        self.assertEqual(sum(int(o[0]) for o in outs), LOOPS * CALLS)
        other = [a for a in alerts(t.events, "other_accept")
                 if get(a, "process.pid") == os.getpid()]
        self.assertEqual(len(other), 1, "the distinct event's alert must arrive "
                         "(storm running when it ran: %d loops)" % running)
        self.assertEqual(other[0]["rule"]["severity"], "high")
        accepts = [a for a in alerts(t.events, "storm_accept")
                   if get(a, "process.pid") == server.pid]
        for a in accepts:
            self.assertEqual(get(a, "source.port"), port)
        self.assert_counted(t, accepts, LOOPS * CALLS)
        closes = [a for a in alerts(t.events, "storm_close") if get(a, "process.pid") == server.pid]
        self.assert_counted(t, closes, LOOPS * CALLS)

    def test_listen_storm_keeps_distinct_alerts(self):
        other = free_port()
        self.write_policy("""
rules:
  - name: storm_listen
    event: listen
    condition: process.name = {name}
    severity: low
  - name: other_listen
    event: listen
    condition: source.port = {other}
    severity: high
""".format(name=SERVER_NAME, other=other))
        with Tracer("run", "--policy", self.policy, "--alerts-only", "--storm-burst", "4") as t:
            procs = start_loops(LISTENS, CALLS, SERVER_NAME)
            self.procs += procs
            pids = {p.pid for p in procs}
            go(procs)
            running = sum(p.poll() is None for p in procs)
            # The distinct event: this process listens on another port.
            with socket.socket() as s:
                s.bind(("127.0.0.1", other))
                s.listen(1)
            outs = finish(procs)
            time.sleep(1.5)
            t.stop()
        self.assertEqual(t.returncode, 0, t.stderr)
        self.assertEqual([int(o[0]) for o in outs], [CALLS] * LOOPS)
        second = [a for a in alerts(t.events, "other_listen") if get(a, "process.pid") == os.getpid()]
        self.assertEqual(len(second), 1, "the distinct listen's alert must arrive "
                         "(storm running when it ran: %d loops)" % running)
        mine = [a for a in alerts(t.events, "storm_listen") if get(a, "process.pid") in pids]
        ports = {p.pid: int(o[1]) for p, o in zip(procs, outs)}
        for a in mine:
            self.assertEqual(get(a, "source.port"), ports[get(a, "process.pid")])
        plain, aggregate = split(mine)
        self.assertEqual({get(a, "process.pid") for a in plain}, pids)
        self.assertEqual({get(a, "process.pid") for a in aggregate}, pids)
        self.assert_counted(t, mine, LOOPS * CALLS)

    def test_dns_storm_keeps_distinct_alerts(self):
        self.write_policy("""
rules:
  - name: storm_question
    event: dns
    condition: dns.question.name = storm.vigil.test
    severity: low
  - name: evil_question
    event: dns
    condition: dns.question.name = evil.vigil.test
    severity: high
""")
        with Tracer("run", "--policy", self.policy, "--alerts-only", "--storm-burst", "4") as t:
            procs = start_loops(QUESTIONS, DNS_SERVER, "storm.vigil.test", CALLS)
            self.procs += procs
            pids = {p.pid for p in procs}
            go(procs)
            running = sum(p.poll() is None for p in procs)
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.sendto(question("evil.vigil.test"), (DNS_SERVER, 53))
            outs = finish(procs)
            time.sleep(1.5)
            t.stop()
        self.assertEqual(t.returncode, 0, t.stderr)
        self.assertEqual([int(o[0]) for o in outs], [CALLS] * LOOPS)
        evil = [a for a in alerts(t.events, "evil_question") if get(a, "process.pid") == os.getpid()]
        self.assertEqual(len(evil), 1, "the distinct question's alert must arrive "
                         "(storm running when it ran: %d loops)" % running)
        mine = [a for a in alerts(t.events, "storm_question") if get(a, "process.pid") in pids]
        plain, aggregate = split(mine)
        self.assertEqual({get(a, "process.pid") for a in aggregate}, pids)
        # Each question had its own id: the storm folded although no two records were alike.
        self.assertEqual(len({get(a, "dns.id") for a in plain}), len(plain))
        self.assert_counted(t, mine, LOOPS * CALLS)

    def test_denied_connect_storm_keeps_distinct_alerts(self):
        port, other = random.sample(range(20000, 60000), 2)
        self.write_policy("""
rules:
  - name: storm_denied
    event: connect
    condition: destination.port = {port} and destination.address cidr 127.0.0.0/8
    severity: medium
    action: deny
  - name: other_denied
    event: connect
    condition: destination.port = {other} and destination.address cidr 127.0.0.0/8
    severity: high
    action: deny
""".format(port=port, other=other))
        with Tracer("run", "--policy", self.policy, "--alerts-only", "--storm-burst", "4") as t:
            procs = start_loops(CONNECT_LOOP, port, CALLS)
            self.procs += procs
            pids = {p.pid for p in procs}
            go(procs)
            running = sum(p.poll() is None for p in procs)
            s = socket.socket()
            with self.assertRaises(PermissionError):
                s.connect(("127.0.0.1", other))
            s.close()
            outs = finish(procs)
            time.sleep(1.5)
            t.stop()
        self.assertEqual(t.returncode, 0, t.stderr)
        self.assertEqual([int(o[0]) for o in outs], [0] * LOOPS, "every connect is refused")
        second = [a for a in alerts(t.events, "other_denied")
                  if get(a, "process.pid") == os.getpid()]
        self.assertEqual(len(second), 1, "the distinct refusal's alert must arrive "
                         "(storm running when it ran: %d loops)" % running)
        mine = [a for a in alerts(t.events, "storm_denied") if get(a, "process.pid") in pids]
        plain, aggregate = split(mine)
        self.assertEqual({get(a, "process.pid") for a in plain}, pids)
        self.assertEqual({get(a, "process.pid") for a in aggregate}, pids)
        self.assert_counted(t, mine, LOOPS * CALLS)


if __name__ == "__main__":
    import unittest
    unittest.main()
