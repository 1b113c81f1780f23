// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel share of a policy as the neutral contract the sensors apply
 * (lib/kernel_spec.h): record type switches, per-sensor filter values,
 * the executable filter, exec kills, net deny specs and deny targets.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "lib/kernel_spec.h"
#include "policy/policy.h"

static const char *POLICY =
	"rules:\n"
	"  - name: etc\n    event: open\n"
	"    condition: file.path startswith /etc/ and process.user.id in (0, 33)\n"
	"  - name: shadow\n    event: open\n    action: deny\n"
	"    condition: file.path = /etc/shadow\n"
	"  - name: c2\n    event: connect\n    action: deny\n"
	"    condition: destination.port in (4444, 5555) and destination.address cidr 203.0.113.0/24\n"
	"  - name: c2_audit\n    event: connect\n    action: deny\n    mode: audit\n"
	"    condition: destination.port = 6666\n"
	"  - name: tmp\n    event: exec\n    action: kill\n"
	"    condition: process.executable.path startswith /tmp/\n"
	"  - name: gdb\n    event: ptrace\n"
	"    condition: process.executable.path = /usr/bin/gdb\n";

#include "policy_fixture.h"

/* Only what some rule can match is sent; process and deny records always are. */
static void test_spec_types(void **state)
{
	struct vg_policy *p = compile_ok(POLICY);
	struct vg_kernel_spec spec;

	(void)state;
	assert_int_equal(vg_policy_kernel_spec(p, false, &spec), 0);
	assert_false(spec.every_event);
	assert_int_equal(spec.types[0], VG_SPEC_TYPE_NONE);
	/* Only the exec hook kills (rule tmp): exec alerts can wait for the agent's next poll. */
	assert_int_equal(spec.types[VG_EV_EXEC], VG_TYPE_ALWAYS | VG_TYPE_QUIET);
	/* Fork and exit only feed the cache here: they need not wake the agent. */
	assert_int_equal(spec.types[VG_EV_FORK], VG_TYPE_ALWAYS | VG_TYPE_QUIET);
	assert_int_equal(spec.types[VG_EV_EXIT], VG_TYPE_ALWAYS | VG_TYPE_QUIET);
	assert_int_equal(spec.types[VG_EV_NET_DENY], VG_TYPE_ALWAYS);
	assert_int_equal(spec.types[VG_EV_FILE_OPEN], VG_TYPE_FILTERED);
	assert_int_equal(spec.types[VG_EV_NET_CONNECT], VG_TYPE_FILTERED);
	assert_int_equal(spec.types[VG_EV_PTRACE], VG_TYPE_FILTERED);
	/* DNS names serve the connect rules. */
	assert_int_equal(spec.types[VG_EV_NET_DNS], VG_TYPE_ALWAYS);
	assert_int_equal(spec.types[VG_EV_FILE_UNLINK], VG_TYPE_OFF);
	assert_int_equal(spec.types[VG_EV_CAPSET], VG_TYPE_OFF);
	vg_kernel_spec_free(&spec);
	/* Every event printed: nothing off, no executable filter. */
	assert_int_equal(vg_policy_kernel_spec(p, true, &spec), 0);
	assert_true(spec.every_event);
	assert_int_equal(spec.types[VG_EV_FILE_UNLINK], VG_TYPE_FILTERED);
	assert_int_equal(spec.types[VG_EV_NET_DNS], VG_TYPE_FILTERED);
	assert_int_equal(spec.types[VG_EV_EXEC], VG_TYPE_ALWAYS | VG_TYPE_QUIET);
	assert_int_equal(spec.exe.sensors, 0);
	assert_int_equal(spec.exe.n, 0);
	vg_kernel_spec_free(&spec);
	vg_policy_free(p);
}

