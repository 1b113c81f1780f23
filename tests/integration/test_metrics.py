"""`vigil run --metrics`: the Prometheus endpoint shows the sensors' and the
pipeline's counters, alerts by rule and outcome, reloads, and the fanotify
guard (watchdog included); a real Prometheus from Debian scrapes it."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from vigil_test import VIGIL, DeniedFileCase, Tracer, VigilTestCase, free_port, scrape

SAMPLE = re.compile(r'^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$')


def samples(text):
    """{'name{labels}': value} of every sample line."""
    out = {}
    for line in text.splitlines():
        if line.startswith("#") or not line:
            continue
        m = SAMPLE.match(line)
        assert m, "not a sample line: %r" % line
        v = float(m.group(3))
        out[m.group(1) + (m.group(2) or "")] = int(v) if v.is_integer() else v
    return out


class MetricsTest(DeniedFileCase):
    def setUp(self):
        super().setUp()
        self.port = free_port()

    def wait_for(self, port, key, value, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            got = samples(scrape(port)[1]).get(key)
            if got == value or time.monotonic() > deadline:
                return got
            time.sleep(0.1)

    def test_counters_move_with_what_the_agent_does(self):
        with Tracer("run", "--policy", self.policy, "--alerts-only",
                    "--metrics", str(self.port)) as t:
            agent = t.proc.pid
            self.addCleanup(lambda: t.proc.poll() is None and os.kill(agent, signal.SIGCONT))
            ctype, text = scrape(self.port)
            self.assertTrue(ctype.startswith("text/plain; version=0.0.4"), ctype)
            before = samples(text)
            self.assertEqual(before['vigil_sensor_info{sensor="process",hook="tp_btf"}'], 1)
            self.assertEqual(before["vigil_fanotify_watchdog_allowed_total"], 0)
            self.assertEqual(before["vigil_policy_generation"], 1)
            self.assertEqual(before["vigil_policy_rules"], 1)

            self.assertNotEqual(self.cat()[0], 0)
            os.kill(agent, signal.SIGSTOP)
            try:
                self.assertEqual(self.cat()[0], 0)
            finally:
                os.kill(agent, signal.SIGCONT)
            t.proc.send_signal(signal.SIGHUP)
            self.assertEqual(self.wait_for(self.port, 'vigil_policy_reloads_total{result="ok"}', 1), 1)
            with open(self.policy, "w") as f:
                f.write("rules:\n  - name: broken\n    event: open\n    condition: nosuch.field = 1\n")
            t.proc.send_signal(signal.SIGHUP)
            self.assertGreaterEqual(
                self.wait_for(self.port, 'vigil_policy_reloads_total{result="failed"}', 1), 1)
            key = 'vigil_alerts_total{rule="no_secret",severity="high",outcome="%s"}'
            self.assertEqual(self.wait_for(self.port, key % "allowed by the watchdog (agent stalled)", 1), 1)
            after = samples(scrape(self.port)[1])
            t.stop()

        self.assertEqual(after[key % "denied"], 1)
        self.assertEqual(after["vigil_fanotify_denied_total"], 1)
        self.assertEqual(after["vigil_fanotify_watchdog_allowed_total"], 1)
        self.assertEqual(after["vigil_policy_generation"], 2, "the broken file did not replace it")
        self.assertGreater(after["vigil_events_received_total"], before["vigil_events_received_total"])
        self.assertGreater(after['vigil_sensor_events_total{sensor="file"}'], 0)
        # seeded from /proc at start: every process on the host
        self.assertGreater(after["vigil_process_cache_entries"], 10)
        self.assertEqual(after["vigil_process_cache_evicted_total"], 0)
        for reason in ("ringbuf_full", "queue_full", "scratch_busy"):
            self.assertEqual(after['vigil_events_lost_total{reason="%s"}' % reason], 0)
        # The same counts as the exit lines.
        self.assertIn("1 denied", t.stderr)
        self.assertIn("1 allowed by the watchdog", t.stderr)

    def test_format_passes_promtool(self):
        with Tracer("run", "--alerts-only", "--metrics", "127.0.0.1:%d" % self.port):
            _, text = scrape(self.port)
        r = subprocess.run(["promtool", "check", "metrics"], input=text.encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
        self.assertEqual(r.returncode, 0, r.stdout.decode())

    def test_other_paths_and_methods(self):
        with Tracer("run", "--alerts-only", "--metrics", str(self.port)):
            base = "http://127.0.0.1:%d" % self.port
            with self.assertRaises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(base + "/", timeout=10)
            self.assertEqual(e.exception.code, 404)
            with self.assertRaises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(urllib.request.Request(base + "/metrics", data=b"x"),
                                       timeout=10)
            self.assertEqual(e.exception.code, 405)

    def test_busy_port_fails_before_loading_anything(self):
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", self.port))
            s.listen()
            r = subprocess.run([VIGIL, "run", "--metrics", str(self.port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        err = r.stderr.decode()
        self.assertEqual(r.returncode, 1)
        self.assertEqual(err, "vigil: error: --metrics 127.0.0.1:%d: Address already in use\n"
                         % self.port)

    def test_bad_address_is_one_clear_line(self):
        r = subprocess.run([VIGIL, "run", "--metrics", "localhost:99"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--metrics: 'localhost:99' is not PORT, HOST:PORT or [V6]:PORT",
                      r.stderr.decode().splitlines()[0])


class PrometheusScrapeTest(VigilTestCase):
    """Debian's Prometheus, on loopback, scrapes the agent."""

    def setUp(self):
        super().setUp()
        if not shutil.which("prometheus"):
            self.fail("prometheus is not installed (scripts/deps.sh installs it)")
        self.dir = tempfile.mkdtemp(prefix="vg-prom-", dir="/tmp")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.vigil_port, self.prom_port = free_port(), free_port()
        with open(os.path.join(self.dir, "prometheus.yml"), "w") as f:
            f.write("global:\n  scrape_interval: 1s\n"
                    "scrape_configs:\n  - job_name: vigil\n"
                    "    static_configs:\n      - targets: ['127.0.0.1:%d']\n" % self.vigil_port)

    def start_prometheus(self):
        log = open(os.path.join(self.dir, "prometheus.log"), "wb")
        self.addCleanup(log.close)
        p = subprocess.Popen(["prometheus", "--config.file=" + os.path.join(self.dir, "prometheus.yml"),
                              "--storage.tsdb.path=" + os.path.join(self.dir, "data"),
                              "--web.listen-address=127.0.0.1:%d" % self.prom_port],
                             stdout=log, stderr=log)

        def stop():
            p.terminate()
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.addCleanup(stop)
        return p

    def query(self, expr):
        url = "http://127.0.0.1:%d/api/v1/query?query=%s" % (self.prom_port,
                                                             urllib.parse.quote(expr))
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return json.load(r)["data"]["result"]
        except (urllib.error.URLError, ConnectionError):
            return None

    def test_prometheus_scrapes_the_agent(self):
        with Tracer("run", "--alerts-only", "--metrics", str(self.vigil_port)):
            self.start_prometheus()
            deadline = time.monotonic() + 60
            up = hooks = None
            while time.monotonic() < deadline:
                up = self.query('up{job="vigil"}')
                hooks = self.query("vigil_sensor_info")
                if up and up[0]["value"][1] == "1" and hooks:
                    break
                time.sleep(0.5)
        with open(os.path.join(self.dir, "prometheus.log"), errors="replace") as f:
            log = f.read()[-2000:]
        self.assertTrue(up and up[0]["value"][1] == "1", "target not up: %r\n%s" % (up, log))
        self.assertEqual(sorted(h["metric"]["sensor"] for h in hooks),
                         ["file", "net", "priv", "process", "seccomp"])
