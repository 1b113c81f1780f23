// SPDX-License-Identifier: GPL-2.0
/* Names of the policy's enums, as rules write them and alerts print them. */
#include "policy/policy_types.h"

const char *vg_policy_severity_name(enum vg_severity s)
{
	static const char *const n[] = { "info", "low", "medium", "high", "critical" };

	return (unsigned)s <= VG_SEV_CRITICAL ? n[s] : "?";
}

const char *vg_policy_action_name(enum vg_action a)
{
	static const char *const n[] = { "alert", "kill", "deny" };

	return (unsigned)a <= VG_ACT_DENY ? n[a] : "?";
}

const char *vg_policy_mode_name(enum vg_mode m)
{
	return m == VG_MODE_AUDIT ? "audit" : "enforce";
}
