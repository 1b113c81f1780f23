/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `vigil status` answers: the running agent's version, uptime, the
 * hook each sensor uses, the policy in use, event rate, losses by reason,
 * alerts of the last hour by severity, outputs, process cache, CPU, RSS.
 * Read from the control thread; everything it reads is atomic or locked.
 */
#ifndef VIGIL_AGENT_STATUS_H
#define VIGIL_AGENT_STATUS_H

#include <pthread.h>
#include <stdint.h>
#include "agent/agent.h"
#include "agent/agent_policy.h"

#define VG_STATUS_RATE_SAMPLES 11	/* events/s over the last 10 s */

struct vg_agent_status {
	struct vg_agent *agent;
	struct vg_agent_policy *ap;
	const char *const *policy_paths;	/* on the built-in default, unless --no-default-policy */
	size_t n_policy_paths;
	const char *metrics_addr;		/* NULL: no metrics endpoint */
	uint64_t start_ns;			/* CLOCK_BOOTTIME at start */
	/* events received, sampled once a second by the control thread */
	uint64_t sample_ns[VG_STATUS_RATE_SAMPLES], sample_n[VG_STATUS_RATE_SAMPLES];
	unsigned n_samples;
};

void vg_agent_status_init(struct vg_agent_status *st, struct vg_agent *a,
			  struct vg_agent_policy *ap);
/* Control thread, once a second: a sample of the event count. */
void vg_agent_status_tick(void *arg);
/* Control request "status": the status as one JSON object. */
void vg_agent_status_json(void *arg, const char *args, struct vg_buf *out);

#endif
