// SPDX-License-Identifier: GPL-2.0
/* The priv sensor's share of a policy: record types, the process pre-filter, storm knobs. */
#include "sensors/sensor_prefilter.h"
#include "sensors/sensor_priv.h"
#include "sensors/storm_flush.h"

int vg_priv_apply_policy(struct vg_sensor *s, const struct vg_kernel_spec *spec,
			 struct vg_rule_set *decided)
{
	int err = vg_storm_rec_apply(s, &spec->storm, spec->every_event);

	(void)decided;
	return err ? err : vg_pf_apply(s, VG_SENSOR_PRIV, spec);
}
