/* SPDX-License-Identifier: GPL-2.0 */
/* Conditions: text into a syntax tree (struct ast). */
#ifndef VIGIL_POLICY_PARSE_H
#define VIGIL_POLICY_PARSE_H

#include "policy/policy_model.h"

extern const char *const vg_op_names[OP_MAX];

/* Parses @s->val; NULL after reporting a syntax error. */
struct ast *vg_expr_parse(struct vg_policy *p, const struct src_scalar *s);
/* "and COND" / "or COND" of an append: @join, and @rest the offset of COND. */
struct ast *vg_expr_parse_tail(struct vg_policy *p, const struct src_scalar *s,
			       enum ast_kind *join, size_t *rest);

#endif
