/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Health records for the output stream (event/rec_health.h): the overhead
 * budget shed or restored a tier, records began or stopped being lost.
 * Made on the worker thread and handed to @emit, which sends them down the
 * sensors' records' path (printed, evaluated, exported).
 */
#ifndef VIGIL_HEALTH_EVENTS_H
#define VIGIL_HEALTH_EVENTS_H

#include <stdbool.h>
#include <stdint.h>
#include "agent/overhead_budget.h"

typedef void (*vg_health_emit_fn)(void *arg, const void *rec, size_t size);

enum vg_loss_reason {
	VG_LOSS_RINGBUF_FULL, VG_LOSS_TOO_LARGE, VG_LOSS_SCRATCH_BUSY, VG_LOSS_QUEUE_FULL,
	VG_LOSS_NO_MEMORY, VG_LOSS_BAD_RECORD, VG_LOSS_MAX,
};

/* Records lost since the agent started, by reason (as vigil_events_lost_total counts them). */
struct vg_loss {
	uint64_t n[VG_LOSS_MAX];
};

struct vg_health_watch {
	uint64_t last_ns;		/* the last look, once a second */
	struct vg_loss seen;		/* totals at the last look */
	bool losing;
	uint64_t episode;		/* lost since loss_started */
	uint64_t last_loss_ns;
	bool reason_seen[VG_LOSS_MAX];	/* in this episode */
};

/*
 * Once a second or so: a loss_started or loss_stopped record when that
 * changed. @final (the agent stops, the pipeline drained): what was lost
 * since the last look counts, and an open episode ends, so the last health
 * record's total is the agent's summary's.
 */
void vg_health_watch_loss(struct vg_health_watch *w, const struct vg_loss *now_lost,
			  uint64_t now_ns, bool final, vg_health_emit_fn emit, void *arg);
/* A shed or restored record for @chg. */
void vg_health_emit_overhead(const struct vg_overhead_change *chg, vg_health_emit_fn emit,
			     void *arg);

#endif
