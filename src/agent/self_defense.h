/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The agent's own rules, compiled into every policy it runs: a critical
 * alert when another process signals (other than HUP/INT/TERM), ptraces or
 * reads the memory of the agent, or (when asked) changes its binary, policy
 * files or trusted keys. They name the agent's pid, so they are left out of a
 * policy's digest and of the last-known-good store.
 */
#ifndef VIGIL_SELF_DEFENSE_H
#define VIGIL_SELF_DEFENSE_H

#include <stdbool.h>
#include <stddef.h>
#include "policy/policy.h"

#define VG_SELF_DEFENSE_NAME "builtin:self-defense.yaml"

/*
 * Once at start: what to protect (paths resolved now). The file rule only
 * with @files: a rule on every uid and executable turns off the file
 * sensor's uid/executable/cgroup pre-filter for every other rule too.
 */
void vg_self_defense_configure(const char *const *policy_paths, size_t n, const char *keys_dir,
			       bool files);
/* Adds the rules to @p (nothing if never configured). 0 or <0. */
int vg_self_defense_add(struct vg_policy *p);
/* How many rules it adds: left out of the counts the agent reports. */
size_t vg_self_defense_rules(void);
/* Whether a policy source of this name is those rules. */
bool vg_self_defense_source(const char *name);

#endif
