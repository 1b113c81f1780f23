/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the overhead budget may shed (src/agent/overhead_budget.c): per
 * record type, a tier. Tier 1: no rule reads the type, or only info and
 * low rules; tier 2: medium rules at most. Tier 0, never shed: a high or
 * critical rule reads it, or it feeds the process cache or is itself an
 * alert (exec, fork, exit, network deny).
 */
#ifndef VIGIL_POLICY_SHED_H
#define VIGIL_POLICY_SHED_H

#include <stdint.h>
#include "bpf/vigil_abi.h"
#include "policy/policy_types.h"

#define VG_SHED_TIERS 2

void vg_policy_shed_tiers(const struct vg_policy *p, uint8_t tier[VG_EV_TYPE_MAX]);
/*
 * The tier for what the most severe of its readers, @max_sev (enum
 * vg_severity, -1: none), allows. Also per file watch entry: the file
 * sensor sheds a path the budget's tier covers, however severe the rules
 * on its other paths (sensors/file_policy.c).
 */
uint8_t vg_shed_tier_of(int max_sev);

#endif
