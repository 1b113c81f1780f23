// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include "agent/alert_counts.h"
#include "lib/prom.h"

void vg_alert_counts_init(struct vg_alert_counts *c)
{
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
}

static struct vg_alert_count *find(struct vg_alert_counts *c, const char *rule,
				   const char *severity, const char *outcome)
{
	struct vg_alert_count *e;
	size_t i;

	for (i = 0; i < c->n; i++) {
		e = &c->v[i];
		if (!strcmp(e->rule, rule) && !strcmp(e->outcome, outcome) &&
		    !strcmp(e->severity, severity))
			return e;
	}
	if (c->n == VG_ALERT_COUNTS_MAX)
		return NULL;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		void *v = realloc(c->v, cap * sizeof(*c->v));

		if (!v)
			return NULL;
		c->v = v;
		c->cap = cap;
	}
	e = &c->v[c->n];
	e->rule = strdup(rule);
	e->severity = strdup(severity);
	e->outcome = strdup(outcome);
	e->alerts = e->suppressed = e->held = 0;
	if (!e->rule || !e->severity || !e->outcome) {
		free(e->rule);
		free(e->severity);
		free(e->outcome);
		return NULL;
	}
	c->n++;
	return e;
}

void vg_alert_counts_add(struct vg_alert_counts *c, const char *rule, const char *severity,
			 const char *outcome, uint64_t suppressed)
{
	struct vg_alert_count *e;

	pthread_mutex_lock(&c->lock);
	e = find(c, rule ? rule : "", severity ? severity : "", outcome ? outcome : "");
	if (e) {
		e->alerts++;
		e->suppressed += suppressed;
	} else {
		c->overflow++;
	}
	pthread_mutex_unlock(&c->lock);
}

void vg_alert_counts_held(struct vg_alert_counts *c, const char *rule, const char *severity,
			  const char *outcome, uint64_t held)
{
	struct vg_alert_count *e;

	pthread_mutex_lock(&c->lock);
	e = find(c, rule ? rule : "", severity ? severity : "", outcome ? outcome : "");
	if (e)
		e->held += held;
	pthread_mutex_unlock(&c->lock);
}

enum count_kind { COUNT_ALERTS, COUNT_SUPPRESSED, COUNT_HELD };

static void render(struct vg_alert_counts *c, struct vg_buf *out, const char *name,
		   const char *help, enum count_kind kind)
{
	size_t i;

	vg_prom_family(out, name, "counter", help);
	for (i = 0; i < c->n; i++) {
		const struct vg_alert_count *e = &c->v[i];
		struct vg_prom_label l[] = {
			{ "rule", e->rule }, { "severity", e->severity }, { "outcome", e->outcome },
		};

		vg_prom_sample(out, name, l, 3, kind == COUNT_HELD ? e->held :
			       kind == COUNT_SUPPRESSED ? e->suppressed : e->alerts);
	}
}

void vg_alert_counts_render(struct vg_alert_counts *c, struct vg_buf *out)
{
	pthread_mutex_lock(&c->lock);
	render(c, out, "vigil_alerts_total", "Alerts raised, by rule, severity and outcome.",
	       COUNT_ALERTS);
	render(c, out, "vigil_alerts_suppressed_total",
	       "Alerts throttling folded into the next alert of the same rule and key.",
	       COUNT_SUPPRESSED);
	render(c, out, "vigil_alerts_storm_held_total",
	       "Events like an alert's that the kernel held in a storm and counted into an "
	       "aggregate alert (vigil.suppressed).", COUNT_HELD);
	vg_prom_one(out, "vigil_alerts_uncounted_total", "counter",
		    "Alerts raised but not counted by rule: the table of rule, severity and outcome was full.",
		    c->overflow);
	pthread_mutex_unlock(&c->lock);
}

void vg_alert_counts_fini(struct vg_alert_counts *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].rule);
		free(c->v[i].severity);
		free(c->v[i].outcome);
	}
	free(c->v);
	pthread_mutex_destroy(&c->lock);
	memset(c, 0, sizeof(*c));
}

void vg_alert_hour_add(struct vg_alert_hour *h, unsigned severity, uint64_t now_s)
{
	uint64_t minute = now_s / 60;
	size_t b = minute % VG_ALERT_HOUR_MINUTES, s;

	if (severity >= VG_ALERT_SEVERITIES)
		return;
	if (atomic_load(&h->minute[b]) != minute) {
		for (s = 0; s < VG_ALERT_SEVERITIES; s++)
			atomic_store(&h->n[b][s], 0);
		atomic_store(&h->minute[b], minute);
	}
	atomic_fetch_add(&h->n[b][severity], 1);
}

void vg_alert_hour_sum(struct vg_alert_hour *h, uint64_t now_s, uint64_t *out)
{
	uint64_t minute = now_s / 60;
	size_t b, s;

	memset(out, 0, VG_ALERT_SEVERITIES * sizeof(*out));
	for (b = 0; b < VG_ALERT_HOUR_MINUTES; b++) {
		uint64_t m = atomic_load(&h->minute[b]);

		if (m + VG_ALERT_HOUR_MINUTES <= minute || m > minute)
			continue;
		for (s = 0; s < VG_ALERT_SEVERITIES; s++)
			out[s] += atomic_load(&h->n[b][s]);
	}
}
