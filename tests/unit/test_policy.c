// SPDX-License-Identifier: GPL-2.0
/* Policy engine: operators, field types, lists, macros, throttling, templates, index, replay. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>
#include "event/decode.h"
#include "event/fields.h"
#include "policy/policy.h"
#include "policy/policy_kernel.h"
#include "event/proc_cache.h"
#include "repo_file.h"

static const char *EV_EXEC =
	"{\"event\":{\"kind\":\"exec\"},\"process\":{\"pid\":100,\"name\":\"bash\","
	"\"executable\":{\"path\":\"/usr/bin/bash\"},\"args\":[\"bash\",\"-c\",\"echo hi\"],"
	"\"command_line\":\"bash -c echo hi\",\"user\":{\"id\":1000},"
	"\"parent\":{\"name\":\"sshd\"},"
	"\"ancestors\":[{\"name\":\"sshd\",\"executable\":{\"path\":\"/usr/sbin/sshd\"}},"
	"{\"name\":\"systemd\"}]}}";
static const char *EV_CONN =
	"{\"event\":{\"kind\":\"connect\"},\"destination\":{\"address\":\"192.168.1.7\",\"port\":443},"
	"\"source\":{\"address\":\"fd00::1\",\"port\":40000},\"network\":{\"transport\":\"tcp\"}}";
static const char *EV_EXIT =
	"{\"event\":{\"kind\":\"exit\"},\"process\":{\"pid\":5,\"exit\":{\"code\":-1,\"signal\":0}}}";
/* What `vigil trace exec --json` prints: no command_line, parent only by pid. */
static const char *EV_EXEC_TRACE =
	"{\"@timestamp\":\"2026-11-22T04:00:00.000000000Z\",\"event\":{\"kind\":\"exec\","
	"\"boot_time_ns\":5},\"process\":{\"pid\":7,\"thread\":{\"id\":7},\"name\":\"curl\","
	"\"executable\":{\"path\":\"/usr/bin/curl\"},\"args\":[\"curl\",\"-s\",\"http://x\"],"
	"\"parent\":{\"pid\":6},\"cgroup\":{\"id\":42,\"path\":\"/user.slice\"},"
	"\"ancestors\":[{\"pid\":6,\"name\":\"bash\",\"executable\":{\"path\":\"/usr/bin/bash\"},"
	"\"args\":[\"bash\",\"-i\"]},{\"pid\":1,\"name\":\"systemd\"}],\"tty\":null}}";
/* Flat dotted keys are accepted too. */
static const char *EV_OPEN_FLAT =
	"{\"event.kind\":\"open\",\"file.path\":\"/etc/shadow\",\"process.name\":\"cat\"}";

static const char *PRELUDE =
	"lists:\n"
	"  shells: [sh, bash]\n"
	"  more_shells: [zsh, shells]\n"
	"  private: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]\n"
	"macros:\n"
	"  is_bash: process.name = bash\n"
	"  from_ssh: process.ancestors.name = sshd\n"
	"  bash_from_ssh: is_bash and from_ssh\n";

static struct vg_policy *compile_yaml(const char *yaml)
{
	struct vg_policy *p = vg_policy_new();
	const struct vg_diag *d;
	size_t n, i;

	assert_non_null(p);
	vg_policy_add_string(p, "t.yaml", yaml);
	vg_policy_compile(p);
	d = vg_policy_diags(p, &n);
	for (i = 0; i < n; i++)
		if (d[i].error)
			print_message("%s\n", d[i].text);
	return p;
}

struct hits {
	char names[16][64];
	int n;
	struct vg_alert last;
};

static int collect(struct vg_alert *a, struct vg_event_view *v, void *ctx)
{
	struct hits *h = ctx;

	(void)v;
	if (h->n < 16)
		snprintf(h->names[h->n++], 64, "%s", a->rule_name);
	h->last = *a;
	return 0;
}

static int eval_json(struct vg_policy *p, const char *json, uint64_t now, struct hits *h)
{
	struct vg_event_view *v = malloc(sizeof(*v));
	json_t *j = json_loads(json, 0, NULL);
	int n;

	assert_non_null(v);
	assert_non_null(j);
	assert_int_equal(vg_field_view_json(v, j), 0);
	memset(h, 0, sizeof(*h));
	n = vg_policy_eval(p, v, now, collect, h);
	json_decref(j);
	free(v);
	return n;
}

struct op_case {
	const char *event;
	const char *cond;
	const char *json;
	int match;
};

static void run_cases(const struct op_case *c, size_t n)
{
	char yaml[4096];
	size_t i;

	for (i = 0; i < n; i++) {
		struct vg_policy *p;
		struct hits h;
		int got;

		snprintf(yaml, sizeof(yaml), "%srules:\n  - name: r\n    event: %s\n"
			 "    condition: |\n      %s\n", PRELUDE, c[i].event, c[i].cond);
		p = compile_yaml(yaml);
		if (vg_policy_n_errors(p))
			fail_msg("case %zu (%s) did not compile", i, c[i].cond);
		got = eval_json(p, c[i].json, 0, &h);
		if (got != c[i].match)
			fail_msg("case %zu: '%s' gave %d, want %d", i, c[i].cond, got, c[i].match);
		vg_policy_free(p);
	}
}

