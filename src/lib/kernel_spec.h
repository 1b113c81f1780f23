/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's share of a compiled policy, as plain data: what each sensor
 * sends, filters and decides at its hooks. The policy compiler fills it
 * knowing no sensor (vg_policy_kernel_spec); each sensor applies its own
 * part to its own maps (struct vg_sensor_desc.apply_policy). Neither layer
 * owns this header, so neither includes the other's.
 */
#ifndef VIGIL_KERNEL_SPEC_H
#define VIGIL_KERNEL_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bpf/vigil_abi.h"

/* Which sensor emits a record kind: the kernel pre-filter is per sensor. */
enum vg_sensor_id { VG_SENSOR_PROCESS, VG_SENSOR_FILE, VG_SENSOR_NETWORK, VG_SENSOR_PRIV,
		    VG_SENSOR_MAX };

struct vg_ip {
	uint8_t v4;		/* 1: IPv4 (held v4-mapped in addr) */
	uint8_t addr[16];
};

struct vg_cidr {
	struct vg_ip net;
	unsigned prefix;	/* bits of the v4-mapped address */
};

/*
 * The values one field of a sensor's records must have to leave the
 * kernel. @on only when every rule of the sensor constrains the field: the
 * sets are then the union of what the rules accept, and a record outside
 * them can match no rule.
 */
struct vg_spec_values {
	bool on;
	const char *const *exact;	/* strings, NUL-terminated, sorted */
	size_t n_exact;
	const char *const *prefixes;
	size_t n_prefixes;
	/* file.path: VG_FACC_* per exact value and prefix; NULL: every access */
	const uint32_t *exact_access, *prefix_access;
	/* the overhead tier that may shed each value (0: never); NULL: none may */
	const uint8_t *exact_tier, *prefix_tier;
	const uint64_t *nums;
	const uint8_t *num_tier;
	size_t n_nums;
	const struct vg_cidr *cidrs;
	const uint8_t *cidr_tier;
	size_t n_cidrs;
};

/* The fields a sensor can check at the hook (which sensors have which: see the policy). */
enum vg_spec_field {
	VG_SPEC_UID,		/* process.user.id (effective) */
	VG_SPEC_CGROUP,		/* process.cgroup.id */
	VG_SPEC_FILE_PATH,	/* file.path */
	VG_SPEC_PEER_PORT,	/* destination.port */
	VG_SPEC_LOCAL_PORT,	/* source.port */
	VG_SPEC_PEER_ADDR,	/* destination.address */
	VG_SPEC_EXE_NAME,	/* process.executable.name: exact names and name prefixes */
	VG_SPEC_FIELDS
};

/* A path watched for every process (exact file, or byte prefix), for some accesses. */
struct vg_spec_watch {
	const char *path;
	bool prefix;
	uint32_t access;		/* VG_FACC_* */
};

struct vg_sensor_spec {
	bool used;			/* some rule reads this sensor's records */
	struct vg_spec_values field[VG_SPEC_FIELDS];
	/* File sensor: send writes through a container's bind mounts, watched or not. */
	bool bind_mounts;
	/*
	 * File sensor: paths whose accesses cross whatever the actor pre-filter
	 * (uid, cgroup, executable) says: rules for every process that must
	 * not open that filter for all the others (the agent's own files).
	 */
	const struct vg_spec_watch *any_actor;
	size_t n_any_actor;
	/*
	 * Network sensor: some rules count distinct destination ports per
	 * process within this window (ns); the kernel sends each process's
	 * first connect to each port per window for them. 0: none.
	 */
	uint64_t port_gate_ns;
};

/*
 * The executable filters of every sensor, as the process sensor's
 * vg_exe_filter trie holds them: one entry per exact path or prefix, whose
 * bits (1 << sensor id) already include those of every shorter prefix
 * entry above it, so the longest match alone answers.
 */
struct vg_exe_filter_entry {
	const char *path;
	bool prefix;
	uint32_t bits;
	/* @bits less the values the overhead budget sheds at tier 1, then at tier 2 */
	uint32_t shed_bits[2];
};

struct vg_exe_filter {
	struct vg_exe_filter_entry *v;
	size_t n;
	uint32_t sensors;	/* 1 << sensor id for each sensor whose exe filter is on */
};

