// SPDX-License-Identifier: GPL-2.0
/*
 * Tuning a policy from later files: list and macro appends, rule
 * overrides, exceptions, their errors at file:line:col, their bounds, the
 * kernel's share staying right, and 'policy show' printing a policy that
 * compiles to the same thing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "policy/policy.h"
#include "policy/policy_kernel.h"

/* One exec event: "NAME EXE PARENT UID". */
static void exec_event(FILE *f, const char *name, const char *exe, const char *parent, int uid)
{
	fprintf(f, "{\"event\":{\"kind\":\"event\",\"action\":\"exec\"},\"process\":{\"pid\":100,"
		"\"name\":\"%s\",\"executable\":{\"path\":\"%s\"},\"user\":{\"id\":%d},"
		"\"parent\":{\"pid\":1,\"name\":\"%s\"}}}\n", name, exe, uid, parent);
}

static const char BASE[] =
	"lists:\n"
	"  shells: [sh, bash]\n"
	"macros:\n"
	"  is_shell: process.name in shells\n"
	"rules:\n"
	"  - name: shell\n"
	"    event: exec\n"
	"    condition: is_shell\n"
	"    severity: high\n"
	"  - name: tmp_exec\n"
	"    event: exec\n"
	"    condition: process.executable.path startswith /tmp/\n";

/* Compiles BASE then @user (NULL: none); asserts it compiles. */
static struct vg_policy *merged(const char *user)
{
	struct vg_policy *p = vg_policy_new();
	const struct vg_diag *d;
	size_t n;

	assert_non_null(p);
	assert_int_equal(vg_policy_add_string(p, "base.yaml", BASE), 0);
	if (user)
		assert_int_equal(vg_policy_add_string(p, "user.yaml", user), 0);
	if (vg_policy_compile(p)) {
		d = vg_policy_diags(p, &n);
		fail_msg("does not compile: %s", n ? d[0].text : "?");
	}
	return p;
}

/* Alerts of rule @rule for the events written by @gen, as "name:severity" lines. */
static char *alerts(struct vg_policy *p, void (*gen)(FILE *))
{
	char *in = NULL, *out = NULL, *res = calloc(1, 4096);
	size_t in_len = 0, out_len = 0;
	struct vg_replay_stats st;
	FILE *fi = open_memstream(&in, &in_len), *fo;
	char *line, *save = NULL;

	gen(fi);
	fclose(fi);
	fi = fmemopen(in, in_len, "r");
	fo = open_memstream(&out, &out_len);
	assert_int_equal(vg_policy_replay(p, fi, "ev", fo, &st), 0);
	fclose(fi);
	fclose(fo);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *r = strstr(line, "\"rule\":{\"name\":\"");
		const char *pid = strstr(line, "\"pid\":");

		assert_non_null(r);
		r += strlen("\"rule\":{\"name\":\"");
		snprintf(res + strlen(res), 4096 - strlen(res), "%.*s@%s;", (int)strcspn(r, "\""), r,
			 strstr(line, "\"user\":{\"id\":0") ? "root" : "user");
		(void)pid;
	}
	free(in);
	free(out);
	return res;
}

static void shells(FILE *f)
{
	exec_event(f, "bash", "/usr/bin/bash", "sshd", 1000);
	exec_event(f, "zsh", "/usr/bin/zsh", "sshd", 1000);
	exec_event(f, "fish", "/usr/bin/fish", "sshd", 1000);
	exec_event(f, "bash", "/usr/bin/bash", "sshd", 0);
}

static void expect_alerts(const char *user, void (*gen)(FILE *), const char *want)
{
	struct vg_policy *p = merged(user);
	char *got = alerts(p, gen);

	assert_string_equal(got, want);
	free(got);
	vg_policy_free(p);
}

static void test_without_changes(void **state)
{
	(void)state;
	expect_alerts(NULL, shells, "shell@user;shell@root;");
}

