/* SPDX-License-Identifier: GPL-2.0 */
/* The part of a policy that sensors enforce in the kernel hook itself. */
#ifndef VIGIL_POLICY_KERNEL_H
#define VIGIL_POLICY_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "policy.h"

typedef int (*vg_file_deny_cb)(void *ctx, const char *rule, const char *path, size_t len,
			       bool prefix, bool exec, uint32_t rule_id, bool audit);

/* Calls @cb for every path a deny rule on open or exec decides on alone. */
int policy_file_deny_rules(const struct vg_policy *p, vg_file_deny_cb cb, void *ctx);

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
};

typedef int (*vg_net_deny_cb)(void *ctx, const struct vg_net_deny_spec *spec);
int policy_net_deny_rules(const struct vg_policy *p, vg_net_deny_cb cb, void *ctx);

struct vg_rule_info {
	const char *name;
	enum vg_severity severity;
	const char *const *tags;
	size_t n_tags;
	enum vg_mode mode;
	enum vg_action action;
};

/* What alerts need of the rule a kernel record names. */
int policy_rule_info(const struct vg_policy *p, uint32_t rule_id, struct vg_rule_info *info);

/* The id kernel records and guards report for @r (its index in the policy). */
uint32_t policy_rule_id(const struct vg_rule *r);


#endif
