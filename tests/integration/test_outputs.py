"""Outputs against real receivers on loopback: a webhook gets exactly what the
JSON file output got; Falco's alert format; rsyslog (Debian) parses the
RFC 5424 structured data over UDP and TCP; an OTLP receiver decoding with an
independent implementation (protobufjs code generated from the official
opentelemetry-proto files, npm @opentelemetry/otlp-grpc-exporter-base) checks
attributes, Retry-After, and a 10 s outage where every alert either arrives
or is counted dropped, exactly; a full disk under the file output; a slow
webhook that does not slow the file output; rotation, SIGUSR1, vigil.yaml."""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from output_servers import OtlpReceiver, Rsyslog, Webhook, otlp_available
from vigil_test import VIGIL, Tracer, VigilTestCase, free_port, get, is_alert, scrape

POLICY = """\
rules:
  - name: marker_high
    event: exec
    condition: process.executable.path = {dir}/vgmark_high
    severity: high
    tags: [T1059.004, test]
    output: "high marker {{process.pid}}"
  - name: marker_low
    event: exec
    condition: process.executable.path = {dir}/vgmark_low
    severity: low
    tags: [test]
    output: "low marker {{process.pid}}"
"""

SAMPLE = re.compile(r'^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$')


def metrics(port):
    out = {}
    for line in scrape(port)[1].splitlines():
        m = SAMPLE.match(line)
        if m:
            out[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return out


def wait_until(fn, timeout=15, step=0.05):
    deadline = time.monotonic() + timeout
    while True:
        got = fn()
        if got or time.monotonic() > deadline:
            return got
        time.sleep(step)


class OutputCase(VigilTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="vg-out-", dir="/tmp")
        self.addCleanup(shutil.rmtree, self.dir, True)
        for name in ("vgmark_high", "vgmark_low"):
            shutil.copy("/bin/true", os.path.join(self.dir, name))
        self.policy = os.path.join(self.dir, "policy.yaml")
        with open(self.policy, "w") as f:
            f.write(POLICY.format(dir=self.dir))
        self.mport = free_port()

    def vigil(self, *outputs, extra=()):
        args = ["run", "--policy", self.policy, "--alerts-only", "--metrics", str(self.mport)]
        for o in outputs:
            args += ["--output", o]
        return Tracer(*args, *extra)

    def mark(self, which="high", n=1, gap=0.0):
        """Runs the marker N times; returns the pids (one alert each)."""
        pids = []
        for _ in range(n):
            p = subprocess.Popen([os.path.join(self.dir, "vgmark_" + which)])
            p.wait()
            pids.append(p.pid)
            if gap:
                time.sleep(gap)
        return pids

    def out_metric(self, name, output, reason=None):
        labels = 'output="%s"' % output + (',reason="%s"' % reason if reason else "")
        return metrics(self.mport).get("%s{%s}" % (name, labels), 0)

    def delivered(self, output, n):
        """All N alerts reached the output and each is delivered or counted dropped.
        (Exec records reach the agent within its 100 ms poll, not at once: a
        check that the first alert settled says nothing of the others.)"""
        m = metrics(self.mport)
        return m.get('vigil_output_queued_total{output="%s"}' % output, 0) == n and \
            self.settled(output)

    def settled(self, output):
        """Everything the output took is delivered or counted dropped."""
        m = metrics(self.mport)
        queued = m.get('vigil_output_queued_total{output="%s"}' % output, 0)
        sent = m.get('vigil_output_sent_total{output="%s"}' % output, 0)
        dropped = sum(v for k, v in m.items()
                      if k.startswith('vigil_output_dropped_total{output="%s",' % output))
        return queued > 0 and queued == sent + dropped


def read_lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


class FileWebhookTest(OutputCase):
    def test_webhook_gets_what_the_file_got_in_order(self):
        hook = Webhook()
        self.addCleanup(hook.stop)
        out = os.path.join(self.dir, "alerts.json")
        token = os.path.join(self.dir, "token")
        with open(os.open(token, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write("s3cret-token\n")
        with self.vigil("file:" + out, "webhook:%s,token-file=%s,batch=7,flush-ms=50"
                        % (hook.url, token)) as t:
            for line in open("/proc/%d/cmdline" % t.proc.pid, "rb").read().split(b"\0"):
                self.assertNotIn(b"s3cret", line)
            self.assertNotIn(b"s3cret", open("/proc/%d/environ" % t.proc.pid, "rb").read())
            pids = self.mark("high", 12) + self.mark("low", 8)
            self.assertTrue(wait_until(lambda: len(hook.records()) >= 20), hook.records())
        file_alerts = read_lines(out)
        self.assertEqual(len(file_alerts), 20)
        self.assertEqual(hook.records(), file_alerts)      # same content, same order
        self.assertEqual([a["process"]["pid"] for a in file_alerts], pids)
        self.assertEqual(file_alerts, [e for e in t.events if is_alert(e)])
        for _, headers, _ in hook.batches:
            self.assertEqual(headers["Authorization"], "Bearer s3cret-token")
            self.assertEqual(headers["Content-Type"], "application/json")
        a = file_alerts[0]
        self.assertEqual(get(a, "event.kind"), "alert")
        self.assertEqual(get(a, "rule.name"), "marker_high")
        self.assertEqual(get(a, "threat.technique.id"), ["T1059.004"])

    def test_falco_format_has_falcos_fields(self):
        hook = Webhook()
        self.addCleanup(hook.stop)
        with self.vigil("webhook:%s,format=falco,flush-ms=10" % hook.url):
            pid = self.mark("high")[0]
            self.mark("low")
            self.assertTrue(wait_until(lambda: len(hook.records()) >= 2))
        high, low = hook.records()
        # Falco's documented alert fields, no more, no less
        self.assertEqual(set(high), {"rule", "priority", "output", "output_fields", "time",
                                     "hostname", "tags", "source"})
        self.assertEqual(high["rule"], "marker_high")
        self.assertEqual(high["priority"], "Error")
        self.assertEqual(low["priority"], "Notice")
        self.assertEqual(high["source"], "syscall")
        self.assertEqual(high["tags"], ["T1059.004", "test"])
        self.assertEqual(high["hostname"], os.uname().nodename)
        self.assertRegex(high["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$")
        self.assertTrue(high["output"].endswith("Error high marker %d" % pid), high["output"])
        f = high["output_fields"]
        self.assertEqual(f["evt.type"], "exec")
        self.assertEqual(f["proc.pid"], pid)
        self.assertEqual(f["proc.exepath"], os.path.join(self.dir, "vgmark_high"))
        self.assertEqual(f["proc.name"], "vgmark_high")
        self.assertEqual(f["user.uid"], 0)

    def test_min_severity_filter(self):
        hook = Webhook()
        self.addCleanup(hook.stop)
        out = os.path.join(self.dir, "alerts.json")
        with self.vigil("file:" + out, "webhook:%s,min-severity=high,flush-ms=10" % hook.url,
                        "webhook:%s,rules=marker_low,name=lows,flush-ms=10" % hook.url):
            self.mark("high", 2)
            self.mark("low", 3)
            self.assertTrue(wait_until(lambda: len(hook.records()) >= 5))
            time.sleep(0.3)
            self.assertEqual(self.out_metric("vigil_output_sent_total", "lows"), 3)
            self.assertEqual(self.out_metric("vigil_output_sent_total", "webhook"), 2)
        self.assertEqual(sorted(get(r, "rule.name") for r in hook.records()),
                         ["marker_high"] * 2 + ["marker_low"] * 3)
        self.assertEqual(len(read_lines(out)), 5)


class MetricsWithOutputsTest(OutputCase):
    def test_promtool_dashboard_bpf_stats_and_healthz(self):
        hook = Webhook()
        self.addCleanup(hook.stop)
        out = os.path.join(self.dir, "alerts.json")
        with open("/proc/sys/kernel/bpf_stats_enabled") as f:
            before = f.read()
        with self.vigil("file:" + out, "webhook:%s,flush-ms=10" % hook.url,
                        extra=("--bpf-stats",)):
            self.mark("high", 3)
            self.assertTrue(wait_until(lambda: self.delivered("webhook", 3) and
                                       self.delivered("file", 3)))
            text = scrape(self.mport)[1]
            r = urllib.request.urlopen("http://127.0.0.1:%d/healthz" % self.mport, timeout=5)
            health = json.loads(r.read())
        self.assertEqual(r.status, 200)
        self.assertEqual(health["status"], "ok")
        self.assertEqual(health["outputs"], {"file": "delivering", "webhook": "delivering"})
        with open("/proc/sys/kernel/bpf_stats_enabled") as f:
            self.assertEqual(f.read(), before, "restored on exit")
        p = subprocess.run(["promtool", "check", "metrics"], input=text.encode(),
                           capture_output=True)
        self.assertEqual(p.returncode, 0, p.stdout.decode() + p.stderr.decode())
        m = {}
        for line in text.splitlines():
            match = SAMPLE.match(line)
            if match:
                m[match.group(1) + (match.group(2) or "")] = float(match.group(3))
        self.assertEqual(m['vigil_output_sent_total{output="webhook"}'], 3)
        self.assertEqual(m['vigil_alerts_total{rule="marker_high",severity="high",'
                           'outcome="alerted"}'], 3)
        self.assertTrue(any(k.startswith("vigil_build_info{version=") for k in m))
        # BPF_ENABLE_STATS: the kernel counts while vigil holds the fd (the
        # sysctl shows only its own setting, and is left as it was)
        self.assertEqual(m["vigil_bpf_stats_enabled"], 1)
        self.assertGreater(sum(v for k, v in m.items()
                               if k.startswith("vigil_bpf_program_runs_total{")), 0)
        self.assertGreater(sum(v for k, v in m.items()
                               if k.startswith("vigil_bpf_program_run_seconds_total{")), 0)
        self.assertGreater(m["vigil_agent_resident_memory_bytes"], 1 << 20)
        self.assertGreater(m["vigil_rule_eval_seconds_count"], 0)
        families = set(re.findall(r"^# TYPE (\S+) (\S+)", text, re.M))
        names = {n for n, _ in families}
        names |= {n + s for n, t in families if t == "histogram"
                  for s in ("_bucket", "_sum", "_count")}
        with open(os.path.join(os.path.dirname(VIGIL), "..", "deploy", "grafana",
                               "vigil.json")) as f:
            used = set(re.findall(r"\bvigil_[a-z_]+\b", f.read()))
        self.assertEqual(sorted(used - names), [], "the dashboard names what vigil exports")


class EventsOutputTest(OutputCase):
    def test_events_true_sends_every_event(self):
        out = os.path.join(self.dir, "events.json")
        with Tracer("run", "--policy", self.policy, "--metrics", str(self.mport), "--output",
                    "file:%s,events=true,min-severity=critical" % out):
            pid = self.mark("high")[0]
            self.assertTrue(wait_until(lambda: any(
                get(e, "process.pid") == pid and get(e, "event.action") == "exit"
                for e in read_lines(out))))
        mine = [e for e in read_lines(out) if get(e, "process.pid") == pid]
        self.assertEqual([get(e, "event.action") for e in mine], ["fork", "exec", "exit"])
        self.assertEqual({get(e, "event.kind") for e in mine}, {"event"})  # the high alert: filtered
        self.assertTrue(all(get(e, "host.name") == os.uname().nodename for e in mine))


class SlowWebhookTest(OutputCase):
    def test_slow_webhook_does_not_slow_the_file(self):
        hook = Webhook(delay=5.0)
        self.addCleanup(hook.stop)
        out = os.path.join(self.dir, "alerts.json")
        worst = 0.0
        with self.vigil("file:" + out, "webhook:%s,batch=1,flush-ms=0" % hook.url):
            for i in range(10):
                start = time.monotonic()
                self.mark("high")
                self.assertTrue(wait_until(lambda: len(read_lines(out)) == i + 1, 5, 0.002))
                worst = max(worst, time.monotonic() - start)
                time.sleep(0.05)
            # the webhook is meanwhile stuck on its first request
            self.assertLessEqual(len(hook.batches), 2)
        self.assertLess(worst, 0.1, "file output latency while the webhook is slow")


class SyslogTest(OutputCase):
    def test_rsyslog_parses_structured_data_over_udp_and_tcp(self):
        work = os.path.join(self.dir, "rsyslog")
        os.mkdir(work)
        rs = Rsyslog(work)
        self.addCleanup(rs.stop)
        with self.vigil("syslog:udp://127.0.0.1:%d" % rs.udp,
                        "syslog:tcp://127.0.0.1:%d,facility=local3" % rs.tcp):
            pid = self.mark("high")[0]
            self.mark("low")
            self.assertTrue(wait_until(lambda: len(rs.messages()) >= 4), rs.messages())
        msgs = rs.messages()
        exe = os.path.join(self.dir, "vgmark_high")
        high = [m for m in msgs if 'rule="marker_high"' in m]
        self.assertEqual(len(high), 2, msgs)     # one over UDP, one over TCP
        for m in high:
            # RSYSLOG_SyslogProtocol23Format: <PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG
            self.assertRegex(m, r'^<(\d+)>1 \S+ %s vigil \d+ alert \[vigil@32473 '
                             % re.escape(os.uname().nodename))
            self.assertIn('severity="high"', m)
            self.assertIn('pid="%d"' % pid, m)
            self.assertIn('exe="%s"' % exe, m)
            self.assertIn('attack="T1059.004"', m)
            self.assertIn('action="exec"', m)
            self.assertTrue(m.endswith("high marker %d" % pid), m)
        pris = sorted(int(re.match(r"<(\d+)>", m).group(1)) for m in high)
        self.assertEqual(pris, sorted([10 * 8 + 3, 19 * 8 + 3]))  # authpriv.err, local3.err
        low = [m for m in msgs if 'rule="marker_low"' in m]
        self.assertEqual(sorted(int(re.match(r"<(\d+)>", m).group(1)) for m in low),
                         sorted([10 * 8 + 5, 19 * 8 + 5]))       # .notice


    def test_tls_to_rsyslog_with_the_certificate_checked(self):
        work = os.path.join(self.dir, "rsyslog")
        os.mkdir(work)
        rs = Rsyslog(work, tls=True)
        self.addCleanup(rs.stop)
        good = "syslog:tls://127.0.0.1:%d,ca-file=%s/ca.pem,name=tls" % (rs.tcp, work)
        bad = "syslog:tls://127.0.0.1:%d,ca-file=%s/other.pem,name=untrusted" % (rs.tcp, work)
        with self.vigil(good, bad) as t:
            pid = self.mark("high")[0]
            self.assertTrue(wait_until(lambda: rs.messages()), t.stderr)
            time.sleep(0.5)
            self.assertEqual(self.out_metric("vigil_output_up", "untrusted"), 0)
            self.assertEqual(self.out_metric("vigil_output_sent_total", "untrusted"), 0)
        msgs = rs.messages()
        self.assertEqual(len(msgs), 1, msgs)       # only the verified connection delivered
        self.assertIn('rule="marker_high"', msgs[0])
        self.assertTrue(msgs[0].endswith("high marker %d" % pid), msgs[0])
        self.assertIn("output untrusted: tls://127.0.0.1:%d: TLS handshake: certificate verify "
                      "failed" % rs.tcp, t.stderr)


@unittest.skipUnless(otlp_available(), "node and tests/otlp/node_modules (scripts/deps.sh test)")
class OtlpTest(OutputCase):
    def test_records_decode_with_semantic_convention_attributes(self):
        rx = OtlpReceiver(os.path.join(self.dir, "otlp.jsonl"))
        self.addCleanup(rx.stop)
        with self.vigil("otlp:%s,flush-ms=20" % rx.url):
            pid = self.mark("high")[0]
            self.assertTrue(wait_until(lambda: rx.records()))
        r = rx.records()[0]
        self.assertEqual(r["content_type"], "application/x-protobuf")
        self.assertTrue(r["gzip"])
        self.assertEqual(r["resource"]["service.name"], "vigil")
        self.assertEqual(r["resource"]["host.name"], os.uname().nodename)
        self.assertTrue(r["resource"]["host.id"])
        self.assertEqual(r["resource"]["os.type"], "linux")
        self.assertIn("service.version", r["resource"])
        self.assertEqual(r["scope"]["name"], "vigil")
        self.assertEqual(r["severity_number"], 17)          # ERROR
        self.assertEqual(r["severity_text"], "high")
        self.assertEqual(r["body"], "high marker %d" % pid)
        a = r["attributes"]
        self.assertEqual(a["process.pid"], pid)
        self.assertEqual(a["process.executable.path"], os.path.join(self.dir, "vgmark_high"))
        self.assertEqual(a["process.command_args"], [os.path.join(self.dir, "vgmark_high")])
        self.assertEqual(a["process.user.id"], 0)
        self.assertEqual(a["user.id"], "0")
        self.assertEqual(a["process.command_line"], os.path.join(self.dir, "vgmark_high"))
        self.assertEqual(a["event.kind"], "alert")
        self.assertEqual(a["event.action"], "exec")
        self.assertEqual(a["rule.name"], "marker_high")
        self.assertEqual(a["threat.technique.id"], ["T1059.004"])
        self.assertNotIn("host.name", a)                    # the resource's
        self.assertGreater(int(r["time_unix_nano"]), 0)

    def test_retry_after_is_honoured(self):
        rx = OtlpReceiver(os.path.join(self.dir, "otlp.jsonl"), retry_after_once=2)
        self.addCleanup(rx.stop)
        with self.vigil("otlp:%s,flush-ms=10,backoff-min-ms=50" % rx.url):
            self.mark("high")
            self.assertTrue(wait_until(lambda: rx.records()))
            self.assertGreaterEqual(self.out_metric("vigil_output_retried_total", "otlp"), 1)
        refused = [l["refused"] for l in rx.lines() if "refused" in l][0]
        self.assertGreaterEqual(rx.records()[0]["received_ms"] - refused, 1900)

    def test_ten_second_outage_every_alert_arrives_or_is_counted(self):
        out = os.path.join(self.dir, "otlp.jsonl")
        rx = OtlpReceiver(out)
        self.addCleanup(lambda: rx.stop())
        spec = "otlp:%s,queue=20,batch=8,flush-ms=20,backoff-max-ms=1000" % rx.url
        with self.vigil(spec) as t:
            self.mark("high", 3)
            self.assertTrue(wait_until(lambda: len(rx.records()) == 3))
            self.assertEqual(urllib.request.urlopen(
                "http://127.0.0.1:%d/healthz" % self.mport, timeout=5).status, 200)
            rx.stop()
            down = time.monotonic()
            low = self.mark("low", 40, gap=0.05)    # more than the queue holds
            high = self.mark("high", 6, gap=0.05)   # these push older low ones out
            health = None
            try:
                urllib.request.urlopen("http://127.0.0.1:%d/healthz" % self.mport, timeout=5)
            except urllib.error.HTTPError as e:
                health = (e.code, json.loads(e.read()))
            self.assertEqual(health[0], 503)
            self.assertIn("POST", health[1]["outputs"]["otlp"])
            time.sleep(max(0, 10 - (time.monotonic() - down)))
            rx = OtlpReceiver(out, port=rx.port)
            self.assertTrue(wait_until(lambda: self.settled("otlp"), 20))
            dropped = self.out_metric("vigil_output_dropped_total", "otlp", "queue_full")
            others = sum(self.out_metric("vigil_output_dropped_total", "otlp", r)
                         for r in ("write_error", "rejected", "retry_expired", "shutdown"))
            retried = self.out_metric("vigil_output_retried_total", "otlp")
        got = {r["attributes"]["process.pid"] for r in rx.records()}
        during = low + high
        arrived = [p for p in during if p in got]
        self.assertEqual(len(rx.records()), 3 + len(arrived), "no duplicates")
        self.assertEqual(others, 0)
        self.assertGreater(dropped, 0)
        self.assertGreater(retried, 0)
        self.assertEqual(len(arrived) + dropped, len(during), "arrived + dropped = generated")
        self.assertEqual([p for p in high if p in got], high, "high severity kept first")
        print("\n   outage: %d alerts in 10 s, %d arrived after, %d dropped (queue 20 + batch 8)"
              % (len(during), len(arrived), dropped), end=" ", flush=True)


class FullDiskTest(OutputCase):
    def test_full_disk_is_one_line_and_a_count(self):
        mnt = os.path.join(self.dir, "small")
        os.mkdir(mnt)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt], check=True)
        self.addCleanup(subprocess.run, ["umount", "-l", mnt])
        hook = Webhook()
        self.addCleanup(hook.stop)
        path = os.path.join(mnt, "alerts.json")
        with self.vigil("file:" + path, "webhook:%s,flush-ms=10" % hook.url) as t:
            pids = self.mark("high", 60)
            self.assertTrue(wait_until(lambda: len(hook.records()) == 60), len(hook.records()))
            self.assertTrue(wait_until(lambda: self.settled("file")))
            written = len(read_lines(path))     # every line whole
            dropped = self.out_metric("vigil_output_dropped_total", "file", "write_error")
            self.assertIsNone(t.proc.poll(), "vigil keeps running")
        self.assertGreater(written, 0)
        self.assertGreater(dropped, 0)
        self.assertEqual(written + dropped, 60)
        self.assertEqual([r["process"]["pid"] for r in hook.records()], pids)
        self.assertIn("vigil: output file: %d sent, %d dropped, write_error %d"
                      % (written, dropped, dropped), t.stderr)
        # One line per spell of failure, not per record: a later, smaller batch
        # may fit in what the cut-back left (then "delivering again"), and only
        # a new failure after that says so again. The last spell may end so
        # too: how the alerts are batched decides (consumer poll timing).
        lines = [l for l in t.stderr.splitlines() if "No space left on device" in l]
        spells = ["again" if "output file: delivering again" in l else "failed"
                  for l in t.stderr.splitlines()
                  if "No space left on device" in l or "output file: delivering again" in l]
        self.assertEqual(spells, ["failed", "again"] * (len(spells) // 2) + ["failed"] * (
            len(spells) % 2), t.stderr)
        self.assertLessEqual(len(lines), 3, t.stderr)
        self.assertIn("output file: write %s" % path, lines[0])


class FileRotationTest(OutputCase):
    def test_rotation_keeps_n_and_sigusr1_reopens(self):
        path = os.path.join(self.dir, "alerts.json")
        with self.vigil("file:%s,max-size=8k,keep=2" % path) as t:
            self.mark("high", 20)
            self.assertTrue(wait_until(lambda: self.delivered("file", 20)))
            files = sorted(os.listdir(self.dir))
            self.assertIn("alerts.json.1", files)
            self.assertIn("alerts.json.2", files)
            self.assertNotIn("alerts.json.3", files)
            for name in ("alerts.json", "alerts.json.1", "alerts.json.2"):
                self.assertLessEqual(os.path.getsize(os.path.join(self.dir, name)), 8192)
                read_lines(os.path.join(self.dir, name))    # whole JSON lines only
            os.rename(path, path + ".moved")               # as logrotate does
            t.proc.send_signal(signal.SIGUSR1)
            time.sleep(0.3)
            pid = self.mark("high")[0]
            self.assertTrue(wait_until(lambda: os.path.exists(path) and read_lines(path)))
        self.assertEqual([a["process"]["pid"] for a in read_lines(path)], [pid])


class ConfigFileTest(OutputCase):
    def write_config(self, text, mode=0o600):
        path = os.path.join(self.dir, "vigil.yaml")
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def test_outputs_from_the_config_file(self):
        out = os.path.join(self.dir, "from-config.json")
        cfg = self.write_config("policy: %s\nno_default_policy: true\n"
                                "outputs:\n  - type: file\n    path: %s\n"
                                "    min_severity: high\n" % (self.policy, out))
        with Tracer("run", "--config", cfg, "--alerts-only"):
            pid = self.mark("high")[0]
            self.mark("low")
            self.assertTrue(wait_until(lambda: read_lines(out)))
            time.sleep(0.3)
        self.assertEqual([a["process"]["pid"] for a in read_lines(out)], [pid])

    def test_bad_config_is_one_line_with_its_place(self):
        cfg = self.write_config("outputs:\n  - type: file\n    path: /tmp/x.json\n"
                                "    colour: blue\n")
        r = subprocess.run([VIGIL, "run", "--config", cfg], capture_output=True, text=True,
                           timeout=30)
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(r.stderr.strip().splitlines(),
                         ["vigil: error: %s:4:5: unknown output key 'colour'" % cfg])
        cfg = self.write_config("outputs: []\n", mode=0o666)
        r = subprocess.run([VIGIL, "run", "--config", cfg], capture_output=True, text=True,
                           timeout=30)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("refused: %s is writable by everyone (mode 0666" % cfg, r.stderr)
        r = subprocess.run([VIGIL, "run", "--output", "ftp:/x"], capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 64)     # argp's usage error
        self.assertIn("unknown output type 'ftp'", r.stderr)


if __name__ == "__main__":
    unittest.main()