static void test_list_append_and_replace(void **state)
{
	(void)state;
	expect_alerts("lists:\n  shells: {append: [zsh]}\n", shells,
		      "shell@user;shell@user;shell@root;");
	expect_alerts("lists:\n  shells: {replace: [fish]}\n", shells, "shell@user;");
	/* appends of appends, in file order */
	expect_alerts("lists:\n  shells: {append: [zsh]}\n---\nlists:\n  shells: {append: [fish]}\n",
		      shells, "shell@user;shell@user;shell@user;shell@root;");
}

static void test_macro_append_and_replace(void **state)
{
	(void)state;
	expect_alerts("macros:\n  is_shell: {append: or process.name = fish}\n", shells,
		      "shell@user;shell@user;shell@root;");
	expect_alerts("macros:\n  is_shell: {append: and process.user.id = 0}\n", shells,
		      "shell@root;");
	expect_alerts("macros:\n  is_shell: {replace: process.name = zsh}\n", shells, "shell@user;");
}

static void test_rule_condition_replace_and_append(void **state)
{
	(void)state;
	expect_alerts("rules:\n  - override: shell\n    condition: process.name = fish\n", shells,
		      "shell@user;");
	expect_alerts("rules:\n  - override: shell\n    append: and not process.user.id = 0\n", shells,
		      "shell@user;");
	/* an append applies to the condition as it is then: the replacement */
	expect_alerts("rules:\n  - override: shell\n    condition: process.name = bash\n"
		      "  - override: shell\n    append: or process.name = zsh\n", shells,
		      "shell@user;shell@user;shell@root;");
}

static void test_rule_severity_action_output_disable(void **state)
{
	struct vg_policy *p;
	char *got;

	(void)state;
	p = merged("rules:\n  - override: shell\n    severity: low\n    action: kill\n"
		   "    output: \"sh {process.name}\"\n");
	got = alerts(p, shells);
	assert_string_equal(got, "shell@user;shell@root;");
	free(got);
	vg_policy_free(p);
	p = merged("rules:\n  - override: shell\n    enabled: false\n");
	assert_int_equal(vg_policy_n_rules(p), 1);	/* tmp_exec only */
	got = alerts(p, shells);
	assert_string_equal(got, "");
	free(got);
	vg_policy_free(p);
}

static void tuples(FILE *f)
{
	exec_event(f, "bash", "/usr/bin/bash", "make", 1000);	/* excepted: make, /usr/ */
	exec_event(f, "bash", "/opt/x/bash", "make", 1000);	/* make but not /usr/: alerts */
	exec_event(f, "bash", "/srv/bash", "ninja", 1000);	/* ninja, one of /opt/ /srv/ */
	exec_event(f, "bash", "/usr/bin/bash", "ninja", 1000);	/* ninja, not those: alerts */
	exec_event(f, "bash", "/usr/bin/bash", "cron", 0);	/* second exception: root by cron */
}

