// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "log.h"
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

static int configure(void *skel, const void *cfgp)
{
	struct sensor_process_bpf *s = skel;
	const struct vg_process_cfg *cfg = cfgp;

	if (!cfg)
		return 0;
	s->rodata->filter_tgid_on = cfg->tgid_on;
	s->rodata->filter_tgid = cfg->tgid;
	s->rodata->filter_uid_on = cfg->uid_on;
	s->rodata->filter_uid = cfg->uid;
	if (cfg->comm) {
		s->rodata->filter_comm_on = true;
		strncpy((char *)s->rodata->filter_comm, cfg->comm, VG_COMM_LEN - 1);
	}
	s->rodata->filter_cgroup_on = cfg->cgroup_path != NULL;
	return 0;
}

static int post_load(struct vg_sensor *sensor, const void *cfgp)
{
	const struct vg_process_cfg *cfg = cfgp;
	struct sensor_process_bpf *s = sensor->skel;
	__u32 zero = 0;
	int fd, err = 0;

	if (!cfg || !cfg->cgroup_path)
		return 0;
	fd = open(cfg->cgroup_path, O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		err = -errno;
		vg_err("--cgroup %s: %s (expected a cgroup v2 directory)", cfg->cgroup_path,
		       strerror(errno));
		return err;
	}
	if (bpf_map_update_elem(bpf_map__fd(s->maps.filter_cgroup), &zero, &fd, BPF_ANY) < 0) {
		err = -errno;
		vg_err("--cgroup %s: not a cgroup v2 directory (%s)", cfg->cgroup_path,
		       strerror(errno));
	}
	close(fd);
	return err;
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