static void test_string_ops(void **state)
{
	static const struct op_case c[] = {
		{ "exec", "process.name = bash", NULL, 1 },
		{ "exec", "process.name == bash", NULL, 1 },
		{ "exec", "process.name = sh", NULL, 0 },
		{ "exec", "process.name != sh", NULL, 1 },
		{ "exec", "process.name != bash", NULL, 0 },
		{ "exec", "process.name in (sh, bash)", NULL, 1 },
		{ "exec", "process.name in (sh, zsh)", NULL, 0 },
		{ "exec", "process.name in shells", NULL, 1 },
		{ "exec", "process.name in (dash, shells)", NULL, 1 },
		{ "exec", "process.name in more_shells", NULL, 1 },
		{ "exec", "process.name in (\"shells\")", NULL, 0 },
		{ "exec", "process.executable.path startswith /usr/", NULL, 1 },
		{ "exec", "process.executable.path startswith (/tmp/, /dev/shm/)", NULL, 0 },
		{ "exec", "process.executable.path endswith /bash", NULL, 1 },
		{ "exec", "process.executable.path endswith (/sh, /zsh)", NULL, 0 },
		{ "exec", "process.command_line contains \"-c echo\"", NULL, 1 },
		{ "exec", "process.command_line contains 'rm -rf'", NULL, 0 },
		{ "exec", "process.executable.path glob \"/usr/*/ba?h\"", NULL, 1 },
		{ "exec", "process.executable.path glob \"/usr/[!b]*\"", NULL, 0 },
		{ "exec", "process.executable.path glob (/opt/*, /usr/bin/*)", NULL, 1 },
		{ "exec", "event.action = exec", NULL, 1 },
		{ "exec", "process.tty = pts0", NULL, 0 },	/* absent: false */
		{ "exec", "process.tty != pts0", NULL, 1 },	/* != is not (=) */
	};
	struct op_case cs[sizeof(c) / sizeof(c[0])];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		cs[i] = c[i];
		cs[i].json = EV_EXEC;
	}
	run_cases(cs, sizeof(c) / sizeof(c[0]));
}

static void test_list_fields(void **state)
{
	static const struct op_case c[] = {
		{ "exec", "process.args contains echo", NULL, 1 },
		{ "exec", "process.args = \"-c\"", NULL, 1 },
		{ "exec", "process.args = \"-x\"", NULL, 0 },
		{ "exec", "process.args != \"-x\"", NULL, 1 },
		{ "exec", "process.args startswith \"ech\"", NULL, 1 },
		{ "exec", "process.ancestors.name = sshd", NULL, 1 },
		{ "exec", "process.ancestors.name = cron", NULL, 0 },
		{ "exec", "process.ancestors.executable.path = /usr/sbin/sshd", NULL, 1 },
		{ "exec", "process.parent.name = sshd", NULL, 1 },
	};
	struct op_case cs[sizeof(c) / sizeof(c[0])];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		cs[i] = c[i];
		cs[i].json = EV_EXEC;
	}
	run_cases(cs, sizeof(c) / sizeof(c[0]));
}

/* Fields derived from the trace layout when the JSON lacks them. */
static void test_trace_json_layout(void **state)
{
	static const struct op_case c[] = {
		{ "exec", "process.command_line = \"curl -s http://x\"", NULL, 1 },
		{ "exec", "process.executable.name = curl", NULL, 1 },
		{ "exec", "process.parent.name = bash", NULL, 1 },
		{ "exec", "process.parent.executable.path = /usr/bin/bash", NULL, 1 },
		{ "exec", "process.parent.command_line = \"bash -i\"", NULL, 1 },
		{ "exec", "process.parent.pid = 6", NULL, 1 },
		{ "exec", "process.thread.id = 7", NULL, 1 },
		{ "exec", "process.cgroup.id = 42 and process.cgroup.path = /user.slice", NULL, 1 },
		{ "exec", "event.boot_time_ns = 5", NULL, 1 },
		{ "exec", "process.tty = pts/0", NULL, 0 },	/* null: absent */
		{ "exec", "process.ancestors.name = systemd", NULL, 1 },
	};
	struct op_case cs[sizeof(c) / sizeof(c[0])];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		cs[i] = c[i];
		cs[i].json = EV_EXEC_TRACE;
	}
	run_cases(cs, sizeof(c) / sizeof(c[0]));
}

static void test_numeric_ops(void **state)
{
	static const struct op_case c[] = {
		{ "exec", "process.pid = 100", NULL, 1 },
		{ "exec", "process.pid = 0x64", NULL, 1 },
		{ "exec", "process.pid != 100", NULL, 0 },
		{ "exec", "process.pid < 100", NULL, 0 },
		{ "exec", "process.pid <= 100", NULL, 1 },
		{ "exec", "process.pid > 99", NULL, 1 },
		{ "exec", "process.pid >= 101", NULL, 0 },
		{ "exec", "process.pid in (1, 100)", NULL, 1 },
		{ "exec", "process.user.id in (0, 1)", NULL, 0 },
		{ "exit", "process.exit.code < 0", NULL, 1 },
		{ "exit", "process.exit.code = -1", NULL, 1 },
		{ "exit", "process.exit.code > -2", NULL, 1 },
		{ "exit", "process.exit.code >= 0", NULL, 0 },
	};
	struct op_case cs[sizeof(c) / sizeof(c[0])];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		cs[i] = c[i];
		cs[i].json = !strcmp(c[i].event, "exit") ? EV_EXIT : EV_EXEC;
	}
	run_cases(cs, sizeof(c) / sizeof(c[0]));
}

static void test_ip_ops(void **state)
{
	static const struct op_case c[] = {
		{ "connect", "destination.address cidr 192.168.0.0/16", NULL, 1 },
		{ "connect", "destination.address cidr (10.0.0.0/8, 172.16.0.0/12)", NULL, 0 },
		{ "connect", "destination.address cidr private", NULL, 1 },
		{ "connect", "destination.address = 192.168.1.7", NULL, 1 },
		{ "connect", "destination.address != 192.168.1.7", NULL, 0 },
		{ "connect", "destination.address in (192.168.1.8, 192.168.1.7)", NULL, 1 },
		{ "connect", "destination.address = \"::ffff:192.168.1.7\"", NULL, 1 },
		{ "connect", "source.address cidr \"fd00::/8\"", NULL, 1 },
		{ "connect", "source.address cidr 10.0.0.0/8", NULL, 0 },
		{ "connect", "destination.port in (80, 443)", NULL, 1 },
		{ "connect", "destination.port >= 1024", NULL, 0 },
		{ "connect", "network.transport = tcp", NULL, 1 },
		{ "connect", "not destination.address cidr private", NULL, 0 },
	};
	struct op_case cs[sizeof(c) / sizeof(c[0])];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		cs[i] = c[i];
		cs[i].json = EV_CONN;
	}
	run_cases(cs, sizeof(c) / sizeof(c[0]));
}

