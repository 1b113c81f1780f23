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
#include "agent/eval_hist.h"
#include "agent/fan_report.h"
#include "agent/policy_apply.h"
#include "agent/reload.h"
#include "policy/policy.h"

struct vg_agent_policy {
	struct vg_agent *agent;
	struct vg_policy *cur;		/* worker thread only */
	struct vg_reload reload;
	struct vg_policy_apply apply;	/* cur's kernel share, and the fanotify guard */
	struct vg_alert_out out;
	struct vg_kill_counts kills;
	struct vg_fan_queue fan_pending;	/* guard decisions not reported yet */
	_Atomic uint64_t generation;	/* 1 at start, +1 per reload; read by metrics */
	_Atomic size_t n_rules;		/* of cur */
	_Atomic uint64_t threshold_bytes;	/* threshold rules' windows in cur; read by metrics */
	bool events_printed;		/* every event is printed: watch the default set too */
	/* `vigil policy show`: cur's sources as JSON, rewritten at each swap. */
	pthread_mutex_t show_lock;
	struct vg_buf show;
	struct vg_eval_hist eval_time;	/* per event; read by metrics */
};

/* Loads and compiles the policy; prints every diagnostic; <0 if it has errors. */
int vg_agent_policy_init(struct vg_agent_policy *ap, struct vg_agent *a,
			 const char *const *paths, size_t n_paths);
/* After the sensors are loaded: kernel rules, event hook, reload thread. */
int vg_agent_policy_start(struct vg_agent_policy *ap);
/* Asks for a reload (SIGHUP). Safe from any thread. */
void vg_agent_policy_request_reload(struct vg_agent_policy *ap);
/*
 * Asks for a reload and waits for its end: 0 when the new policy is in
 * use, -EINVAL if it failed (the running one stays), -ETIMEDOUT.
 */
int vg_agent_policy_reload_wait(struct vg_agent_policy *ap, unsigned timeout_ms);
/* Safe on a zeroed struct (init never called). */
void vg_agent_policy_fini(struct vg_agent_policy *ap);
/* The running policy (generation, rules, each source's text) as JSON; any thread. */
void vg_agent_policy_show(struct vg_agent_policy *ap, struct vg_buf *out);
/* Alerts, actions, reloads and the fanotify guard as Prometheus metrics; any thread. */
void vg_agent_policy_metrics(struct vg_agent_policy *ap, struct vg_buf *out);

#endif
