// SPDX-License-Identifier: GPL-2.0
/* Throttle state across a policy reload (vg_policy_adopt_throttle). */
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
#include "event/fields.h"
#include "policy/policy.h"

#define S 1000000000ull

static const char *EV_BASH_1000 =
	"{\"event\":{\"kind\":\"exec\"},\"process\":{\"pid\":100,\"name\":\"bash\","
	"\"executable\":{\"path\":\"/usr/bin/bash\"},\"user\":{\"id\":1000}}}";
static const char *EV_BASH_2 =
	"{\"event\":{\"kind\":\"exec\"},\"process\":{\"pid\":101,\"name\":\"bash\","
	"\"executable\":{\"path\":\"/usr/bin/bash\"},\"user\":{\"id\":2}}}";
static const char *EV_CURL =
	"{\"event\":{\"kind\":\"exec\"},\"process\":{\"pid\":102,\"name\":\"curl\","
	"\"executable\":{\"path\":\"/usr/bin/curl\"},\"user\":{\"id\":1000}}}";

#define RULE_T(throttle) \
	"  - name: t\n    event: exec\n    condition: process.name = bash\n" \
	"    throttle: " throttle "\n"
#define RULE_OTHER \
	"  - name: other\n    event: exec\n    condition: process.name = curl\n"

static const char *BASE = "rules:\n" RULE_T("{count: 2, per: 60s}");
static const char *BASE_PLUS = "rules:\n" RULE_T("{count: 2, per: 60s}") RULE_OTHER;

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
	assert_int_equal(vg_policy_n_errors(p), 0);
	return p;
}

struct hits {
	int n;
	char rule[64];
	uint64_t suppressed;
};

static int collect(struct vg_alert *a, struct vg_event_view *v, void *ctx)
{
	struct hits *h = ctx;

	(void)v;
	h->n++;
	snprintf(h->rule, sizeof(h->rule), "%s", a->rule_name);
	h->suppressed = a->suppressed;
	return 0;
}

/* Alerts of one event at @now; the last alert's details in @h. */
static int eval_at(struct vg_policy *p, const char *json, uint64_t now, struct hits *h)
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

static int alerts_of(struct vg_policy *p, const char *json, uint64_t from, int n_events)
{
	struct hits h;
	int i, n = 0;

	for (i = 0; i < n_events; i++)
		n += eval_at(p, json, from + i * S, &h);
	return n;
}

/* Runs @fn with stderr going to a file; returns what it logged (static buffer). */
static const char *logged(size_t (*fn)(struct vg_policy *, struct vg_policy *),
			  struct vg_policy *next, struct vg_policy *old, size_t *ret)
{
	static char buf[4096];
	FILE *tmp = tmpfile();
	int saved;
	size_t n;

