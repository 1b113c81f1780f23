/* SPDX-License-Identifier: GPL-2.0 */
/* Alert lines: built from an alert and its event, counted, written to the agent's output. */
#ifndef VIGIL_ALERT_H
#define VIGIL_ALERT_H

#include <stdatomic.h>
#include <stdint.h>
#include "agent/agent.h"
#include "agent/alert_counts.h"
#include "policy/policy.h"

struct vg_alert_out {
	struct vg_agent *agent;		/* its output, format and write error count */
	struct vg_buf line;		/* worker thread only */
	_Atomic uint64_t alerts;	/* read by metrics */
	struct vg_alert_counts counts;	/* by rule, severity and outcome */
	struct vg_alert_hour hour;	/* by severity, last hour */
	const char *stage;		/* NULL: the running policy's; "canary": a candidate's */
};

void vg_alert_out_init(struct vg_alert_out *o, struct vg_agent *a);
/*
 * Counts @al and writes it as one line: JSON (with the event @ev, who
 * acted when @action_by is set, the policy @generation) or text.
 */
void vg_alert_out_write(struct vg_alert_out *o, const struct vg_alert *al,
			const struct vg_event_ctx *ev, const char *action_by, uint64_t generation);
/* The column header of text alert lines. */
const char *vg_alert_text_header(void);
void vg_alert_out_fini(struct vg_alert_out *o);

#endif