static void test_exceptions(void **state)
{
	(void)state;
	expect_alerts("rules:\n  - override: shell\n    exceptions:\n"
		      "      - name: builds\n"
		      "        fields: [process.parent.name, process.executable.path]\n"
		      "        comps: [=, startswith]\n"
		      "        values:\n          - [make, /usr/]\n          - [ninja, [/opt/, /srv/]]\n"
		      "      - name: cron_root\n"
		      "        fields: [process.parent.name, process.user.id]\n"
		      "        values: [[cron, 0]]\n",
		      tuples, "shell@user;shell@user;");
	/* one field: each value is a tuple; 'in' names a list */
	expect_alerts("lists:\n  builders: [make, ninja]\n"
		      "rules:\n  - override: shell\n    exceptions:\n"
		      "      - name: builders\n        fields: process.parent.name\n        comps: in\n"
		      "        values: [builders]\n",
		      tuples, "shell@root;");
	/* the same name and fields in a later file adds values to that exception */
	expect_alerts("rules:\n  - override: shell\n    exceptions:\n"
		      "      - {name: b, fields: [process.parent.name], values: [[make]]}\n"
		      "---\nrules:\n  - override: shell\n    exceptions:\n"
		      "      - {name: b, fields: [process.parent.name], values: [[ninja]]}\n",
		      tuples, "shell@root;");
	/* an empty list of values matches nothing: the tuple never widens to its other fields */
	expect_alerts("rules:\n  - override: shell\n    exceptions:\n"
		      "      - {name: e, fields: [process.parent.name, process.executable.path], "
		      "values: [[make, []], [ninja, [/srv/bash]]]}\n",
		      tuples, "shell@user;shell@user;shell@user;shell@root;");
	/* on a new rule, and a later file adds another */
	expect_alerts("rules:\n  - name: s2\n    event: exec\n    condition: process.name = bash\n"
		      "    exceptions:\n      - {name: a, fields: [process.parent.name], values: [[make]]}\n"
		      "  - override: shell\n    enabled: false\n"
		      "  - override: s2\n"
		      "    exceptions:\n      - {name: b, fields: [process.parent.name], values: [[ninja]]}\n",
		      tuples, "s2@root;");
}

