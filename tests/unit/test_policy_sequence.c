// SPDX-License-Identifier: GPL-2.0
/* Sequence rules (policy_sequence.c): steps in order within a window, keyed
 * per step, one event one step, bounded state, load-time errors. */
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

#define SEC 1000000000ull

/* A file a downloader writes under /tmp, then run from there: keyed by path. */
static const char *DROP =
	"rules:\n"
	"  - name: dropped\n"
	"    sequence:\n"
	"      within: 60s\n"
	"      steps:\n"
	"        - event: open\n"
	"          condition: file.path startswith /tmp/ and file.access contains write\n"
	"            and process.executable.path = /usr/bin/curl\n"
	"          key: file.path\n"
	"        - event: exec\n"
	"          condition: process.executable.path startswith /tmp/\n"
	"          key: process.executable.path\n";
/* Three steps on one key: a history cleared, then a write, then an exec. */
static const char *THREE =
	"rules:\n"
	"  - name: three\n"
	"    sequence:\n"
	"      within: 10s\n"
	"      key: process.pid\n"
	"      steps:\n"
	"        - {event: open, condition: file.name = .bash_history and file.access contains truncate}\n"
	"        - {event: open, condition: file.access contains write}\n"
	"        - {event: exec}\n";

#include "policy_fixture.h"

static int eval_json(struct vg_policy *p, const char *json, uint64_t now)
{
	struct vg_event_view *v = malloc(sizeof(*v));
	json_t *j = json_loads(json, 0, NULL);
	int n = 0;

	assert_non_null(v);
	assert_non_null(j);
	assert_int_equal(vg_field_view_json(v, j), 0);
	vg_policy_eval(p, v, now, count, &n);
	json_decref(j);
	free(v);
	return n;
}

static int write_by(struct vg_policy *p, unsigned pid, const char *exe, const char *path,
		    const char *access, uint64_t now)
{
	char json[512];

	snprintf(json, sizeof(json),
		 "{\"event\":{\"kind\":\"open\"},\"process\":{\"pid\":%u,\"executable\":{\"path\":\"%s\"}},"
		 "\"file\":{\"path\":\"%s\",\"name\":\"%s\",\"access\":[\"%s\"]}}",
		 pid, exe, path, strrchr(path, '/') + 1, access);
	return eval_json(p, json, now);
}

static int exec_of(struct vg_policy *p, unsigned pid, const char *exe, uint64_t now)
{
	char json[512];

	snprintf(json, sizeof(json),
		 "{\"event\":{\"kind\":\"exec\"},\"process\":{\"pid\":%u,\"executable\":{\"path\":\"%s\"}}}",
		 pid, exe);
	return eval_json(p, json, now);
}

/* A then B on the same key within the window alerts once; order, key and window matter. */
static void test_order_key_window(void **state)
{
	struct vg_policy *p = compile_ok(DROP);
	int n = 0;

	(void)state;
	n += exec_of(p, 2, "/tmp/a", 1 * SEC);				/* B before A */
	n += write_by(p, 1, "/usr/bin/curl", "/tmp/a", "write", 2 * SEC);
	n += exec_of(p, 3, "/tmp/b", 3 * SEC);				/* another key */
	assert_int_equal(n, 0);
	n += exec_of(p, 3, "/tmp/a", 4 * SEC);
	assert_int_equal(n, 1);
	n += exec_of(p, 4, "/tmp/a", 5 * SEC);				/* completed: starts anew */
	assert_int_equal(n, 1);
	n += write_by(p, 1, "/usr/bin/cc", "/tmp/c", "write", 6 * SEC);	/* step 1 not matched */
	n += exec_of(p, 5, "/tmp/c", 7 * SEC);
	assert_int_equal(n, 1);
	n += write_by(p, 1, "/usr/bin/curl", "/tmp/d", "write", 10 * SEC);
	n += exec_of(p, 6, "/tmp/d", 71 * SEC);				/* 61 s later: too late */
	assert_int_equal(n, 0 + 1);
	n += write_by(p, 1, "/usr/bin/curl", "/tmp/d", "write", 80 * SEC);
	n += write_by(p, 1, "/usr/bin/curl", "/tmp/d", "write", 100 * SEC);	/* a later start */
	n += exec_of(p, 6, "/tmp/d", 150 * SEC);			/* 70 s after the first */
	assert_int_equal(n, 2);
	vg_policy_free(p);
}

/* Three steps: each needs the one before it, from an earlier event. */
static void test_three_steps(void **state)
{
	static const char *trunc_json =
		"{\"event\":{\"kind\":\"open\"},\"process\":{\"pid\":7},"
		"\"file\":{\"path\":\"/root/.bash_history\",\"name\":\".bash_history\","
		"\"access\":[\"write\",\"truncate\"]}}";
	struct vg_policy *p = compile_ok(THREE);
	int n = 0;

	(void)state;
	n += exec_of(p, 7, "/bin/ls", 1 * SEC);			/* step 3 first: nothing */
	/* The truncating open also writes: it must not count as step 2 as well. */
	n += eval_json(p, trunc_json, 2 * SEC);
	n += exec_of(p, 7, "/bin/ls", 3 * SEC);
	assert_int_equal(n, 0);
	n += write_by(p, 8, "/bin/sh", "/tmp/x", "write", 4 * SEC);	/* another pid */
	n += exec_of(p, 7, "/bin/ls", 5 * SEC);
	assert_int_equal(n, 0);
	n += write_by(p, 7, "/bin/sh", "/tmp/x", "write", 6 * SEC);
	n += exec_of(p, 7, "/bin/ls", 7 * SEC);
	assert_int_equal(n, 1);
	vg_policy_free(p);
}

