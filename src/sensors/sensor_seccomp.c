// SPDX-License-Identifier: GPL-2.0
#include "lib/kernel_spec.h"
#include "sensors/sensor_prefilter.h"
#include "sensors/sensor_seccomp.h"
#include "sensors/sensor_skel.h"
#include "sensors/task_filter.h"
#include "sensor_seccomp.skel.h"

/* tp_btf sees errno denials too (task storage, typed pt_regs); raw tracepoints only SIGSYS. */
static const char *const tp_btf_progs[] = { "sd_btf_signal", "sd_btf_enter", "sd_btf_exit",
					    NULL };
static const char *const raw_tp_progs[] = { "sd_raw_signal", NULL };

static const struct vg_variant variants[] = {
	{ "tp_btf", tp_btf_progs },
	{ "raw_tracepoint", raw_tp_progs },
};

VG_SENSOR_SKEL(sensor_seccomp_bpf);

/* Under `vigil trace seccomp`, --pid/--uid/--comm/--cgroup; under `vigil run`, none. */
static int configure(void *skel, const void *cfg)
{
	return vg_task_filter_configure(sensor_seccomp_bpf_object(skel), cfg);
}

static int post_load(struct vg_sensor *s, const void *cfg)
{
	return vg_task_filter_post_load(s->obj, cfg);
}

static int apply_policy(struct vg_sensor *s, const struct vg_kernel_spec *spec,
			struct vg_rule_set *decided)
{
	(void)decided;
	return vg_pf_apply(s, VG_SENSOR_PRIV, spec);
}

const struct vg_sensor_desc vg_seccomp_sensor = {
	.name = "seccomp",
	.hub_slot = VG_HUB_SECCOMP,
	.hub_seccomp_tasks = true,
	VG_SENSOR_VARIANTS(variants),
	VG_SENSOR_SKEL_OPS(sensor_seccomp_bpf),
	.configure = configure,
	.post_load = post_load,
	.apply_policy = apply_policy,
};