/* The one error of compiling BASE and @user. */
static void expect_error(const char *user, const char *want)
{
	struct vg_policy *p = vg_policy_new();
	const struct vg_diag *d;
	size_t n, i;

	vg_policy_add_string(p, "base.yaml", BASE);
	vg_policy_add_string(p, "user.yaml", user);
	assert_int_not_equal(vg_policy_compile(p), 0);
	d = vg_policy_diags(p, &n);
	for (i = 0; i < n && !d[i].error; i++)
		;
	assert_true(i < n);
	assert_string_equal(d[i].text, want);
	vg_policy_free(p);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("rules:\n  - override: shel\n    enabled: false\n",
		     "user.yaml:2:15: error: cannot change undefined rule 'shel' (hint: did you mean 'shell'?)");
	expect_error("rules:\n  - override: nothing_like_it\n    enabled: false\n",
		     "user.yaml:2:15: error: cannot change undefined rule 'nothing_like_it' (hint: a change applies to a rule defined before it (the built-in default, an earlier file, or earlier in this one))");
	expect_error("lists:\n  shellz: {append: [zsh]}\n",
		     "user.yaml:2:3: error: cannot change undefined list 'shellz' (hint: did you mean 'shells'?)");
	expect_error("macros:\n  no_such_macro_here: {append: or process.pid = 1}\n",
		     "user.yaml:2:3: error: cannot change undefined macro 'no_such_macro_here' (hint: a change applies to a macro defined before it (the built-in default, an earlier file, or earlier in this one))");
	expect_error("lists:\n  shells: [zsh]\n",
		     "user.yaml:2:3: error: list 'shells' is already defined (hint: first defined at base.yaml:2:3; to change it, write NAME: {append: [...]} or {replace: [...]})");
	expect_error("macros:\n  is_shell: process.name = zsh\n",
		     "user.yaml:2:3: error: macro 'is_shell' is already defined (hint: first defined at base.yaml:4:3; to change it, write NAME: {append: and|or COND} or {replace: COND})");
	expect_error("lists:\n  shells: {prepend: [zsh]}\n",
		     "user.yaml:2:12: error: a change to a list is {append: ...} or {replace: ...} (hint: one key: append or replace)");
	expect_error("rules:\n  - override: shell\n    append: process.pid = 1\n",
		     "user.yaml:3:13: error: an append starts with 'and' or 'or', found 'process.pid' (hint: e.g. append: and not process.name = make)");
	/* words left after an append's condition: the same message as in a whole condition */
	expect_error("rules:\n  - override: shell\n    append: and process.pid = 1 extra\n",
		     "user.yaml:3:33: error: expected 'and', 'or' or the end, found 'extra' (hint: join conditions with 'and' or 'or')");
	/* a mistake inside an append points into the append */
	expect_error("rules:\n  - override: shell\n    append: and process.nmae = x\n",
		     "user.yaml:3:17: error: unknown field 'process.nmae' (hint: did you mean 'process.name'?)");
	expect_error("rules:\n  - name: x\n    event: exec\n    append: and process.pid = 1\n",
		     "user.yaml:4:13: error: append changes an existing rule: this entry has no override (hint: write '- override: NAME' to change a rule)");
	expect_error("rules:\n  - override: shell\n    event: open\n",
		     "user.yaml:3:12: error: an override cannot change a rule's event (hint: disable it (enabled: false) and define a new rule with its own name)");
	expect_error("rules:\n  - override: shell\n    name: shell\n",
		     "user.yaml:3:11: error: a rule entry has name: (a new rule) or override: (a change), not both (hint: drop name: to change the rule override names)");
	expect_error("rules:\n  - override: shell\n    exceptions:\n      - {name: a, fields: [file.path], values: [[/x]]}\n",
		     "user.yaml:4:28: error: field 'file.path' is not available for event 'exec' (hint: 'file.path' exists for: open, unlink, rename, chmod, chown, link, symlink, truncate, utimes, mknod, mount, memfd, io_uring, setxattr)");
	expect_error("rules:\n  - override: shell\n    exceptions:\n      - {name: a, fields: [process.parent.name, process.name], values: [[make]]}\n",
		     "user.yaml:4:73: error: exception 'a' has 2 fields: this tuple has 1 values (hint: one value per field, in order)");
	expect_error("rules:\n  - override: shell\n    exceptions:\n      - {name: a, fields: [process.name], comps: [like], values: [[x]]}\n",
		     "user.yaml:4:51: error: unknown comp 'like' (hint: =, !=, <, <=, >, >=, in, startswith, endswith, contains, glob or cidr)");
	expect_error("rules:\n  - override: shell\n    exceptions:\n      - {name: a, fields: [process.name], values: [[x]]}\n"
		     "  - override: shell\n    exceptions:\n      - {name: a, fields: [process.name], comps: [startswith], values: [[y]]}\n",
		     "user.yaml:7:9: error: rule 'shell' already has an exception 'a' with other fields or comps (hint: first at user.yaml:4:9: same fields and comps to add values to it, or another name)");
	/* a bad value is reported at the value */
	expect_error("rules:\n  - override: shell\n    exceptions:\n      - {name: a, fields: [process.user.id], values: [[root]]}\n",
		     "user.yaml:4:56: error: 'root' is not a number (hint: 'process.user.id' is a uint: write a number like 0, 1000 or 0x1f)");
}

/* BASE, then @n files, each @fmt with its index. */
static struct vg_policy *appended(size_t n, const char *fmt)
{
	struct vg_policy *p = vg_policy_new();
	char text[256];
	size_t i;

	vg_policy_add_string(p, "base.yaml", BASE);
	for (i = 0; i < n; i++) {
		snprintf(text, sizeof(text), fmt, i);
		assert_int_equal(vg_policy_add_string(p, "u.yaml", text), 0);
	}
	return p;
}