/* Keys stop at the bound, the oldest going first; memory is in the stats and freed. */
static void test_bounded_state(void **state)
{
	struct vg_policy *p = compile_ok(DROP);
	struct vg_policy_stats st;
	char path[64];
	int i, n = 0;

	(void)state;
	for (i = 0; i < 5000; i++) {
		snprintf(path, sizeof(path), "/tmp/f%d", i);
		write_by(p, 1, "/usr/bin/curl", path, "write", SEC + i);
	}
	vg_policy_get_stats(p, &st);
	assert_int_equal(st.sequence_keys, 4096);
	assert_int_equal(st.sequence_evicted, 5000 - 4096);
	assert_true(st.sequence_bytes > 4096 * 16 && st.sequence_bytes < 4096 * 256);
	n += exec_of(p, 2, "/tmp/f0", 2 * SEC);			/* evicted: the oldest */
	assert_int_equal(n, 0);
	n += exec_of(p, 2, "/tmp/f4999", 2 * SEC);		/* kept */
	n += exec_of(p, 2, "/tmp/f1000", 2 * SEC);
	assert_int_equal(n, 2);
	vg_policy_get_stats(p, &st);
	assert_int_equal(st.sequence_keys, 4094);
	/* Expired keys make room before a live one is evicted. */
	write_by(p, 1, "/usr/bin/curl", "/tmp/new", "write", 100 * SEC);
	vg_policy_get_stats(p, &st);
	assert_int_equal(st.sequence_evicted, 5000 - 4096);
	vg_policy_free(p);
}

static void test_bad_sequences_are_refused(void **state)
{
	static const char *const bad[] = {
		"    sequence: {within: 60s, steps: [{event: open}]}\n",
		"    sequence: {steps: [{event: open}, {event: exec}]}\n",
		"    sequence: {within: 0s, steps: [{event: open}, {event: exec}]}\n",
		"    sequence: {within: 60s, steps: [{event: open}, {condition: process.pid = 1}]}\n",
		"    sequence: {within: 60s, steps: [{event: open, when: 1}, {event: exec}]}\n",
		"    sequence: {within: 60s, steps: [{event: open, key: file.path}, {event: exec}]}\n",
		"    sequence: {within: 60s, steps: [{event: exec, key: file.path}, {event: exec, key: process.pid}]}\n",
		"    sequence: {within: 60s, steps: [{event: open, condition: 'file.path ='}, {event: exec}]}\n",
		"    sequence: {within: 60s, order: 1, steps: [{event: open}, {event: exec}]}\n",
		"    sequence: {within: 60s, steps: [{event: open}, {event: exec}]}\n    event: exec\n",
		"    sequence: {within: 60s, steps: [{event: open}, {event: exec}]}\n    condition: process.pid = 1\n",
		"    sequence: {within: 60s, steps: [{event: open}, {event: exec}]}\n    action: deny\n",
		"    sequence: {within: 60s, steps: [{event: exec}, {event: exec}, {event: exec}, {event: exec},"
		" {event: exec}, {event: exec}, {event: exec}, {event: exec}, {event: exec}]}\n",
		"    sequence: [{event: open}, {event: exec}]\n",
	};
	char yaml[512];
	size_t i, errors;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vg_policy *p;

		snprintf(yaml, sizeof(yaml), "rules:\n  - name: r\n%s", bad[i]);
		p = compile(yaml, &errors);
		if (!errors)
			print_message("accepted: %s\n", bad[i]);
		assert_true(errors > 0);
		vg_policy_free(p);
	}
}

/* Errors point at the offending step: file:line:col. */
static void test_error_position(void **state)
{
	static const char *yaml =
		"rules:\n"
		"  - name: r\n"
		"    sequence:\n"
		"      within: 5s\n"
		"      steps:\n"
		"        - event: open\n"
		"        - event: exec\n"
		"          condition: no.such.field = 1\n";
	size_t errors, n;
	struct vg_policy *p = compile(yaml, &errors);
	const struct vg_diag *d = vg_policy_diags(p, &n);

	(void)state;
	assert_true(errors > 0);
	assert_true(n > 0);
	assert_non_null(strstr(d[0].text, "t.yaml:8:22"));
	vg_policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_key_window),
		cmocka_unit_test(test_three_steps),
		cmocka_unit_test(test_bounded_state),
		cmocka_unit_test(test_bad_sequences_are_refused),
		cmocka_unit_test(test_error_position),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
