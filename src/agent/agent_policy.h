/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy inside the agent: evaluates every event on the worker thread,
 * writes alerts, takes actions (kill in the kernel hook where the sensor
 * can decide, else from user space), and reloads on SIGHUP or when a policy
 * file changes. A reload compiles on its own thread; the worker swaps the
 * new policy in between two events, so no event is lost or evaluated twice,
 * and a policy that fails to compile never replaces the running one.
 */
#ifndef VIGIL_AGENT_POLICY_H
#define VIGIL_AGENT_POLICY_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include "agent/agent.h"
#include "agent/alert_counts.h"
#include "sensors/fanotify_guard.h"
#include "policy/policy.h"

#define VG_MAX_ENFORCED_RULES 4096

#define VG_FAN_PENDING 64

struct vg_agent_policy {
	struct vg_agent *agent;
	const char *const *paths;	/* policy files or directories; none: built-in default */
	size_t n_paths;
	struct vg_policy *cur;			/* worker thread only */
	_Atomic(struct vg_policy *) pending;	/* compiled by a reload, not yet in use */
	struct vg_buf line;
	int wake_fd;			/* eventfd: reload requested */
	int inotify_fd;
	pthread_t reload_thread;
	bool thread_started;
	atomic_bool stop;
	/* counters: written by the worker and the reload thread, read by metrics */
	_Atomic uint64_t alerts, kills_kernel, kills_user, kill_failed;
	_Atomic uint64_t reload_ok, reload_failed;
	_Atomic uint64_t generation;
	_Atomic size_t n_rules;		/* of ap->cur */
	struct vg_alert_counts counts;	/* by rule, severity and outcome */
	uint32_t filter_gen;		/* kernel pre-filter generation (vg_pf_cfg.gen) */
	bool events_printed;		/* every event is printed: watch the default set too */
	struct vg_fan_guard fan;	/* file/exec deny without BPF LSM */
	atomic_bool fan_started;	/* set once the guard runs; read by metrics */
	/* Guard decisions waiting for the records made before them (worker thread). */
	struct vg_fan_report fan_pending[VG_FAN_PENDING];
	size_t n_fan_pending;
	/* Deny rules enforced (and reported) by a kernel hook or the guard,
	 * by rule id: user-space evaluation does not report them again. */
	uint8_t enforced[VG_MAX_ENFORCED_RULES / 8];
};

/* Loads and compiles the policy; prints every diagnostic; <0 if it has errors. */
int vg_agent_policy_init(struct vg_agent_policy *ap, struct vg_agent *a,
			 const char *const *paths, size_t n_paths);
/* After the sensors are loaded: kernel rules, event hook, reload thread. */
int vg_agent_policy_start(struct vg_agent_policy *ap);
/* Asks for a reload (SIGHUP). Safe from any thread. */
void vg_agent_policy_request_reload(struct vg_agent_policy *ap);
void vg_agent_policy_fini(struct vg_agent_policy *ap);
/* Alerts, actions, reloads and the fanotify guard as Prometheus metrics; any thread. */
void vg_agent_policy_metrics(struct vg_agent_policy *ap, struct vg_buf *out);

/* The built-in default policy (policy/default.yaml, embedded at build time). */
extern const char vg_default_policy_yaml[];

#endif
