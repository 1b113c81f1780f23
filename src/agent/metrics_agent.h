/* SPDX-License-Identifier: GPL-2.0 */
/* The agent's own counters as Prometheus metrics: sensors, ring buffer, pipeline. */
#ifndef VIGIL_METRICS_AGENT_H
#define VIGIL_METRICS_AGENT_H

#include "agent/agent.h"
#include "lib/json.h"

/* Safe from any thread while the agent runs. */
void vg_agent_metrics(struct vg_agent *a, struct vg_buf *out);

#endif
