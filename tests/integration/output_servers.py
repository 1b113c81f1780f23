"""Receivers the output tests start on loopback: a webhook (Python), the
OTLP receiver (node, tests/otlp/receiver.js, decoding with the protobufjs
code generated from the official opentelemetry-proto files) and rsyslog
(Debian's, on its own config, ports and work directory; never the system's).
Every one is stopped by the test that started it."""
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from vigil_test import ROOT, free_port

OTLP_DIR = os.path.join(ROOT, "tests", "otlp")


class Webhook:
    """POSTs to http://127.0.0.1:PORT/hook: each body (a JSON array) is kept with its headers."""

    def __init__(self, delay=0.0, port=0):
        self.batches = []          # (time received, headers, parsed body)
        self.delay = delay
        self.lock = threading.Lock()
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                got = time.monotonic()
                if hook.delay:
                    time.sleep(hook.delay)
                with hook.lock:
                    hook.batches.append((got, dict(self.headers), json.loads(body)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = "http://127.0.0.1:%d/hook" % self.port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def records(self):
        with self.lock:
            return [r for _, _, body in self.batches for r in body]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class OtlpReceiver:
    """tests/otlp/receiver.js on PORT; decoded log records as JSON lines in OUT."""

    def __init__(self, out, port=None, retry_after_once=None):
        self.out = out
        self.port = port or free_port()
        args = ["node", os.path.join(OTLP_DIR, "receiver.js"), "--port", str(self.port),
                "--out", out]
        if retry_after_once:
            args += ["--retry-after-once", str(retry_after_once)]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.proc.stdout.readline().decode()
        if not line.startswith("listening"):
            self.proc.kill()
            raise AssertionError("OTLP receiver did not start: %s %s"
                                 % (line, self.proc.stderr.read().decode()))
        self.url = "http://127.0.0.1:%d/v1/logs" % self.port

    def lines(self):
        if not os.path.exists(self.out):
            return []
        with open(self.out) as f:
            return [json.loads(l) for l in f if l.strip()]

    def records(self):
        return [l for l in self.lines() if "attributes" in l]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def otlp_available():
    return shutil.which("node") and os.path.isdir(os.path.join(
        OTLP_DIR, "node_modules", "@opentelemetry", "otlp-grpc-exporter-base"))


RSYSLOG_CONF = """\
global(workDirectory="{work}")
module(load="imudp")
module(load="imtcp")
input(type="imudp" address="127.0.0.1" port="{udp}")
input(type="imtcp" address="127.0.0.1" port="{tcp}")
*.* action(type="omfile" file="{work}/messages" template="RSYSLOG_SyslogProtocol23Format")
"""


RSYSLOG_TLS_CONF = """\
global(workDirectory="{work}" DefaultNetstreamDriver="ossl"
       DefaultNetstreamDriverCAFile="{work}/ca.pem"
       DefaultNetstreamDriverCertFile="{work}/server.pem"
       DefaultNetstreamDriverKeyFile="{work}/server.key")
module(load="imtcp" StreamDriver.Name="ossl" StreamDriver.Mode="1" StreamDriver.AuthMode="anon")
input(type="imtcp" address="127.0.0.1" port="{tcp}")
*.* action(type="omfile" file="{work}/messages" template="RSYSLOG_SyslogProtocol23Format")
"""


def make_certs(work):
    """A CA (WORK/ca.pem) and a server certificate for 127.0.0.1 it signed (server.pem/.key)."""
    def ssl(*args):
        subprocess.run(["openssl", *args], cwd=work, check=True, capture_output=True)
    ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=vigil test CA",
        "-keyout", "ca.key", "-out", "ca.pem")
    ssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
        "-keyout", "server.key", "-out", "server.csr")
    with open(os.path.join(work, "san.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    ssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "server.pem")
    # a second CA that signed nothing: a client trusting only it must refuse the server
    ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=other CA",
        "-keyout", "other.key", "-out", "other.pem")


class Rsyslog:
    """rsyslogd -n on random loopback UDP and TCP ports (or one TLS port, tls=True),
    writing what it parsed to WORK/messages."""

    def __init__(self, work, tls=False):
        self.work = work
        self.udp, self.tcp = free_udp_port(), free_port()
        conf = os.path.join(work, "rsyslog.conf")
        if tls:
            make_certs(work)
        with open(conf, "w") as f:
            f.write((RSYSLOG_TLS_CONF if tls else RSYSLOG_CONF).format(
                work=work, udp=self.udp, tcp=self.tcp))
        self.proc = subprocess.Popen(["rsyslogd", "-n", "-f", conf,
                                      "-i", os.path.join(work, "rsyslogd.pid")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.tcp), timeout=0.5).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise AssertionError("rsyslogd exited: " + self.proc.stderr.read().decode())
                time.sleep(0.05)
        self.stop()
        raise AssertionError("rsyslogd did not listen")

    def messages(self):
        path = os.path.join(self.work, "messages")
        if not os.path.exists(path):
            return []
        with open(path, errors="replace") as f:
            return [l.rstrip("\n") for l in f if l.strip()]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
