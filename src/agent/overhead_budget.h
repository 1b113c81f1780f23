/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The overhead budget (vigil run --max-overhead PCT, default 5% of one
 * CPU): once a second the agent adds what its BPF programs ran in the
 * kernel to its own CPU time. The kernel's share comes from bpf_stats,
 * sampled: on for VG_SAMPLE_MS every VG_SAMPLE_EVERY_MS, because while
 * on, every BPF program on the host reads the clock twice per run (the
 * measurement would cost more than most of what it measures). Over budget
 * for VG_SHED_AFTER_S seconds in a row, it sheds the next tier of record
 * types in the kernel (policy_shed.h: never what a high or critical rule
 * reads); under VG_RESTORE_PCT of the budget for VG_RESTORE_AFTER_S
 * seconds, it restores the last tier shed. Each change is logged, counted
 * and shown in metrics and `vigil status`.
 */
#ifndef VIGIL_OVERHEAD_BUDGET_H
#define VIGIL_OVERHEAD_BUDGET_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include "bpf/vigil_abi.h"
#include "lib/json.h"
#include "sensors/sensor.h"

#define VG_SHED_AFTER_S 3
#define VG_RESTORE_AFTER_S 5
#define VG_RESTORE_PCT 80	/* of the budget: hysteresis */
#define VG_SAMPLE_MS 200	/* bpf_stats on for this long ... */
#define VG_SAMPLE_EVERY_MS 2000	/* ... once per this period */
#define VG_SAMPLE_MIN_EVENTS 1000	/* ... while the hooks count this many events/s */

struct vg_overhead {
	double budget_pct;		/* of one CPU; 0: off */
	int stats_fd;			/* BPF_ENABLE_STATS, held during a sample */
	bool stats_refused;		/* the kernel refused them: CPU time only */
	uint64_t sample_ns, sample_kernel_ns;	/* the sample under way: start */
	uint64_t next_sample_ns;
	double kernel_pct;		/* BPF run time in the last sample, % of one CPU */
	uint64_t samples;
	uint64_t samples_skipped;	/* periods the hooks were too quiet to sample */
	uint64_t events, events_ns;	/* hook events counted at the last look, and when */
	uint64_t last_ns, last_cpu_ns;
	unsigned over, under;		/* seconds in a row over / under */
	uint8_t tier[VG_EV_TYPE_MAX];	/* the policy's shed tiers (policy_shed.h) */
	/* shared with the metrics and status threads */
	pthread_mutex_t lock;
	int shed_tiers;			/* tiers shed now: 0, 1 or 2 */
	bool shed[VG_EV_TYPE_MAX];	/* types shed now */
	double pct;			/* the last second's overhead */
	uint64_t sheds, restores;	/* transitions */
};

/* A shed or a restore, as the health record tells it (health_events.h). */
struct vg_overhead_change {
	bool shed;			/* else restored */
	int tier;
	double pct, budget_pct;
	char classes[512];		/* the tier's record kinds, comma-separated */
};

/* @pct: the budget (0: off; then nothing is measured). */
void vg_overhead_init(struct vg_overhead *o, double pct);
/* A new policy's tiers (worker thread); types shed stay shed if still sheddable. */
void vg_overhead_set_tiers(struct vg_overhead *o, const uint8_t tier[VG_EV_TYPE_MAX],
			   struct vg_sensor *sensors, int n);
/*
 * From the worker, as often as it goes idle (every 200 ms at most) or
 * more: steps the bpf_stats sample, and once a second judges the budget;
 * true when it shed or restored a tier (@chg says which).
 */
bool vg_overhead_tick(struct vg_overhead *o, struct vg_sensor *sensors, int n, uint64_t now_ns,
		      struct vg_overhead_change *chg);
void vg_overhead_metrics(struct vg_overhead *o, struct vg_buf *out);
void vg_overhead_status_json(struct vg_overhead *o, struct vg_json *j);
void vg_overhead_fini(struct vg_overhead *o);

#endif
