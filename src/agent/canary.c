// SPDX-License-Identifier: GPL-2.0
/* The canary window's counters and its health gates. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "agent/canary.h"
#include "lib/prom.h"
#include "lib/timefmt.h"

static const char *const gate_names[VG_GATE_MAX] = {
	[VG_GATE_NONE] = "none",
	[VG_GATE_WOULD_ACT] = "would_act",
	[VG_GATE_WOULD_ACT_EXES] = "would_act_exes",
	[VG_GATE_ALERT_RATE] = "alert_rate",
	[VG_GATE_EVAL_TIME] = "eval_time",
	[VG_GATE_CPU] = "cpu",
	[VG_GATE_DROPS] = "drops",
	[VG_GATE_MAP_FULL] = "map_full",
	[VG_GATE_MAP_FILL] = "map_fill",
};

static const char *const state_names[VG_PST_MAX] = {
	"running", "canary", "promoted", "rolled_back", "skipped", "refused", "pending",
};

const char *vg_gate_name(enum vg_gate g)
{
	return g < VG_GATE_MAX ? gate_names[g] : "?";
}

const char *vg_policy_state_name(enum vg_policy_state s)
{
	return s < VG_PST_MAX ? state_names[s] : "?";
}

void vg_canary_gates_default(struct vg_canary_gates *g)
{
	g->window_s = 300;
	g->would_act = 10;
	g->would_act_exes = 3;
	g->alert_ratio = 10;
	g->alert_floor = 100;
	g->eval_ratio = 4;
	g->eval_floor_ms = 100;
	g->cpu_ratio = 4;
	g->cpu_floor = 1.0;
	g->drops = 1000;
	g->map_full = 100;
	g->map_fill = 0.9;
}

/* Each setting: its name and where it goes (one of the two pointers). */
static int set_one(struct vg_canary_gates *g, const char *name, double v)
{
	struct { const char *name; double *d; uint64_t *u; } t[] = {
		{ "window", &g->window_s, NULL }, { "would_act", NULL, &g->would_act },
		{ "would_act_exes", NULL, &g->would_act_exes },
		{ "alert_ratio", &g->alert_ratio, NULL }, { "alert_floor", NULL, &g->alert_floor },
		{ "eval_ratio", &g->eval_ratio, NULL }, { "eval_floor_ms", NULL, &g->eval_floor_ms },
		{ "cpu_ratio", &g->cpu_ratio, NULL }, { "cpu_floor", &g->cpu_floor, NULL },
		{ "drops", NULL, &g->drops }, { "map_full", NULL, &g->map_full },
		{ "map_fill", &g->map_fill, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (strcmp(t[i].name, name))
			continue;
		if (t[i].d)
			*t[i].d = v;
		else
			*t[i].u = (uint64_t)v;
		return 0;
	}
	return -ENOENT;
}

int vg_canary_gates_parse(struct vg_canary_gates *g, const char *spec, char *why, size_t size)
{
	char buf[512], *save = NULL, *item;

	if (strlen(spec) >= sizeof(buf)) {
		snprintf(why, size, "too long");
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", spec);
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '='), *end;
		double v;

		if (!eq) {
			snprintf(why, size, "'%s': expected NAME=VALUE", item);
			return -EINVAL;
		}
		*eq = '\0';
		v = strtod(eq + 1, &end);
		if (end == eq + 1 || *end || !(v >= 0) || v > 1e12) {
			snprintf(why, size, "%s: not a number >= 0: '%s'", item, eq + 1);
			return -EINVAL;
		}
		if (set_one(g, item, v)) {
			snprintf(why, size, "unknown gate '%s'", item);
			return -EINVAL;
		}
	}
	return 0;
}

