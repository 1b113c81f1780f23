// SPDX-License-Identifier: GPL-2.0
/* Threshold rules (policy_threshold.c): counts and distinct values per key
 * in a window, one alert per window, bounded state, load-time errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include "event/fields.h"
#include "policy/policy.h"
#include "policy/policy_eval.h"

#define MS 1000000ull

static const char *SCAN =
	"rules:\n"
	"  - name: scan\n    event: connect\n"
	"    threshold: {count: 5, per: 5s, key: process.pid, distinct: destination.port}\n";
static const char *BURST =
	"rules:\n"
	"  - name: burst\n    event: exec\n    condition: process.name = sh\n"
	"    threshold: {count: 3, per: 1s}\n";

#include "policy_fixture.h"

static int connect_at(struct vg_policy *p, unsigned pid, unsigned port, uint64_t now)
{
	char json[256];
	struct vg_event_view *v = malloc(sizeof(*v));
	json_t *j;
	int n = 0;

	snprintf(json, sizeof(json),
		 "{\"event\":{\"kind\":\"connect\"},\"process\":{\"pid\":%u},"
		 "\"destination\":{\"address\":\"127.0.0.1\",\"port\":%u}}", pid, port);
	j = json_loads(json, 0, NULL);
	assert_non_null(v);
	assert_non_null(j);
	assert_int_equal(vg_field_view_json(v, j), 0);
	vg_policy_eval(p, v, now, count, &n);
	json_decref(j);
	free(v);
	return n;
}

/* The 5th distinct port of one pid alerts, once; repeats do not count. */
static void test_distinct_values_per_key(void **state)
{
	struct vg_policy *p = compile_ok(SCAN);
	int n = 0, port;

	(void)state;
	for (port = 1; port <= 4; port++) {
		n += connect_at(p, 10, port, port * MS);
		n += connect_at(p, 10, port, port * MS + 1);	/* same port again */
	}
	assert_int_equal(n, 0);
	n += connect_at(p, 11, 5, 5 * MS);			/* another pid: its own window */
	assert_int_equal(n, 0);
	n += connect_at(p, 10, 5, 6 * MS);			/* 5th distinct port of pid 10 */
	assert_int_equal(n, 1);
	for (port = 6; port < 20; port++)
		n += connect_at(p, 10, port, 7 * MS);		/* same window: no second alert */
	assert_int_equal(n, 1);
	for (port = 1; port <= 5; port++)			/* a new window counts anew */
		n += connect_at(p, 10, port, 6000 * MS + port);
	assert_int_equal(n, 2);
	vg_policy_free(p);
}

/* Without distinct, matches are counted; the state is in the stats and bounded. */
static void test_count_and_bounded_state(void **state)
{
	struct vg_policy *p = compile_ok(SCAN), *q = compile_ok(BURST);
	struct vg_policy_stats st;
	json_t *j = json_loads("{\"event\":{\"kind\":\"exec\"},\"process\":{\"pid\":1,\"name\":\"sh\"}}",
			       0, NULL);
	struct vg_event_view *v = malloc(sizeof(*v));
	int n = 0, i;

	(void)state;
	assert_non_null(v);
	assert_int_equal(vg_field_view_json(v, j), 0);
	for (i = 0; i < 2; i++)
		vg_policy_eval(q, v, i * MS, count, &n);
	assert_int_equal(n, 0);
	vg_policy_eval(q, v, 2 * MS, count, &n);
	assert_int_equal(n, 1);
	json_decref(j);
	free(v);
	vg_policy_free(q);

	for (i = 0; i < 5000; i++)			/* 5000 pids: keys stop at the bound */
		connect_at(p, 1000 + i, 80, MS);
	vg_policy_get_stats(p, &st);
	assert_true(st.threshold_keys <= 1024 + 1);
	assert_true(st.threshold_bytes > 0);
	assert_true(st.threshold_bytes < 1025 * 1024);
	vg_policy_free(p);
}

static void test_bad_thresholds_are_refused(void **state)
{
	static const char *const bad[] = {
		"{count: 0, per: 5s}", "{count: 5000, per: 5s}", "{count: 5}",
		"{count: 5, per: 5s, window: 3}", "{count: 5, per: 5s, distinct: no.such.field}",
		"{count: 5, per: 5s, key: [process.pid, nope]}", "[5, 5s]",
	};
	char yaml[256];
	size_t i, errors;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vg_policy *p;

		snprintf(yaml, sizeof(yaml),
			 "rules:\n  - name: r\n    event: connect\n    threshold: %s\n", bad[i]);
		p = compile(yaml, &errors);
		if (!errors)
			print_message("accepted: %s\n", bad[i]);
		assert_true(errors > 0);
		vg_policy_free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distinct_values_per_key),
		cmocka_unit_test(test_count_and_bounded_state),
		cmocka_unit_test(test_bad_thresholds_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