static void test_logic_and_macros(void **state)
{
	static const struct op_case c[] = {
		/* and binds tighter than or */
		{ "exec", "process.user.id = 0 or process.name = bash and process.pid = 1", NULL, 0 },
		{ "exec", "(process.user.id = 0 or process.name = bash) and process.pid = 100", NULL, 1 },
		{ "exec", "not process.name = sh", NULL, 1 },
		{ "exec", "not (process.name = bash or process.pid = 1)", NULL, 0 },
		{ "exec", "not not is_bash", NULL, 1 },
		{ "exec", "is_bash", NULL, 1 },
		{ "exec", "bash_from_ssh and process.pid = 100", NULL, 1 },
		{ "exec", "bash_from_ssh and process.pid = 1", NULL, 0 },
		{ "exec", "process.pid = 1 or bash_from_ssh", NULL, 1 },
	};
	struct op_case cs[sizeof(c) / sizeof(c[0])];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		cs[i] = c[i];
		cs[i].json = EV_EXEC;
	}
	run_cases(cs, sizeof(c) / sizeof(c[0]));
}

static void test_flat_json_and_kinds(void **state)
{
	struct vg_policy *p = compile_yaml(
		"rules:\n"
		"  - name: shadow\n    event: [open, unlink]\n"
		"    condition: file.path = /etc/shadow and process.name = cat\n"
		"  - name: any_exec\n    event: exec\n");
	struct hits h;

	(void)state;
	assert_int_equal(vg_policy_n_errors(p), 0);
	assert_int_equal(eval_json(p, EV_OPEN_FLAT, 0, &h), 1);
	assert_string_equal(h.names[0], "shadow");
	/* a rule without condition matches every event of its kinds, and only those */
	assert_int_equal(eval_json(p, EV_EXEC, 0, &h), 1);
	assert_string_equal(h.names[0], "any_exec");
	assert_int_equal(eval_json(p, EV_CONN, 0, &h), 0);
	vg_policy_free(p);
}

static void test_throttle(void **state)
{
	struct vg_policy *p = compile_yaml(
		"rules:\n"
		"  - name: t\n    event: exec\n    condition: process.name = bash\n"
		"    throttle: {count: 2, per: 10s, key: [process.user.id]}\n");
	const char *uid2 = "{\"event\":{\"kind\":\"exec\"},\"process\":{\"name\":\"bash\",\"user\":{\"id\":2}}}";
	const uint64_t s = 1000000000ull;
	struct vg_policy_stats st;
	struct hits h;

	(void)state;
	assert_int_equal(vg_policy_n_errors(p), 0);
	assert_int_equal(eval_json(p, EV_EXEC, 0 * s, &h), 1);
	assert_int_equal(h.last.suppressed, 0);
	assert_int_equal(eval_json(p, EV_EXEC, 1 * s, &h), 1);
	assert_int_equal(eval_json(p, EV_EXEC, 2 * s, &h), 0);
	assert_int_equal(eval_json(p, EV_EXEC, 3 * s, &h), 0);
	/* another key has its own budget */
	assert_int_equal(eval_json(p, uid2, 4 * s, &h), 1);
	assert_int_equal(h.last.suppressed, 0);
	/* next window: the first alert reports what was dropped */
	assert_int_equal(eval_json(p, EV_EXEC, 11 * s, &h), 1);
	assert_int_equal(h.last.suppressed, 2);
	assert_int_equal(eval_json(p, EV_EXEC, 12 * s, &h), 1);
	assert_int_equal(h.last.suppressed, 0);
	assert_int_equal(eval_json(p, EV_EXEC, 13 * s, &h), 0);
	vg_policy_get_stats(p, &st);
	assert_int_equal(st.suppressed, 3);
	assert_int_equal(st.alerts, 5);
	vg_policy_free(p);
}

static void test_template(void **state)
{
	struct vg_policy *p = compile_yaml(
		"rules:\n"
		"  - name: t\n    event: exec\n"
		"    output: \"{process.name} ran [{process.args}] as {process.user.id}; {{x}} tty={process.tty}\"\n"
		"  - name: n\n    event: connect\n    severity: high\n    tags: [T1071, c2]\n"
		"    output: '{destination.address}:{destination.port} from [{source.address}]'\n"
		"  - name: d\n    event: exit\n    description: exit seen\n");
	struct hits h;

	(void)state;
	assert_int_equal(vg_policy_n_errors(p), 0);
	assert_int_equal(eval_json(p, EV_EXEC, 0, &h), 1);
	assert_string_equal(h.last.message, "bash ran [bash -c echo hi] as 1000; {x} tty=<NA>");
	assert_int_equal(eval_json(p, EV_CONN, 0, &h), 1);
	assert_string_equal(h.last.message, "192.168.1.7:443 from [fd00::1]");
	assert_int_equal(h.last.severity, VG_SEV_HIGH);
	assert_int_equal(h.last.n_tags, 2);
	assert_string_equal(h.last.tags[1], "c2");
	/* no output: the description */
	assert_int_equal(eval_json(p, EV_EXIT, 0, &h), 1);
	assert_string_equal(h.last.message, "exit seen");
	vg_policy_free(p);
}

static void test_alert_fields_and_order(void **state)
{
	struct vg_policy *p = compile_yaml(
		"rules:\n"
		"  - name: first\n    event: exec\n    condition: process.pid > 1\n"
		"  - name: second\n    event: exec\n    condition: process.executable.path = /usr/bin/bash\n"
		"    action: kill\n    mode: audit\n"
		"  - name: off\n    event: exec\n    enabled: false\n"
		"  - name: third\n    event: exec\n    condition: process.executable.path startswith /usr\n");
	struct hits h;

	(void)state;
	assert_int_equal(vg_policy_n_errors(p), 0);
	assert_int_equal(vg_policy_n_rules(p), 3);
	assert_int_equal(eval_json(p, EV_EXEC, 0, &h), 3);
	assert_string_equal(h.names[0], "first");
	assert_string_equal(h.names[1], "second");
	assert_string_equal(h.names[2], "third");
	vg_policy_free(p);

	p = compile_yaml("rules:\n  - name: k\n    event: exec\n    action: kill\n    mode: audit\n"
			 "    condition: process.executable.path = /usr/bin/bash\n");
	assert_int_equal(eval_json(p, EV_EXEC, 0, &h), 1);
	assert_int_equal(h.last.action, VG_ACT_KILL);
	assert_int_equal(h.last.mode, VG_MODE_AUDIT);
	assert_true(h.last.kernel_decidable);
	vg_policy_free(p);
}

