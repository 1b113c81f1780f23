"""Network sensor: `vigil trace net` on loopback (real kernel, root).

Each workload runs in its own process (net_workload.py) so that events are
attributed and filtered by pid; every assertion is on exact values.
"""
import json
import os
import socket
import subprocess
import sys
import time
import unittest

from vigil_test import Tracer, VigilTestCase, get, kind

HERE = os.path.dirname(os.path.abspath(__file__))
WORKLOAD = os.path.join(HERE, "net_workload.py")
DENY_PROGS = ("deny_connect4", "deny_connect6", "deny_sendmsg4", "deny_sendmsg6")


def start(*args):
    """Starts a workload that listens; returns (process, port)."""
    p = subprocess.Popen([sys.executable, WORKLOAD, *map(str, args)], stdout=subprocess.PIPE,
                         text=True)
    line = p.stdout.readline().split()
    if not line or line[0] != "ready":
        p.kill()
        raise AssertionError("workload %s did not start" % (args,))
    return p, int(line[1])


def run(*args):
    """Runs a workload to completion; returns (pid, stdout)."""
    p = subprocess.Popen([sys.executable, WORKLOAD, *map(str, args)], stdout=subprocess.PIPE,
                         text=True)
    out, _ = p.communicate(timeout=30)
    if p.returncode != 0:
        raise AssertionError("workload %s failed (%d)" % (args, p.returncode))
    return p.pid, out.strip()


def cgroup2_root():
    with open("/proc/mounts") as f:
        for line in f:
            parts = line.split()
            if parts[2] == "cgroup2":
                return parts[1]
    raise AssertionError("no cgroup2 mount")


def deny_progs(owner=None):
    """(id, name) of vigil's deny programs attached at the cgroup2 root. Other
    agents on the host may have theirs there too, and may come and go while a
    test runs: with owner, only programs whose fd that process holds."""
    out = subprocess.run(["bpftool", "-j", "cgroup", "show", cgroup2_root()],
                         capture_output=True, text=True, check=True).stdout
    progs = {(p["id"], p["name"]) for p in json.loads(out.strip() or "[]") if p.get("name") in DENY_PROGS}
    if owner is None:
        return progs
    return {p for p in progs if p[0] in prog_ids_held_by(owner)}


def prog_ids_held_by(pid):
    """Ids of the BPF programs a process holds, through a program or a link
    fd: fdinfo names them (bpftool's pid column needs a feature Debian's lacks)."""
    ids = set()
    fddir = "/proc/%d/fdinfo" % pid
    for fd in os.listdir(fddir):
        try:
            with open(os.path.join(fddir, fd)) as f:
                for line in f:
                    if line.startswith("prog_id:"):
                        ids.add(int(line.split()[1]))
        except OSError:
            pass    # the fd closed while we looked
    return ids


def of_pid(events, pid, k=None):
    return [e for e in events if get(e, "process.pid") == pid and (k is None or kind(e) == k)]


