/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The agent's own rules, compiled into every policy it runs: a critical
 * alert when another process signals (other than 0/HUP/INT/USR1/TERM),
 * ptraces or reads the memory of the agent (also through /proc/PID/mem),
 * changes its binary, policy files, config, trusted keys or state
 * directory, opens kernel.bpf_stats_enabled for writing, or mounts or
 * unmounts bpffs/tracefs. They name the agent's pid, so they are left out
 * of a policy's digest and of the last-known-good store. The file rules
 * are watched for every process in the kernel without opening the file
 * sensor's uid/executable/cgroup pre-filter for the other rules
 * (vg_policy_watch_any_actor).
 */
#ifndef VIGIL_SELF_DEFENSE_H
#define VIGIL_SELF_DEFENSE_H

#include <stdbool.h>
#include <stddef.h>
#include "policy/policy.h"

#define VG_SELF_DEFENSE_NAME "builtin:self-defense.yaml"

/* The agent's files (NULL: none); the binary is found on its own. */
struct vg_self_paths {
	const char *const *policy;
	size_t n_policy;
	const char *keys_dir, *config, *state_dir;
	bool protect;		/* deny opens of them for writing (fanotify) */
};

/* Once at start: what to protect (paths resolved now). */
void vg_self_defense_configure(const struct vg_self_paths *own);
/* Adds the rules to @p (nothing if never configured). 0 or <0. */
int vg_self_defense_add(struct vg_policy *p);
/* How many rules it adds: left out of the counts the agent reports. */
size_t vg_self_defense_rules(void);
/* Whether a policy source of this name is those rules. */
bool vg_self_defense_source(const char *name);

#endif