/* A rule on exits: exit records wake the agent again, forks still need not. */
static void test_spec_types_exit_rule_wakes(void **state)
{
	struct vg_policy *p = compile_ok("rules:\n  - name: crash\n    event: exit\n"
				      "    condition: process.exit.code = 139\n");
	struct vg_kernel_spec spec;

	(void)state;
	assert_int_equal(vg_policy_kernel_spec(p, false, &spec), 0);
	assert_int_equal(spec.types[VG_EV_EXIT], VG_TYPE_ALWAYS);
	assert_int_equal(spec.types[VG_EV_FORK], VG_TYPE_ALWAYS | VG_TYPE_QUIET);
	assert_int_equal(spec.types[VG_EV_EXEC], VG_TYPE_ALWAYS | VG_TYPE_QUIET);
	vg_kernel_spec_free(&spec);
	vg_policy_free(p);
}

/* A rule that kills from user space on an exec: exec records wake the agent at once. */
static void test_spec_types_exec_kill_wakes(void **state)
{
	const char *kill = "rules:\n  - name: k\n    event: exec\n    action: kill\n"
			   "    condition: process.args contains \"--evil\"\n";
	struct vg_policy *p = compile_ok(kill);
	struct vg_kernel_spec spec;
	char audit[256];

	(void)state;
	assert_int_equal(vg_policy_kernel_spec(p, false, &spec), 0);
	assert_int_equal(spec.types[VG_EV_EXEC], VG_TYPE_ALWAYS);
	assert_int_equal(spec.types[VG_EV_EXIT], VG_TYPE_ALWAYS | VG_TYPE_QUIET);
	vg_kernel_spec_free(&spec);
	vg_policy_free(p);
	/* In audit mode it only reports: the exec may wait like any alert. */
	snprintf(audit, sizeof(audit), "%s    mode: audit\n", kill);
	p = compile_ok(audit);
	assert_int_equal(vg_policy_kernel_spec(p, false, &spec), 0);
	assert_int_equal(spec.types[VG_EV_EXEC], VG_TYPE_ALWAYS | VG_TYPE_QUIET);
	vg_kernel_spec_free(&spec);
	vg_policy_free(p);
}

/* Each sensor's share under the contract's field names; a field is on only when every rule constrains it. */
static void test_spec_sensor_fields(void **state)
{
	struct vg_policy *p = compile_ok(POLICY);
	const struct vg_sensor_spec *fs, *ns, *ps;
	struct vg_kernel_spec spec;

	(void)state;
	assert_int_equal(vg_policy_kernel_spec(p, false, &spec), 0);
	fs = &spec.sensor[VG_SENSOR_FILE];
	ns = &spec.sensor[VG_SENSOR_NETWORK];
	ps = &spec.sensor[VG_SENSOR_PRIV];
	assert_true(spec.sensor[VG_SENSOR_PROCESS].used);
	assert_true(fs->used && ns->used && ps->used);
	/* file: both rules name a path, only one a uid */
	assert_true(fs->field[VG_SPEC_FILE_PATH].on);
	assert_int_equal(fs->field[VG_SPEC_FILE_PATH].n_exact, 1);
	assert_string_equal(fs->field[VG_SPEC_FILE_PATH].exact[0], "/etc/shadow");
	assert_int_equal(fs->field[VG_SPEC_FILE_PATH].n_prefixes, 1);
	assert_string_equal(fs->field[VG_SPEC_FILE_PATH].prefixes[0], "/etc/");
	assert_false(fs->field[VG_SPEC_UID].on);
	/* net: ports of both rules; the address only in one */
	assert_true(ns->field[VG_SPEC_PEER_PORT].on);
	assert_int_equal(ns->field[VG_SPEC_PEER_PORT].n_nums, 3);
	assert_false(ns->field[VG_SPEC_PEER_ADDR].on);
	assert_false(ns->field[VG_SPEC_LOCAL_PORT].on);
	/* priv: only the executable, which is the exe filter's business */
	assert_false(ps->field[VG_SPEC_UID].on);
	assert_int_equal(spec.exe.sensors, 1u << VG_SENSOR_PRIV);
	assert_int_equal(vg_exe_filter_bits(&spec.exe, "/usr/bin/gdb"), 1u << VG_SENSOR_PRIV);
	assert_int_equal(vg_exe_filter_bits(&spec.exe, "/usr/bin/gdb2"), 0);
	vg_kernel_spec_free(&spec);
	vg_policy_free(p);
}

