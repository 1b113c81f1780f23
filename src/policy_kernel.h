/* SPDX-License-Identifier: GPL-2.0 */
/* The part of a policy that sensors enforce in the kernel hook itself. */
#ifndef VIGIL_POLICY_KERNEL_H
#define VIGIL_POLICY_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "policy.h"

typedef int (*vg_file_deny_cb)(void *ctx, const char *rule, const char *path, size_t len,
			       bool prefix, bool exec, uint32_t rule_id, bool audit);

/* Calls @cb for every path a deny rule on open or exec decides on alone. */
int policy_file_deny_rules(const struct vg_policy *p, vg_file_deny_cb cb, void *ctx);

/* The id kernel records and guards report for @r (its index in the policy). */
uint32_t policy_rule_id(const struct vg_rule *r);


#endif