/* The bits a process running @path gets: what the kernel trie lookup answers. */
uint32_t vg_exe_filter_bits(const struct vg_exe_filter *f, const char *path);

/* One entry of the exec kill trie: the rule(s) the exec hook decides on a path. */
struct vg_exec_kill {
	const char *path;
	bool prefix;
	bool audit;		/* after folding: true only if no enforcing rule covers it */
	uint32_t rule_index;	/* the rule the hook reports */
	uint32_t own_rule;	/* the first rule on this key */
	enum vg_path_rule_ids id_kind;		/* ANY, or the rule applies to */
	uint64_t ids[VG_PATH_RULE_IDS];		/* these euids or cgroup ids */
	size_t n_ids;
	bool has_fallback;	/* for any other process: */
	uint32_t fallback_rule;
	bool fallback_audit;
};

/* A net deny rule as the cgroup hooks can check it (cross product of ports and CIDRs). */
struct vg_net_deny_spec {
	const char *rule;
	uint32_t rule_id;
	bool audit;
	const int64_t *ports;		/* none: any port */
	size_t n_ports;
	const struct vg_cidr *cidrs;	/* none: any address */
	size_t n_cidrs;
	const char *comm;		/* NULL: any process */
	size_t comm_len;
	bool any_transport, transport_set, udp;
	bool kill;			/* kill rule: deny, then SIGKILL the caller */
};

/* A path a deny rule on open or exec decides on alone (a permission hook can refuse it). */
struct vg_deny_target {
	const char *rule;
	const char *path;		/* not NUL-terminated */
	size_t len;
	bool prefix;
	bool exec;			/* executions only, not other opens */
	bool audit;
	bool writes_only;		/* opens for writing, by any process but the agent */
	uint32_t rule_id;
};

/*
 * Storm aggregation of file opens (src/bpf/storm.h): whether any may be
 * held, and the paths where none may, because a rule there must see every
 * event (it kills, denies, counts, or reads a field that differs between
 * similar events): its opens, its other file records, or both. @burst and @window_ns are the agent's options.
 */
struct vg_storm_spec {
	bool on;
	char **never;			/* watch-prefix syntax: "/etc/shadow", "/etc/cron*"; owned */
	uint8_t *never_for;		/* per entry: VG_STORM_NEVER_OPEN, _REC (src/bpf/storm.h) */
	size_t n_never;
	uint32_t burst;			/* records per key and window; 0: off */
	uint64_t window_ns;
	/* Bit t: records of type t (not opens) may be held, keyed by the record itself. */
	uint64_t types[VG_EV_TYPE_MAX / 64];
};

/* A record type's switch is left alone (not a record type). */
#define VG_SPEC_TYPE_NONE 0xff

struct vg_kernel_spec {
	/* Every record is wanted (printed): no pre-filter, default watch set too. */
	bool every_event;
	uint32_t gen;			/* pre-filter generation (vg_pf_cfg.gen); set by the applier */
	uint8_t types[VG_EV_TYPE_MAX];	/* enum vg_type_switch, or VG_SPEC_TYPE_NONE */
	struct vg_sensor_spec sensor[VG_SENSOR_MAX];
	struct vg_exe_filter exe;
	struct vg_exec_kill *exec_kills;
	size_t n_exec_kills;
	struct vg_net_deny_spec *net_denies;
	size_t n_net_denies;
	struct vg_deny_target *deny_targets;
	size_t n_deny_targets;
	struct vg_storm_spec storm;
};

/* Frees what the spec holds (its strings belong to the policy). */
void vg_kernel_spec_free(struct vg_kernel_spec *spec);

/*
 * Rule ids a sensor or guard decides and reports itself: user-space
 * evaluation does not report them again.
 */
#define VG_MAX_DECIDED_RULES 4096

struct vg_rule_set {
	uint8_t bits[VG_MAX_DECIDED_RULES / 8];
};

static inline void vg_rule_set_add(struct vg_rule_set *s, uint32_t id)
{
	if (id < VG_MAX_DECIDED_RULES)
		s->bits[id / 8] |= 1u << (id % 8);
}

static inline bool vg_rule_set_has(const struct vg_rule_set *s, uint32_t id)
{
	return id < VG_MAX_DECIDED_RULES && (s->bits[id / 8] & (1u << (id % 8)));
}

#endif