/* The rules hooks and guards decide alone, with the ids they report. */
static void test_spec_decided_rules(void **state)
{
	struct vg_policy *p = compile_ok(POLICY);
	struct vg_kernel_spec spec;
	size_t i;

	(void)state;
	assert_int_equal(vg_policy_kernel_spec(p, false, &spec), 0);
	assert_int_equal(spec.n_exec_kills, 1);
	assert_string_equal(spec.exec_kills[0].path, "/tmp/");
	assert_true(spec.exec_kills[0].prefix);
	assert_false(spec.exec_kills[0].audit);
	assert_int_equal(spec.exec_kills[0].rule_index, 4);
	assert_int_equal(spec.n_deny_targets, 1);
	assert_string_equal(spec.deny_targets[0].rule, "shadow");
	assert_int_equal(spec.deny_targets[0].len, strlen("/etc/shadow"));
	assert_memory_equal(spec.deny_targets[0].path, "/etc/shadow", strlen("/etc/shadow"));
	assert_false(spec.deny_targets[0].prefix || spec.deny_targets[0].exec);
	assert_int_equal(spec.deny_targets[0].rule_id, 1);
	assert_int_equal(spec.n_net_denies, 2);
	for (i = 0; i < spec.n_net_denies; i++) {
		const struct vg_net_deny_spec *d = &spec.net_denies[i];

		if (!strcmp(d->rule, "c2")) {
			assert_int_equal(d->rule_id, 2);
			assert_false(d->audit);
			assert_int_equal(d->n_ports, 2);
			assert_int_equal(d->n_cidrs, 1);
			assert_true(d->any_transport);
		} else {
			assert_string_equal(d->rule, "c2_audit");
			assert_true(d->audit);
			assert_int_equal(d->n_cidrs, 0);
		}
	}
	vg_kernel_spec_free(&spec);
	assert_null(spec.net_denies);
	vg_policy_free(p);
}

static void test_rule_set(void **state)
{
	struct vg_rule_set s = { 0 };

	(void)state;
	vg_rule_set_add(&s, 0);
	vg_rule_set_add(&s, 9);
	vg_rule_set_add(&s, VG_MAX_DECIDED_RULES);	/* beyond: ignored */
	assert_true(vg_rule_set_has(&s, 0));
	assert_true(vg_rule_set_has(&s, 9));
	assert_false(vg_rule_set_has(&s, 8));
	assert_false(vg_rule_set_has(&s, VG_MAX_DECIDED_RULES));
}

/* A policy that did not compile has no kernel share. */
static void test_spec_needs_a_compiled_policy(void **state)
{
	struct vg_policy *p = vg_policy_new();
	struct vg_kernel_spec spec;

	(void)state;
	vg_policy_add_string(p, "t.yaml", "rules:\n  - name: x\n    event: nope\n");
	assert_int_not_equal(vg_policy_compile(p), 0);
	assert_int_equal(vg_policy_kernel_spec(p, false, &spec), -EINVAL);
	assert_null(spec.exec_kills);
	vg_policy_free(p);
}

/*
 * A rule on bind-mount writes (file.mount.bind = 1) asks the file sensor for
 * them and leaves the file.path filter as the other rules set it; a rule
 * without it on open paths opens the filter, and no such rule asks nothing.
 */
