// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "event/decode.h"
#include "policy/policy_model.h"
#include "policy/policy_shed.h"

/* The highest severity of the active rules on kind @k, or -1 when none reads it. */
static int max_severity(const struct vg_policy *p, int k)
{
	int max = -1;
	size_t i;

	for (i = 0; i < p->active.n; i++) {
		const struct vg_rule *r = p->active.v[i];

		if ((r->kinds & VG_KB(k)) && (int)r->severity > max)
			max = r->severity;
	}
	return max;
}

uint8_t vg_shed_tier_of(int max_sev)
{
	return max_sev <= VG_SEV_LOW ? 1 : max_sev == VG_SEV_MEDIUM ? 2 : 0;
}

void vg_policy_shed_tiers(const struct vg_policy *p, uint8_t tier[VG_EV_TYPE_MAX])
{
	uint16_t t;

	memset(tier, 0, VG_EV_TYPE_MAX);
	for (t = 1; t < VG_EV_TYPE_MAX; t++) {
		const struct vg_record_desc *d = vg_record_desc(t);
		int k, sev;

		if (!d || t == VG_EV_EXEC || t == VG_EV_FORK || t == VG_EV_EXIT ||
		    t == VG_EV_NET_DENY || t == VG_EV_HEALTH)	/* health: no hook sends it */
			continue;
		k = vg_field_kind_lookup(d->kind, strlen(d->kind));
		if (k < 0)
			continue;
		sev = max_severity(p, k);
		tier[t] = vg_shed_tier_of(sev);
	}
}
