// SPDX-License-Identifier: GPL-2.0
#include "sensor_process.h"
#include "sensor_process.skel.h"

static const char *const tp_btf_progs[] = { "tp_btf_exec", "tp_btf_fork", "tp_btf_exit", NULL };
static const char *const raw_tp_progs[] = { "raw_tp_exec", "raw_tp_fork", "raw_tp_exit", NULL };

static const struct vg_variant variants[] = {
	{ "tp_btf", tp_btf_progs },
	{ "raw_tracepoint", raw_tp_progs },
};

static void *open_skel(void)
{
	return sensor_process_bpf__open();
}

static struct bpf_object *skel_object(void *skel)
{
	return ((struct sensor_process_bpf *)skel)->obj;
}

static void destroy_skel(void *skel)
{
	sensor_process_bpf__destroy(skel);
}

static int configure(void *skel, const void *cfg)
{
	return vg_task_filter_configure(skel_object(skel), cfg);
}

static int post_load(struct vg_sensor *s, const void *cfg)
{
	return vg_task_filter_post_load(s->obj, cfg);
}

const struct vg_sensor_desc vg_process_sensor = {
	.name = "process",
	.variants = variants,
	.n_variants = sizeof(variants) / sizeof(variants[0]),
	.open = open_skel,
	.object = skel_object,
	.destroy = destroy_skel,
	.configure = configure,
	.post_load = post_load,
};
