"""Options every command shares, parsed by the one argp default
(vg_cmd_other_key in src/cli/commands.h) or the trace front-end's common
parser: -v turns on debug logs, libbpf's included, for every command that
loads programs, and a stray operand is a usage error."""
import subprocess
import unittest

from vigil_test import VIGIL, Tracer


class VerboseTest(unittest.TestCase):
    def assert_libbpf_debug(self, *args):
        with Tracer(*args) as t:
            pass
        self.assertEqual(t.returncode, 0, t.stderr)
        self.assertIn("debug: libbpf", t.stderr, "no libbpf debug output for %s" % (args,))

    def test_trace_verbose_shows_libbpf(self):
        for sensor in ("exec", "file"):
            with self.subTest(sensor=sensor):
                self.assert_libbpf_debug("trace", sensor, "-v")

    def test_run_verbose_shows_libbpf(self):
        self.assert_libbpf_debug("run", "--alerts-only", "--verbose")

    def test_without_verbose_no_debug(self):
        with Tracer("trace", "exec") as t:
            pass
        self.assertNotIn("debug:", t.stderr)

    def test_stray_operand_is_a_usage_error(self):
        for cmd in (["trace", "exec"], ["run"], ["bpf"]):
            with self.subTest(cmd=cmd):
                res = subprocess.run([VIGIL, *cmd, "extra"], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, timeout=30)
                self.assertEqual(res.returncode, 64, res.stderr)
                self.assertIn("unexpected argument 'extra'", res.stderr)

    def test_ring_and_wakeup_values_are_checked(self):
        bad = [(["trace", "exec", "--ringbuf-size", "3M"], "--ringbuf-size"),
               (["trace", "file", "--ringbuf-size", "2K"], "--ringbuf-size"),
               (["run", "--ringbuf-size", "2G"], "--ringbuf-size"),
               (["trace", "net", "--wakeup-batch", "1001"], "--wakeup-batch"),
               (["run", "--wakeup-batch", "-1"], "--wakeup-batch")]
        for cmd, what in bad:
            with self.subTest(cmd=cmd):
                res = subprocess.run([VIGIL, *cmd], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, timeout=30)
                self.assertEqual(res.returncode, 64, res.stderr)
                self.assertIn(what, res.stderr.splitlines()[0])


if __name__ == "__main__":
    unittest.main()
