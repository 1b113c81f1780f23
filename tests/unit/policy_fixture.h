/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For unit tests that compile a policy from a string: compile it counting
 * errors, compile it asserting there are none, and count alerts. Include
 * after cmocka.h and policy/policy.h.
 */
#ifndef VIGIL_TEST_POLICY_FIXTURE_H
#define VIGIL_TEST_POLICY_FIXTURE_H

/* A policy compiled from @yaml as "t.yaml"; its error count in @errors. */
static inline struct vg_policy *compile(const char *yaml, size_t *errors)
{
	struct vg_policy *p = vg_policy_new();

	assert_non_null(p);
	vg_policy_add_string(p, "t.yaml", yaml);
	vg_policy_compile(p);
	*errors = vg_policy_n_errors(p);
	return p;
}

/* The same, failing the test on any error. */
static inline struct vg_policy *compile_ok(const char *yaml)
{
	struct vg_policy *p = vg_policy_new();

	assert_non_null(p);
	assert_int_equal(vg_policy_add_string(p, "t.yaml", yaml), 0);
	assert_int_equal(vg_policy_compile(p), 0);
	assert_int_equal(vg_policy_n_errors(p), 0);
	return p;
}

/* An alert callback that counts into the int at @ctx. */
static inline int count(struct vg_alert *a, struct vg_event_view *v, void *ctx)
{
	(void)a;
	(void)v;
	++*(int *)ctx;
	return 0;
}

#endif
