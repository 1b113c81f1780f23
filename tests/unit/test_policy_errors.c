// SPDX-License-Identifier: GPL-2.0
/* Policy diagnostics: every error and warning, with its exact file:line:col and hint. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "policy/policy.h"

struct diag_case {
	const char *yaml;
	const char *want;	/* one exact diagnostic line */
	bool valid;		/* the policy still compiles (warnings only) */
};

#define R(event, cond) "rules:\n  - name: a\n    event: " event "\n    condition: " cond "\n"

static const struct diag_case cases[] = {
	/* 0: unknown field, column inside the condition */
	{ R("exec", "process.nme = x"),
	  "t.yaml:4:16: error: unknown field 'process.nme' (hint: did you mean 'process.name'?)", false },
	/* 1: wrong operand type */
	{ R("exec", "process.pid = abc"),
	  "t.yaml:4:30: error: 'abc' is not a number (hint: 'process.pid' is a uint: write a number like 0, 1000 or 0x1f)", false },
	/* 2: operator does not fit the field's type */
	{ R("exec", "process.name < 3"),
	  "t.yaml:4:29: error: operator '<' does not apply to 'process.name' (string) (hint: use =, !=, in, startswith, endswith, contains or glob)", false },
	/* 3: a field the rule's event does not have */
	{ R("exec", "file.path = /etc/passwd"),
	  "t.yaml:4:16: error: field 'file.path' is not available for event 'exec' (hint: 'file.path' exists for: open, unlink, rename, chmod, chown, link, symlink, truncate, utimes, mknod, mount, memfd, io_uring, setxattr)", false },
	/* 4: bad CIDR, double-quoted scalar */
	{ R("connect", "\"destination.address cidr 10.0.0.0/33\""),
	  "t.yaml:4:42: error: bad CIDR '10.0.0.0/33' (hint: e.g. 10.0.0.0/8, 192.168.1.7 or fd00::/8 (no host bits set))", false },
	/* 5: bad glob, single-quoted scalar with a quoted operand */
	{ R("open", "'file.path glob \"/etc/[ab\"'"),
	  "t.yaml:4:32: error: bad glob '/etc/[ab' (hint: close '[' with ']', or escape it as '\\[')", false },
	/* 6: undefined list */
	{ "lists:\n  shells: [sh]\n" R("exec", "process.name in shellz"),
	  "t.yaml:6:32: error: undefined list 'shellz' (hint: did you mean 'shells'?)", false },
	/* 7: undefined macro */
	{ "macros:\n  is_shell: process.name = sh\n" R("exec", "is_shel and process.pid = 1"),
	  "t.yaml:6:16: error: undefined macro 'is_shel' (hint: did you mean 'is_shell'?)", false },
	/* 8: a field named without an operator */
	{ R("exec", "process.name"),
	  "t.yaml:4:16: error: undefined macro 'process.name' (hint: 'process.name' is a field: compare it, e.g. process.name = value)", false },
	/* 9: duplicate rule name */
	{ "rules:\n  - name: a\n    event: exec\n  - name: a\n    event: exit\n",
	  "t.yaml:4:11: error: duplicate rule name 'a' (hint: first defined at t.yaml:2:11; to change it, write '- override: NAME' with the keys to change)", false },
	/* 10: macro cycle, reported where the loop closes */
	{ "macros:\n  m1: m2 and process.pid = 1\n  m2: not m1\n" R("exec", "m1"),
	  "t.yaml:3:11: error: macro cycle: m1 -> m2 -> m1 (hint: a macro may not use itself, directly or not)", false },
	/* 11: list cycle */
	{ "lists:\n  l1: [a, l2]\n  l2: [l1]\n" R("exec", "process.name in l1"),
	  "t.yaml:3:8: error: list cycle: 'l2' contains 'l1' (hint: a list may not contain itself, directly or not)", false },
	/* 12: multi-line plain scalar: the column is on the continuation line */
	{ "rules:\n  - name: a\n    event: exec\n    condition: process.name = bash\n      and process.bogus = 1\n",
	  "t.yaml:5:11: error: unknown field 'process.bogus' (hint: see 'vigil policy fields')", false },
	/* 13: block scalar: unclosed parenthesis */
	{ "rules:\n  - name: a\n    event: exec\n    condition: |\n      process.pid = 1\n        and (process.name = x\n",
	  "t.yaml:6:13: error: unclosed '(' (hint: close it with ')')", false },
	/* 14: double-quoted escapes shift the source column */
	{ R("exec", "\"process.name = \\\"a\\\" and process.x = 1\""),
	  "t.yaml:4:42: error: unknown field 'process.x' (hint: see 'vigil policy fields')", false },
	/* 15: syntax: a missing operator between conditions */
	{ R("exec", "process.pid = 1 process.name = x"),
	  "t.yaml:4:32: error: expected 'and', 'or' or the end, found 'process.name' (hint: join conditions with 'and' or 'or')", false },
	/* 16: syntax: unterminated string */
	{ R("exec", "'process.name = \"abc'"),
	  "t.yaml:4:32: error: unterminated string (hint: close the string with the same quote)", false },
	/* 17: one value for a one-value operator */
	{ R("exec", "process.name = (a, b)"),
	  "t.yaml:4:29: error: operator '=' takes one value (hint: use 'in (a, b)' for several values)", false },
	/* 18: unknown rule key */
	{ "rules:\n  - name: a\n    event: exec\n    condtion: x\n",
	  "t.yaml:4:5: error: unknown rule key 'condtion' (hint: did you mean 'condition'?)", false },
	/* 19: unknown top-level key */
	{ "rulez: []\n", "t.yaml:1:1: error: unknown top-level key 'rulez' (hint: expected rules, lists or macros)", false },
	/* 20: unknown event kind */
	{ "rules:\n  - name: a\n    event: [exec, opne]\n",
	  "t.yaml:3:19: error: unknown event 'opne' (hint: did you mean 'open'?)", false },
	/* 21: bad severity */
	{ "rules:\n  - name: a\n    event: exec\n    severity: severe\n",
	  "t.yaml:4:15: error: unknown severity 'severe' (hint: one of info, low, medium, high, critical)", false },
	/* 22: rule without event */
	{ "rules:\n  - name: a\n    condition: process.pid = 1\n",
	  "t.yaml:2:11: error: rule 'a' has no event (hint: add event: exec (or a list of kinds))", false },
	/* 23: deny where nothing can be denied */
	{ "rules:\n  - name: a\n    event: exit\n    action: deny\n",
	  "t.yaml:4:13: error: rule 'a': action 'deny' is not possible for event 'exit' (hint: deny works for: exec, open, connect, udp_flow)", false },
	/* 24: output template: unknown field */
	{ "rules:\n  - name: a\n    event: exec\n    output: \"ran {process.nam}\"\n",
	  "t.yaml:4:19: error: unknown field 'process.nam' in output (hint: did you mean 'process.name'?)", false },
	/* 25: output template: field the event lacks */
	{ "rules:\n  - name: a\n    event: exec\n    output: 'to {destination.port}'\n",
	  "t.yaml:4:18: error: field 'destination.port' is not available for event 'exec' (hint: 'destination.port' exists for: connect, accept, close, listen, udp_flow, dns, deny, shell_on_socket)", false },
	/* 26: throttle: unknown key field */
	{ "rules:\n  - name: a\n    event: exec\n    throttle: {count: 1, per: 1m, key: [process.uid]}\n",
	  "t.yaml:4:41: error: unknown field 'process.uid' in throttle key (hint: did you mean 'process.pid'?)", false },
	/* 27: throttle: bad interval */
	{ "rules:\n  - name: a\n    event: exec\n    throttle: {count: 1, per: soon}\n",
	  "t.yaml:4:31: error: bad throttle interval (hint: e.g. 500ms, 60s, 5m, 1h)", false },
	/* 28: YAML syntax error from libyaml */
	{ "rules:\n  - name: a\n    event: [exec\n",
	  "t.yaml:4:1: error: YAML: did not find expected ',' or ']' (hint: while parsing a flow sequence)", false },
	/* 29: warning: contradicting equalities (the policy is still valid) */
	{ R("exec", "process.name = a and process.pid = 1 and process.name = b"),
	  "t.yaml:4:16: warning: rule 'a' can never match: 'process.name' is compared for equality with values that exclude each other (hint: one value cannot equal two different ones; did you mean 'or'?)",
	  true },
	/* 30: warning: empty list */
	{ "lists:\n  none: []\n" R("exec", "process.name in none"),
	  "t.yaml:6:29: warning: 'process.name in' with no values is always false (hint: an empty list matches nothing)",
	  true },
	/* 31: warning: event.action the rule never sees */
	{ R("exec", "event.action = open"),
	  "t.yaml:4:16: warning: rule 'a' can never match: event.action is never one of its values here (hint: compare event.action with the rule's events)",
	  true },
	/* 31b: warning: event.kind compared with a kind (event.action names it now) */
	{ R("exec", "event.kind = exec"),
	  "t.yaml:4:16: warning: rule 'a' can never match: event.kind is 'event' for every event a rule sees (hint: what happened (exec, open, ...) is event.action)",
	  true },
	/* 32: an undefined list inside a macro is reported in the macro */
	{ "macros:\n  m: process.name in nolist\n" R("exec", "m"),
	  "t.yaml:2:22: error: undefined list 'nolist' (hint: define it under 'lists:' or write in (a, b))", false },
	/* 33: bad CIDR in a named list: at the list item */
	{ "lists:\n  nets: [10.0.0.0/8, 10.0.0.1/8]\n" R("connect", "destination.address cidr nets"),
	  "t.yaml:2:22: error: bad CIDR '10.0.0.1/8' (hint: e.g. 10.0.0.0/8, 192.168.1.7 or fd00::/8 (no host bits set))", false },
	/* 34: negative number for a uint field */
	{ R("exec", "process.user.id = -1"),
	  "t.yaml:4:34: error: '-1' is not a non-negative number (hint: 'process.user.id' is unsigned)", false },
	/* 35: a missing value */
	{ R("exec", "process.name ="),
	  "t.yaml:4:30: error: expected a value, found the end of the condition (hint: quote values that contain spaces or ( ) , = ! < >)", false },
};

