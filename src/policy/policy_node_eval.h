/* SPDX-License-Identifier: GPL-2.0 */
/* Matcher nodes evaluated against one event. */
#ifndef VIGIL_POLICY_NODE_EVAL_H
#define VIGIL_POLICY_NODE_EVAL_H

#include <stdbool.h>
#include "policy/policy_model.h"

bool vg_node_eval(const struct node *n, struct vg_event_view *v);
/* Whether comparison @n (on a string field) accepts the string @s of @len bytes. */
bool vg_node_match_str(const struct node *n, const char *s, size_t len);

#endif
