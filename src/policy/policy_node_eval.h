/* SPDX-License-Identifier: GPL-2.0 */
/* Matcher nodes evaluated against one event. */
#ifndef VIGIL_POLICY_NODE_EVAL_H
#define VIGIL_POLICY_NODE_EVAL_H

#include <stdbool.h>
#include "policy/policy_model.h"

bool vg_node_eval(const struct node *n, struct vg_event_view *v);

#endif