/* One cmocka test per case; @state is the case. */
static void test_diagnostic(void **state)
{
	const struct diag_case *c = *state;
	struct vg_policy *p = vg_policy_new();
	const struct vg_diag *d;
	bool found = false;
	size_t j, n;
	int err;

	assert_non_null(p);
	vg_policy_add_string(p, "t.yaml", c->yaml);
	err = vg_policy_compile(p);
	d = vg_policy_diags(p, &n);
	for (j = 0; j < n; j++)
		if (!strcmp(d[j].text, c->want))
			found = true;
	if (!found || (err == 0) != c->valid) {
		print_message("want%s\n  %s\ngot:\n", c->valid ? " (valid)" : "", c->want);
		for (j = 0; j < n; j++)
			print_message("  %s\n", d[j].text);
	}
	assert_true(found);
	assert_int_equal(err == 0, c->valid);
	vg_policy_free(p);
}

/* A condition of @n copies of @unit between @head and @tail, as rule 'a' on exec. */
static char *big_condition(const char *head, const char *unit, size_t n, const char *tail)
{
	const char *pre = "rules:\n  - name: a\n    event: exec\n    condition: ";
	size_t ulen = strlen(unit), len = strlen(pre) + strlen(head) + n * ulen + strlen(tail) + 2;
	char *y = malloc(len), *w;

	assert_non_null(y);
	w = y + sprintf(y, "%s%s", pre, head);
	for (size_t i = 0; i < n; i++, w += ulen)
		memcpy(w, unit, ulen);
	sprintf(w, "%s\n", tail);
	return y;
}

