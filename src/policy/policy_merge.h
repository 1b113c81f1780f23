/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tuning a policy from a later file: appends to lists and macros,
 * a rule's condition appended to or replaced, per-rule exceptions
 * compiled into 'and not (...)', each change remembered with where it
 * came from (for 'vigil policy show'). Docs: docs/policy.md, "Tuning".
 */
#ifndef VIGIL_POLICY_MERGE_H
#define VIGIL_POLICY_MERGE_H

#include <stdbool.h>
#include "policy/policy_model.h"

/* Remembers a change made at @pos to the definition whose list is @head. NULL: -ENOMEM. */
struct change *vg_merge_note(struct vg_policy *p, struct change **head, struct pos pos,
			     const char *what);
/* @n items appended to list @l (or replacing its items). 0 or -ENOMEM. */
int vg_merge_list(struct vg_policy *p, struct list_def *l, const struct src_scalar *items,
		  size_t n, bool replace, struct pos pos);
/* Macro @m's condition replaced by @cond, or "and|or COND" @cond appended. 0 or -ENOMEM. */
int vg_merge_macro(struct vg_policy *p, struct macro_def *m, const struct src_scalar *cond,
		   bool replace, struct pos pos);
/* Rule @r's condition replaced by @cond, or "and|or COND" appended. 0 or -ENOMEM. */
int vg_merge_rule_cond(struct vg_policy *p, struct vg_rule *r, const struct src_scalar *cond,
		       bool replace, struct pos pos);
/*
 * Exceptions @e (a chain) checked against rule @r's events and added to
 * it: each becomes 'and not (...)' of its condition. 0 or -ENOMEM.
 */
int vg_merge_exceptions(struct vg_policy *p, struct vg_rule *r, struct rule_exception *e);
/*
 * After the kernel's share is built: a deny rule that an exception moved out
 * of the kernel's reach is an error (it would silently stop denying), a kill
 * rule a warning (it kills after the event). 0, -EINVAL or -ENOMEM.
 */
int vg_merge_check_actions(struct vg_policy *p);
/* The syntax tree vg_expr_compile() compiles: the condition and its exceptions. */
struct ast *vg_merge_rule_ast(struct vg_policy *p, struct vg_rule *r);

#endif
