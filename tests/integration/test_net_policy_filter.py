"""vigil run --alerts-only: the policy's ports and CIDRs become the net sensor's
kernel pre-filter, so connection records no rule could match never cross the
ring buffer; a reload changes the filter; printing every event turns it off.

The exit summary's "vigil: sensor net: N sent, M filtered in kernel" line gives
the net sensor's own counts. Connections made here to the unwanted port far outnumber
what the rest of the host could send in the same seconds (including the
moment between attach and the policy's first filter, when a loaded host's
records still pass), so "sent" staying well below them means they stayed in
the kernel.
"""
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time

from vigil_test import Tracer, VigilTestCase, get, is_alert

N_UNWANTED = 1000  # connections no rule wants
M_WANTED = 3      # connections the rule wants

PORT_POLICY = """
rules:
  - name: {name}
    event: connect
    condition: destination.port = {port}
    output: "connect to {{destination.address}}:{{destination.port}}"
"""

CIDR_POLICY = """
rules:
  - name: {name}
    event: connect
    condition: destination.address cidr {cidr}
    output: "connect to {{destination.address}}:{{destination.port}}"
"""

DNS_POLICY = """
rules:
  - name: to_p1
    event: connect
    condition: destination.port = {port}
  - name: asks_name
    event: dns
    condition: dns.question.name = {name}
"""

NAME_POLICY = """
rules:
  - name: {name}
    event: connect
    condition: process.executable.name glob "{glob}" and destination.port = {port}
    output: "{{process.executable.name}} connected to {{destination.port}}"
"""

NET_RE = re.compile(r"vigil: sensor net: (\d+) sent, (\d+) filtered in kernel")


class Listener:
    """A loopback listener that accepts and closes every connection."""

    def __init__(self, host="127.0.0.1"):
        self.sock = socket.socket()
        self.sock.bind((host, 0))
        self.sock.listen(512)
        self.host = host
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            c.close()

    def connect(self, n):
        for _ in range(n):
            c = socket.create_connection((self.host, self.port), timeout=5)
            # Reset, not FIN: no TIME_WAIT piles up on the ephemeral ports.
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            c.close()

    def close(self):
        self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self.thread.join(timeout=5)


def net_counts(stderr):
    m = NET_RE.search(stderr)
    if not m:
        raise AssertionError("no per-sensor summary in: " + stderr)
    return int(m.group(1)), int(m.group(2))