static void expect_refused(char *yaml, const char *want)
{
	struct vg_policy *p = vg_policy_new();
	const struct vg_diag *d;
	size_t n;

	assert_non_null(p);
	vg_policy_add_string(p, "t.yaml", yaml);
	assert_int_not_equal(vg_policy_compile(p), 0);
	d = vg_policy_diags(p, &n);
	assert_true(n >= 1);
	if (strcmp(d[0].text, want))
		print_message("want %s\n got %s\n", want, d[0].text);
	assert_string_equal(d[0].text, want);
	vg_policy_free(p);
	free(yaml);
}

/*
 * Conditions whose depth the input chooses are refused before the parser
 * or the compiler recurses that deep (these crashed the agent: stack
 * overflow). The sizes stay under the 64 KiB bound on a condition's text,
 * which refuses the full-size reproducers first
 * (tests/unit/test_policy_hostile.py).
 */
static void test_deep_conditions_are_refused(void **state)
{
	(void)state;
	/* The ')'s do not matter: the error comes at the 65th '('. */
	expect_refused(big_condition("", "(", 20000, "process.pid = 1"),
		       "t.yaml:4:80: error: condition nests deeper than 64 levels "
		       "(hint: flatten it, or name its parts as macros)");
	expect_refused(big_condition("", "not ", 10000, "process.pid = 1"),
		       "t.yaml:4:272: error: condition nests deeper than 64 levels "
		       "(hint: flatten it, or name its parts as macros)");
	expect_refused(big_condition("", "process.pid = 1 and ", 3000, "process.pid = 2"),
		       "t.yaml:4:10256: error: condition has more than 1024 terms "
		       "(hint: split it into macros or rules, or put values in a list)");
	expect_refused(big_condition("", "(", 70000, "process.pid = 1"),
		       "t.yaml:4:16: error: condition is longer than 65536 bytes "
		       "(hint: name its parts as macros, or put values in a list)");
}

