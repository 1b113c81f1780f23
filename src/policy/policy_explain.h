/* SPDX-License-Identifier: GPL-2.0 */
/* `vigil policy explain`: where each part of a compiled policy is decided. */
#ifndef VIGIL_POLICY_EXPLAIN_H
#define VIGIL_POLICY_EXPLAIN_H

#include <stdio.h>

struct vg_policy;

/* Human-readable: per sensor what the kernel filters, then each rule. */
void vg_policy_explain(const struct vg_policy *p, FILE *out);

#endif
