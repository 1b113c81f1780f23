"""deploy/: the Grafana dashboard is valid JSON whose queries name only
metrics vigil exports (every vigil_* family name written in src/, with a
histogram's _bucket/_sum/_count), and the Collector config is YAML with an
OTLP receiver feeding a logs pipeline."""
import glob
import json
import os
import re
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def exported_metrics():
    names = set()
    for path in glob.glob(os.path.join(ROOT, "src", "*", "*.c")):
        with open(path) as f:
            text = f.read()
        for name in re.findall(r'"(vigil_[a-z_]+)"', text):
            names.add(name)
        for name in re.findall(r'vg_prom_family\([^,]+,\s*"(vigil_[a-z_]+)",\s*"histogram"', text):
            names.update({name + "_bucket", name + "_sum", name + "_count"})
    return names


class DeployTest(unittest.TestCase):
    def test_dashboard_names_only_exported_metrics(self):
        with open(os.path.join(ROOT, "deploy", "grafana", "vigil.json")) as f:
            dash = json.load(f)
        exported = exported_metrics()
        self.assertIn("vigil_output_dropped_total", exported)
        used = set()
        for panel in dash["panels"]:
            for target in panel["targets"]:
                used.update(re.findall(r"\bvigil_[a-z_]+\b", target["expr"]))
        self.assertGreater(len(used), 10)
        self.assertEqual(sorted(used - exported), [], "dashboard names metrics vigil lacks")
        for q in dash["templating"]["list"]:
            for name in re.findall(r"\bvigil_[a-z_]+\b", q.get("query", "")):
                self.assertIn(name, exported)

    def test_collector_config(self):
        try:
            import yaml
        except ImportError:
            self.skipTest("python3-yaml")
        with open(os.path.join(ROOT, "deploy", "otelcol", "config.yaml")) as f:
            cfg = yaml.safe_load(f)
        self.assertEqual(cfg["receivers"]["otlp"]["protocols"]["http"]["endpoint"],
                         "0.0.0.0:4318")
        logs = cfg["service"]["pipelines"]["logs"]
        self.assertEqual(logs["receivers"], ["otlp"])
        self.assertIn("batch", logs["processors"])
        self.assertEqual(set(logs["exporters"]), {"file", "debug"})
        for name in logs["processors"] + logs["exporters"]:
            self.assertIn(name, {**cfg["processors"], **cfg["exporters"]})


if __name__ == "__main__":
    unittest.main()