class TcpTest(VigilTestCase):
    SENT, RECEIVED = 12345, 6789

    def transfer(self, host, net_type):
        with Tracer("trace", "net") as t:
            server, port = start("tcp-server", host, self.SENT, self.RECEIVED)
            client_pid, _ = run("tcp-client", host, port, self.SENT, self.RECEIVED)
            server.wait(timeout=30)
            t.stop(settle=0.5)
        self.assertEqual(t.returncode, 0, t.stderr)
        self.assertEqual(t.lost, 0)

        listens = of_pid(t.events, server.pid, "listen")
        self.assertEqual(len(listens), 1, listens)
        self.assertEqual(get(listens[0], "source.port"), port)
        self.assertEqual(get(listens[0], "source.address"), host)

        connects = of_pid(t.events, client_pid, "connect")
        self.assertEqual(len(connects), 1, connects)
        c = connects[0]
        self.assertEqual(get(c, "event.outcome"), "success")
        self.assertEqual(get(c, "network.transport"), "tcp")
        self.assertEqual(get(c, "network.type"), net_type)
        self.assertEqual(get(c, "destination.address"), host)
        self.assertEqual(get(c, "destination.port"), port)
        client_port = get(c, "source.port")
        self.assertGreater(client_port, 0)

        accepts = of_pid(t.events, server.pid, "accept")
        self.assertEqual(len(accepts), 1, accepts)
        self.assertEqual(get(accepts[0], "source.port"), port)
        self.assertEqual(get(accepts[0], "destination.port"), client_port)
        self.assertEqual(get(accepts[0], "network.direction"), "inbound")

        closes = of_pid(t.events, client_pid, "close")
        self.assertEqual(len(closes), 1, closes)
        c = closes[0]
        self.assertEqual(get(c, "network.bytes_sent"), self.SENT)
        self.assertEqual(get(c, "network.bytes_received"), self.RECEIVED)
        self.assertEqual(get(c, "network.type"), net_type)
        self.assertEqual(get(c, "source.address"), host)
        self.assertEqual(get(c, "source.port"), client_port)
        self.assertEqual(get(c, "destination.port"), port)
        self.assertEqual(get(c, "network.direction"), "outbound")
        self.assertGreater(get(c, "event.duration"), 0)
        self.assertEqual(get(c, "process.name"), "python3")

        closes = of_pid(t.events, server.pid, "close")
        self.assertEqual(len(closes), 1, closes)
        c = closes[0]
        self.assertEqual(get(c, "network.bytes_sent"), self.RECEIVED)
        self.assertEqual(get(c, "network.bytes_received"), self.SENT)
        self.assertEqual(get(c, "source.port"), port)
        self.assertEqual(get(c, "destination.port"), client_port)
        self.assertEqual(get(c, "network.direction"), "inbound")
        # Every event carries ancestry: the test runner is an ancestor.
        self.assertIn(os.getpid(), [a["pid"] for a in get(c, "process.ancestors")])

    def test_ipv4(self):
        self.transfer("127.0.0.1", "ipv4")

    def test_ipv6(self):
        self.transfer("::1", "ipv6")

    def test_refused_connect_reports_error(self):
        server, port = start("udp-server", "127.0.0.1", 0, 0)  # a free TCP port, most likely
        server.wait()
        with Tracer("trace", "net", "--port", str(port)) as t:
            pid, out = run("connect", "127.0.0.1", port)
            t.stop()
        self.assertEqual(out, "ECONNREFUSED")
        connects = of_pid(t.events, pid, "connect")
        self.assertEqual(len(connects), 1, connects)
        self.assertEqual(get(connects[0], "event.outcome"), "failure")
        self.assertEqual(get(connects[0], "error.code"), "ECONNREFUSED")
        self.assertEqual(get(connects[0], "destination.port"), port)
        self.assertGreater(get(connects[0], "source.port"), 0)

    def test_port_filter(self):
        s1, p1 = start("tcp-server", "127.0.0.1", 10, 20)
        s2, p2 = start("tcp-server", "127.0.0.1", 10, 20)
        with Tracer("trace", "net", "--port", str(p2)) as t:
            pid1, _ = run("tcp-client", "127.0.0.1", p1, 10, 20)
            pid2, _ = run("tcp-client", "127.0.0.1", p2, 10, 20)
            s1.wait(timeout=30)
            s2.wait(timeout=30)
            t.stop(settle=0.5)
        self.assertEqual(of_pid(t.events, pid1), [])
        self.assertEqual(len(of_pid(t.events, pid2, "connect")), 1)
        self.assertEqual(len(of_pid(t.events, pid2, "close")), 1)
        self.assertEqual(len(of_pid(t.events, s2.pid, "close")), 1)


