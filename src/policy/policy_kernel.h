/* SPDX-License-Identifier: GPL-2.0 */
/* The part of a policy that sensors enforce in the kernel hook itself. */
#ifndef VIGIL_POLICY_KERNEL_H
#define VIGIL_POLICY_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "policy/policy.h"

/* One entry of the process sensor's exec kill trie. */
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

/* The exec kill entries of @p (malloc'd array in *@out). */
int vg_policy_exec_kills(const struct vg_policy *p, struct vg_exec_kill **out, size_t *n_out);

typedef int (*vg_file_deny_cb)(void *ctx, const char *rule, const char *path, size_t len,
			       bool prefix, bool exec, uint32_t rule_id, bool audit);

/* Calls @cb for every path a deny rule on open or exec decides on alone. */
int vg_policy_file_deny_rules(const struct vg_policy *p, vg_file_deny_cb cb, void *ctx);

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

typedef int (*vg_net_deny_cb)(void *ctx, const struct vg_net_deny_spec *spec);
int vg_policy_net_deny_rules(const struct vg_policy *p, vg_net_deny_cb cb, void *ctx);

struct vg_rule_info {
	const char *name;
	enum vg_severity severity;
	const char *const *tags;
	size_t n_tags;
	enum vg_mode mode;
	enum vg_action action;
};

/* What alerts need of the rule a kernel record names. */
int vg_policy_rule_info(const struct vg_policy *p, uint32_t rule_id, struct vg_rule_info *info);

/* The id kernel records and guards report for @r (its index in the policy). */
uint32_t vg_policy_rule_id(const struct vg_rule *r);

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
};

struct vg_exe_filter {
	struct vg_exe_filter_entry *v;
	size_t n;
	uint32_t sensors;	/* 1 << sensor id for each sensor whose exe filter is on */
};

/*
 * Builds @f from the policy's pre-filter. A sensor whose paths do not fit
 * the kernel keys (or too many of them) gets no exe filter. Returns 0 or -ENOMEM.
 */
int vg_policy_exe_filter(const struct vg_policy *p, struct vg_exe_filter *f);
void vg_policy_exe_filter_free(struct vg_exe_filter *f);

/* The bits a process running @path gets: what the kernel trie lookup answers. */
uint32_t vg_policy_exe_filter_bits(const struct vg_exe_filter *f, const char *path);

/* The uids or cgroup ids every rule of @sid requires (NULL: not filtered on it). */
const struct vg_filter_dim *vg_policy_filter_dim(const struct vg_policy *p, enum vg_sensor_id sid,
					      const char *field);

#endif