/* 200 rules anchored on distinct binaries: one event evaluates about one rule. */
static void test_index_is_not_a_scan(void **state)
{
	size_t cap = 64 * 1024, off = 0, i;
	char *yaml = malloc(cap);
	struct vg_policy_stats st;
	struct vg_policy *p;
	struct hits h;

	(void)state;
	assert_non_null(yaml);
	off += snprintf(yaml + off, cap - off, "rules:\n");
	for (i = 0; i < 198; i++)
		off += snprintf(yaml + off, cap - off,
				"  - name: bin%zu\n    event: exec\n"
				"    condition: process.executable.path = /opt/bin%zu and process.pid > 1\n",
				i, i);
	off += snprintf(yaml + off, cap - off,
			"  - name: usr\n    event: exec\n"
			"    condition: process.executable.path startswith /usr/ and process.user.id = 1000\n"
			"  - name: files\n    event: open\n    condition: file.path startswith /etc/\n");
	p = compile_yaml(yaml);
	assert_int_equal(vg_policy_n_errors(p), 0);
	assert_int_equal(vg_policy_n_rules(p), 200);
	assert_int_equal(eval_json(p, EV_EXEC, 0, &h), 1);
	assert_string_equal(h.names[0], "usr");
	assert_int_equal(eval_json(p,
		"{\"event\":{\"kind\":\"exec\"},\"process\":{\"pid\":9,\"executable\":{\"path\":\"/opt/bin77\"}}}",
		0, &h), 1);
	assert_string_equal(h.names[0], "bin77");
	vg_policy_get_stats(p, &st);
	assert_int_equal(st.events, 2);
	assert_int_equal(st.rule_evals, 2);
	vg_policy_free(p);
	free(yaml);
}

/* The live path: a validated exec record plus the process cache's ancestors. */
static void test_record_view(void **state)
{
	static const char exe[] = "/usr/bin/bash", argv[] = "bash\0-c\0id", cwd[] = "/root",
			  cg[] = "/user.slice", tty[] = "pts/0";
	struct {
		struct vg_exec e;
		char tail[128];
	} rec;
	struct vg_proc sshd = { .tgid = 10, .comm = "sshd", .exe = (char *)"/usr/sbin/sshd" };
	struct vg_proc init = { .tgid = 1, .comm = "systemd", .exe = (char *)"/usr/lib/systemd/systemd" };
	const struct vg_proc *anc[2] = { &sshd, &init };
	struct vg_event_view *v = malloc(sizeof(*v));
	struct vg_policy *p;
	size_t off = 0;
	struct hits h;

	(void)state;
	assert_non_null(v);
	memset(&rec, 0, sizeof(rec));
#define PUT(field, s, n) do { rec.e.field.off = off; rec.e.field.len = (n); \
	memcpy(rec.tail + off, s, n); off += (n); } while (0)
	PUT(filename, exe, sizeof(exe) - 1);
	PUT(exe, exe, sizeof(exe) - 1);
	PUT(argv, argv, sizeof(argv));
	PUT(cwd, cwd, sizeof(cwd) - 1);
	PUT(cgroup, cg, sizeof(cg) - 1);
	PUT(tty, tty, sizeof(tty) - 1);
#undef PUT
	rec.e.hdr.type = VG_EV_EXEC;
	rec.e.hdr.version = VG_ABI_VERSION;
	rec.e.hdr.size = sizeof(rec.e) + off;
	rec.e.hdr.tgid = 4242;
	memcpy(rec.e.hdr.comm, "bash", 5);
	rec.e.ppid = 10;
	rec.e.uid = rec.e.euid = 0;
	rec.e.argc = 3;
	assert_int_equal(vg_decode_check(&rec, rec.e.hdr.size, NULL), VG_DEC_OK);
	assert_int_equal(vg_field_view_record(v, &rec.e.hdr, rec.e.hdr.size, NULL, anc, 2), 0);
	p = compile_yaml(
		"rules:\n  - name: live\n    event: exec\n    condition: >\n"
		"      process.executable.path = /usr/bin/bash and process.args = \"-c\"\n"
		"      and process.command_line = \"bash -c id\" and process.ancestors.name = sshd\n"
		"      and process.parent.executable.path = /usr/sbin/sshd and process.user.id = 0\n"
		"      and process.working_directory = /root and process.tty = pts/0\n"
		"      and process.name = bash and process.pid = 4242 and process.parent.pid = 10\n"
		"      and process.executable.name = bash and process.args_count = 3\n"
		"      and process.cgroup.path = /user.slice\n"
		"    output: \"{process.command_line} <- {process.ancestors.executable.path}\"\n");
	assert_int_equal(vg_policy_n_errors(p), 0);
	memset(&h, 0, sizeof(h));
	assert_int_equal(vg_policy_eval(p, v, 0, collect, &h), 1);
	assert_string_equal(h.last.message, "bash -c id <- /usr/sbin/sshd /usr/lib/systemd/systemd");
	vg_policy_free(p);
	free(v);
}

/* Opens @rel (from the repository root) wherever the test runs from: the cwd, or up from the binary. */
static FILE *open_policy_file(const char *name, const char *mode)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "tests/policies/%s", name);
	return open_repo_file(rel, mode);
}