class LateOwnerTest(VigilTestCase):
    def test_connection_older_than_the_agent_is_owned_from_its_first_send(self):
        # Established before the agent started: no connect or accept was
        # seen. Its first send and receive (read at their exits) give each
        # end its owner, so both closes are reported, marked late.
        lst = socket.socket()
        lst.bind(("127.0.0.1", 0))
        lst.listen(1)
        port = lst.getsockname()[1]
        cli = socket.create_connection(("127.0.0.1", port))
        srv, _ = lst.accept()
        try:
            with Tracer("trace", "net", "--port", str(port)) as t:
                cli.send(b"x" * 100)  # sendto(2)
                self.assertEqual(len(srv.recv(100)), 100)  # recvfrom(2)
                srv.send(b"y" * 10)
                cli.recv(10)
                cli.close()
                srv.close()
                t.stop(settle=0.5)
        finally:
            lst.close()
        closes = of_pid(t.events, os.getpid(), "close")
        self.assertEqual(len(closes), 2, closes)
        for c in closes:
            self.assertIs(get(c, "network.owner_late"), True, c)
        # One end's peer is the listening port, the other end is on it.
        ends = [(get(c, "source.port"), get(c, "destination.port")) for c in closes]
        self.assertEqual(sorted([sp == port, dp == port] for sp, dp in ends),
                         [[False, True], [True, False]], ends)


class UdpTest(VigilTestCase):
    def test_one_flow_per_process_and_peer(self):
        count, size, reply = 4, 100, 30
        with Tracer("trace", "net", "--flow-interval", "100") as t:
            server, port = start("udp-server", "127.0.0.1", count, reply)
            client_pid, _ = run("udp-client", "127.0.0.1", port, count, size)
            server.wait(timeout=30)
            time.sleep(0.6)  # at least one report interval after the last datagram
            t.stop()
        flows = of_pid(t.events, client_pid, "udp_flow")
        new = [f for f in flows if get(f, "network.flow_state") == "new"]
        self.assertEqual(len(new), 1, flows)
        self.assertEqual(get(new[0], "destination.port"), port)
        self.assertEqual(get(new[0], "destination.address"), "127.0.0.1")
        self.assertEqual(get(new[0], "network.transport"), "udp")
        self.assertEqual({get(f, "destination.port") for f in flows}, {port})
        last = flows[-1]
        self.assertEqual(get(last, "network.bytes_sent"), count * size)
        self.assertEqual(get(last, "network.bytes_received"), count * reply)
        self.assertEqual(get(last, "network.packets_sent"), count)
        client_port = get(last, "source.port")

        flows = of_pid(t.events, server.pid, "udp_flow")
        new = [f for f in flows if get(f, "network.flow_state") == "new"]
        self.assertEqual(len(new), 1, flows)
        self.assertEqual(get(new[0], "destination.port"), client_port)
        self.assertEqual(get(flows[-1], "network.bytes_sent"), count * reply)
        self.assertEqual(get(flows[-1], "network.bytes_received"), count * size)
        self.assertEqual(get(flows[-1], "source.port"), port)


    def test_final_counts_reported_at_exit(self):
        count, size, reply = 3, 50, 7
        with Tracer("trace", "net", "--flow-interval", "600000") as t:
            server, port = start("udp-server", "127.0.0.1", count, reply)
            client_pid, _ = run("udp-client", "127.0.0.1", port, count, size)
            server.wait(timeout=30)
            t.stop(settle=0)
        flows = of_pid(t.events, client_pid, "udp_flow")
        self.assertEqual([get(f, "network.flow_state") for f in flows], ["new", "update"])
        self.assertEqual(get(flows[0], "network.bytes_sent"), size)
        self.assertEqual(get(flows[0], "network.bytes_received"), 0)
        self.assertEqual(get(flows[1], "network.bytes_sent"), count * size)
        self.assertEqual(get(flows[1], "network.bytes_received"), count * reply)


