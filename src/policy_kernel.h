/* SPDX-License-Identifier: GPL-2.0 */
/* The part of a policy that sensors enforce in the kernel hook itself. */
#ifndef VIGIL_POLICY_KERNEL_H
#define VIGIL_POLICY_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "policy.h"

/* @path is not NUL-terminated; @prefix: a startswith test. Nonzero stops. */
typedef int (*vg_exec_kill_cb)(void *ctx, const char *path, size_t len, bool prefix,
			       uint32_t rule_id, bool audit);

/*
 * Calls @cb for every executable path that a kill rule decides on alone
 * (event exec, condition only on process.executable.path). rule_id is the
 * rule's index + 1, as the kernel reports it back.
 */
int policy_exec_kill_rules(const struct vg_policy *p, vg_exec_kill_cb cb, void *ctx);
typedef int (*vg_file_deny_cb)(void *ctx, const char *rule, const char *path, size_t len,
			       bool prefix, bool exec, uint32_t rule_id, bool audit);

/* Calls @cb for every path a deny rule on open or exec decides on alone. */
int policy_file_deny_rules(const struct vg_policy *p, vg_file_deny_cb cb, void *ctx);

/* The id kernel records and guards report for @r (its index + 1). */
uint32_t policy_rule_id(const struct vg_rule *r);

const char *policy_rule_name_by_id(const struct vg_policy *p, uint32_t rule_id);

#endif
