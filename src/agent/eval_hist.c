// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include "agent/eval_hist.h"
#include "lib/prom.h"

/* Upper bounds, ns: 1 us .. 10 ms; most events take a few microseconds. */
static const uint64_t bounds_ns[VG_EVAL_BUCKETS] = {
	1000, 2500, 5000, 10000, 25000, 50000, 100000, 1000000, 10000000,
};

void vg_eval_hist_add(struct vg_eval_hist *h, uint64_t ns)
{
	int i = 0;

	while (i < VG_EVAL_BUCKETS && ns > bounds_ns[i])
		i++;
	h->bucket[i]++;
	h->sum_ns += ns;
	h->count++;
}

void vg_eval_hist_metrics(struct vg_eval_hist *h, struct vg_buf *out)
{
	uint64_t cum = 0;
	int i;

	vg_prom_family(out, "vigil_rule_eval_seconds", "histogram",
		       "Time the policy took to evaluate one event.");
	for (i = 0; i < VG_EVAL_BUCKETS; i++) {
		cum += h->bucket[i];
		vg_buf_printf(out, "vigil_rule_eval_seconds_bucket{le=\"%g\"} %" PRIu64 "\n",
			      bounds_ns[i] / 1e9, cum);
	}
	cum += h->bucket[VG_EVAL_BUCKETS];
	vg_buf_printf(out, "vigil_rule_eval_seconds_bucket{le=\"+Inf\"} %" PRIu64 "\n", cum);
	vg_buf_printf(out, "vigil_rule_eval_seconds_sum %.9f\n", h->sum_ns / 1e9);
	vg_buf_printf(out, "vigil_rule_eval_seconds_count %" PRIu64 "\n", cum);
}