static void test_replay_basic(void **state)
{
	struct vg_replay_stats st;
	struct vg_policy *p = vg_policy_new();
	FILE *pf = open_policy_file("basic.yaml", "r");
	FILE *in = open_policy_file("events.jsonl", "r");
	char *out_buf = NULL, yaml[16384], *line, *save = NULL;
	size_t out_len = 0, n;
	FILE *out = open_memstream(&out_buf, &out_len);
	const char *want[] = { "exec_from_tmp", "shell_over_ssh", "shell_over_ssh", "read_sensitive",
			       "outbound_public_ssh" };
	int i = 0;

	(void)state;
	assert_non_null(pf);
	assert_non_null(in);
	assert_non_null(out);
	n = fread(yaml, 1, sizeof(yaml) - 1, pf);
	yaml[n] = '\0';
	fclose(pf);
	assert_int_equal(vg_policy_add_string(p, "basic.yaml", yaml), 0);
	assert_int_equal(vg_policy_compile(p), 0);
	assert_int_equal(vg_policy_replay(p, in, "events.jsonl", out, &st), 0);
	fclose(in);
	fclose(out);
	assert_int_equal(st.events, 11);
	assert_int_equal(st.skipped, 2);
	assert_int_equal(st.alerts, 5);
	for (line = strtok_r(out_buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save), i++) {
		json_t *a = json_loads(line, 0, NULL);

		assert_non_null(a);
		assert_true(i < 5);
		assert_string_equal(json_string_value(json_object_get(json_object_get(a, "rule"),
									"name")), want[i]);
		assert_string_equal(json_string_value(json_object_get(json_object_get(a, "event"),
									"kind")), "alert");
		if (i == 0) {
			assert_string_equal(json_string_value(json_object_get(
				json_object_get(a, "alert"), "outcome")), "would have killed");
			assert_string_equal(json_string_value(json_object_get(a, "message")),
					    "/tmp/payload run by uid 1000 (parent /usr/bin/bash)");
			assert_string_equal(json_string_value(json_object_get(
				json_object_get(a, "event"), "action")), "exec");
			assert_non_null(json_object_get(a, "process"));
		}
		if (i == 2)
			assert_int_equal(json_integer_value(json_object_get(
				json_object_get(a, "alert"), "suppressed")), 2);
		json_decref(a);
	}
	assert_int_equal(i, 5);
	free(out_buf);
	vg_policy_free(p);
}

/* A real `vigil trace exec --json` recording (an exec from /tmp, sh -c, their exits). */
static void test_replay_real_trace(void **state)
{
	FILE *pf = open_policy_file("trace_exec.yaml", "r");
	FILE *in = open_policy_file("trace_exec.jsonl", "r");
	struct vg_policy *p = vg_policy_new();
	char *out_buf = NULL, yaml[8192];
	size_t out_len = 0, n;
	FILE *out = open_memstream(&out_buf, &out_len);
	struct vg_replay_stats st;

	(void)state;
	assert_non_null(pf);
	assert_non_null(in);
	n = fread(yaml, 1, sizeof(yaml) - 1, pf);
	yaml[n] = '\0';
	fclose(pf);
	assert_int_equal(vg_policy_add_string(p, "trace_exec.yaml", yaml), 0);
	assert_int_equal(vg_policy_compile(p), 0);
	assert_int_equal(vg_policy_replay(p, in, "trace_exec.jsonl", out, &st), 0);
	fclose(in);
	fclose(out);
	assert_int_equal(st.events, 4);
	assert_int_equal(st.skipped, 0);
	assert_int_equal(st.alerts, 3);
	assert_non_null(strstr(out_buf, "\"message\":\"/tmp/payload_x a b by /usr/bin/bash\""));
	assert_non_null(strstr(out_buf, "\"message\":\"payload_x exited 0\""));
	assert_non_null(strstr(out_buf, "\"rule\":{\"name\":\"sh_c\""));
	free(out_buf);
	vg_policy_free(p);
}

static const struct vg_filter_dim *dim(const struct vg_sensor_filter *sf, const char *name)
{
	size_t i;

	for (i = 0; i < sf->n_dims; i++)
		if (!strcmp(sf->dims[i].field->name, name))
			return &sf->dims[i];
	return NULL;
}

static void test_prefilter(void **state)
{
	struct vg_policy *p = compile_yaml(
		"lists:\n  tmp: [/tmp/, /dev/shm/]\n"
		"rules:\n"
		"  - name: a\n    event: ptrace\n    condition: process.executable.path startswith tmp and process.user.id = 0\n"
		"  - name: b\n    event: ptrace\n    condition: process.executable.path in (/usr/bin/nc, /bin/nc) and process.user.id in (0, 33)\n"
		"  - name: c\n    event: [open, unlink]\n    condition: file.path startswith /etc/ or file.path = /root/.ssh/authorized_keys\n"
		"  - name: d\n    event: connect\n    condition: destination.port = 4444 and destination.address cidr 203.0.113.0/24\n"
		"  - name: e\n    event: exec\n    condition: process.executable.path = /bin/x\n");
	const struct vg_prefilter *pf;
	const struct vg_filter_dim *d;

	(void)state;
	assert_int_equal(vg_policy_n_errors(p), 0);
	pf = vg_policy_prefilter(p);
	assert_non_null(pf);
	/* Process records feed the cache: never a filter dimension there. */
	assert_int_equal(pf->sensor[VG_SENSOR_PROCESS].kinds, VG_KB(VG_K_EXEC));
	assert_int_equal(pf->sensor[VG_SENSOR_PROCESS].n_dims, 0);
	assert_int_equal(pf->sensor[VG_SENSOR_PRIV].kinds, VG_KB(VG_K_PTRACE));
	assert_int_equal(pf->sensor[VG_SENSOR_PRIV].n_rules, 2);
	d = dim(&pf->sensor[VG_SENSOR_PRIV], "process.executable.path");
	assert_true(d && d->active);
	assert_int_equal(d->n_exact, 2);
	assert_int_equal(d->n_prefixes, 2);
	d = dim(&pf->sensor[VG_SENSOR_PRIV], "process.user.id");
	assert_true(d && d->active);
	assert_int_equal(d->n_nums, 2);
	d = dim(&pf->sensor[VG_SENSOR_PRIV], "process.cgroup.id");
	assert_true(d && !d->active);
	assert_string_equal(d->open_rule, "a");
	/* an 'or' at the top is not a conjunct: the file sensor cannot filter on it */
	assert_int_equal(pf->sensor[VG_SENSOR_FILE].kinds, VG_KB(VG_K_OPEN) | VG_KB(VG_K_UNLINK));
	d = dim(&pf->sensor[VG_SENSOR_FILE], "file.path");
	assert_true(d && !d->active);
	d = dim(&pf->sensor[VG_SENSOR_NETWORK], "destination.port");
	assert_true(d && d->active && d->n_nums == 1 && d->nums[0] == 4444);
	d = dim(&pf->sensor[VG_SENSOR_NETWORK], "destination.address");
	assert_true(d && d->active && d->n_cidrs == 1 && d->cidrs[0].prefix == 96 + 24);
	vg_policy_free(p);
}

