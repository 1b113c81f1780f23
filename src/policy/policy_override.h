/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tuning syntax of policy documents (docs/policy.md, "Tuning"):
 *   lists:  NAME: {append: [items]} | {replace: [items]}
 *   macros: NAME: {append: "and|or COND"} | {replace: COND}
 *   rules:  - override: NAME, then any of condition, append, severity,
 *             action, mode, output, description, tags, throttle,
 *             threshold, enabled, exceptions
 *   and exceptions: [{name, fields, comps, values}] on any rule.
 * policy_merge.c applies what this reads.
 */
#ifndef VIGIL_POLICY_OVERRIDE_H
#define VIGIL_POLICY_OVERRIDE_H

#include "policy/policy_ydoc.h"

/* What a rule entry says besides the keys of a rule. */
struct rule_patch {
	yaml_node_t *target;		/* override: NAME */
	struct src_scalar app;		/* append: and|or COND */
	bool has_app;
	struct rule_exception *excs, **tail;
	unsigned given;			/* rule keys present: bit i of the table in the .c */
};

/* A list or macro given as a mapping: an append or a replacement. 0 or -ENOMEM. */
int vg_yaml_list_change(struct ydoc *y, yaml_node_t *k, yaml_node_t *v);
int vg_yaml_macro_change(struct ydoc *y, yaml_node_t *k, yaml_node_t *v);
/* Notes key @k of a rule entry; reads override, append, exceptions: 1, other keys: 0, -ENOMEM. */
int vg_yaml_patch_key(struct ydoc *y, struct rule_patch *rp, yaml_node_t *k, yaml_node_t *val);
/* A rule entry with override: applies it (@r holds its other keys). 0 or -ENOMEM. */
int vg_yaml_override(struct ydoc *y, struct vg_rule *r, struct rule_patch *rp, yaml_node_t *name,
		     yaml_node_t *event);
/* Hint for a name defined twice: how to change the first definition instead. */
const char *vg_yaml_redefine_hint(char *buf, size_t size, struct pos first, const char *how);

#endif
