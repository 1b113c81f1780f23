/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A policy's kernel share into the agent's sensors and the fanotify guard:
 * the policy compiles it to a neutral struct vg_kernel_spec; each sensor
 * writes its own part to its own maps through its descriptor's
 * apply_policy. Nothing here knows what a sensor's maps are.
 */
#ifndef VIGIL_POLICY_APPLY_H
#define VIGIL_POLICY_APPLY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include "agent/agent.h"
#include "lib/kernel_spec.h"
#include "policy/policy.h"
#include "sensors/fanotify_guard.h"

struct vg_policy_apply {
	struct vg_agent *agent;
	uint32_t filter_gen;		/* kernel pre-filter generation (vg_pf_cfg.gen) */
	/* Deny and kill rules enforced (and reported) by a kernel hook or the
	 * guard: user-space evaluation does not report them again. */
	struct vg_rule_set decided;
	struct vg_fan_guard fan;	/* file/exec deny without BPF LSM */
	atomic_bool fan_started;	/* set once the guard runs; read by metrics */
};

/*
 * Loads the kernel share of @p into every sensor and the guard (which
 * starts with the first deny rule on a path). With @every_event the
 * sensors send every record, not only what a rule can match. Returns 0 or <0.
 */
int vg_policy_apply(struct vg_policy_apply *pa, const struct vg_policy *p, bool every_event);
/* Stops the guard (with its summary line) if it runs. */
void vg_policy_apply_fini(struct vg_policy_apply *pa);

#endif