static void test_spec_bind_mounts(void **state)
{
	static const char *bind =
		"rules:\n"
		"  - name: etc\n    event: open\n    condition: file.path startswith /etc/\n"
		"  - name: vol\n    event: open\n"
		"    condition: file.mount.bind = 1 and container.id != \"\"\n";
	static const char *bind_or =
		"rules:\n"
		"  - name: etc\n    event: open\n    condition: file.path startswith /etc/\n"
		"  - name: vol\n    event: open\n"
		"    condition: file.mount.bind = 1 or file.path = /x\n";
	struct vg_policy *p = compile_ok(bind);
	struct vg_kernel_spec spec;
	const struct vg_spec_values *path;

	(void)state;
	assert_int_equal(vg_policy_kernel_spec(p, false, &spec), 0);
	assert_true(spec.sensor[VG_SENSOR_FILE].bind_mounts);
	path = &spec.sensor[VG_SENSOR_FILE].field[VG_SPEC_FILE_PATH];
	assert_true(path->on);
	assert_int_equal(path->n_prefixes, 1);
	assert_string_equal(path->prefixes[0], "/etc/");
	assert_false(spec.sensor[VG_SENSOR_NETWORK].bind_mounts);
	vg_kernel_spec_free(&spec);
	vg_policy_free(p);
	/* Not required (an "or"): the flag is still set, but every path is sent. */
	p = compile_ok(bind_or);
	assert_int_equal(vg_policy_kernel_spec(p, false, &spec), 0);
	assert_true(spec.sensor[VG_SENSOR_FILE].bind_mounts);
	assert_false(spec.sensor[VG_SENSOR_FILE].field[VG_SPEC_FILE_PATH].on);
	vg_kernel_spec_free(&spec);
	vg_policy_free(p);
	p = compile_ok(POLICY);
	assert_int_equal(vg_policy_kernel_spec(p, false, &spec), 0);
	assert_false(spec.sensor[VG_SENSOR_FILE].bind_mounts);
	vg_kernel_spec_free(&spec);
	vg_policy_free(p);
}

/* The access classes a path's rules can match (a prefix, with its classes). */
static uint32_t prefix_access(const struct vg_spec_values *v, const char *pre)
{
	size_t i;

	for (i = 0; i < v->n_prefixes; i++)
		if (!strcmp(v->prefixes[i], pre))
			return v->prefix_access[i];
	fail_msg("no prefix %s", pre);
	return 0;
}

/*
 * Each watched path gets only the access classes its rules can match: the
 * event kinds' classes narrowed by file.access tests; negations and words
 * that say nothing of the class keep everything; a "*.so" name test turns
 * reads into library reads; two rules on one path add up.
 */
static void test_spec_path_access(void **state)
{
	static const char *yaml =
		"macros:\n  written: file.access contains (write, create, truncate)\n"
		"rules:\n"
		"  - name: etc_written\n    event: [open, rename]\n"
		"    condition: file.path startswith /etc/ and (written or file.access contains rename)\n"
		"  - name: bin_mode\n    event: chmod\n    condition: file.path startswith /usr/bin/\n"
		"  - name: bin_times\n    event: utimes\n    condition: file.path startswith /usr/bin/\n"
		"  - name: lib\n    event: open\n"
		"    condition: file.path startswith /tmp/ and file.name glob (\"*.so\", \"*.so.*\") and file.access = read\n"
		"  - name: tmp_exe\n    event: open\n"
		"    condition: file.path startswith /tmp/ and file.access contains execute-mode\n"
		"  - name: logs\n    event: [unlink, truncate, open]\n"
		"    condition: file.path startswith /var/log/ and not file.access contains read\n"
		"  - name: odd\n    event: open\n"
		"    condition: file.path startswith /srv/ and file.access contains nofollow\n"
		"  - name: never\n    event: open\n"
		"    condition: file.path startswith /opt/ and file.access = no-such-word\n";
	struct vg_policy *p = compile_ok(yaml);
	struct vg_kernel_spec spec;
	const struct vg_spec_values *v;
	const uint32_t open_acc = VG_FACC_READ | VG_FACC_WRITE | VG_FACC_CREATE | VG_FACC_TRUNCATE |
				  VG_FACC_EXECMODE;

	(void)state;
	assert_int_equal(vg_policy_kernel_spec(p, false, &spec), 0);
	v = &spec.sensor[VG_SENSOR_FILE].field[VG_SPEC_FILE_PATH];
	assert_true(v->on);
	assert_int_equal(prefix_access(v, "/etc/"),
			 VG_FACC_WRITE | VG_FACC_CREATE | VG_FACC_TRUNCATE | VG_FACC_RENAME);
	assert_int_equal(prefix_access(v, "/usr/bin/"), VG_FACC_ATTR | VG_FACC_EXECMODE);
	assert_int_equal(prefix_access(v, "/tmp/"), VG_FACC_READ_LIB | VG_FACC_EXECMODE);
	assert_int_equal(prefix_access(v, "/var/log/"),
			 open_acc | VG_FACC_DELETE | VG_FACC_TRUNCATE);
	assert_int_equal(prefix_access(v, "/srv/"), open_acc);
	assert_int_equal(prefix_access(v, "/opt/"), 0);
	vg_kernel_spec_free(&spec);
	vg_policy_free(p);
}

