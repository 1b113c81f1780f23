"""The network sensor's two tp_btf variants report connects alike.

tp_btf_storage (chosen where the kernel allows socket- and task-local
storage) keeps a connect's owner on its socket and needs no sys_enter: a
connect that fails is judged at exit by the socket its thread last sent a
SYN from. tp_btf (forced here with VIGIL_REFUSE_VARIANTS) keeps owners in a
hash and saves each connect's entry. Each must report a transfer with its
closes, a refused connect once (after its SYN), a connect that fails before
any packet once (at exit: no route, in a network namespace the test makes
with unshare -n), and a blocking connect that times out once.
"""
import socket
import subprocess
import sys
import unittest

from vigil_test import Tracer, VigilTestCase, free_port, get
from test_net import WORKLOAD, of_pid, run, start



def unrouted_connect(port):
    """A connect in a fresh network namespace, its loopback down: no route,
    so it fails before any packet."""
    p = subprocess.Popen(["unshare", "-n", sys.executable, WORKLOAD, "connect", "127.0.0.1",
                          str(port)], stdout=subprocess.PIPE, text=True)
    out, _ = p.communicate(timeout=60)
    return p.pid, out.strip()


def silent_listener():
    """A listener whose accept queue is full: it drops every further SYN, so
    a blocking connect to it times out. Returns the sockets to close."""
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(0)
    held = [lst]
    for _ in range(2):
        c = socket.socket()
        c.setblocking(False)
        c.connect_ex(lst.getsockname())
        held.append(c)
    return held


class ConnectVariantsTest(VigilTestCase):
    def check(self, variant, env):
        port = free_port()
        held = silent_listener()
        qport = held[0].getsockname()[1]
        server, sport = start("tcp-server", "127.0.0.1", 100, 20)
        try:
            with Tracer("trace", "net", "--port", str(port), "--port", str(sport),
                        "--port", str(qport), extra_env=env) as t:
                client, _ = run("tcp-client", "127.0.0.1", sport, 100, 20)
                server.wait(timeout=30)
                refused, out_refused = run("connect", "127.0.0.1", port)
                unrouted, out_unrouted = unrouted_connect(port)
                # One SYN retry: it times out after ~3 s, blocked in connect.
                silent, out_silent = run("connect", "127.0.0.1", qport, 1)
                t.stop(settle=0.5)
        finally:
            for s in held:
                s.close()
        self.assertEqual(t.returncode, 0, t.stderr)
        self.assertRegex(t.stderr, r"(?m)sensor net: %s$" % variant)
        self.assertEqual(t.lost, 0)
        self.assertEqual((out_refused, out_unrouted, out_silent),
                         ("ECONNREFUSED", "ENETUNREACH", "ETIMEDOUT"))

        self.assertEqual(len(of_pid(t.events, client, "connect")), 1)
        closes = of_pid(t.events, client, "close")
        self.assertEqual(len(closes), 1, closes)
        self.assertEqual(get(closes[0], "network.bytes_sent"), 100)
        self.assertEqual(len(of_pid(t.events, server.pid, "accept")), 1)
        closes = of_pid(t.events, server.pid, "close")
        self.assertEqual(len(closes), 1, closes)
        self.assertEqual(get(closes[0], "network.bytes_received"), 100)

        for pid, code, dport in ((refused, "ECONNREFUSED", port),
                                 (unrouted, "ENETUNREACH", port),
                                 (silent, "ETIMEDOUT", qport)):
            connects = of_pid(t.events, pid, "connect")
            self.assertEqual(len(connects), 1, (code, connects))
            self.assertEqual(get(connects[0], "event.outcome"), "failure")
            self.assertEqual(get(connects[0], "error.code"), code)
            self.assertEqual(get(connects[0], "destination.address"), "127.0.0.1")
            self.assertEqual(get(connects[0], "destination.port"), dport)

    def test_storage_variant(self):
        self.check("tp_btf_storage", {})

    def test_fallback_without_local_storage(self):
        self.check("tp_btf", {"VIGIL_REFUSE_VARIANTS": "net:tp_btf_storage"})


if __name__ == "__main__":
    unittest.main()
