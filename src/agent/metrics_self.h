/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What vigil costs and is: build info, the agent's CPU time and RSS, and
 * each of its BPF programs' run count and run time (kernel.bpf_stats,
 * turned on with --bpf-stats through BPF_ENABLE_STATS: the kernel turns
 * it off again when the agent's fd closes, even if the agent dies).
 */
#ifndef VIGIL_METRICS_SELF_H
#define VIGIL_METRICS_SELF_H

#include <stdbool.h>
#include "agent/agent.h"

struct vg_self_metrics {
	int stats_fd;			/* BPF_ENABLE_STATS fd, -1: not ours */
};

/* @bpf_stats: ask the kernel for run-time stats while we run. */
void vg_self_metrics_init(struct vg_self_metrics *s, bool bpf_stats);
void vg_self_metrics_write(struct vg_self_metrics *s, struct vg_agent *a, struct vg_buf *out);
/* Every sensor attached? If not, names the first in @why. */
bool vg_self_sensors_attached(struct vg_agent *a, char *why, size_t size);
void vg_self_metrics_fini(struct vg_self_metrics *s);

#endif
