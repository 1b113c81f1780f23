"""Health events: when records start being lost, and when they stop, the agent
says so in its output stream (event.action "health"), with exactly the count
its own summary and metrics give. The overhead budget's shed and restore
events are tested in test_overhead_budget.py.
"""
import json
import os
import shutil
import tempfile
import time

from vigil_test import Tracer, VigilTestCase, get, kind

OPENS = 30000


def health_so_far(tracer):
    """The health events the running tracer has written so far."""
    fd = tracer._out.fileno()
    raw = os.pread(fd, os.fstat(fd).st_size, 0).decode("utf-8", errors="replace")
    out = []
    for line in raw.splitlines():
        if '"health"' in line:
            ev = json.loads(line)
            if kind(ev) == "health":
                out.append(ev)
    return out


class LossHealthTest(VigilTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="vg-health-", dir="/tmp")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_loss_started_and_stopped_with_the_exact_count(self):
        path = os.path.join(self.dir, "f")
        # A one-page ring buffer and a JSON consumer: a burst of opens must overflow it.
        with Tracer("trace", "file", "--path", self.dir, "--ringbuf-size", "4096") as t:
            self.assertEqual(health_so_far(t), [], "no loss yet, no health event")
            for _ in range(OPENS):
                os.close(os.open(path, os.O_CREAT | os.O_RDONLY))
            deadline = time.time() + 30
            while time.time() < deadline:
                if any(get(e, "vigil.health.state") == "loss_stopped" for e in health_so_far(t)):
                    break
                time.sleep(0.25)
            t.stop()
        health = [e for e in t.events if kind(e) == "health"]
        states = [get(e, "vigil.health.state") for e in health]
        self.assertEqual(states, ["loss_started", "loss_stopped"])
        started, stopped = health
        self.assertGreater(t.lost, 0, "the burst must overflow the ring buffer")
        self.assertIn("ringbuf_full", get(started, "vigil.loss.reasons"))
        self.assertGreater(get(started, "vigil.loss.records"), 0)
        self.assertLessEqual(get(started, "vigil.loss.records"), t.lost)
        # At the end of the episode: every record lost, the same count the summary gives.
        self.assertEqual(get(stopped, "vigil.loss.records"), t.lost)
        self.assertEqual(get(stopped, "vigil.loss.total"), t.lost)
        self.assertEqual(get(stopped, "vigil.loss.reasons"), ["ringbuf_full"])
        self.assertEqual(get(stopped, "process.pid"), t.proc.pid)
        self.assertEqual(get(stopped, "event.kind"), "event")
