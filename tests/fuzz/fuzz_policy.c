// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the policy compiler. Any bytes as a policy file: load,
 * compile, and when it compiles, its kernel share, its explanation and the
 * merged view (policy show); seeds include appends, overrides, exceptions.
 * Must never crash, leak, hang or pass a bound of policy/policy_limits.h.
 */
#include <stdint.h>
#include <stdio.h>
#include "policy/policy.h"

static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_policy *p = vg_policy_new();
	struct vg_kernel_spec spec;
	const struct vg_diag *d;
	size_t n;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (!p)
		return 0;
	vg_policy_add_buffer(p, "fuzz.yaml", (const char *)data, size);
	if (vg_policy_compile(p) == 0 && vg_policy_n_errors(p) == 0) {
		if (vg_policy_kernel_spec(p, false, &spec) == 0)
			vg_kernel_spec_free(&spec);
		vg_policy_explain(p, devnull);
		vg_policy_show(p, devnull);
	}
	d = vg_policy_diags(p, &n);
	(void)d;
	vg_policy_free(p);
	return 0;
}