class NetPolicyFilterTest(VigilTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="vg-netpf-", dir="/tmp")
        self.policy = os.path.join(self.dir, "policy.yaml")
        self.listeners = []

    def tearDown(self):
        for lst in self.listeners:
            lst.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def listener(self, host="127.0.0.1"):
        lst = Listener(host)
        self.listeners.append(lst)
        return lst

    def write_policy(self, text):
        tmp = self.policy + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.rename(tmp, self.policy)

    def my_alerts(self, events, rule):
        return [e for e in events if is_alert(e) and get(e, "rule.name") == rule
                and get(e, "process.pid") == os.getpid()]

    def assert_kept_in_kernel(self, t, unwanted):
        sent, filtered = net_counts(t.stderr)
        # Without the filter every unwanted connect record is sent.
        self.assertLess(sent, unwanted // 2, "net records sent: " + t.stderr)
        self.assertGreaterEqual(filtered, unwanted, "net records filtered: " + t.stderr)

    def test_port_rule_keeps_other_ports_in_kernel(self):
        p1, p2 = self.listener(), self.listener()
        self.write_policy(PORT_POLICY.format(name="to_p1", port=p1.port))
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            p2.connect(N_UNWANTED)
            p1.connect(M_WANTED)
            t.stop(settle=0.5)
        a = self.my_alerts(t.events, "to_p1")
        self.assertEqual(len(a), M_WANTED)
        for x in a:
            self.assertEqual(get(x, "destination.port"), p1.port)
            self.assertEqual(get(x, "event.action"), "connect")
        self.assert_kept_in_kernel(t, N_UNWANTED)

    def test_cidr_rule_keeps_other_addresses_in_kernel(self):
        near, far = self.listener("127.0.0.1"), self.listener("127.0.0.2")
        self.write_policy(CIDR_POLICY.format(name="to_dot2", cidr="127.0.0.2/32"))
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            near.connect(N_UNWANTED)
            far.connect(M_WANTED)
            t.stop(settle=0.5)
        a = self.my_alerts(t.events, "to_dot2")
        self.assertEqual(len(a), M_WANTED)
        for x in a:
            self.assertEqual(get(x, "destination.address"), "127.0.0.2")
            self.assertEqual(get(x, "destination.port"), far.port)
        self.assert_kept_in_kernel(t, N_UNWANTED)

    def test_reload_moves_the_filter_to_the_new_port(self):
        p1, p2 = self.listener(), self.listener()
        self.write_policy(PORT_POLICY.format(name="watched", port=p1.port))
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            p2.connect(N_UNWANTED)
            p1.connect(M_WANTED)
            self.write_policy(PORT_POLICY.format(name="watched", port=p2.port))
            t.proc.send_signal(signal.SIGHUP)
            deadline = time.time() + 10
            while time.time() < deadline:
                with open(t._err.name, errors="replace") as f:
                    if "policy reloaded" in f.read():
                        break
                time.sleep(0.05)
            else:
                self.fail("the policy was not reloaded")
            p1.connect(N_UNWANTED)
            p2.connect(M_WANTED)
            t.stop(settle=0.5)
        a = self.my_alerts(t.events, "watched")
        ports = [get(x, "destination.port") for x in a]
        self.assertEqual(ports, [p1.port] * M_WANTED + [p2.port] * M_WANTED)
        self.assertEqual([x["alert"]["policy_generation"] for x in a], [1] * M_WANTED + [2] * M_WANTED)
        self.assert_kept_in_kernel(t, 2 * N_UNWANTED)

    def wait_reloaded(self, t, n=1):
        deadline = time.time() + 10
        while time.time() < deadline:
            with open(t._err.name, errors="replace") as f:
                if f.read().count("policy reloaded") >= n:
                    return
            time.sleep(0.05)
        self.fail("the policy was not reloaded")

    def test_name_verdict_is_judged_anew_after_exec(self):
        # The kernel keeps each process's executable-name verdict; a process
        # that execs into a watched name must not keep its old "unwanted".
        p1 = self.listener()
        self.write_policy(NAME_POLICY.format(name="bash_connects", glob="bash", port=p1.port))
        script = ("import socket, os\n"
                  "for _ in range(3): socket.create_connection(('127.0.0.1', %d)).close()\n"
                  "os.execv('/bin/bash', ['bash', '-c', "
                  "'exec 3<>/dev/tcp/127.0.0.1/%d; exec 3>&-'])\n") % (p1.port, p1.port)
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            child = subprocess.Popen(["python3", "-c", script])
            self.assertEqual(child.wait(timeout=20), 0)
            t.stop(settle=0.5)
        a = [e for e in t.events if is_alert(e) and get(e, "rule.name") == "bash_connects"]
        self.assertEqual([(get(x, "process.pid"), get(x, "message")) for x in a],
                         [(child.pid, "bash connected to %d" % p1.port)])

    def test_name_verdict_is_judged_anew_after_reload(self):
        # This (python) process connects while only bash is watched: its
        # verdict, "unwanted", is kept in the kernel. A reload that watches
        # python must reach the same process's next connects.
        p1 = self.listener()
        self.write_policy(NAME_POLICY.format(name="by_name", glob="bash", port=p1.port))
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            p1.connect(M_WANTED)
            self.write_policy(NAME_POLICY.format(name="by_name", glob="python3*", port=p1.port))
            t.proc.send_signal(signal.SIGHUP)
            self.wait_reloaded(t)
            p1.connect(M_WANTED)
            t.stop(settle=0.5)
        a = self.my_alerts(t.events, "by_name")
        self.assertEqual(len(a), M_WANTED, [get(x, "message") for x in a])
        self.assertEqual({x["alert"]["policy_generation"] for x in a}, {2})

    def test_printing_events_turns_the_filter_off(self):
        p1, p2 = self.listener(), self.listener()
        self.write_policy(PORT_POLICY.format(name="to_p1", port=p1.port))
        with Tracer("run", "--policy", self.policy, "--events") as t:
            p2.connect(5)
            p1.connect(M_WANTED)
            t.stop(settle=0.5)
        printed = [e for e in t.events if not is_alert(e)
                   and get(e, "event.action") == "connect"
                   and get(e, "process.pid") == os.getpid()
                   and get(e, "destination.port") == p2.port]
        self.assertEqual(len(printed), 5)
        self.assertEqual(len(self.my_alerts(t.events, "to_p1")), M_WANTED)

    def test_dns_records_pass_the_port_filter(self):
        # The connect rule makes destination.port a kernel filter (the dns rule
        # leaves it alone); a query to port 53 must still reach the dns rule.
        p1 = self.listener()
        name = "vg-pf-%d.example" % os.getpid()
        self.write_policy(DNS_POLICY.format(port=p1.port, name=name))
        q = b"\xbe\xef\x01\x00" + struct.pack(">HHHH", 1, 0, 0, 0)
        for label in name.split("."):
            q += bytes([len(label)]) + label.encode()
        q += b"\x00" + struct.pack(">HH", 1, 1)
        with Tracer("run", "--policy", self.policy, "--alerts-only") as t:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.sendto(q, ("127.0.0.77", 53))  # nobody answers: the query is enough
            p1.connect(M_WANTED)
            t.stop(settle=0.5)
        a = self.my_alerts(t.events, "asks_name")
        self.assertEqual(len(a), 1)
        self.assertEqual(get(a[0], "dns.question.name"), name)
        self.assertEqual(len(self.my_alerts(t.events, "to_p1")), M_WANTED)

    def test_default_policy_keeps_non_shell_connects_in_kernel(self):
        # The default's connect rules concern shells and interpreters by
        # executable name, and port scans (distinct ports per process): a
        # program that is neither, connecting to one port again and again,
        # sends at most its first connect per window. Before the name filter
        # and the distinct-port gate, every one of them crossed.
        p1 = self.listener()
        with Tracer("run", "--alerts-only") as t:
            p1.connect(N_UNWANTED)
            t.stop(settle=0.5)
        self.assert_kept_in_kernel(t, N_UNWANTED)
        self.assertEqual(self.my_alerts(t.events, "port_scan"), [])

    def test_default_policy_gate_still_sees_a_scan_among_repeats(self):
        # 20 distinct ports (the rule's count) in one process, each hit three
        # times and drowned in connects to one open port: the gate sends each
        # port's first connect, so the threshold still sees 20 ports.
        p1 = self.listener()
        closed = []
        for _ in range(20):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                closed.append(s.getsockname()[1])
        with Tracer("run", "--alerts-only") as t:
            for rnd in range(3):
                for port in closed:
                    p1.connect(20)
                    with socket.socket() as s:
                        s.settimeout(1)
                        try:
                            s.connect(("127.0.0.1", port))
                        except OSError:
                            pass
            t.stop(settle=0.5)
        a = self.my_alerts(t.events, "port_scan")
        self.assertGreaterEqual(len(a), 1, "no port_scan alert")
        self.assertIn(get(a[0], "destination.port"), closed + [p1.port])
        self.assert_kept_in_kernel(t, 3 * 20 * 20)
