"""scripts/check_layout.py: the real tree passes, and each rule it enforces
reports a tree made to break it (so the check itself can fail)."""
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CHECK = os.path.join(ROOT, "scripts", "check_layout.py")


def run_check(root=None):
    cmd = [sys.executable, CHECK] + (["--root", root] if root else [])
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return res.returncode, res.stdout


class LayoutTest(unittest.TestCase):
    def tree(self, files):
        d = tempfile.mkdtemp(prefix="vigil-layout-")
        self.addCleanup(subprocess.run, ["rm", "-rf", d])
        for rel, text in files.items():
            path = os.path.join(d, "src", rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(textwrap.dedent(text))
        return d

    def test_the_source_tree_keeps_its_layout(self):
        rc, out = run_check()
        self.assertEqual(rc, 0, out)
        self.assertIn(", 0 problems", out)

    def test_every_exported_symbol_carries_the_prefix(self):
        lib = os.path.join(ROOT, "build", "libvigil.a")
        if not os.path.exists(lib):
            self.skipTest("build/libvigil.a not built")
        out = subprocess.run(["nm", "-g", "--defined-only", lib], stdout=subprocess.PIPE,
                             text=True, check=True).stdout
        names = [f[2] for f in (l.split() for l in out.splitlines()) if len(f) == 3]
        self.assertGreater(len(names), 100)
        self.assertEqual([n for n in names if not n.startswith("vg_")], [])

    def test_an_include_cycle_is_reported(self):
        d = self.tree({
            "event/a.h": '#include "event/b.h"\n',
            "event/a.c": '#include "event/a.h"\n',
            "event/b.h": "\n",
            "event/b.c": '#include "event/b.h"\n#include "event/a.h"\n',
        })
        rc, out = run_check(d)
        self.assertEqual(rc, 1)
        self.assertIn("include cycle: event/a <-> event/b", out)

    def test_a_lower_layer_including_a_higher_one_is_reported(self):
        d = self.tree({
            "policy/rules.h": "\n",
            "sensors/file.c": '#include "policy/rules.h"\n',
        })
        rc, out = run_check(d)
        self.assertEqual(rc, 1)
        self.assertIn("src/sensors/file.c: includes policy/rules.h: layer sensors may not "
                      "include policy", out)

    def test_long_functions_and_files_are_reported(self):
        body = "".join("\tx += %d;\n" % i for i in range(120))
        d = self.tree({
            "lib/long.c": "static int x;\n\nvoid vg_long(void)\n{\n" + body + "}\n",
            "lib/big.c": "int vg_big;\n" * 801,
        })
        rc, out = run_check(d)
        self.assertEqual(rc, 1)
        self.assertIn("src/lib/long.c:3: vg_long() is 122 lines (at most 100)", out)
        self.assertIn("src/lib/big.c: 801 lines (at most 800)", out)

    def test_kernel_files_and_functions_are_checked_too(self):
        body = "".join("\tx += %d;\n" % i for i in range(120))
        d = self.tree({
            "bpf/sensor_x.bpf.c": "int x;\n" * 801,
            "bpf/sensor_x_job.bpf.h": "static __always_inline void job(void)\n{\n" + body + "}\n",
            "bpf/sensor_y.bpf.c": 'SEC("tp_btf/sched_process_exec")\n'
                                  "int BPF_PROG(on_exec, struct task_struct *p)\n{\n" + body + "}\n",
            "bpf/vmlinux.h": "int v;\n" * 900,
        })
        rc, out = run_check(d)
        self.assertEqual(rc, 1)
        self.assertIn("src/bpf/sensor_x.bpf.c: 801 lines (at most 800)", out)
        self.assertIn("src/bpf/sensor_x_job.bpf.h:1: job() is 122 lines (at most 100)", out)
        self.assertIn("src/bpf/sensor_y.bpf.c:2: on_exec() is 122 lines (at most 100)", out)
        self.assertNotIn("vmlinux", out)


if __name__ == "__main__":
    unittest.main()
