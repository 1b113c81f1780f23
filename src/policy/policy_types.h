/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy's public types: what a rule decides (severity, action,
 * mode), the alerts it raises, diagnostics, and the per-sensor kernel
 * pre-filter it compiles to. No function here needs a struct vg_policy.
 */
#ifndef VIGIL_POLICY_TYPES_H
#define VIGIL_POLICY_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "event/fields.h"
#include "lib/kernel_spec.h"

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
	uint64_t threshold_keys;	/* windows held by threshold rules */
	uint64_t threshold_bytes;	/* their memory */
	uint64_t sequence_keys;		/* partial sequences held, one per key */
	uint64_t sequence_bytes;	/* their memory */
	uint64_t sequence_evicted;	/* live partial sequences dropped at the key bound */
};

/* ---- kernel pre-filter, as the policy compiles it ---- */

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
	/* file.path: the VG_FACC_* classes the rules naming each value can match */
	uint32_t *exact_access, *prefix_access;
	/* the overhead budget tier that may shed each value (policy_shed.h; 0: never) */
	uint8_t *exact_tier, *prefix_tier;
	uint64_t *nums;
	uint8_t *num_tier;
	size_t n_nums;
	struct vg_cidr *cidrs;
	uint8_t *cidr_tier;
	size_t n_cidrs;
};

#define VG_FILTER_MAX_DIMS 7

struct vg_sensor_filter {
	vg_kinds_t kinds;		/* event kinds some rule needs; 0: sensor unused */
	size_t n_rules;
	struct vg_filter_dim dims[VG_FILTER_MAX_DIMS];
	size_t n_dims;
	/*
	 * File sensor: some rule reads file.mount.*, so the kernel sets the flag.
	 * A rule that requires file.mount.bind = 1 (a top-level conjunct) does
	 * not open the file.path dim: the kernel sends bind-mount writes by a
	 * container whatever their path (see sensor_file_bind.bpf.h).
	 */
	bool bind_mounts;
	/* File sensor: the paths of the rules vg_policy_watch_any_actor() named. */
	struct vg_spec_watch *any_actor;
	size_t n_any_actor;
	/* Network sensor: window of the distinct-port gate (policy_port_gate.h); 0: none. */
	uint64_t port_gate_ns;
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

const char *vg_policy_severity_name(enum vg_severity s);
const char *vg_policy_action_name(enum vg_action a);
const char *vg_policy_mode_name(enum vg_mode m);

#endif
