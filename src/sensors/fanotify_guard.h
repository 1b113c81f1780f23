/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Preventive file deny where BPF LSM is not available: fanotify permission
 * events (FAN_OPEN_PERM, FAN_OPEN_EXEC_PERM) on the paths deny rules name.
 *
 * It must never hang the host: the guard thread does no I/O but reading
 * events, one readlink and writing the answer; a watchdog process
 * (fanotify_watchdog.h) answers "allow" for any event left unanswered past
 * VG_FAN_DEADLINE_MS, even with the whole agent stopped (counted), and if
 * the agent dies the kernel allows everything pending when the fd closes.
 * Decisions are queued for the agent to report; a full queue drops
 * reports (counted), never answers.
 */
#ifndef VIGIL_FANOTIFY_GUARD_H
#define VIGIL_FANOTIFY_GUARD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "lib/kernel_spec.h"
#include "sensors/fanotify_marks.h"
#include "sensors/fanotify_watchdog.h"

#define VG_FAN_REPORTS 1024

struct vg_fan_rule {
	char *path;		/* exact file, or byte prefix (any depth below) */
	size_t len;
	bool prefix;
	bool exec;		/* decides executions only, not other opens */
	bool audit;
	bool writes_only;	/* opens for writing only, never the agent's own */
	uint32_t rule_id;
	char *rule_name;
};

enum vg_fan_outcome {
	VG_FAN_DENIED,
	VG_FAN_WOULD_DENY,		/* audit */
	VG_FAN_WATCHDOG_ALLOWED,	/* enforce, but the agent was too late */
};

/* The alert's outcome text for @o. */
const char *vg_fan_outcome_str(enum vg_fan_outcome o);

struct vg_fan_report {
	uint32_t rule_id;
	char rule_name[128];
	char path[512];
	pid_t pid;
	enum vg_fan_outcome outcome;
	bool exec;		/* FAN_OPEN_EXEC_PERM */
	uint64_t boot_ns;
};

struct vg_fan_stats {
	uint64_t events, allowed, denied, would_deny, watchdog_allowed, reports_dropped, errors;
	struct vg_fan_marks_stats marks;
};

struct vg_fan_guard {
	int fd;
	pthread_t thread;
	struct vg_fan_wd wd;
	bool started;
	atomic_bool stop;
	struct vg_fan_marks marks;	/* what is marked; its own thread and lock */
	pthread_mutex_t lock;		/* rules, reports, stats */
	struct vg_fan_rule *rules;
	size_t n_rules;
	struct vg_fan_report reports[VG_FAN_REPORTS];
	size_t rep_head, rep_count;
	struct vg_fan_stats st;
};

/*
 * Whether @pid, blocked in an open permission event, opens for writing
 * (fanotify_writer.c); never for the agent itself, always when unsure.
 */
bool vg_fan_open_writes(pid_t pid);
/* Creates the fanotify group; <0 with one error line if the kernel refuses. */
int vg_fan_guard_init(struct vg_fan_guard *g);
/* Replaces the rules and the marks. Takes ownership of @rules. */
int vg_fan_guard_set_rules(struct vg_fan_guard *g, struct vg_fan_rule *rules, size_t n);
int vg_fan_guard_start(struct vg_fan_guard *g);
/* Whether the guard enforces rule @rule_id. */
bool vg_fan_guard_has_rule(struct vg_fan_guard *g, uint32_t rule_id);
/* Takes up to @max queued reports; returns how many. */
size_t vg_fan_guard_take_reports(struct vg_fan_guard *g, struct vg_fan_report *out, size_t max);
void vg_fan_guard_get_stats(struct vg_fan_guard *g, struct vg_fan_stats *st);
void vg_fan_guard_fini(struct vg_fan_guard *g);
void vg_fan_rules_free(struct vg_fan_rule *rules, size_t n);
/*
 * Sets the guard's rules to the deny targets of a policy (@spec) and adds
 * each target's rule to @decided: the guard reports those itself.
 */
int vg_fan_guard_apply(struct vg_fan_guard *g, const struct vg_kernel_spec *spec,
		       struct vg_rule_set *decided);

#endif
