/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Threshold rules: a rule with `threshold: {count, per, key, distinct}`
 * alerts once per window when enough matches (or distinct values) share a
 * key, e.g. 20 distinct destination ports from one process in 5 s. State is
 * bounded (keys and values per key) and its size is in the policy stats.
 */
#ifndef VG_POLICY_THRESHOLD_H
#define VG_POLICY_THRESHOLD_H

#include <stdbool.h>
#include <stdint.h>
#include "event/fields.h"

#define VG_THRESHOLD_MAX_COUNT 1024	/* count: distinct values kept per key */
#define VG_THRESHOLD_MAX_KEYS 1024	/* keys per rule; further keys share one window */

struct vg_policy;
struct vg_rule;
struct src_scalar;

/* The values of @fields in @v, each followed by a unit separator, into @key:
 * the window key of a throttle or threshold. Returns its length. */
size_t vg_rule_key_format(struct vg_event_view *v, const struct vg_field *const *fields, size_t n,
			  char *key, size_t size);

/* The fields named by the @n scalars at @src (the key of a throttle, threshold or
 * sequence: @what) into @out, checked against @r's events. 0, -EINVAL (reported), -ENOMEM. */
int vg_rule_key_fields_compile(struct vg_policy *p, struct vg_rule *r, const struct src_scalar *src,
			       size_t n, const struct vg_field **out, const char *what);

/* Counts @v (matched by @r) at @now_ns; true when this match reaches the threshold.
 * A rule without a threshold always passes. */
bool vg_threshold_reached(struct vg_policy *p, struct vg_rule *r, struct vg_event_view *v,
			  uint64_t now_ns);
/* Frees @r's windows and takes their memory off @p's stats. */
void vg_threshold_free(struct vg_policy *p, struct vg_rule *r);

#endif
