// SPDX-License-Identifier: GPL-2.0
/*
 * `vigil run`'s sensors, loaded concurrently: most of a start is the
 * kernel's verifier and libbpf's parse of the kernel BTF, once per sensor,
 * and sensors do not depend on each other once the maps they share exist.
 * Those maps are made first, from the first sensor's declarations (should
 * that fail, the first sensors load alone until they exist); the sensors
 * then load on a few threads (one per CPU, at most LOAD_THREADS_MAX), and
 * are counted, logged and started in table order, as if one after the other.
 * The process cache's seed from /proc (vg_agent_init) runs meanwhile.
 */
#include <errno.h>
#include <malloc.h>
#include "agent/agent.h"
#include "lib/jobs.h"
#include "lib/log.h"
#include "sensors/sensor.h"
#include "sensors/syscall_hub.h"

/* At most this many loads at once (and the CPUs there are): each thread's malloc arena stays. */
#define LOAD_THREADS_MAX 4

struct load_job {
	struct vg_sensor *s;
	const struct vg_sensor_desc *d;
	size_t ringbuf_bytes;
	int err;
};

struct load_run {
	struct load_job *jobs;
	int n;
};

/* Job k < n: sensor k; job n: the syscall hub, which the sensors' attach would load alone. */
static void load_one(void *arg, int k)
{
	struct load_run *r = arg;
	struct load_job *j = &r->jobs[k];

	if (k == r->n) {
		vg_hub_preload(vg_sensor_reuse_shared_maps);
		return;
	}
	j->err = vg_sensor_load(j->s, j->d, j->d->run_cfg, j->ringbuf_bytes,
				j->d->run_attach_at_load);
}

static int load_alone(struct vg_agent *a, const struct vg_sensor_desc *d)
{
	return d->run_attach_at_load ? vg_agent_add_sensor(a, d, d->run_cfg)
				     : vg_agent_load_sensor(a, d, d->run_cfg);
}

/* Jobs [0, n) into the slots after a->n_sensors; the first error wins, the rest are unloaded. */
static int finish_jobs(struct vg_agent *a, struct load_job *jobs, int n)
{
	int k, err = 0;

	for (k = 0; k < n; k++) {
		if (!err && jobs[k].err)
			err = jobs[k].err;
		if (!err)
			vg_agent_sensor_loaded(a);
		else if (!jobs[k].err)
			vg_sensor_unload(jobs[k].s);
	}
	return err;
}

static int load_all(struct vg_agent *a, const struct vg_sensor_desc *const *d, int n)
{
	struct load_job jobs[VG_AGENT_MAX_SENSORS] = { 0 };
	int i = 0, k, err = 0;

	/* Made from the first sensor's declarations; if that fails, its load makes them. */
	if (n > 0 && vg_sensor_create_shared_maps(d[0], a->opts.ringbuf_bytes))
		vg_debug("shared maps not made ahead: the first sensors load alone");
	for (; i < n && !err && !vg_sensor_shared_maps_ready(); i++)
		err = load_alone(a, d[i]);
	if (err || i == n)
		return err;
	if (a->n_sensors + (n - i) > VG_AGENT_MAX_SENSORS)
		return -E2BIG;
	for (k = 0; i + k < n; k++)
		jobs[k] = (struct load_job){ .s = &a->sensors[a->n_sensors + k], .d = d[i + k],
					     .ringbuf_bytes = a->opts.ringbuf_bytes };
	vg_run_jobs(k + 1, LOAD_THREADS_MAX, load_one, &(struct load_run){ jobs, k });
	err = finish_jobs(a, jobs, k);
	/* Each thread parsed the kernel BTF in an arena of its own: give those pages back. */
	malloc_trim(0);
	return err;
}

int vg_agent_load_run_sensors(struct vg_agent *a, const struct vg_sensor_desc *const *d, int n)
{
	int err = load_all(a, d, n);

	vg_agent_seed_wait(a);	/* it ran meanwhile; the policy's start may look at the cache */
	return err;
}
