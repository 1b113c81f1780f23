// SPDX-License-Identifier: GPL-2.0
/* The priv sensor's share of a policy: record types and the process pre-filter, no map of its own. */
#include "sensors/sensor_prefilter.h"
#include "sensors/sensor_priv.h"

int vg_priv_apply_policy(struct vg_sensor *s, const struct vg_kernel_spec *spec,
			 struct vg_rule_set *decided)
{
	(void)decided;
	return vg_pf_apply(s, VG_SENSOR_PRIV, spec);
}