class DnsTest(VigilTestCase):
    SERVER, NAME, ADDR = "127.0.0.153", "vigil-test.example", "127.0.0.77"

    def test_query_answer_and_domain_on_connect(self):
        listener, lport = start("tcp-server", self.ADDR, 0, 0)
        with Tracer("trace", "net") as t:
            server, _ = start("dns-server", self.SERVER, self.NAME, self.ADDR)
            pid, out = run("dns-query", self.SERVER, self.NAME, lport)
            server.wait(timeout=30)
            listener.wait(timeout=30)
            t.stop()
        self.assertEqual(out, self.ADDR)
        dns = of_pid(t.events, pid, "dns")
        answers = [e for e in dns if get(e, "dns.type") == "answer"]
        self.assertEqual(len(answers), 1, dns)
        a = answers[0]
        self.assertEqual(get(a, "dns.question.name"), self.NAME)
        self.assertEqual(get(a, "dns.question.type"), "A")
        self.assertEqual(get(a, "dns.answers"), [self.ADDR])
        self.assertEqual(get(a, "dns.id"), 0xbeef)
        self.assertEqual(get(a, "destination.address"), self.SERVER)
        self.assertEqual(get(a, "destination.port"), 53)
        queries = [e for e in dns if get(e, "dns.type") == "query"]
        self.assertEqual(len(queries), 1, dns)
        self.assertEqual(get(queries[0], "dns.question.name"), self.NAME)
        # The connect to the answer shows the name that was resolved for it.
        connects = of_pid(t.events, pid, "connect")
        self.assertEqual(len(connects), 1, connects)
        self.assertEqual(get(connects[0], "destination.address"), self.ADDR)
        self.assertEqual(get(connects[0], "destination.domain"), self.NAME)


    def test_query_over_tcp(self):
        with Tracer("trace", "net", "--port", "53") as t:
            server, _ = start("dns-tcp-server", self.SERVER, self.NAME, self.ADDR)
            pid, out = run("dns-tcp-query", self.SERVER, self.NAME)
            server.wait(timeout=30)
            t.stop()
        self.assertEqual(out, self.ADDR)
        answers = [e for e in of_pid(t.events, pid, "dns") if get(e, "dns.type") == "answer"]
        self.assertEqual(len(answers), 1, t.events)
        self.assertEqual(get(answers[0], "network.transport"), "tcp")
        self.assertEqual(get(answers[0], "dns.id"), 0xcafe)
        self.assertEqual(get(answers[0], "dns.question.name"), self.NAME)
        self.assertEqual(get(answers[0], "dns.answers"), [self.ADDR])
        # The server side (local port 53) is not reported as DNS.
        self.assertEqual(of_pid(t.events, server.pid, "dns"), [])


class FilterTest(VigilTestCase):
    def test_pid_and_comm(self):
        s1, p1 = start("tcp-server", "127.0.0.1", 1, 1)
        s2, p2 = start("tcp-server", "127.0.0.1", 1, 1)
        with Tracer("trace", "net", "--pid", str(s1.pid)) as t:
            c1, _ = run("tcp-client", "127.0.0.1", p1, 1, 1)
            s1.wait(timeout=30)
            t.stop()
        self.assertEqual([kind(e) for e in of_pid(t.events, s1.pid)], ["accept", "close"])
        self.assertEqual(of_pid(t.events, c1), [])
        self.assertEqual({get(e, "process.pid") for e in t.events}, {s1.pid})
        with Tracer("trace", "net", "--comm", "no-such-comm") as t:
            c2, _ = run("tcp-client", "127.0.0.1", p2, 1, 1)
            s2.wait(timeout=30)
            t.stop()
        self.assertEqual(t.events, [])