	assert_non_null(tmp);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
	*ret = fn(next, old);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(buf, 1, sizeof(buf) - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
	return buf;
}

/* 2 per 60s: five events give two alerts; a reload keeps the window and the count. */
static void test_reload_keeps_window_and_suppressed(void **state)
{
	struct vg_policy *old = compile_yaml(BASE), *next;
	struct hits h;
	size_t carried;
	const char *log;

	(void)state;
	assert_int_equal(alerts_of(old, EV_BASH_1000, 0, 5), 2);	/* t=0..4s: 3 suppressed */

	/* reload: the same text plus another rule */
	next = compile_yaml(BASE_PLUS);
	log = logged(vg_policy_adopt_throttle, next, old, &carried);
	assert_int_equal(carried, 1);
	assert_string_equal(log, "");		/* nothing restarted, nothing to say */
	vg_policy_free(old);			/* the windows must not depend on the old policy */

	/* still inside the window that began at t=0: suppressed */
	assert_int_equal(eval_at(next, EV_BASH_1000, 10 * S, &h), 0);
	/* the new rule works */
	assert_int_equal(eval_at(next, EV_CURL, 11 * S, &h), 1);
	assert_string_equal(h.rule, "other");
	/* the first alert after the window reports all suppressed: 3 before, 1 after */
	assert_int_equal(eval_at(next, EV_BASH_1000, 60 * S, &h), 1);
	assert_string_equal(h.rule, "t");
	assert_int_equal(h.suppressed, 4);
	assert_int_equal(eval_at(next, EV_BASH_1000, 61 * S, &h), 1);
	assert_int_equal(h.suppressed, 0);
	assert_int_equal(eval_at(next, EV_BASH_1000, 62 * S, &h), 0);
	vg_policy_free(next);
}

/* Each key keeps its own window, and a chain of reloads keeps carrying them. */
static void test_reload_keeps_every_key(void **state)
{
	const char *yaml = "rules:\n" RULE_T("{count: 1, per: 60s, key: process.user.id}");
	struct vg_policy *p0 = compile_yaml(yaml), *p1, *p2;
	struct hits h;

	(void)state;
	assert_int_equal(alerts_of(p0, EV_BASH_1000, 0, 3), 1);
	assert_int_equal(alerts_of(p0, EV_BASH_2, 0, 2), 1);
	p1 = compile_yaml(yaml);
	assert_int_equal(vg_policy_adopt_throttle(p1, p0), 1);
	vg_policy_free(p0);
	p2 = compile_yaml(yaml);
	assert_int_equal(vg_policy_adopt_throttle(p2, p1), 1);
	vg_policy_free(p1);
	assert_int_equal(eval_at(p2, EV_BASH_1000, 30 * S, &h), 0);
	assert_int_equal(eval_at(p2, EV_BASH_2, 30 * S, &h), 0);
	assert_int_equal(eval_at(p2, EV_BASH_1000, 60 * S, &h), 1);
	assert_int_equal(h.suppressed, 3);
	assert_int_equal(eval_at(p2, EV_BASH_2, 60 * S, &h), 1);
	assert_int_equal(h.suppressed, 2);
	vg_policy_free(p2);
}

/* A changed count, interval or key starts a fresh window, and says so once per rule. */
static void test_changed_spec_starts_fresh(void **state)
{
	static const char *const changed[] = {
		"rules:\n" RULE_T("{count: 3, per: 60s}") RULE_OTHER,
		"rules:\n" RULE_T("{count: 2, per: 30s}") RULE_OTHER,
		"rules:\n" RULE_T("{count: 2, per: 60s, key: process.user.id}") RULE_OTHER,
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(changed) / sizeof(*changed); i++) {
		struct vg_policy *old = compile_yaml(BASE), *next = compile_yaml(changed[i]);
		struct hits h;
		size_t carried;
		const char *log;

		assert_int_equal(alerts_of(old, EV_BASH_1000, 0, 5), 2);
		log = logged(vg_policy_adopt_throttle, next, old, &carried);
		assert_int_equal(carried, 0);
		assert_non_null(strstr(log, "rule 't': throttle changed from {count: 2, per: 60000ms, "
					    "key: []} to "));
		assert_non_null(strstr(log, "start fresh"));
		assert_null(strchr(strchr(log, '\n') + 1, '\n'));	/* one line */
		vg_policy_free(old);
		/* within the old window, but the new rule has its own budget */
		assert_int_equal(eval_at(next, EV_BASH_1000, 10 * S, &h), 1);
		assert_int_equal(h.suppressed, 0);
		vg_policy_free(next);
	}
}

/* A rule renamed or dropped has no state to take; the rest still carries. */
static void test_only_same_name_carries(void **state)
{
	struct vg_policy *old = compile_yaml(BASE);
	struct vg_policy *next = compile_yaml(
		"rules:\n  - name: t2\n    event: exec\n    condition: process.name = bash\n"
		"    throttle: {count: 2, per: 60s}\n");
	struct hits h;

	(void)state;
	assert_int_equal(alerts_of(old, EV_BASH_1000, 0, 5), 2);
	assert_int_equal(vg_policy_adopt_throttle(next, old), 0);
	vg_policy_free(old);
	assert_int_equal(eval_at(next, EV_BASH_1000, 10 * S, &h), 1);
	assert_int_equal(h.suppressed, 0);
	vg_policy_free(next);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reload_keeps_window_and_suppressed),
		cmocka_unit_test(test_reload_keeps_every_key),
		cmocka_unit_test(test_changed_spec_starts_fresh),
		cmocka_unit_test(test_only_same_name_carries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
