/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Alerts counted by rule, severity and outcome, for the metrics endpoint:
 * the worker adds, the HTTP thread reads. The set of keys is bounded by
 * the policy (rules x outcomes), so a flat table under a mutex will do.
 */
#ifndef VIGIL_ALERT_COUNTS_H
#define VIGIL_ALERT_COUNTS_H

#include <pthread.h>
#include <stdint.h>
#include "lib/json.h"

#define VG_ALERT_COUNTS_MAX 4096	/* keys; more are counted as overflow */

struct vg_alert_count {
	char *rule, *severity, *outcome;
	uint64_t alerts, suppressed;
};

struct vg_alert_counts {
	pthread_mutex_t lock;
	struct vg_alert_count *v;
	size_t n, cap;
	uint64_t overflow;
};

void vg_alert_counts_init(struct vg_alert_counts *c);
/* One alert, and the @suppressed ones throttling folded into it. */
void vg_alert_counts_add(struct vg_alert_counts *c, const char *rule, const char *severity,
			 const char *outcome, uint64_t suppressed);
/* vigil_alerts_total and vigil_alerts_suppressed_total, Prometheus text. */
void vg_alert_counts_render(struct vg_alert_counts *c, struct vg_buf *out);
void vg_alert_counts_fini(struct vg_alert_counts *c);

#endif