/* Appends count against the bounds of policy_limits.h, and are reported, never a crash. */
static void test_append_chains_are_bounded(void **state)
{
	struct vg_policy *p;
	const struct vg_diag *d;
	size_t n;

	(void)state;
	/* a long chain of one operator: flat, fine below the term bound */
	p = appended(5000, "macros:\n  is_shell: {append: or process.pid = %zu}\n");
	assert_int_equal(vg_policy_compile(p), 0);
	vg_policy_free(p);
	/* past the terms of one rule */
	p = appended(20000, "macros:\n  is_shell: {append: or process.pid = %zu}\n");
	assert_int_not_equal(vg_policy_compile(p), 0);
	d = vg_policy_diags(p, &n);
	assert_true(n >= 1);
	assert_non_null(strstr(d[0].text, "expands to more than 16384 terms"));
	vg_policy_free(p);
	/* alternating operators nest: refused at the depth bound, not on the stack */
	{
		struct vg_policy *q = vg_policy_new();
		char text[128];
		size_t i;

		vg_policy_add_string(q, "base.yaml", BASE);
		for (i = 0; i < 3000; i++) {
			snprintf(text, sizeof(text), "rules:\n  - override: shell\n    append: %s process.pid = 1\n",
				 i % 2 ? "and" : "or");
			vg_policy_add_string(q, "u.yaml", text);
		}
		assert_int_not_equal(vg_policy_compile(q), 0);
		d = vg_policy_diags(q, &n);
		assert_non_null(strstr(d[0].text, "nests deeper than 256 levels"));
		vg_policy_free(q);
	}
	/* list appends stay linear: 100,000 one-item appends */
	p = appended(100000, "lists:\n  shells: {append: [s%zu]}\n");
	assert_int_equal(vg_policy_compile(p), 0);
	vg_policy_free(p);
}

static int count_cb(void *ctx, const char *rule, const char *path, size_t len, bool prefix,
		    bool exec, uint32_t rule_id, bool audit)
{
	(void)rule, (void)path, (void)len, (void)prefix, (void)exec, (void)rule_id, (void)audit;
	++*(int *)ctx;
	return 0;
}

/* An exception only removes matches in user space: the kernel never decides alone for it. */
static void test_exceptions_keep_the_kernel_share_right(void **state)
{
	static const char kill[] =
		"rules:\n  - name: k\n    event: exec\n    action: kill\n"
		"    condition: process.executable.path startswith /tmp/evil/\n"
		"  - name: d\n    event: open\n    action: deny\n    mode: audit\n"
		"    condition: file.path startswith /srv/secret/\n"
		"  - name: r\n    event: open\n    condition: file.path startswith /etc/\n";
	static const char exc[] =
		"rules:\n  - override: k\n    exceptions:\n      - {name: a, fields: [process.user.id], values: [[0]]}\n"
		"  - override: d\n    exceptions:\n      - {name: a, fields: [process.name], values: [[backup]]}\n"
		"  - override: r\n    exceptions:\n      - {name: a, fields: [file.path], values: [[/etc/hosts]]}\n";
	struct vg_exec_kill *kills = NULL;
	const struct vg_filter_dim *dim;
	size_t n_kills;
	int n_deny = 0, pass;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		struct vg_policy *p = vg_policy_new();

		vg_policy_add_string(p, "k.yaml", kill);
		if (pass)
			vg_policy_add_string(p, "e.yaml", exc);
		assert_int_equal(vg_policy_compile(p), 0);
		assert_int_equal(vg_policy_exec_kills(p, &kills, &n_kills), 0);
		free(kills);
		n_deny = 0;
		assert_int_equal(vg_policy_file_deny_rules(p, count_cb, &n_deny), 0);
		/* without the exception the kernel decides both; with it, user space does */
		assert_int_equal(n_kills, pass ? 0 : 1);
		assert_int_equal(n_deny, pass ? 0 : 1);
		/* the file pre-filter still lets /etc/ through: the exception did not narrow it */
		dim = vg_policy_filter_dim(p, VG_SENSOR_FILE, "file.path");
		assert_non_null(dim);
		assert_true(dim->n_prefixes >= 2);
		vg_policy_free(p);
	}
}

