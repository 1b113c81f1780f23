/* SPDX-License-Identifier: GPL-2.0 */
/* The part of a policy that sensors enforce in the kernel hook itself. */
#ifndef VIGIL_POLICY_KERNEL_H
#define VIGIL_POLICY_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/kernel_spec.h"
#include "policy/policy_types.h"

/* The exec kill entries of @p (malloc'd array in *@out). */
int vg_policy_exec_kills(const struct vg_policy *p, struct vg_exec_kill **out, size_t *n_out);

typedef int (*vg_file_deny_cb)(void *ctx, const char *rule, const char *path, size_t len,
			       bool prefix, bool exec, uint32_t rule_id, bool audit);

/* Calls @cb for every path a deny rule on open or exec decides on alone. */
int vg_policy_file_deny_rules(const struct vg_policy *p, vg_file_deny_cb cb, void *ctx);
/* Whether deny rule @rule was named by vg_policy_deny_writes_only(). */
bool vg_policy_denies_writes_only(const struct vg_policy *p, const char *rule);
/*
 * Whether some rule kills from user space on an exec (not in the kernel's
 * exec hook): then exec records must wake the agent at once.
 */
bool vg_policy_kills_on_exec(const struct vg_policy *p);

typedef int (*vg_net_deny_cb)(void *ctx, const struct vg_net_deny_spec *spec);
int vg_policy_net_deny_rules(const struct vg_policy *p, vg_net_deny_cb cb, void *ctx);

/*
 * Builds @f from the policy's pre-filter. A sensor whose paths do not fit
 * the kernel keys (or too many of them) gets no exe filter. Returns 0 or -ENOMEM.
 */
int vg_policy_exe_filter(const struct vg_policy *p, struct vg_exe_filter *f);
void vg_policy_exe_filter_free(struct vg_exe_filter *f);

/* The uids or cgroup ids every rule of @sid requires (NULL: not filtered on it). */
const struct vg_filter_dim *vg_policy_filter_dim(const struct vg_policy *p, enum vg_sensor_id sid,
					      const char *field);

#endif
