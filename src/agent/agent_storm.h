/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Storm aggregation, the agent's part (docs/policy.md, "Storms"): the
 * flush programs that turn what the file, priv and net sensors held into
 * aggregate records, run about once a second from the worker and once more when the
 * agent stops, after the links are gone and before the queue drains.
 */
#ifndef VIGIL_AGENT_STORM_H
#define VIGIL_AGENT_STORM_H

#include <stdbool.h>
#include <stdint.h>
#include "sensors/sensor.h"

struct vg_storm_flush;

#define VG_AGENT_STORM_SENSORS 3	/* file, priv, net */

struct vg_agent_storm {
	uint32_t burst;			/* records per key and window; 0: off */
	uint64_t window_ns;
	struct vg_storm_flush *flush[VG_AGENT_STORM_SENSORS];	/* NULL: not loaded */
	bool open_failed;		/* a flush program did not load: aggregation off */
	uint64_t last_flush_ns;
	bool failed;			/* a flush failed (said once) */
};

/* With @st->burst, loads the flush program on sensor @s if it aggregates;
 * on failure aggregation stays off. */
void vg_agent_storm_start(struct vg_agent_storm *st, const struct vg_sensor *s);
/* The burst the policy may use: 0 when aggregation cannot run. */
uint32_t vg_agent_storm_burst(const struct vg_agent_storm *st);
/* Runs the flush when a second has passed since the last run, or when @now_too. */
void vg_agent_storm_tick(struct vg_agent_storm *st, uint64_t now_ns, bool now_too);
void vg_agent_storm_stop(struct vg_agent_storm *st);

#endif
