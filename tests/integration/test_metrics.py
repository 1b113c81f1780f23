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

from vigil_test import VIGIL, DeniedFileCase, Tracer, VigilTestCase, alerts, free_port, scrape

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


THRESHOLD_POLICY = """
rules:
  - name: scan
    event: connect
    condition: destination.port = {port}
    threshold: {{count: 3, per: 60s, key: process.pid}}
"""


class ThresholdMetricsTest(VigilTestCase):
    def test_threshold_windows_are_counted(self):
        """A threshold rule's windows show in vigil_policy_threshold_bytes."""
        port, closed = free_port(), free_port()
        d = tempfile.mkdtemp(prefix="vg-thd-", dir="/tmp")
        self.addCleanup(shutil.rmtree, d, True)
        policy = os.path.join(d, "p.yaml")
        with open(policy, "w") as f:
            f.write(THRESHOLD_POLICY.format(port=closed))
        with Tracer("run", "--policy", policy, "--alerts-only", "--metrics", str(port)) as t:
            self.assertEqual(samples(scrape(port)[1])["vigil_policy_threshold_bytes"], 0)
            for _ in range(3):
                with socket.socket() as s:
                    s.connect_ex(("127.0.0.1", closed))
            deadline = time.monotonic() + 10
            while samples(scrape(port)[1])["vigil_policy_threshold_bytes"] == 0:
                self.assertLess(time.monotonic(), deadline, "no threshold window counted")
                time.sleep(0.1)
            t.stop()
        self.assertEqual(len(alerts(t.events, "scan")), 1)


SEQUENCE_POLICY = """
rules:
  - name: written_then_run
    sequence:
      within: 60s
      steps:
        - event: open
          condition: file.path startswith {d}/ and file.access contains (write, create)
          key: file.path
        - event: exec
          condition: process.executable.path startswith {d}/
          key: process.executable.path
  - name: copied_by_cp
    event: exec
    condition: >
      process.executable.path startswith {d}/ and process.origin.writer.executable = /usr/bin/cp
      and process.origin.had_network = 0
"""


class SequenceAndProvenanceTest(VigilTestCase):
    def test_sequence_and_provenance_live(self):
        """A file written then run alerts through a sequence rule and carries its writer
        (file provenance); both states show in the metrics and empty again."""
        port = free_port()
        d = tempfile.mkdtemp(prefix="vg-seq-", dir="/tmp")
        self.addCleanup(shutil.rmtree, d, True)
        policy = os.path.join(d, "p.yaml")
        with open(policy, "w") as f:
            f.write(SEQUENCE_POLICY.format(d=d))
        prog, other = os.path.join(d, "prog"), os.path.join(d, "other")
        with Tracer("run", "--policy", policy, "--alerts-only", "--metrics", str(port)) as t:
            m = samples(scrape(port)[1])
            self.assertEqual(m["vigil_policy_sequence_bytes"], 0)
            self.assertEqual(m["vigil_provenance_files"], 0)
            subprocess.run(["cp", "/usr/bin/true", prog], check=True)
            shutil.copy("/usr/bin/true", other)    # written by python: no alert when run
            deadline = time.monotonic() + 10
            while True:
                m = samples(scrape(port)[1])
                if m["vigil_policy_sequence_bytes"] > 0 and m["vigil_provenance_files"] >= 2:
                    break
                self.assertLess(time.monotonic(), deadline, "no partial sequence held: %s" % m)
                time.sleep(0.1)
            self.assertGreater(m["vigil_provenance_bytes"], 0)
            subprocess.run([other], check=True)     # its own chain: the other key
            subprocess.run([prog], check=True)
            subprocess.run([prog], check=True)      # completed: needs a new write
            time.sleep(1)
            t.stop()
        seq = alerts(t.events, "written_then_run")
        self.assertEqual(sorted(a["process"]["executable"]["path"] for a in seq), [other, prog])
        origin = alerts(t.events, "copied_by_cp")
        self.assertEqual(len(origin), 2, origin)
        self.assertEqual(origin[0]["process"]["origin"]["writer"]["executable"], "/usr/bin/cp")


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