static void test_nesting_up_to_the_bound_compiles(void **state)
{
	char tail[128] = "process.pid = 1";
	struct vg_policy *p = vg_policy_new();
	char *y;

	(void)state;
	memset(tail + strlen(tail), ')', 64);
	y = big_condition("", "(", 64, tail);
	assert_non_null(p);
	vg_policy_add_string(p, "t.yaml", y);
	assert_int_equal(vg_policy_compile(p), 0);
	vg_policy_free(p);
	free(y);
}

/* Several files: names are global, errors name their own file. */
static void test_multi_file(void **state)
{
	struct vg_policy *p = vg_policy_new();
	const struct vg_diag *d;
	size_t n;

	(void)state;
	vg_policy_add_string(p, "lists.yaml", "lists:\n  shells: [sh]\nmacros:\n  sh: process.name in shells\n");
	vg_policy_add_string(p, "rules.yaml", "rules:\n  - name: a\n    event: exec\n    condition: sh\n");
	vg_policy_add_string(p, "more.yaml", "rules:\n  - name: a\n    event: exec\n");
	assert_int_not_equal(vg_policy_compile(p), 0);
	d = vg_policy_diags(p, &n);
	assert_int_equal(n, 1);
	assert_string_equal(d[0].text,
			    "more.yaml:2:11: error: duplicate rule name 'a' (hint: first defined at rules.yaml:2:11; to change it, write '- override: NAME' with the keys to change)");
	vg_policy_free(p);
}

/* A valid policy says nothing at all. */
static void test_clean_policy_is_silent(void **state)
{
	struct vg_policy *p = vg_policy_new();
	size_t n;

	(void)state;
	vg_policy_add_string(p, "ok.yaml",
			  "# comment only\n---\nrules:\n  - name: a\n    event: [exec, exit]\n"
			  "    condition: not process.name in (sh, bash) or process.pid < 10\n"
			  "    severity: info\n    tags: [x]\n    mode: audit\n    enabled: yes\n");
	assert_int_equal(vg_policy_compile(p), 0);
	vg_policy_diags(p, &n);
	assert_int_equal(n, 0);
	assert_int_equal(vg_policy_n_rules(p), 1);
	vg_policy_free(p);
}

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

int main(void)
{
	static char names[N_CASES][32];
	struct CMUnitTest tests[N_CASES + 4];
	size_t i;

	for (i = 0; i < N_CASES; i++) {
		/* The name says which case: the comment above it in cases[]. */
		snprintf(names[i], sizeof(names[i]), "diagnostic_%02zu", i);
		tests[i] = (struct CMUnitTest){ names[i], test_diagnostic, NULL, NULL,
						(void *)&cases[i] };
	}
	tests[N_CASES] = (struct CMUnitTest)cmocka_unit_test(test_multi_file);
	tests[N_CASES + 1] = (struct CMUnitTest)cmocka_unit_test(test_clean_policy_is_silent);
	tests[N_CASES + 2] = (struct CMUnitTest)cmocka_unit_test(test_deep_conditions_are_refused);
	tests[N_CASES + 3] = (struct CMUnitTest)cmocka_unit_test(test_nesting_up_to_the_bound_compiles);
	return _cmocka_run_group_tests("test_policy_errors", tests, N_CASES + 4, NULL, NULL);
}
