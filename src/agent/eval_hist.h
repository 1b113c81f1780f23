/* SPDX-License-Identifier: GPL-2.0 */
/* Rule evaluation time per event, as a Prometheus histogram (vigil_rule_eval_seconds). */
#ifndef VIGIL_EVAL_HIST_H
#define VIGIL_EVAL_HIST_H

#include <stdatomic.h>
#include <stdint.h>
#include "lib/json.h"

#define VG_EVAL_BUCKETS 9

struct vg_eval_hist {
	_Atomic uint64_t bucket[VG_EVAL_BUCKETS + 1];	/* the last: above every bound */
	_Atomic uint64_t sum_ns, count;
};

/* Worker thread: one evaluation took @ns. */
void vg_eval_hist_add(struct vg_eval_hist *h, uint64_t ns);
/* Any thread: the histogram family. */
void vg_eval_hist_metrics(struct vg_eval_hist *h, struct vg_buf *out);

#endif
