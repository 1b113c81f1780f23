/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel pre-filter a policy compiles to: per sensor, kinds and field values. */
#ifndef VIGIL_POLICY_FILTER_H
#define VIGIL_POLICY_FILTER_H

#include <stdbool.h>
#include "policy/policy_types.h"

struct node;

/* Valid after a successful vg_policy_compile(). */
const struct vg_prefilter *vg_policy_prefilter(const struct vg_policy *p);

/* For the compiler (policy.c): fills the policy's pre-filter and kernel rules. */
int vg_prefilter_build(struct vg_policy *p);
/* Whether the kernel can check condition leaf @n with a map lookup (set, prefix trie, CIDR trie). */
bool vg_prefilter_leaf(const struct node *n);
/*
 * Whether records of event kind @kind (enum vg_kind) cross whatever the
 * process dims of their sensor's filter say: rare records whose rules must
 * see every program (a shell on a socket, started by path, loader or memfd).
 */
bool vg_prefilter_actor_exempt(int kind);

#endif