/*
 * A rule reading who wrote a program (process.origin.*) asks for the first
 * write of each process to each file under the writable places, plus the
 * renames, links and unlinks that move or drop a file's record; without
 * one, nothing of the sort is watched.
 */
static void test_spec_provenance_feed(void **state)
{
	static const char *origin =
		"rules:\n"
		"  - name: dl\n    event: exec\n"
		"    condition: process.origin.had_network = 1\n"
		"  - name: etc\n    event: open\n"
		"    condition: file.path startswith /etc/ and file.access contains write\n";
	struct vg_policy *p = compile_ok(origin);
	struct vg_kernel_spec spec;
	const struct vg_spec_values *v;

	(void)state;
	assert_int_equal(vg_policy_kernel_spec(p, false, &spec), 0);
	v = &spec.sensor[VG_SENSOR_FILE].field[VG_SPEC_FILE_PATH];
	assert_true(v->on);
	assert_int_equal(prefix_access(v, "/tmp/"),
			 VG_FACC_WRITE_ONCE | VG_FACC_RENAME | VG_FACC_DELETE);
	assert_int_equal(prefix_access(v, "/home/"),
			 VG_FACC_WRITE_ONCE | VG_FACC_RENAME | VG_FACC_DELETE);
	assert_int_equal(prefix_access(v, "/etc/"), VG_FACC_WRITE);
	assert_int_equal(spec.types[VG_EV_FILE_RENAME], VG_TYPE_FILTERED);
	assert_int_equal(spec.types[VG_EV_FILE_UNLINK], VG_TYPE_FILTERED);
	vg_kernel_spec_free(&spec);
	vg_policy_free(p);
	/* No provenance field: no such watch. */
	p = compile_ok("rules:\n  - name: x\n    event: exec\n    condition: process.pid = 1\n");
	assert_int_equal(vg_policy_kernel_spec(p, false, &spec), 0);
	assert_false(spec.sensor[VG_SENSOR_FILE].used);
	vg_kernel_spec_free(&spec);
	vg_policy_free(p);
}


/*
 * Reads under a prefix narrow to hidden names when every file.path glob
 * of the rule that can match there names one; a pattern under the prefix
 * naming no dot file keeps every read.
 */
static void test_spec_hidden_reads(void **state)
{
	static const char *yaml =
		"rules:\n"
		"  - name: keys\n    event: open\n"
		"    condition: file.path startswith (/etc/ssh/ssh_host_, /home/)"
		" and (file.path glob (\"/etc/ssh/ssh_host_*_key\", \"*/.ssh/id_*\")"
		" and not file.path endswith .pub)\n"
		"  - name: notes\n    event: open\n"
		"    condition: file.path startswith /srv/ and file.path glob (\"*/.x/*\", \"/srv/*.txt\")\n";
	struct vg_policy *p = compile_ok(yaml);
	struct vg_kernel_spec spec;
	const struct vg_spec_values *v;
	const uint32_t open_w = VG_FACC_WRITE | VG_FACC_CREATE | VG_FACC_TRUNCATE | VG_FACC_EXECMODE;

	(void)state;
	assert_int_equal(vg_policy_kernel_spec(p, false, &spec), 0);
	v = &spec.sensor[VG_SENSOR_FILE].field[VG_SPEC_FILE_PATH];
	assert_true(v->on);
	assert_int_equal(prefix_access(v, "/home/"), open_w | VG_FACC_READ_HIDDEN);
	assert_int_equal(prefix_access(v, "/etc/ssh/ssh_host_"), open_w | VG_FACC_READ);
	assert_int_equal(prefix_access(v, "/srv/"), open_w | VG_FACC_READ);
	vg_kernel_spec_free(&spec);
	vg_policy_free(p);
}

