/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fanotify guard's decisions as alerts: queued until the records made
 * before them (the caller's fork or exec) have reached the process cache,
 * then each turned into the record the sensor would have sent for it.
 */
#ifndef VIGIL_FAN_REPORT_H
#define VIGIL_FAN_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include "event/proc_cache.h"
#include "lib/json.h"
#include "sensors/fanotify_guard.h"

#define VG_FAN_PENDING 64

struct vg_fan_queue {
	struct vg_fan_report v[VG_FAN_PENDING];	/* worker thread only */
	size_t n;
};

typedef void (*vg_fan_report_fn)(void *ctx, const struct vg_fan_report *r);

/*
 * Takes the guard's new reports and calls @report for those up to @upto
 * (the time of the event being handled), or all of them when the queue is
 * idle (@upto UINT64_MAX) or full.
 */
void vg_fan_queue_flush(struct vg_fan_queue *q, struct vg_fan_guard *g, uint64_t upto,
			vg_fan_report_fn report, void *ctx);

/*
 * The record the sensor would have sent for @r, into @buf; the pid's
 * newest process @p (may be NULL) stands for its process. Returns its size.
 */
size_t vg_fan_report_record(const struct vg_fan_report *r, const struct vg_proc *p, void *buf,
			    size_t size);

/* The guard's counters as Prometheus metrics. */
void vg_fan_metrics(struct vg_fan_guard *g, struct vg_buf *out);

#endif
