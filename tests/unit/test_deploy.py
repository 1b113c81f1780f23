"""deploy/: the Kubernetes DaemonSet and kustomization, the Containerfile and
the systemd unit agree with each other and with the binary. A schema check
(no cluster here: `kubectl apply --dry-run=client` needs an API server for
discovery), plus `kubectl kustomize` offline when a kubectl is installed."""
import os
import re
import shutil
import subprocess
import unittest

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
K8S = os.path.join(ROOT, "deploy", "kubernetes")
VIGIL = os.path.join(ROOT, "build", "vigil")
# Where the container resolver reads runtime state (src/event/container_state.c).
STATE_DIRS = ["/var/lib/containers", "/run/containers", "/run/containerd",
              "/var/lib/docker/containers"]


def load(name):
    with open(os.path.join(K8S, name)) as f:
        return list(yaml.safe_load_all(f))


def unit_capabilities():
    with open(os.path.join(ROOT, "deploy", "systemd", "vigil.service")) as f:
        m = re.search(r"^CapabilityBoundingSet=(.*)$", f.read(), re.M)
    return sorted(c[len("CAP_"):] for c in m.group(1).split())


class DaemonSetTest(unittest.TestCase):
    def setUp(self):
        (self.ds,) = load("daemonset.yaml")
        self.pod = self.ds["spec"]["template"]["spec"]
        (self.c,) = self.pod["containers"]

    def test_shape(self):
        self.assertEqual(self.ds["apiVersion"], "apps/v1")
        self.assertEqual(self.ds["kind"], "DaemonSet")
        self.assertEqual(self.ds["spec"]["selector"]["matchLabels"],
                         self.ds["spec"]["template"]["metadata"]["labels"])
        self.assertIs(self.pod["hostPID"], True)
        self.assertIsInstance(self.c["image"], str)
        for p in self.c["ports"]:
            self.assertIsInstance(p["containerPort"], int)

    def test_capabilities_are_the_units(self):
        caps = self.c["securityContext"]["capabilities"]
        self.assertEqual(caps["drop"], ["ALL"])
        self.assertEqual(sorted(caps["add"]), unit_capabilities())
        self.assertIs(self.c["securityContext"]["privileged"], False)

    def test_mounts_and_volumes_match(self):
        volumes = {v["name"]: v for v in self.pod["volumes"]}
        mounts = {m["name"]: m for m in self.c["volumeMounts"]}
        self.assertEqual(set(mounts), set(volumes))
        for name, m in mounts.items():
            v = volumes[name]
            if "hostPath" in v:
                self.assertEqual(v["hostPath"]["path"], m["mountPath"], name)
        paths = {m["mountPath"] for m in mounts.values()}
        for d in STATE_DIRS + ["/sys/fs/bpf", "/sys/kernel/btf", "/sys/fs/cgroup", "/run/vigil"]:
            self.assertIn(d, paths)
        self.assertEqual(volumes["policy"]["configMap"]["name"], "vigil-policy")
        self.assertEqual(mounts["policy"]["mountPath"], "/etc/vigil/policy.d")

    def test_args_are_options_of_vigil_run(self):
        args = self.c["args"]
        self.assertEqual(args[0], "run")
        if not os.access(VIGIL, os.X_OK):
            self.skipTest("build/vigil not built")
        helptext = subprocess.run([VIGIL, "run", "--help"], stdout=subprocess.PIPE,
                                  text=True, timeout=10).stdout
        for a in args[1:]:
            if a.startswith("--"):
                self.assertIn(a, helptext)
        port = args[args.index("--metrics") + 1].rsplit(":", 1)[1]
        self.assertEqual([p["containerPort"] for p in self.c["ports"]], [int(port)])
        self.assertEqual(self.ds["spec"]["template"]["metadata"]["annotations"]
                         ["prometheus.io/port"], port)


class KustomizeTest(unittest.TestCase):
    def test_files_it_names_exist(self):
        (k,) = load("kustomization.yaml")
        for r in k["resources"]:
            self.assertTrue(os.path.isfile(os.path.join(K8S, r)), r)
        for gen in k["configMapGenerator"]:
            for f in gen["files"]:
                self.assertTrue(os.path.isfile(os.path.join(K8S, f)), f)

    def test_kubectl_renders_policy_configmap(self):
        kubectl = shutil.which("kubectl")
        if not kubectl:
            self.skipTest("no kubectl installed")
        r = subprocess.run([kubectl, "kustomize", "--load-restrictor=LoadRestrictionsNone", K8S],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=60, env=dict(os.environ, KUBECONFIG=os.devnull))
        self.assertEqual(r.returncode, 0, r.stderr)
        docs = {d["kind"]: d for d in yaml.safe_load_all(r.stdout)}
        self.assertEqual(set(docs), {"Namespace", "ConfigMap", "DaemonSet"})
        cm = docs["ConfigMap"]
        for name in ("local.yaml",):
            with open(os.path.join(ROOT, "policy", name)) as f:
                self.assertEqual(cm["data"][name], f.read())
        vol = [v for v in docs["DaemonSet"]["spec"]["template"]["spec"]["volumes"]
               if v["name"] == "policy"][0]
        self.assertEqual(vol["configMap"]["name"], cm["metadata"]["name"])
        self.assertEqual(docs["DaemonSet"]["metadata"]["namespace"], "vigil")


class ContainerfileTest(unittest.TestCase):
    def test_installs_the_deb(self):
        with open(os.path.join(K8S, "Containerfile")) as f:
            text = f.read()
        froms = re.findall(r"^FROM (\S+)", text, re.M)
        self.assertEqual(len(froms), 2)
        self.assertTrue(all(f.startswith("docker.io/library/debian:12") for f in froms))
        self.assertIn("make deb", text)
        self.assertIn("COPY --from=build /src/build/vigil_*.deb", text)
        self.assertIn('ENTRYPOINT ["/usr/sbin/vigil"]', text)
        with open(os.path.join(ROOT, "Makefile")) as f:
            self.assertIn("DEB := $(BUILD)/vigil_$(VERSION)_", f.read())


class UnitFileTest(unittest.TestCase):
    def test_unit(self):
        with open(os.path.join(ROOT, "deploy", "systemd", "vigil.service")) as f:
            text = f.read()
        for line in ("Type=notify", "Restart=on-failure", "ExecReload=/bin/kill -HUP $MAINPID",
                     "NoNewPrivileges=yes", "ProtectHome=read-only", "LimitMEMLOCK=infinity",
                     "RuntimeDirectory=vigil"):
            self.assertIn("\n" + line + "\n", text)
        self.assertEqual(unit_capabilities(), sorted(["BPF", "PERFMON", "SYS_ADMIN",
                                                      "SYS_RESOURCE", "KILL", "NET_ADMIN",
                                                      "SYS_PTRACE"]))


if __name__ == "__main__":
    unittest.main()