/*
 * The process sensor's executable trie answers with its longest match
 * alone, so each entry's bits must already hold those of the shorter
 * prefixes above it; user space (seeding) must answer the same.
 */
static void test_exe_filter_bits(void **state)
{
	struct vg_policy *p = compile_yaml(
		"rules:\n"
		"  - name: f\n    event: open\n    condition: process.executable.path startswith /usr/\n"
		"  - name: g\n    event: ptrace\n    condition: process.executable.path in (/usr/bin/gdb, /opt/x)\n"
		"  - name: h\n    event: ptrace\n    condition: process.executable.path startswith /usr/lib/\n");
	const uint32_t F = 1u << VG_SENSOR_FILE, P = 1u << VG_SENSOR_PRIV;
	struct vg_exe_filter f;
	size_t i;

	(void)state;
	assert_int_equal(vg_policy_n_errors(p), 0);
	assert_int_equal(vg_policy_exe_filter(p, &f), 0);
	assert_int_equal(f.sensors, F | P);
	assert_int_equal(f.n, 4);
	for (i = 0; i < f.n; i++) {
		const struct vg_exe_filter_entry *e = &f.v[i];

		if (!strcmp(e->path, "/usr/bin/gdb"))
			assert_true(!e->prefix && e->bits == (F | P));
		else if (!strcmp(e->path, "/usr/lib/"))
			assert_true(e->prefix && e->bits == (F | P));
		else if (!strcmp(e->path, "/usr/"))
			assert_true(e->prefix && e->bits == F);
		else if (!strcmp(e->path, "/opt/x"))
			assert_true(!e->prefix && e->bits == P);
		else
			fail_msg("unexpected entry %s", e->path);
	}
	assert_int_equal(vg_exe_filter_bits(&f, "/usr/bin/gdb"), F | P);
	assert_int_equal(vg_exe_filter_bits(&f, "/usr/bin/gdb2"), F);
	assert_int_equal(vg_exe_filter_bits(&f, "/usr/lib/x/y"), F | P);
	assert_int_equal(vg_exe_filter_bits(&f, "/opt/x"), P);
	assert_int_equal(vg_exe_filter_bits(&f, "/opt/xy"), 0);
	assert_int_equal(vg_exe_filter_bits(&f, "/bin/sh"), 0);
	vg_policy_exe_filter_free(&f);
	vg_policy_free(p);
}

/* An audit kill entry never hides an enforcing kill rule above it from the hook. */
static void test_exec_kill_folding(void **state)
{
	struct vg_policy *p = compile_yaml(
		"rules:\n"
		"  - name: tmp\n    event: exec\n    action: kill\n"
		"    condition: process.executable.path startswith /tmp/\n"
		"  - name: tmp_a\n    event: exec\n    action: kill\n    mode: audit\n"
		"    condition: process.executable.path startswith /tmp/a/\n"
		"  - name: opt\n    event: exec\n    action: kill\n    mode: audit\n"
		"    condition: process.executable.path = /opt/x\n");
	struct vg_exec_kill *v;
	size_t n, i, seen = 0;

	(void)state;
	assert_int_equal(vg_policy_n_errors(p), 0);
	assert_int_equal(vg_policy_exec_kills(p, &v, &n), 0);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		if (!strcmp(v[i].path, "/tmp/a/")) {
			assert_false(v[i].audit);
			assert_int_equal(v[i].rule_index, v[i].own_rule - 1);	/* rule 'tmp' */
			seen++;
		} else if (!strcmp(v[i].path, "/opt/x")) {
			assert_true(v[i].audit);
			assert_int_equal(v[i].rule_index, v[i].own_rule);
			seen++;
		} else {
			assert_string_equal(v[i].path, "/tmp/");
			assert_false(v[i].audit);
			seen++;
		}
	}
	assert_int_equal(seen, 3);
	free(v);
	vg_policy_free(p);
}

static const struct vg_exec_kill *kill_entry(const struct vg_exec_kill *v, size_t n,
					     const char *path)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].path, path))
			return &v[i];
	fail_msg("no exec kill entry for %s", path);
	return NULL;
}

/*
 * Kill rules with a uid: the longest key answers for every rule above it.
 * A rule on the path alone covers every uid; rules with uids share their
 * union and fall back to an audit rule on the path alone.
 */
static void test_exec_kill_uids(void **state)
{
	struct vg_policy *p = compile_yaml(
		"rules:\n"
		"  - name: tmp_any\n    event: exec\n    action: kill\n"
		"    condition: process.executable.path startswith /tmp/\n"
		"  - name: tmp_x_1000\n    event: exec\n    action: kill\n"
		"    condition: process.executable.path startswith /tmp/x/ and process.user.id = 1000\n"
		"  - name: opt_audit\n    event: exec\n    action: kill\n    mode: audit\n"
		"    condition: process.executable.path startswith /opt/\n"
		"  - name: opt_a_root\n    event: exec\n    action: kill\n"
		"    condition: process.user.id in (0, 7) and process.executable.path startswith /opt/a/\n"
		"  - name: opt_a_b_5\n    event: exec\n    action: kill\n"
		"    condition: process.executable.path startswith /opt/a/b/ and process.user.id = 5\n"
		"  - name: srv_audit_42\n    event: exec\n    action: kill\n    mode: audit\n"
		"    condition: process.executable.path = /srv/tool and process.user.id = 42\n"
		"  - name: box_cg\n    event: exec\n    action: kill\n"
		"    condition: process.executable.path startswith /box/ and process.cgroup.id in (77, 78)\n"
		"  - name: box_bin_uid\n    event: exec\n    action: kill\n"
		"    condition: process.executable.path startswith /box/bin/ and process.user.id = 9\n");
	const struct vg_exec_kill *e;
	struct vg_exec_kill *v;
	size_t n;

	(void)state;
	assert_int_equal(vg_policy_n_errors(p), 0);
	assert_int_equal(vg_policy_exec_kills(p, &v, &n), 0);
	assert_int_equal(n, 7);
	/* under /tmp/x/ the rule without a uid still kills everyone */
	e = kill_entry(v, n, "/tmp/x/");
	assert_false(e->audit);
	assert_int_equal(e->n_ids, 0);
	assert_int_equal(e->rule_index, 0);
	/* /opt/a/: uids 0 and 7 killed, anyone else "would have" (opt_audit) */
	e = kill_entry(v, n, "/opt/a/");
	assert_false(e->audit);
	assert_int_equal(e->rule_index, 3);
	assert_int_equal(e->n_ids, 2);
	assert_true(e->has_fallback && e->fallback_audit);
	assert_int_equal(e->fallback_rule, 2);
	/* /opt/a/b/: the union of both uid rules above and on it */
	e = kill_entry(v, n, "/opt/a/b/");
	assert_int_equal(e->n_ids, 3);
	assert_true(e->has_fallback);
	e = kill_entry(v, n, "/opt/");
	assert_true(e->audit);
	assert_int_equal(e->n_ids, 0);
	/* an audit rule with a uid and nothing else: would-have for uid 42 only */
	e = kill_entry(v, n, "/srv/tool");
	assert_true(e->audit);
	assert_int_equal(e->n_ids, 1);
	assert_int_equal(e->ids[0], 42);
	assert_false(e->has_fallback);
	/* cgroups work as uids do... */
	e = kill_entry(v, n, "/box/");
	assert_false(e->audit);
	assert_int_equal(e->id_kind, VG_IDS_CGROUP);
	assert_int_equal(e->n_ids, 2);
	assert_int_equal(e->ids[1], 78);
	/* ...but a uid rule under a cgroup rule is not one set: the hook leaves
	 * /box/bin/ to the /box/ entry above and the agent does the rest */
	for (size_t i = 0; i < n; i++)
		assert_string_not_equal(v[i].path, "/box/bin/");
	free(v);
	vg_policy_free(p);
}

