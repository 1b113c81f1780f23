/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Alerts counted by rule, severity and outcome, for the metrics endpoint:
 * the worker adds, the HTTP thread reads. The set of keys is bounded by
 * the policy (rules x outcomes), so a flat table under a mutex will do.
 */
#ifndef VIGIL_ALERT_COUNTS_H
#define VIGIL_ALERT_COUNTS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include "lib/json.h"

#define VG_ALERT_COUNTS_MAX 4096	/* keys; more are counted as overflow */

struct vg_alert_count {
	char *rule, *severity, *outcome;
	uint64_t alerts, suppressed;
	uint64_t held;		/* events the kernel held in storms, reported with these alerts */
};

struct vg_alert_counts {
	pthread_mutex_t lock;
	struct vg_alert_count *v;
	size_t n, cap;
	uint64_t overflow;
};

/*
 * Alerts by severity over the last hour, in one-minute buckets: the worker
 * adds, `vigil status` reads (a count may be off by the alert in flight).
 */
#define VG_ALERT_HOUR_MINUTES 60
#define VG_ALERT_SEVERITIES 5

struct vg_alert_hour {
	_Atomic uint64_t minute[VG_ALERT_HOUR_MINUTES];	/* which minute a bucket holds */
	_Atomic uint64_t n[VG_ALERT_HOUR_MINUTES][VG_ALERT_SEVERITIES];
};

void vg_alert_hour_add(struct vg_alert_hour *h, unsigned severity, uint64_t now_s);
/* Sums the buckets of the hour before @now_s into @out[VG_ALERT_SEVERITIES]. */
void vg_alert_hour_sum(struct vg_alert_hour *h, uint64_t now_s, uint64_t *out);

void vg_alert_counts_init(struct vg_alert_counts *c);
/* One alert, and the @suppressed ones throttling folded into it. */
void vg_alert_counts_add(struct vg_alert_counts *c, const char *rule, const char *severity,
			 const char *outcome, uint64_t suppressed);
/* @held events like this alert's, which the kernel held in a storm (vigil.suppressed). */
void vg_alert_counts_held(struct vg_alert_counts *c, const char *rule, const char *severity,
			  const char *outcome, uint64_t held);
/* vigil_alerts_total, vigil_alerts_suppressed_total and vigil_alerts_storm_held_total. */
void vg_alert_counts_render(struct vg_alert_counts *c, struct vg_buf *out);
void vg_alert_counts_fini(struct vg_alert_counts *c);

#endif
