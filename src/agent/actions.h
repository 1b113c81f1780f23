/* SPDX-License-Identifier: GPL-2.0 */
/* What a rule's action does once the engine has decided: kill, deny, or just alert. */
#ifndef VIGIL_ACTIONS_H
#define VIGIL_ACTIONS_H

#include <stdatomic.h>
#include <stdint.h>
#include "bpf/vigil_abi.h"
#include "policy/policy.h"

/* SIGKILLs by kill rules; written by the worker, read by metrics. */
struct vg_kill_counts {
	_Atomic uint64_t kernel;	/* sent from the kernel hook */
	_Atomic uint64_t user;		/* sent by the agent */
	_Atomic uint64_t failed;	/* the agent's failed or skipped */
};

/*
 * Takes @al's action on the process of record @h (a kill from user space
 * unless the hook already killed it; never a reused pid) and returns the
 * alert's outcome ("killed by agent", "would have denied", ...).
 */
const char *vg_action_take(struct vg_kill_counts *k, struct vg_alert *al, const struct vg_hdr *h);

#endif