/*
 * The net sensor's port and address filter never holds back dns or deny
 * records, so rules only on those leave its dims alone; a rule on a kind
 * it does filter still opens them.
 */
static void test_prefilter_net_dns(void **state)
{
	struct vg_policy *p = compile_yaml(
		"rules:\n"
		"  - name: c2\n    event: connect\n    condition: destination.port in (4444, 5555)\n"
		"  - name: evil\n    event: dns\n    condition: dns.question.name endswith evil.example\n");
	struct vg_policy *q = compile_yaml(
		"rules:\n"
		"  - name: c2\n    event: connect\n    condition: destination.port = 4444\n"
		"  - name: any_accept\n    event: [dns, accept]\n    condition: process.user.id = 0\n");
	const struct vg_filter_dim *d;

	(void)state;
	assert_int_equal(vg_policy_n_errors(p), 0);
	d = dim(&vg_policy_prefilter(p)->sensor[VG_SENSOR_NETWORK], "destination.port");
	assert_true(d && d->active && d->n_nums == 2);
	/* Other dims still need every rule of the sensor. */
	d = dim(&vg_policy_prefilter(p)->sensor[VG_SENSOR_NETWORK], "process.user.id");
	assert_true(d && !d->active);
	assert_int_equal(vg_policy_n_errors(q), 0);
	d = dim(&vg_policy_prefilter(q)->sensor[VG_SENSOR_NETWORK], "destination.port");
	assert_true(d && !d->active);
	assert_string_equal(d->open_rule, "any_accept");
	vg_policy_free(p);
	vg_policy_free(q);
}

/* Which kill rules the exec hook can decide, and what it reports back. */
static void test_kernel_rules(void **state)
{
	struct vg_policy *p = compile_yaml(
		"rules:\n"
		"  - name: tmp\n    event: exec\n    action: kill\n    mode: audit\n"
		"    condition: process.executable.path startswith (/tmp/, /dev/shm/)\n"
		"  - name: nc\n    event: exec\n    action: kill\n"
		"    condition: process.executable.path in (/usr/bin/nc, /bin/nc)\n"
		"  - name: nc_root\n    event: exec\n    action: kill\n"
		"    condition: process.executable.path = /usr/bin/ncat and process.user.id = 0\n"
		"  - name: alert_only\n    event: exec\n    condition: process.executable.path = /bin/x\n"
		"  - name: relative\n    event: exec\n    action: kill\n    condition: process.executable.path startswith tmp/\n"
		"  - name: uid_or\n    event: exec\n    action: kill\n"
		"    condition: process.executable.path = /bin/y or process.user.id = 4242\n"
		"  - name: too_many_uids\n    event: exec\n    action: kill\n"
		"    condition: process.executable.path = /bin/z and process.user.id in (1,2,3,4,5,6,7,8,9)\n"
		"  - name: uid_range\n    event: exec\n    action: kill\n"
		"    condition: process.executable.path = /bin/w and process.user.id > 1000\n");
	static const char exe[] = "/usr/bin/nc";
	struct {
		struct vg_exec e;
		char tail[64];
	} rec;
	const struct vg_prefilter *pf;
	struct vg_event_view *v = malloc(sizeof(*v));
	struct hits h;

	(void)state;
	assert_int_equal(vg_policy_n_errors(p), 0);
	pf = vg_policy_prefilter(p);
	assert_int_equal(pf->n_kernel_rules, 3);
	assert_string_equal(pf->kernel_rules[0].rule, "tmp");
	assert_int_equal(pf->kernel_rules[0].rule_index, 0);
	assert_true(pf->kernel_rules[0].audit);
	assert_int_equal(pf->kernel_rules[0].n_prefixes, 2);
	assert_string_equal(pf->kernel_rules[1].rule, "nc");
	assert_int_equal(pf->kernel_rules[1].rule_index, 1);
	assert_int_equal(pf->kernel_rules[1].n_exact, 2);
	assert_string_equal(pf->kernel_rules[1].exact[0], "/bin/nc");
	assert_int_equal(pf->kernel_rules[1].n_ids, 0);
	/* path AND effective uid = / in (up to 8): the hook checks the uid too */
	assert_string_equal(pf->kernel_rules[2].rule, "nc_root");
	assert_int_equal(pf->kernel_rules[2].n_exact, 1);
	assert_int_equal(pf->kernel_rules[2].id_kind, VG_IDS_EUID);
	assert_int_equal(pf->kernel_rules[2].n_ids, 1);
	assert_int_equal(pf->kernel_rules[2].ids[0], 0);

	/* The sensor killed /usr/bin/nc for rule 1: the alert says so. */
	memset(&rec, 0, sizeof(rec));
	memcpy(rec.tail, exe, sizeof(exe) - 1);
	rec.e.exe.len = rec.e.filename.len = sizeof(exe) - 1;
	rec.e.hdr.type = VG_EV_EXEC;
	rec.e.hdr.version = VG_ABI_VERSION;
	rec.e.hdr.size = sizeof(rec.e) + sizeof(exe) - 1;
	rec.e.hdr.flags = VG_HF_KILLED;
	rec.e.rule_id = 1;
	assert_int_equal(vg_decode_check(&rec, rec.e.hdr.size, NULL), VG_DEC_OK);
	assert_int_equal(vg_field_view_record(v, &rec.e.hdr, rec.e.hdr.size, NULL, NULL, 0), 0);
	memset(&h, 0, sizeof(h));
	assert_int_equal(vg_policy_eval(p, v, 0, collect, &h), 1);
	assert_string_equal(h.last.rule_name, "nc");
	assert_true(h.last.kernel_decidable);
	assert_string_equal(h.last.outcome, "killed in kernel");
	free(v);
	vg_policy_free(p);
}

