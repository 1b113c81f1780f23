#!/usr/bin/env python3
"""The syscall hub (src/bpf/syscall_hub.bpf.c): `vigil run` holds one program
on sys_enter and one on sys_exit, which tail-call every sensor's handler for
the syscall numbers it watches. Checked here: the links and the program
arrays the agent holds, that a syscall two sensors want reaches both (file
then seccomp, on a refused unlink), and that --no-syscall-hub attaches each
handler on its own with the same events."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from vigil_test import VIGIL, Tracer, VigilTestCase, alerts, get, is_alert, kind

# The network sensor's variant tp_btf_storage (chosen here) has no sys_enter handler.
HANDLERS = {
    "vg_hub_enter": {"priv_btf_enter", "sd_btf_enter"},
    "vg_hub_exit": {"tp_btf_sys_exit", "priv_btf_exit", "net_btf_exit_ls", "sd_btf_exit"},
}

UNLINKER = """
import os, sys
with open(sys.argv[1], "w") as f:
    f.write("x")
try:
    os.unlink(sys.argv[1])
except PermissionError:
    sys.exit(13)
"""


def inventory():
    out = subprocess.run([VIGIL, "bpf", "--json"], stdout=subprocess.PIPE, check=True,
                         text=True).stdout
    return json.loads(out)


def owned_by(obj, pid):
    return any(o["pid"] == pid for o in obj["owners"])


def prog_array_names(map_id, names_by_id):
    """Program names in a BPF_MAP_TYPE_PROG_ARRAY (bpftool prints each entry's program id)."""
    out = subprocess.run(["bpftool", "--json", "map", "dump", "id", str(map_id)],
                         stdout=subprocess.PIPE, check=True, text=True).stdout
    names = set()
    for entry in json.loads(out):
        value = entry.get("value")
        if isinstance(value, list):	# raw bytes: the program id, little endian
            value = int.from_bytes(bytes(int(b, 16) for b in value), "little")
        names.add(names_by_id.get(int(value), "id %s" % value))
    return names


class TestSyscallHub(VigilTestCase):
    def syscall_links(self, inv, pid):
        """{sys_enter|sys_exit: [program names]} of the links @pid holds there."""
        names = {p["id"]: p["name"] for p in inv["programs"]}
        found = {"sys_enter": [], "sys_exit": []}
        for link in inv["links"]:
            point = link["attach_point"].split(":")[-1]
            if point in found and owned_by(link, pid):
                found[point].append(names.get(link["program_id"]))
        return found

    def test_one_program_per_direction_for_every_sensor(self):
        # --events: every sensor attached, so every handler is in.
        with Tracer("run", "--events") as t:
            pid = t.proc.pid
            inv = inventory()
            names = {p["id"]: p["name"] for p in inv["programs"] if owned_by(p, pid)}
            arrays = {m["name"]: m["id"] for m in inv["maps"]
                      if m["name"] in HANDLERS and owned_by(m, pid)}
            handlers = {name: prog_array_names(i, names) for name, i in arrays.items()}
            t.stop(settle=0)
        self.assertEqual(t.returncode, 0, t.stderr)
        self.assertEqual(self.syscall_links(inv, pid),
                         {"sys_enter": ["hub_sys_enter"], "sys_exit": ["hub_sys_exit"]})
        self.assertEqual(handlers, HANDLERS, inv["maps"])

    NET_BIT = 1 << 3  # VG_HUB_NET (src/bpf/syscall_hub.h)

    def net_routes(self, env=None):
        """{syscall number: (enter, exit) bits of the network handler} of an agent."""
        with Tracer("run", "--events", extra_env=env) as t:
            inv = inventory()
            routes = [m["id"] for m in inv["maps"]
                      if m["name"] == "vg_hub_routes" and owned_by(m, t.proc.pid)]
            self.assertEqual(len(routes), 1, inv["maps"])
            out = subprocess.run(["bpftool", "--json", "map", "dump", "id", str(routes[0])],
                                 stdout=subprocess.PIPE, check=True, text=True).stdout
            t.stop(settle=0)
        route = {}
        for entry in json.loads(out):
            key = int.from_bytes(bytes(int(b, 16) for b in entry["key"]), "little")
            route[key] = tuple(int(b, 16) & self.NET_BIT for b in entry["value"][:2])
        return route

    def test_net_entries_are_routed_for_connect_alone(self):
        # A send's or receive's arguments are read at its exit: the network
        # handler runs at the entry of no call (tp_btf_storage: a connect's
        # exit finds its SYN on the thread) or of connect only (tp_btf),
        # at the exit of all.
        net_bit, calls = self.NET_BIT, (42, 44, 45, 46, 47)  # connect, send/recv*
        route = self.net_routes()
        for nr in calls:
            self.assertEqual(route[nr], (0, net_bit), nr)
        self.assertFalse([nr for nr, (enter, _) in route.items() if enter])
        route = self.net_routes({"VIGIL_REFUSE_VARIANTS": "net:tp_btf_storage"})
        self.assertEqual(route[42], (net_bit, net_bit))
        for nr in calls[1:]:
            self.assertEqual(route[nr], (0, net_bit), nr)

    def test_without_the_hub_each_handler_is_attached(self):
        with Tracer("run", "--events", "--no-syscall-hub") as t:
            inv = inventory()
            t.stop(settle=0)
        self.assertEqual(t.returncode, 0, t.stderr)
        found = self.syscall_links(inv, t.proc.pid)
        self.assertEqual(sorted(found["sys_enter"]), sorted(HANDLERS["vg_hub_enter"]))
        self.assertEqual(sorted(found["sys_exit"]), sorted(HANDLERS["vg_hub_exit"]))

    def refused_unlink(self, *args):
        """A seccomp-filtered python whose unlink is refused, under `vigil run --events ARGS`."""
        tmp = tempfile.mkdtemp(prefix="vghub-")
        self.addCleanup(shutil.rmtree, tmp, True)
        script, target = os.path.join(tmp, "unlinker.py"), os.path.join(tmp, "f")
        with open(script, "w") as f:
            f.write(UNLINKER)
        prof_path = os.path.join(tmp, "p.json")
        subprocess.run([VIGIL, "advise", "seccomp", "-o", prof_path, "--",
                        "python3", script, target], check=True, capture_output=True, timeout=120)
        with open(prof_path) as f:
            prof = json.load(f)
        for group in prof["syscalls"]:
            if group["action"] == "SCMP_ACT_ALLOW":
                group["names"] = [n for n in group["names"] if n not in ("unlink", "unlinkat")]
        with open(prof_path, "w") as f:
            json.dump(prof, f)
        with Tracer("run", "--events", *args) as t:
            p = subprocess.Popen([VIGIL, "sandbox", "--profile", prof_path, "--",
                                  "python3", script, target])
            rc = p.wait(timeout=60)
            t.stop(settle=1.0)
        self.assertEqual(rc, 13, "the unlink was not refused")
        self.assertTrue(os.path.exists(target))
        mine = [e for e in t.events if not is_alert(e) and get(e, "process.pid") == p.pid]
        return mine

    def check_both_sensors(self, events):
        # The file sensor saw the python open its file (sys_exit, file handler) ...
        opens = [e for e in events if kind(e) == "open" and get(e, "file.path", "").endswith("/f")]
        self.assertTrue(opens, [kind(e) for e in events])
        # ... and the seccomp handler, after the file handler on the same
        # refused unlink, reported the refusal.
        denials = [e for e in events if kind(e) == "seccomp_deny"]
        self.assertTrue(denials, [kind(e) for e in events])
        self.assertIn(get(denials[0], "syscall.name"), ("unlink", "unlinkat"))
        self.assertEqual(get(denials[0], "seccomp.action"), "errno")

    def test_a_syscall_two_sensors_watch_reaches_both(self):
        self.check_both_sensors(self.refused_unlink())

    def test_the_same_events_without_the_hub(self):
        self.check_both_sensors(self.refused_unlink("--no-syscall-hub"))


if __name__ == "__main__":
    unittest.main()
