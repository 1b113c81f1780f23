/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy inside the agent: evaluates every event on the worker thread,
 * writes alerts (alert.h), takes actions (actions.h: kill in the kernel
 * hook where the sensor can decide, else from user space), loads each
 * policy's kernel share into the sensors (policy_apply.h) and reloads on
 * SIGHUP or when a policy file changes (reload.h).
 */
#ifndef VIGIL_AGENT_POLICY_H
#define VIGIL_AGENT_POLICY_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include "agent/actions.h"
#include "agent/agent.h"
#include "agent/alert.h"
#include "agent/canary.h"
#include "agent/eval_hist.h"
#include "agent/fan_report.h"
#include "agent/policy_apply.h"
#include "agent/policy_fallback.h"
#include "agent/reload.h"
#include "agent/self_check.h"
#include "agent/self_confine.h"
#include "policy/policy.h"

/* How the agent takes a new policy (docs/safe-change.md). */
struct vg_agent_policy_opts {
	const struct vg_trusted_keys *keys;	/* NULL: plain policy files */
	const char *keys_dir;			/* where they are (protected) */
	const char *config_path;		/* --config (watched as ours); NULL: none */
	bool protect;				/* --protect: deny writes to our files */
	const char *host_id;			/* for the rollout wave */
	bool allow_downgrade;
	bool no_default_policy;			/* the policy files alone, not on the default */
	struct vg_canary_gates gates;		/* window 0: a new policy acts at once */
	const char *state_dir;			/* last-known-good and crash journal; NULL: none */
	unsigned crash_max;			/* abnormal exits ... */
	long crash_window_s;			/* ... this soon after a change: last-known-good */
	uint64_t memory_max;			/* the agent's own cgroup limits; 0: none */
	uint32_t cpu_millis;
};

struct vg_agent_policy {
	struct vg_agent *agent;
	struct vg_agent_policy_opts opts;
	struct vg_loaded *cur;		/* worker thread only */
	struct vg_loaded *cand;		/* in its canary window; worker thread only */
	struct vg_canary canary;
	struct vg_alert_out canary_out;	/* the candidate's alerts, marked canary */
	struct vg_policy_fallback fb;	/* last-known-good and the crash journal */
	struct vg_self_check self;	/* our BPF links, checked now and then */
	struct vg_self_confine confine;	/* our own cgroup and its limits */
	uint64_t next_check_ns;		/* of the canary's gates */
	_Atomic uint64_t version;	/* of the bundle in use; 0: not a bundle */
	_Atomic uint64_t refused, skipped;	/* new policies not taken */
	_Atomic uint64_t taken;		/* reload results the worker has dealt with */
	struct vg_reload reload;
	struct vg_policy_apply apply;	/* cur's kernel share, and the fanotify guard */
	struct vg_alert_out out;
	struct vg_kill_counts kills;
	struct vg_fan_queue fan_pending;	/* guard decisions not reported yet */
	_Atomic uint64_t generation;	/* 1 at start, +1 per reload; read by metrics */
	_Atomic size_t n_rules;		/* of cur */
	_Atomic uint64_t threshold_bytes;	/* threshold rules' windows in cur; read by metrics */
	_Atomic uint64_t sequence_bytes;	/* sequence rules' partial matches in cur */
	_Atomic uint64_t sequence_evicted;	/* ... dropped live at the key bound */
	bool events_printed;		/* every event is printed: watch the default set too */
	/* `vigil policy show`: cur's sources as JSON, rewritten at each swap. */
	pthread_mutex_t show_lock;
	struct vg_buf show;
	struct vg_eval_hist eval_time;	/* per event; read by metrics */
};

/* Loads and compiles the policy; prints every diagnostic; <0 if it has errors. */
int vg_agent_policy_init(struct vg_agent_policy *ap, struct vg_agent *a,
			 const char *const *paths, size_t n_paths,
			 const struct vg_agent_policy_opts *o);
/* After the sensors are loaded: kernel rules, event hook, reload thread. */
int vg_agent_policy_start(struct vg_agent_policy *ap);
/* Asks for a reload (SIGHUP). Safe from any thread. */
void vg_agent_policy_request_reload(struct vg_agent_policy *ap);
/*
 * Worker thread (policy_stage.c): takes what the reload thread made, runs
 * a candidate's canary window, promotes or rolls it back.
 */
void vg_policy_stage_poll(struct vg_agent_policy *ap);
/* Worker thread: the candidate's verdict on an event (nothing if none). */
void vg_policy_stage_eval(struct vg_agent_policy *ap, struct vg_event_view *v,
			  const struct vg_event_ctx *ev);
/* The running policy's evaluation, timed while a canary compares against it. */
void vg_policy_stage_eval_running(struct vg_agent_policy *ap, struct vg_event_view *v,
				  const struct vg_event_ctx *ev, vg_alert_cb cb, void *ctx);
/*
 * Asks for a reload and waits for its end: 0 when the new policy is in
 * use, -EINVAL if it failed or was refused (the running one stays),
 * -ETIMEDOUT, or VG_PST_CANARY / VG_PST_SKIPPED when the worker took it
 * but it does not act yet (in its canary window, outside the rollout).
 */
int vg_agent_policy_reload_wait(struct vg_agent_policy *ap, unsigned timeout_ms);
/* Worker thread (or init): rewrites what `vigil policy show` answers, after a swap. */
void vg_agent_policy_render_show(struct vg_agent_policy *ap);
/* Safe on a zeroed struct (init never called). */
void vg_agent_policy_fini(struct vg_agent_policy *ap);
/* The running policy (generation, rules, each source's text) as JSON; any thread. */
void vg_agent_policy_show(struct vg_agent_policy *ap, struct vg_buf *out);
/* Alerts, actions, reloads and the fanotify guard as Prometheus metrics; any thread. */
void vg_agent_policy_metrics(struct vg_agent_policy *ap, struct vg_buf *out);
/* enum vg_policy_state now: pending while a compiled policy waits for the worker. */
int vg_agent_policy_state(struct vg_agent_policy *ap);

#endif