static bool has_str(const char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

/*
 * The network sensor: an executable-name test is a dim (names and name*
 * prefixes); a shell_on_socket rule leaves the process dims alone (its
 * records cross past them); a distinct-port threshold per process on
 * connects is the kernel's gate and leaves every dim alone; with a
 * condition on the connection it is not, and opens the dims again.
 */
static void test_spec_net_names_and_gate(void **state)
{
	static const char *base =
		"rules:\n"
		"  - name: shells\n    event: connect\n"
		"    condition: process.executable.name glob (bash, \"perl*\") and destination.port = 4444\n"
		"  - name: rev\n    event: shell_on_socket\n    condition: process.executable.name = sh\n"
		"  - name: scan\n    event: connect\n"
		"    condition: not process.executable.path = /usr/bin/dpkg%s\n"
		"    threshold: {count: 20, per: 5s, key: process.pid, distinct: destination.port}\n";
	char yaml[1024];
	struct vg_policy *p;
	struct vg_kernel_spec spec;
	const struct vg_spec_values *n;

	(void)state;
	snprintf(yaml, sizeof(yaml), base, "");
	p = compile_ok(yaml);
	assert_int_equal(vg_policy_kernel_spec(p, false, &spec), 0);
	n = &spec.sensor[VG_SENSOR_NETWORK].field[VG_SPEC_EXE_NAME];
	assert_true(n->on);
	assert_true(has_str(n->exact, n->n_exact, "bash"));
	assert_true(has_str(n->prefixes, n->n_prefixes, "perl"));
	assert_false(has_str(n->exact, n->n_exact, "sh"));	/* the shell rule's: exempt */
	assert_true(spec.sensor[VG_SENSOR_NETWORK].field[VG_SPEC_PEER_PORT].on == false);
	assert_int_equal(spec.sensor[VG_SENSOR_NETWORK].port_gate_ns, 5000000000ull);
	assert_int_equal(spec.types[VG_EV_NET_SHELL], VG_TYPE_ALWAYS);
	assert_int_equal(spec.types[VG_EV_NET_CONNECT], VG_TYPE_FILTERED);
	vg_kernel_spec_free(&spec);
	vg_policy_free(p);
	/* A condition on the peer: no gate, and the rule opens the name dim. */
	snprintf(yaml, sizeof(yaml), base, " and not destination.address cidr 10.0.0.0/8");
	p = compile_ok(yaml);
	assert_int_equal(vg_policy_kernel_spec(p, false, &spec), 0);
	assert_int_equal(spec.sensor[VG_SENSOR_NETWORK].port_gate_ns, 0);
	assert_false(spec.sensor[VG_SENSOR_NETWORK].field[VG_SPEC_EXE_NAME].on);
	vg_kernel_spec_free(&spec);
	vg_policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_types),
		cmocka_unit_test(test_spec_types_exit_rule_wakes),
		cmocka_unit_test(test_spec_types_exec_kill_wakes),
		cmocka_unit_test(test_spec_sensor_fields),
		cmocka_unit_test(test_spec_decided_rules),
		cmocka_unit_test(test_rule_set),
		cmocka_unit_test(test_spec_needs_a_compiled_policy),
		cmocka_unit_test(test_spec_bind_mounts),
		cmocka_unit_test(test_spec_path_access),
		cmocka_unit_test(test_spec_provenance_feed),
		cmocka_unit_test(test_spec_hidden_reads),
		cmocka_unit_test(test_spec_net_names_and_gate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
