// SPDX-License-Identifier: GPL-2.0
/* Which directories a deny prefix needs marked, watched, or neither. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/fanotify.h>
#include <cmocka.h>
#include "sensors/fanotify_marks.h"

#define OPEN (FAN_OPEN_PERM | FAN_OPEN_EXEC_PERM)
#define EXEC FAN_OPEN_EXEC_PERM
#define T(p, pre, m) { .path = (char *)(p), .len = sizeof(p) - 1, .prefix = (pre), .mask = (m) }

static struct vg_fan_target targets[] = {
	T("/srv/secret/", true, OPEN),
	T("/etc/cron", true, OPEN),
	T("/opt/app/bin/", true, EXEC),
	T("/etc/shadow", false, OPEN),	/* exact: never a directory's business */
};
#define N_TARGETS (sizeof(targets) / sizeof(targets[0]))

struct dir_case {
	const char *dir;
	bool subtree, watch;
	uint64_t mask;
	const char *why;
};

static const struct dir_case cases[] = {
	/* the prefix's own directory and everything below it */
	{ "/srv/secret", true, true, OPEN | FAN_EVENT_ON_CHILD, "/srv/secret/" },
	{ "/srv/secret/a/b", true, true, OPEN | FAN_EVENT_ON_CHILD, "/srv/secret/" },
	/* ancestors: watched for the prefix to appear, their files not asked about */
	{ "/srv", false, true, 0, "/srv/secret/" },
	{ "/", false, true, 0, "/srv/secret/" },
	/* same leading bytes, another directory */
	{ "/srv/secretive", false, false, 0, NULL },
	{ "/srv/other", false, false, 0, NULL },
	/* a byte prefix: /etc's files (crontab) are asked about, cron.d is all in */
	{ "/etc", false, true, OPEN | FAN_EVENT_ON_CHILD, "/etc/cron" },
	{ "/etc/cron.d", true, true, OPEN | FAN_EVENT_ON_CHILD, "/etc/cron" },
	{ "/etc/cron", true, true, OPEN | FAN_EVENT_ON_CHILD, "/etc/cron" },
	{ "/etc/cro", false, false, 0, NULL },
	{ "/etc/ssh", false, false, 0, NULL },
	/* exec rules ask only about executions */
	{ "/opt/app/bin/x/y", true, true, EXEC | FAN_EVENT_ON_CHILD, "/opt/app/bin/" },
	{ "/opt/app", false, true, 0, "/opt/app/bin/" },
	{ "/opt/application", false, false, 0, NULL },
};

static void test_classify(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct dir_case *k = &cases[i];
		struct vg_fan_dir_class c;

		vg_fan_classify_dir(targets, N_TARGETS, k->dir, strlen(k->dir), &c);
		if (c.subtree != k->subtree || c.watch != k->watch || c.mask != k->mask)
			fail_msg("%s: subtree %d watch %d mask %#llx, want %d %d %#llx", k->dir,
				 c.subtree, c.watch, (unsigned long long)c.mask, k->subtree, k->watch,
				 (unsigned long long)k->mask);
		if (k->why)
			assert_string_equal(c.why->path, k->why);
		else
			assert_null(c.why);
	}
}

static void test_overlapping_prefixes_union_their_masks(void **state)
{
	struct vg_fan_target t[] = {
		T("/data/", true, EXEC),
		T("/data/keys/", true, OPEN),
	};
	struct vg_fan_dir_class c;

	(void)state;
	vg_fan_classify_dir(t, 2, "/data/keys/x", 12, &c);
	assert_true(c.subtree);
	assert_int_equal(c.mask, OPEN | FAN_EVENT_ON_CHILD);
	vg_fan_classify_dir(t, 2, "/data/other", 11, &c);
	assert_int_equal(c.mask, EXEC | FAN_EVENT_ON_CHILD);
}

static void test_root_prefix_covers_everything(void **state)
{
	struct vg_fan_target t[] = { T("/", true, OPEN) };
	struct vg_fan_dir_class c;

	(void)state;
	vg_fan_classify_dir(t, 1, "/", 1, &c);
	assert_true(c.subtree);
	vg_fan_classify_dir(t, 1, "/usr/lib", 8, &c);
	assert_true(c.subtree);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_overlapping_prefixes_union_their_masks),
		cmocka_unit_test(test_root_prefix_covers_everything),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
