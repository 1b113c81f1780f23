// SPDX-License-Identifier: GPL-2.0
/* The kernel share of a policy: compiled once, applied by each sensor to its own maps. */
#include <inttypes.h>
#include <string.h>
#include "agent/policy_apply.h"
#include "lib/log.h"
#include "policy/policy_shed.h"
#include "policy/policy_spec.h"
#include "sensors/sensor_prefilter.h"

/* Deny rules on files and executables go to the fanotify guard, started on the first. */
static int apply_fan(struct vg_policy_apply *pa, const struct vg_kernel_spec *spec)
{
	int err;

	if (!spec->n_deny_targets && !pa->fan_started)
		return 0;
	if (!pa->fan_started) {
		err = vg_fan_guard_init(&pa->fan);
		if (!err)
			err = vg_fan_guard_start(&pa->fan);
		if (err)
			return err;
		atomic_store(&pa->fan_started, true);
	}
	return vg_fan_guard_apply(&pa->fan, spec, &pa->decided);
}

/*
 * An on-demand sensor stays unattached until a policy reads its records;
 * once the agent has attached its sensors, the first such policy attaches it.
 */
static int attach_if_needed(struct vg_agent *a, struct vg_sensor *s,
			    const struct vg_kernel_spec *spec)
{
	int err;

	if (!s->desc->on_demand || vg_sensor_attached(s))
		return 0;
	s->unneeded = !spec->every_event && !spec->sensor[s->desc->policy_sensor].used;
	if (s->unneeded || !atomic_load(&a->sensors_attached) || atomic_load(&a->stopping))
		return 0;
	err = vg_sensor_attach(s);
	if (err)
		vg_err("sensor '%s': cannot attach for the new policy: %s", s->desc->name,
		       strerror(-err));
	else
		vg_info("sensor %s: attached (the policy now reads its events)", s->desc->name);
	return err;
}

static int apply_sensors(struct vg_policy_apply *pa, struct vg_kernel_spec *spec)
{
	struct vg_agent *a = pa->agent;
	int i, err = 0;

	/* Off everywhere first: while the maps change, everything passes. */
	for (i = 0; !err && i < a->n_sensors; i++)
		err = vg_pf_off(&a->sensors[i]);
	if (++pa->filter_gen == 0)
		pa->filter_gen = 1;
	spec->gen = pa->filter_gen;
	/*
	 * In sensor order: the process sensor comes first (it feeds the
	 * cache), so the executable trie is loaded before any other sensor
	 * turns its filter back on.
	 */
	for (i = 0; !err && i < a->n_sensors; i++) {
		struct vg_sensor *s = &a->sensors[i];

		if (s->desc->apply_policy)
			err = s->desc->apply_policy(s, spec, &pa->decided);
		if (!err)
			err = attach_if_needed(a, s, spec);
	}
	return err;
}

int vg_policy_apply(struct vg_policy_apply *pa, const struct vg_policy *p, bool every_event)
{
	struct vg_kernel_spec spec;
	int err;

	memset(&pa->decided, 0, sizeof(pa->decided));
	err = vg_policy_kernel_spec(p, every_event, &spec);
	if (err)
		return err;
	spec.storm.burst = vg_agent_storm_burst(&pa->agent->storm);
	spec.storm.window_ns = pa->agent->storm.window_ns;
	err = apply_fan(pa, &spec);
	if (!err)
		err = apply_sensors(pa, &spec);
	if (!err) {
		uint8_t tier[VG_EV_TYPE_MAX];

		vg_policy_shed_tiers(p, tier);
		vg_overhead_set_tiers(&pa->agent->overhead, tier, pa->agent->sensors,
				      pa->agent->n_sensors);
	}
	vg_kernel_spec_free(&spec);
	return err;
}

void vg_policy_apply_fini(struct vg_policy_apply *pa)
{
	struct vg_fan_stats st;

	if (!pa->fan_started)
		return;
	vg_fan_guard_get_stats(&pa->fan, &st);
	vg_info("fanotify guard: %" PRIu64 " permission events, %" PRIu64 " denied, %" PRIu64
		" would deny, %" PRIu64 " allowed by the watchdog, %" PRIu64 " reports dropped, %"
		PRIu64 " directories marked",
		st.events, st.denied, st.would_deny, st.watchdog_allowed, st.reports_dropped,
		st.marks.dirs);
	vg_fan_guard_fini(&pa->fan);
	pa->fan_started = false;
}