class DenyTest(VigilTestCase):
    def servers(self, *specs):
        """Starts workload servers that are stopped even if the test fails."""
        ports = []
        for spec in specs:
            proc, port = start(*spec)
            self.addCleanup(lambda p=proc: (p.kill(), p.wait()))
            ports.append(port)
        return ports

    def test_deny_connect_and_sendmsg_then_detach(self):
        p1, p2, up = self.servers(("tcp-server", "127.0.0.1", 0, 0),
                                  ("tcp-server", "127.0.0.1", 0, 0),
                                  ("udp-server", "127.0.0.1", 1, 0))
        with Tracer("trace", "net", "--deny", "127.0.0.1:%d" % p1,
                    "--deny", "udp:127.0.0.1:%d" % up) as t:
            ours = deny_progs(owner=t.proc.pid)
            self.assertEqual(sorted(name for _, name in ours), sorted(DENY_PROGS))
            denied_pid, denied = run("connect", "127.0.0.1", p1)
            ok_pid, ok = run("connect", "127.0.0.1", p2)
            udp_pid, udp = run("udp-send", "127.0.0.1", up)
            t.stop()
        self.assertEqual(denied, "EPERM")
        self.assertEqual(ok, "ok")
        self.assertEqual(udp, "EPERM")
        self.assertEqual(t.returncode, 0, t.stderr)
        self.assertEqual(deny_progs() & ours, set(), "deny programs left attached after exit")

        deny = of_pid(t.events, denied_pid, "deny")
        self.assertEqual(len(deny), 1, t.events)
        self.assertEqual(get(deny[0], "destination.address"), "127.0.0.1")
        self.assertEqual(get(deny[0], "destination.port"), p1)
        self.assertEqual(get(deny[0], "network.transport"), "tcp")
        self.assertEqual(get(deny[0], "network.deny_rule_id"), 1)
        self.assertEqual(get(deny[0], "event.outcome"), "failure")
        self.assertEqual(of_pid(t.events, denied_pid, "connect"), [])

        self.assertEqual(of_pid(t.events, ok_pid, "deny"), [])
        connects = of_pid(t.events, ok_pid, "connect")
        self.assertEqual(len(connects), 1)
        self.assertEqual(get(connects[0], "event.outcome"), "success")

        deny = of_pid(t.events, udp_pid, "deny")
        self.assertEqual(len(deny), 1, t.events)
        self.assertEqual(get(deny[0], "network.transport"), "udp")
        self.assertEqual(get(deny[0], "destination.port"), up)
        self.assertEqual(get(deny[0], "network.deny_rule_id"), 2)

    def test_deny_cidr_and_binary(self):
        (p,) = self.servers(("tcp-server", "127.0.0.1", 0, 0))
        # Only processes named "nobody-here" are denied: python3 is not.
        with Tracer("trace", "net", "--deny", "127.0.0.0/8:%d@nobody-here" % p,
                    "--deny", "127.0.0.2/32") as t:
            ours = deny_progs(owner=t.proc.pid)
            pid_ok, ok = run("connect", "127.0.0.1", p)
            pid_cidr, cidr = run("connect", "127.0.0.2", p)
            t.stop()
        self.assertEqual(ok, "ok")
        self.assertEqual(cidr, "EPERM")
        self.assertEqual(len(of_pid(t.events, pid_cidr, "deny")), 1)
        self.assertEqual(of_pid(t.events, pid_ok, "deny"), [])
        self.assertEqual(len(ours), len(DENY_PROGS))
        self.assertEqual(deny_progs() & ours, set())


class ShellOnSocketTest(VigilTestCase):
    def test_interactive_shell_on_tcp_socket(self):
        import socket
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        with Tracer("trace", "net", "--port", str(port)) as t:
            c = socket.create_connection(("127.0.0.1", port))
            a, _ = listener.accept()
            sh = subprocess.Popen(["sh", "-i"], stdin=c, stdout=c, stderr=c)
            c.close()
            a.sendall(b"echo vigil-$((6*7))\nexit\n")
            a.shutdown(socket.SHUT_WR)
            sh.wait(timeout=30)
            out = b""
            while True:
                d = a.recv(4096)
                if not d:
                    break
                out += d
            a.close()
            # Not flagged: a shell on pipes.
            plain = subprocess.Popen(["sh", "-c", "true"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE)
            plain.communicate()
            t.stop()
        listener.close()
        self.assertIn(b"vigil-42", out)
        shells = [e for e in of_pid(t.events, sh.pid, "shell_on_socket")
                  if get(e, "network.shell_trigger") == "exec"]
        self.assertEqual(len(shells), 1, t.events)
        e = shells[0]
        self.assertEqual(get(e, "process.name"), "sh")
        self.assertIs(get(e, "process.io_on_socket"), True)
        self.assertEqual(get(e, "process.io_on_socket_fds"), [0, 1, 2])
        self.assertEqual(get(e, "destination.port"), port)
        self.assertEqual(get(e, "destination.address"), "127.0.0.1")
        self.assertEqual(of_pid(t.events, plain.pid), [])


if __name__ == "__main__":
    unittest.main()