static double cpu_seconds(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

void vg_canary_init(struct vg_canary *c, const struct vg_canary_gates *g)
{
	memset(c, 0, sizeof(*c));
	c->g = *g;
	c->idle_ns = vg_boot_now_ns();
	c->idle_cpu_s = cpu_seconds();
}

void vg_canary_begin(struct vg_canary *c, double window_s, uint64_t lost, uint64_t map_full)
{
	uint64_t now = vg_boot_now_ns();
	double cpu = cpu_seconds();

	c->active = true;
	c->start_ns = now;
	c->window_ns = window_s * 1e9;
	c->cand_alerts = c->run_alerts = c->would_act = 0;
	c->cand_eval_ns = c->run_eval_ns = 0;
	c->n_exes = 0;
	c->lost0 = lost;
	c->map_full0 = map_full;
	/* The share of a CPU the agent used before this window. */
	c->cpu_base = c->idle_ns && now > c->idle_ns ? (cpu - c->idle_cpu_s) / ((now - c->idle_ns) / 1e9)
						     : 0;
	c->cpu0_s = cpu;
	atomic_store(&c->state, VG_PST_CANARY);
	atomic_fetch_add(&c->started, 1);
}

void vg_canary_note_eval(struct vg_canary *c, bool cand, uint64_t ns, int alerts)
{
	if (alerts < 0)
		alerts = 0;
	if (cand) {
		c->cand_eval_ns += ns;
		c->cand_alerts += alerts;
	} else {
		c->run_eval_ns += ns;
		c->run_alerts += alerts;
	}
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

void vg_canary_note_would_act(struct vg_canary *c, const char *exe)
{
	uint64_t h = hash_str(exe ? exe : "");
	size_t i;

	c->would_act++;
	for (i = 0; i < c->n_exes; i++)
		if (c->exes[i] == h)
			return;
	if (c->n_exes < VG_CANARY_MAX_EXES)
		c->exes[c->n_exes++] = h;
}

static enum vg_gate trip(struct vg_canary *c, enum vg_gate g, uint64_t value, uint64_t limit)
{
	c->last_value = value;
	c->last_limit = limit;
	return g;
}

static uint64_t ratio_limit(double ratio, uint64_t running, uint64_t floor)
{
	double l = ratio * running;

	return l > floor ? (uint64_t)l : floor;
}

enum vg_gate vg_canary_check(struct vg_canary *c, uint64_t now_ns, uint64_t lost,
			     uint64_t map_full, bool *done)
{
	const struct vg_canary_gates *g = &c->g;
	uint64_t lim, elapsed = now_ns - c->start_ns;

	*done = false;
	if (c->would_act > g->would_act)
		return trip(c, VG_GATE_WOULD_ACT, c->would_act, g->would_act);
	if (c->n_exes > g->would_act_exes)
		return trip(c, VG_GATE_WOULD_ACT_EXES, c->n_exes, g->would_act_exes);
	lim = ratio_limit(g->alert_ratio, c->run_alerts, g->alert_floor);
	if (c->cand_alerts > lim)
		return trip(c, VG_GATE_ALERT_RATE, c->cand_alerts, lim);
	lim = ratio_limit(g->eval_ratio, c->run_eval_ns, g->eval_floor_ms * 1000000ULL);
	if (c->cand_eval_ns > lim)
		return trip(c, VG_GATE_EVAL_TIME, c->cand_eval_ns / 1000000, lim / 1000000);
	if (lost - c->lost0 > g->drops)
		return trip(c, VG_GATE_DROPS, lost - c->lost0, g->drops);
	if (map_full - c->map_full0 > g->map_full)
		return trip(c, VG_GATE_MAP_FULL, map_full - c->map_full0, g->map_full);
	/* In thousandths, as the metric and event report it. */
	if (c->fill.permille > g->map_fill * 1000)
		return trip(c, VG_GATE_MAP_FILL, c->fill.permille, g->map_fill * 1000);
	if (elapsed >= 1000000000ULL) {
		/* In thousandths of a core, to report it as a whole number. */
		double share = (cpu_seconds() - c->cpu0_s) / (elapsed / 1e9);
		double l = c->cpu_base * g->cpu_ratio > g->cpu_floor ? c->cpu_base * g->cpu_ratio
								      : g->cpu_floor;

		if (share > l)
			return trip(c, VG_GATE_CPU, share * 1000, l * 1000);
	}
	*done = elapsed >= c->window_ns;
	return VG_GATE_NONE;
}

void vg_canary_end(struct vg_canary *c, enum vg_gate gate)
{
	c->active = false;
	c->idle_ns = vg_boot_now_ns();
	c->idle_cpu_s = cpu_seconds();
	if (gate == VG_GATE_NONE) {
		atomic_fetch_add(&c->promoted, 1);
		atomic_store(&c->state, VG_PST_PROMOTED);
	} else {
		atomic_store(&c->trip_value[gate], c->last_value);
		atomic_store(&c->trip_limit[gate], c->last_limit);
		atomic_fetch_add(&c->rollbacks[gate], 1);
		atomic_store(&c->state, VG_PST_ROLLED_BACK);
	}
}

void vg_canary_metrics(struct vg_canary *c, int cur, struct vg_buf *out)
{
	int s, g;

	vg_prom_family(out, "vigil_policy_state", "gauge",
		       "The policy's staged-change state: 1 for the current one.");
	for (s = 0; s < VG_PST_MAX; s++) {
		struct vg_prom_label l[] = { { "state", state_names[s] } };

		vg_prom_sample(out, "vigil_policy_state", l, 1, s == cur);
	}
	vg_prom_one(out, "vigil_policy_canary_window_seconds", "gauge",
		    "The canary window a new policy runs in shadow (0: none).", c->g.window_s);
	vg_prom_one(out, "vigil_policy_canaries_total", "counter",
		    "Candidate policies that started a canary window.", c->started);
	vg_prom_one(out, "vigil_policy_promotions_total", "counter",
		    "Candidate policies promoted after a clean canary window.", c->promoted);
	vg_prom_family(out, "vigil_policy_rollbacks_total", "counter",
		       "Candidate policies rolled back, by the health gate that tripped.");
	for (g = 1; g < VG_GATE_MAX; g++) {
		struct vg_prom_label l[] = { { "gate", gate_names[g] } };

		vg_prom_sample(out, "vigil_policy_rollbacks_total", l, 1, c->rollbacks[g]);
	}
	/* Units as in the rollback event: ms for eval_time, thousandths of a CPU for cpu. */
	vg_prom_family(out, "vigil_policy_gate_trip_value", "gauge",
		       "What a health gate measured when it last rolled a candidate back (0: never).");
	for (g = 1; g < VG_GATE_MAX; g++) {
		struct vg_prom_label l[] = { { "gate", gate_names[g] } };

		vg_prom_sample(out, "vigil_policy_gate_trip_value", l, 1, c->trip_value[g]);
	}
	vg_prom_family(out, "vigil_policy_gate_trip_limit", "gauge",
		       "The limit that measure went over, at the same trip (0: never tripped).");
	for (g = 1; g < VG_GATE_MAX; g++) {
		struct vg_prom_label l[] = { { "gate", gate_names[g] } };

		vg_prom_sample(out, "vigil_policy_gate_trip_limit", l, 1, c->trip_limit[g]);
	}
}
