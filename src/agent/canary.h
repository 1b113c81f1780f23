/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Canary: a new policy runs in shadow beside the running one for a window.
 * Its alerts are written marked as canary and its kill/deny actions are
 * only reported ("would have"); health gates compare it with the running
 * policy all along. A gate that trips rolls it back; a window that passes
 * promotes it. This file keeps the window's counters and judges the gates;
 * agent_policy.c feeds it and acts on the verdict. Worker thread only,
 * except the metrics fields (atomic).
 */
#ifndef VIGIL_CANARY_H
#define VIGIL_CANARY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/json.h"

enum vg_gate {
	VG_GATE_NONE,
	VG_GATE_WOULD_ACT,	/* would-have kill/deny alerts */
	VG_GATE_WOULD_ACT_EXES,	/* distinct executables they hit */
	VG_GATE_ALERT_RATE,	/* alerts vs the running policy's */
	VG_GATE_EVAL_TIME,	/* rule evaluation time vs the running policy's */
	VG_GATE_CPU,		/* agent CPU during the window vs before */
	VG_GATE_DROPS,		/* events lost during the window */
	VG_GATE_MAP_FULL,	/* kernel table full during the window */
	VG_GATE_MAP_FILL,	/* the candidate's kernel share fills a policy map too far */
	VG_GATE_MAX
};

enum vg_policy_state {
	VG_PST_RUNNING,		/* no candidate: the running policy alone */
	VG_PST_CANARY,
	VG_PST_PROMOTED,
	VG_PST_ROLLED_BACK,
	VG_PST_SKIPPED,		/* outside the rollout wave */
	VG_PST_REFUSED,		/* not signed right, tampered or a downgrade */
	VG_PST_PENDING,		/* a new policy is compiled, waiting for the worker to take it */
	VG_PST_MAX
};

struct vg_canary_gates {
	double window_s;		/* 0: no canary, a new policy acts at once */
	uint64_t would_act;		/* more would-have kill/deny alerts fail */
	uint64_t would_act_exes;	/* more distinct executables fail */
	double alert_ratio;		/* candidate alerts > ratio x running ... */
	uint64_t alert_floor;		/* ... and > floor fail */
	double eval_ratio;		/* candidate eval time > ratio x running ... */
	uint64_t eval_floor_ms;		/* ... and > floor fail */
	double cpu_ratio;		/* agent CPU share > ratio x before ... */
	double cpu_floor;		/* ... and > floor (cores) fail */
	uint64_t drops;			/* more lost events fail */
	uint64_t map_full;		/* more kernel table-full events fail */
	double map_fill;		/* a policy map filled beyond this ratio fails */
};

/* The fullest kernel policy map the candidate would fill (canary_fill.c). */
struct vg_canary_fill {
	const char *map;		/* its name */
	uint64_t permille;		/* entries / max_entries, thousandths */
};

struct vg_policy;
/* Counts @p's kernel share against each map's size, loading nothing. 0 or <0. */
int vg_canary_fill(const struct vg_policy *p, bool every_event, struct vg_canary_fill *out);

#define VG_CANARY_MAX_EXES 64

struct vg_canary {
	struct vg_canary_gates g;
	bool active;
	uint64_t start_ns, window_ns;
	uint64_t cand_alerts, run_alerts, would_act;
	uint64_t cand_eval_ns, run_eval_ns;
	uint64_t exes[VG_CANARY_MAX_EXES];	/* hashes of the executables hit */
	size_t n_exes;
	uint64_t lost0, map_full0;
	double cpu0_s, cpu_base;		/* CPU seconds at start; share before */
	double idle_cpu_s;			/* CPU seconds and time at the last window end */
	uint64_t idle_ns;
	/* for metrics and reports */
	_Atomic int state;			/* enum vg_policy_state */
	_Atomic uint64_t promoted, rollbacks[VG_GATE_MAX], started;
	struct vg_canary_fill fill;		/* of the candidate, set before the window */
	uint64_t last_value, last_limit;	/* of the last tripped gate */
	/* Per gate, at its last trip: by how much it failed (metrics). */
	_Atomic uint64_t trip_value[VG_GATE_MAX], trip_limit[VG_GATE_MAX];
};

void vg_canary_gates_default(struct vg_canary_gates *g);
/* "name=value,..." (names as vg_gate_name, plus window); 0 or -EINVAL with @why. */
int vg_canary_gates_parse(struct vg_canary_gates *g, const char *spec, char *why, size_t size);
const char *vg_gate_name(enum vg_gate g);
const char *vg_policy_state_name(enum vg_policy_state s);

void vg_canary_init(struct vg_canary *c, const struct vg_canary_gates *g);
/* Opens a window of @window_s; @lost and @map_full are the agent's totals now. */
void vg_canary_begin(struct vg_canary *c, double window_s, uint64_t lost, uint64_t map_full);
/* One evaluation of the running (@cand false) or candidate policy. */
void vg_canary_note_eval(struct vg_canary *c, bool cand, uint64_t ns, int alerts);
/* The candidate would have killed or denied @exe. */
void vg_canary_note_would_act(struct vg_canary *c, const char *exe);
/*
 * The first gate that fails now (with its value and limit), else
 * VG_GATE_NONE; *@done when the window has passed with every gate held.
 */
enum vg_gate vg_canary_check(struct vg_canary *c, uint64_t now_ns, uint64_t lost,
			     uint64_t map_full, bool *done);
/* Closes the window (promoted or rolled back by @gate). */
void vg_canary_end(struct vg_canary *c, enum vg_gate gate);
/* @state: the one to report (vg_agent_policy_state(): pending is known outside). */
void vg_canary_metrics(struct vg_canary *c, int state, struct vg_buf *out);

#endif
