/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Policy engine: YAML rules (with lists and macros) are parsed, type-checked
 * against the field registry, compiled into typed matcher trees indexed by
 * event kind and by each rule's most selective literal, and into per-sensor
 * kernel pre-filter contents. Docs: docs/policy.md.
 *
 * Use: vg_policy_new(), vg_policy_add_path() per file or directory, then
 * vg_policy_compile(). Diagnostics ("file:line:col: error: ... (hint: ...)")
 * are collected, never printed; the caller prints them. A policy is
 * evaluated by one thread at a time (throttle state is not locked).
 */
#ifndef VIGIL_POLICY_H
#define VIGIL_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "event/fields.h"

enum vg_severity { VG_SEV_INFO, VG_SEV_LOW, VG_SEV_MEDIUM, VG_SEV_HIGH, VG_SEV_CRITICAL };
enum vg_action { VG_ACT_ALERT, VG_ACT_KILL, VG_ACT_DENY };
enum vg_mode { VG_MODE_ENFORCE, VG_MODE_AUDIT };

#define VG_ALERT_MSG_BYTES 1024

struct vg_policy;
struct vg_rule;

struct vg_diag {
	bool error;		/* else a warning */
	char *text;		/* one line, no newline */
};

struct vg_alert {
	const struct vg_rule *rule;
	const char *rule_name;
	const char *description;
	enum vg_severity severity;
	const char *const *tags;
	size_t n_tags;
	enum vg_mode mode;
	enum vg_action action;
	bool kernel_decidable;		/* the action can be taken in the kernel hook */
	uint64_t suppressed;		/* alerts of this rule and key dropped by throttling since the last one */
	uint64_t ts_ns;			/* the time the engine was given */
	char message[VG_ALERT_MSG_BYTES];	/* rendered output template */
	/* Set when the record says the sensor already acted ("killed in kernel",
	 * "would have killed (kernel, audit)"); else NULL for the caller to fill. */
	const char *outcome;		/* "alerted", "killed by agent", "would have killed", ... */
	uint64_t action_latency_ns;
};

/* Returning nonzero stops evaluation of further rules for this event. */
typedef int (*vg_alert_cb)(struct vg_alert *a, struct vg_event_view *v, void *ctx);

struct vg_policy_stats {
	uint64_t events;		/* events evaluated */
	uint64_t rule_evals;		/* rule conditions evaluated (the index keeps this low) */
	uint64_t alerts;
	uint64_t suppressed;
};

struct vg_policy *vg_policy_new(void);
void vg_policy_free(struct vg_policy *p);

/* Adds a YAML file, or every *.yaml / *.yml of a directory (sorted). Returns 0 or <0. */
int vg_policy_add_path(struct vg_policy *p, const char *path);
/* Adds YAML text; @name is used in diagnostics. */
int vg_policy_add_string(struct vg_policy *p, const char *name, const char *text);

/* Type-checks and compiles everything added. 0, or -EINVAL if any error was reported. */
int vg_policy_compile(struct vg_policy *p);

const struct vg_diag *vg_policy_diags(const struct vg_policy *p, size_t *n);
size_t vg_policy_n_errors(const struct vg_policy *p);
size_t vg_policy_n_rules(const struct vg_policy *p);	/* enabled, compiled rules */

/*
 * Evaluates the compiled rules that can match @v; calls @cb per alert (after
 * throttling) in rule order. @now_ns drives throttle windows. Returns the
 * number of alerts, or <0.
 */
/*
 * An alert of rule @rule_id on @v without evaluating its condition: a
 * guard outside the engine (fanotify) decided and acted, with @outcome.
 * Throttling applies. Returns 1 if @cb was called, 0 if throttled, <0.
 */
int vg_policy_alert_rule(struct vg_policy *p, uint32_t rule_id, struct vg_event_view *v,
		      uint64_t now_ns, const char *outcome, vg_alert_cb cb, void *ctx);
int vg_policy_eval(struct vg_policy *p, struct vg_event_view *v, uint64_t now_ns,
		vg_alert_cb cb, void *ctx);
void vg_policy_get_stats(const struct vg_policy *p, struct vg_policy_stats *st);

/* The id kernel records and guards report for @r (its index in the policy). */
uint32_t vg_policy_rule_id(const struct vg_rule *r);

/*
 * Reload: moves the throttle state (per-key windows and suppressed counts)
 * of @old's rules into @next's rules of the same name whose throttle spec
 * (count, per, key fields in order) is unchanged, so a reload neither
 * resets the budget nor loses the count the next alert reports. A rule
 * whose spec changed starts fresh (one info line each). O(rules of @next);
 * call it on the thread that evaluates, between two events, before @old is
 * freed (@old's moved windows are gone from it). Returns the rules carried.
 */
size_t vg_policy_adopt_throttle(struct vg_policy *next, struct vg_policy *old);

const char *vg_policy_severity_name(enum vg_severity s);
const char *vg_policy_action_name(enum vg_action a);
const char *vg_policy_mode_name(enum vg_mode m);

/* ---- kernel pre-filter, as data for the sensors ---- */

/*
 * One field a sensor could filter on. It is usable only when every rule of
 * the sensor constrains it (@active); the sets are then the union of what
 * the rules accept, and an event outside them can match no rule.
 */
struct vg_filter_dim {
	const struct vg_field *field;
	bool active;
	const char *open_rule;		/* when !active: a rule that leaves it open */
	const char **exact;		/* strings, NUL-terminated */
	size_t n_exact;
	const char **prefixes;
	size_t n_prefixes;
	uint64_t *nums;
	size_t n_nums;
	struct vg_cidr *cidrs;
	size_t n_cidrs;
};

#define VG_FILTER_MAX_DIMS 6

struct vg_sensor_filter {
	vg_kinds_t kinds;		/* event kinds some rule needs; 0: sensor unused */
	size_t n_rules;
	struct vg_filter_dim dims[VG_FILTER_MAX_DIMS];
	size_t n_dims;
};

/*
 * A rule the kernel decides on its own at the hook: today an exec kill
 * keyed by executable path (exact or prefix), optionally for some
 * effective uids or cgroups only, the shape the process sensor's exec_rules map
 * holds. rule_index comes back in vg_exec.rule_id.
 */
struct vg_kernel_rule {
	const char *rule;
	uint32_t rule_index;
	enum vg_action action;
	bool audit;
	enum vg_path_rule_ids id_kind;		/* ANY, or process.user.id / */
	uint64_t ids[VG_PATH_RULE_IDS];		/* process.cgroup.id in these */
	size_t n_ids;
	const char **exact;		/* executable paths */
	size_t n_exact;
	const char **prefixes;
	size_t n_prefixes;
};

struct vg_prefilter {
	struct vg_sensor_filter sensor[VG_SENSOR_MAX];
	struct vg_kernel_rule *kernel_rules;
	size_t n_kernel_rules;
};

/* Valid after a successful vg_policy_compile(). */
const struct vg_prefilter *vg_policy_prefilter(const struct vg_policy *p);

/* Human-readable: per sensor what the kernel filters, then each rule. */
void vg_policy_explain(const struct vg_policy *p, FILE *out);

/* ---- offline replay (`vigil policy test`) ---- */

struct vg_replay_stats {
	uint64_t lines, events, skipped, alerts;
};

/*
 * Reads JSON lines from @in, evaluates each event, writes one JSON alert per
 * line to @out. Unparsable lines or events without a known event.kind are
 * skipped and counted (and logged with their line number).
 */
int vg_policy_replay(struct vg_policy *p, FILE *in, const char *in_name, FILE *out,
		  struct vg_replay_stats *st);

#endif