/* An exception must not turn an enforced deny into an alert silently: refused. */
static void test_exception_on_an_enforced_deny_is_refused(void **state)
{
	struct vg_policy *p = vg_policy_new();
	const struct vg_diag *d;
	size_t n;

	(void)state;
	vg_policy_add_string(p, "d.yaml", "rules:\n  - name: d\n    event: open\n    action: deny\n"
			     "    condition: file.path startswith /srv/secret/\n");
	vg_policy_add_string(p, "e.yaml", "rules:\n  - override: d\n    exceptions:\n"
			     "      - {name: backup, fields: [process.name], values: [[backup]]}\n");
	assert_int_not_equal(vg_policy_compile(p), 0);
	d = vg_policy_diags(p, &n);
	assert_int_equal(n, 1);
	assert_string_equal(d[0].text, "e.yaml:4:9: error: rule 'd': with exception 'backup' its deny "
			    "could no longer be enforced (only a rule on paths, executables, ports or "
			    "addresses alone is denied before it happens) (hint: narrow the rule's own "
			    "path, port or address instead, or override its action to alert)");
	vg_policy_free(p);
	/* a kill still happens, later: a warning */
	p = vg_policy_new();
	vg_policy_add_string(p, "k.yaml", "rules:\n  - name: k\n    event: exec\n    action: kill\n"
			     "    condition: process.executable.path startswith /tmp/evil/\n"
			     "    exceptions:\n      - {name: ok, fields: [process.user.id], values: [[0]]}\n");
	assert_int_equal(vg_policy_compile(p), 0);
	d = vg_policy_diags(p, &n);
	assert_int_equal(n, 1);
	assert_non_null(strstr(d[0].text, "warning: rule 'k': with exception 'ok' its kill is decided in user space"));
	vg_policy_free(p);
}

static void test_show_prints_a_policy_that_compiles_the_same(void **state)
{
	static const char user[] =
		"lists:\n  shells: {append: [zsh, \"a, b: #c\"]}\n"
		"macros:\n  is_shell: {append: \"or (process.name = fish)\"}\n"
		"rules:\n  - override: shell\n    severity: low\n    append: and not process.user.id = 0\n"
		"    exceptions:\n      - name: builds\n        fields: [process.parent.name, process.executable.path]\n"
		"        comps: [=, startswith]\n        values: [[make, /usr/], [ninja, [/opt/, \"/s rv/\"]]]\n"
		"  - override: tmp_exec\n    enabled: false\n";
	struct vg_policy *p = merged(user), *q;
	char *text = NULL, *a, *b;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	vg_policy_show(p, f);
	fclose(f);
	assert_non_null(strstr(text, "# base.yaml:6:11; severity at user.yaml:6:15; append at user.yaml:8:13; exception at user.yaml:10:9\n"));
	assert_non_null(strstr(text, "  shells: [\"sh\", \"bash\", \"zsh\", \"a, b: #c\"]\n"));
	assert_non_null(strstr(text, "enabled: false\n"));
	q = vg_policy_new();
	vg_policy_add_string(q, "shown.yaml", text);
	assert_int_equal(vg_policy_compile(q), 0);
	assert_int_equal(vg_policy_n_rules(q), vg_policy_n_rules(p));
	a = alerts(p, shells);
	b = alerts(q, shells);
	assert_string_equal(a, b);
	free(a);
	free(b);
	a = alerts(p, tuples);
	b = alerts(q, tuples);
	assert_string_equal(a, b);
	free(a);
	free(b);
	free(text);
	vg_policy_free(q);
	vg_policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_without_changes),
		cmocka_unit_test(test_list_append_and_replace),
		cmocka_unit_test(test_macro_append_and_replace),
		cmocka_unit_test(test_rule_condition_replace_and_append),
		cmocka_unit_test(test_rule_severity_action_output_disable),
		cmocka_unit_test(test_exceptions),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_append_chains_are_bounded),
		cmocka_unit_test(test_exceptions_keep_the_kernel_share_right),
		cmocka_unit_test(test_exception_on_an_enforced_deny_is_refused),
		cmocka_unit_test(test_show_prints_a_policy_that_compiles_the_same),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
