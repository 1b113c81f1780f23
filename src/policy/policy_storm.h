/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which file opens the kernel may aggregate in a storm (src/bpf/storm.h),
 * decided per rule: a rule allows it when it only alerts (no kill, no
 * deny), counts nothing (no threshold), is no sequence, and reads only
 * fields that are the same for every event of a storm key. Any other rule
 * on opens keeps its paths out of aggregation; one such rule without a
 * path turns it off. Other file records and privilege records are held per
 * record type: only when every rule reading that kind allows it.
 */
#ifndef VIGIL_POLICY_STORM_H
#define VIGIL_POLICY_STORM_H

#include <stdbool.h>
#include "lib/kernel_spec.h"
#include "policy/policy_types.h"

/* The kinds of @r whose records @r needs each of (no aggregation there). */
vg_kinds_t vg_rule_storm_kept(const struct vg_rule *r);

/*
 * Kinds other than opens whose records the kernel may aggregate keyed by
 * the record itself: every active rule reading the kind allows it.
 */
vg_kinds_t vg_policy_storm_kinds(const struct vg_policy *p);

/* Fills @out (on, never, types) from @p; burst and window are left to the caller. Returns 0 or <0. */
int vg_policy_storm_spec(const struct vg_policy *p, struct vg_storm_spec *out);

#endif
