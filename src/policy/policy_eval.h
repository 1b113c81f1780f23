/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Evaluation of a compiled policy: the rule index (which rules can match
 * an event), throttling, alerts. A policy is evaluated by one thread at a
 * time (throttle state is not locked).
 */
#ifndef VIGIL_POLICY_EVAL_H
#define VIGIL_POLICY_EVAL_H

#include <stddef.h>
#include <stdint.h>
#include "policy/policy_types.h"

/*
 * Evaluates the compiled rules that can match @v; calls @cb per alert (after
 * throttling) in rule order. @now_ns drives throttle windows. Returns the
 * number of alerts, or <0.
 */
int vg_policy_eval(struct vg_policy *p, struct vg_event_view *v, uint64_t now_ns,
		vg_alert_cb cb, void *ctx);
/*
 * An alert of rule @rule_id on @v without evaluating its condition: a
 * guard outside the engine (fanotify) decided and acted, with @outcome.
 * Throttling applies. Returns 1 if @cb was called, 0 if throttled, <0.
 */
int vg_policy_alert_rule(struct vg_policy *p, uint32_t rule_id, struct vg_event_view *v,
		      uint64_t now_ns, const char *outcome, vg_alert_cb cb, void *ctx);
void vg_policy_get_stats(const struct vg_policy *p, struct vg_policy_stats *st);

/* The id kernel records and guards report for @r (its index in the policy). */
uint32_t vg_policy_rule_id(const struct vg_rule *r);

/*
 * Reload: moves the throttle state (per-key windows and suppressed counts)
 * of @old's rules into @next's rules of the same name whose throttle spec
 * (count, per, key fields in order) is unchanged, so a reload neither
 * resets the budget nor loses the count the next alert reports. A rule
 * whose spec changed starts fresh (one info line each). O(rules of @next);
 * call it on the thread that evaluates, between two events, before @old is
 * freed (@old's moved windows are gone from it). Returns the rules carried.
 */
size_t vg_policy_adopt_throttle(struct vg_policy *next, struct vg_policy *old);

/* For the compiler (policy.c): the rule index of a compiled policy, and its teardown. */
int vg_index_build(struct vg_policy *p);
void vg_index_free(struct vg_policy *p);
void vg_throttle_free(struct vg_rule *r);

#endif