static void test_fields_registry(void **state)
{
	const struct vg_field *t;
	struct vg_ip ip, net;
	unsigned pre;
	size_t n, i;

	(void)state;
	t = vg_field_table(&n);
	assert_true(n > 30);
	for (i = 0; i < n; i++) {
		assert_ptr_equal(vg_field_lookup(t[i].name, strlen(t[i].name)), &t[i]);
		assert_true(t[i].kinds != 0);
		assert_true(strlen(t[i].description) > 0);
	}
	assert_null(vg_field_lookup("process.nope", 12));
	assert_string_equal(vg_field_suggest("process.nmae", 12), "process.name");
	assert_int_equal(vg_field_kind_lookup("udp_flow", 8), VG_K_UDP_FLOW);
	assert_int_equal(vg_field_kind_sensor(VG_K_RENAME), VG_SENSOR_FILE);
	assert_int_equal(vg_field_kind_sensor(VG_K_DNS), VG_SENSOR_NETWORK);
	assert_int_equal(vg_field_kind_sensor(VG_K_PTRACE), VG_SENSOR_PRIV);
	assert_int_equal(vg_field_parse_cidr("10.0.0.0/8", 10, &net, &pre), 0);
	assert_int_equal(pre, 104);
	assert_int_equal(vg_field_parse_ip("10.200.1.1", 10, &ip), 0);
	assert_true(vg_field_ip_in_cidr(&ip, &net, pre));
	assert_int_equal(vg_field_parse_ip("11.0.0.1", 8, &ip), 0);
	assert_false(vg_field_ip_in_cidr(&ip, &net, pre));
	assert_int_not_equal(vg_field_parse_cidr("10.0.0.1/8", 10, &net, &pre), 0);	/* host bits */
	assert_int_not_equal(vg_field_parse_cidr("10.0.0.0/33", 11, &net, &pre), 0);
	assert_int_equal(vg_field_parse_cidr("2001:db8::/32", 13, &net, &pre), 0);
	assert_int_equal(pre, 32);
}

/* docs/policy.md embeds `vigil policy fields --markdown`; keep it current. */
static void test_docs_field_table_current(void **state)
{
	char path[512], *doc = NULL, *gen = NULL, *begin, *end;
	size_t doc_len = 0, gen_len = 0, n;
	FILE *f = open_repo_file("docs/policy.md", "r"), *g;

	(void)state;
	assert_non_null(f);
	g = open_memstream(&doc, &doc_len);
	assert_non_null(g);
	while ((n = fread(path, 1, sizeof(path), f)) > 0)
		fwrite(path, 1, n, g);
	fclose(f);
	fclose(g);
	g = open_memstream(&gen, &gen_len);
	assert_non_null(g);
	vg_field_print_markdown(g);
	fclose(g);
	begin = strstr(doc, "<!-- fields:begin -->\n");
	end = strstr(doc, "<!-- fields:end -->");
	assert_non_null(begin);
	assert_non_null(end);
	begin += strlen("<!-- fields:begin -->\n");
	*end = '\0';
	if (strcmp(begin, gen))
		fail_msg("docs/policy.md is stale: regenerate its field table with "
			 "'vigil policy fields --markdown'");
	free(doc);
	free(gen);
}

static void test_directory_load(void **state)
{
	char dir[] = "/tmp/vigil-policy-XXXXXX", path[600];
	struct vg_policy *p;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/10-lists.yaml", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("lists:\n  bins: [/bin/nc]\nmacros:\n  nc: process.executable.path in bins\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/20-rules.yml", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("rules:\n  - name: netcat\n    event: exec\n    condition: nc\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/ignored.txt", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("this is not yaml: [", f);
	fclose(f);
	p = vg_policy_new();
	assert_int_equal(vg_policy_add_path(p, dir), 0);
	assert_int_equal(vg_policy_compile(p), 0);
	assert_int_equal(vg_policy_n_rules(p), 1);
	vg_policy_free(p);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields_registry),
		cmocka_unit_test(test_string_ops),
		cmocka_unit_test(test_list_fields),
		cmocka_unit_test(test_trace_json_layout),
		cmocka_unit_test(test_numeric_ops),
		cmocka_unit_test(test_ip_ops),
		cmocka_unit_test(test_logic_and_macros),
		cmocka_unit_test(test_flat_json_and_kinds),
		cmocka_unit_test(test_throttle),
		cmocka_unit_test(test_template),
		cmocka_unit_test(test_alert_fields_and_order),
		cmocka_unit_test(test_index_is_not_a_scan),
		cmocka_unit_test(test_record_view),
		cmocka_unit_test(test_prefilter),
		cmocka_unit_test(test_prefilter_net_dns),
		cmocka_unit_test(test_exe_filter_bits),
		cmocka_unit_test(test_exec_kill_folding),
		cmocka_unit_test(test_exec_kill_uids),
		cmocka_unit_test(test_kernel_rules),
		cmocka_unit_test(test_replay_basic),
		cmocka_unit_test(test_replay_real_trace),
		cmocka_unit_test(test_directory_load),
		cmocka_unit_test(test_docs_field_table_current),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
