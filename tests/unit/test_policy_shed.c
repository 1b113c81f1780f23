// SPDX-License-Identifier: GPL-2.0
/* What the overhead budget may shed (policy_shed.c): never what a high or critical rule reads. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "policy/policy.h"
#include "policy/policy_shed.h"

static void test_shed_tiers(void **state)
{
	struct vg_policy *p = vg_policy_new();
	uint8_t tier[VG_EV_TYPE_MAX];

	(void)state;
	assert_non_null(p);
	assert_int_equal(vg_policy_add_string(p, "t.yaml",
		"rules:\n"
		"  - name: noisy\n    event: open\n    condition: file.path = /a\n    severity: low\n"
		"  - name: mid\n    event: chmod\n    condition: file.path = /b\n"
		"  - name: trap\n    event: unlink\n    condition: file.path = /c\n    severity: high\n"
		"  - name: tmp\n    event: exec\n    condition: process.name = x\n    severity: low\n"),
		0);
	assert_int_equal(vg_policy_compile(p), 0);
	vg_policy_shed_tiers(p, tier);
	assert_int_equal(tier[VG_EV_FILE_OPEN], 1);	/* low only */
	assert_int_equal(tier[VG_EV_FILE_CHMOD], 2);	/* medium (the default severity) */
	assert_int_equal(tier[VG_EV_FILE_UNLINK], 0);	/* a high rule reads it */
	assert_int_equal(tier[VG_EV_FILE_RENAME], 1);	/* no rule reads it */
	assert_int_equal(tier[VG_EV_EXEC], 0);		/* the process cache: never */
	assert_int_equal(tier[VG_EV_FORK], 0);
	assert_int_equal(tier[VG_EV_NET_DENY], 0);	/* itself an alert */
	assert_int_equal(tier[0], 0);
	vg_policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shed_tiers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
