/* SPDX-License-Identifier: GPL-2.0 */
/* Conditions: a syntax tree type-checked into matcher nodes. */
#ifndef VIGIL_POLICY_EXPR_H
#define VIGIL_POLICY_EXPR_H

#include <stdbool.h>
#include "policy/policy_model.h"

/* Compiles @a, rule @r's condition (vg_merge_rule_ast()); NULL after an error. */
struct node *vg_expr_compile(struct vg_policy *p, struct vg_rule *r, struct ast *a);

/* Whether rule @r's events all have @f; reports an error at @pos if not. */
bool vg_rule_field_usable(struct vg_policy *p, const struct vg_rule *r, const struct vg_field *f,
			  struct pos pos);

#endif
