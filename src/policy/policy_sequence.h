/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sequence rules: `sequence: {within: D, key: FIELDS, steps: [...]}` alerts
 * when events matching each step happen in order, within D of the first,
 * with the same key values (each step may name its own key fields, e.g.
 * file.path for a write, process.executable.path for the exec that
 * follows). Each step is a rule of its own for the index and the kernel
 * pre-filter, so every step's events leave the kernel. State is bounded:
 * VG_SEQUENCE_MAX_KEYS keys per rule, oldest evicted first, one start time
 * per step and key; its memory is in the policy stats.
 */
#ifndef VG_POLICY_SEQUENCE_H
#define VG_POLICY_SEQUENCE_H

#include <stdint.h>
#include "policy/policy_model.h"

#define VG_SEQUENCE_MAX_KEYS 4096	/* per rule: the least recently used key goes first */

/* A new step of sequence rule @r at @pos (while loading) into *@out, NULL past
 * VG_POLICY_MAX_SEQUENCE_STEPS (reported). 0 or -ENOMEM. */
int vg_sequence_add_step(struct vg_policy *p, struct vg_rule *r, struct pos pos,
			 struct vg_rule **out);
/* Compiles @r's steps (conditions, keys) after its own compile; errors are diagnostics.
 * 0 or -ENOMEM. */
int vg_sequence_compile(struct vg_policy *p, struct vg_rule *r);
/* Fills @p->matchers from @p->active: a sequence's steps in its place. */
int vg_sequence_matchers(struct vg_policy *p);
/* Step @step matched @v at @now_ns: advances its sequence's state; the
 * sequence rule when this match completes it, else NULL. */
struct vg_rule *vg_sequence_step(struct vg_policy *p, struct vg_rule *step,
				 struct vg_event_view *v, uint64_t now_ns);
/* Frees @r's state and takes its memory off @p's stats. */
void vg_sequence_free(struct vg_policy *p, struct vg_rule *r);

#endif
