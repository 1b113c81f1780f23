// SPDX-License-Identifier: GPL-2.0
/*
 * Which opens the kernel may aggregate in a storm (policy_storm.c): rules
 * that only alert, count nothing and read only fields alike within a
 * storm key allow it; the paths of every other rule on opens stay out,
 * and such a rule without a path turns it off.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "lib/kernel_spec.h"
#include "policy/policy.h"

#include "policy_fixture.h"

static void spec_of(const char *yaml, bool every_event, struct vg_kernel_spec *spec)
{
	struct vg_policy *p = compile_ok(yaml);

	assert_int_equal(vg_policy_kernel_spec(p, every_event, spec), 0);
	vg_policy_free(p);	/* the storm spec owns its strings */
}

static bool has_never(const struct vg_storm_spec *st, const char *path)
{
	size_t i;

	for (i = 0; i < st->n_never; i++)
		if (!strcmp(st->never[i], path))
			return true;
	return false;
}

static const char *ALERT_ONLY =
	"rules:\n"
	"  - name: watch\n    event: open\n"
	"    condition: file.path = /srv/watched and process.name = cat\n"
	"    throttle: {count: 1, per: 10s, key: process.pid}\n"
	"  - name: cron\n    event: unlink\n    action: kill\n"
	"    condition: file.path startswith /etc/cron\n";

/* Alert-only rules on opens allow it; a kill rule on other kinds does not matter. */
static void test_alert_rules_allow(void **state)
{
	struct vg_kernel_spec spec;

	(void)state;
	spec_of(ALERT_ONLY, false, &spec);
	assert_true(spec.storm.on);
	assert_int_equal(spec.storm.n_never, 0);
	vg_kernel_spec_free(&spec);
	/* Every event asked for: nothing is aggregated. */
	spec_of(ALERT_ONLY, true, &spec);
	assert_false(spec.storm.on);
	vg_kernel_spec_free(&spec);
}

static const char *MIXED =
	"rules:\n"
	"  - name: watch\n    event: open\n    condition: file.path startswith /srv/\n"
	"  - name: kill_reader\n    event: open\n    action: kill\n"
	"    condition: file.path = /srv/secret\n"
	"  - name: deny_keys\n    event: open\n    action: deny\n"
	"    condition: file.path startswith /srv/keys/\n"
	"  - name: count\n    event: open\n"
	"    condition: file.path startswith /srv/logs\n"
	"    threshold: {count: 10, per: 5s, key: process.pid}\n"
	"  - name: thread\n    event: open\n"
	"    condition: file.path in (/srv/a, /srv/b) and process.thread.id = 7\n";

/* Kill, deny, threshold and per-event fields keep their own paths out, nothing more. */
static void test_other_rules_keep_their_paths_out(void **state)
{
	struct vg_kernel_spec spec;

	(void)state;
	spec_of(MIXED, false, &spec);
	assert_true(spec.storm.on);
	assert_int_equal(spec.storm.n_never, 5);
	assert_true(has_never(&spec.storm, "/srv/secret"));
	assert_true(has_never(&spec.storm, "/srv/keys/"));
	assert_true(has_never(&spec.storm, "/srv/logs*"));
	assert_true(has_never(&spec.storm, "/srv/a"));
	assert_true(has_never(&spec.storm, "/srv/b"));
	assert_false(has_never(&spec.storm, "/srv/"));
	vg_kernel_spec_free(&spec);
}

/* A rule that must see every open anywhere turns aggregation off. */
static void test_pathless_rule_turns_it_off(void **state)
{
	struct vg_kernel_spec spec;

	(void)state;
	spec_of("rules:\n"
		"  - name: watch\n    event: open\n    condition: file.path startswith /srv/\n"
		"  - name: kill_cat\n    event: open\n    action: kill\n"
		"    condition: process.name = evil\n", false, &spec);
	assert_false(spec.storm.on);
	vg_kernel_spec_free(&spec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alert_rules_allow),
		cmocka_unit_test(test_other_rules_keep_their_paths_out),
		cmocka_unit_test(test_pathless_rule_turns_it_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
