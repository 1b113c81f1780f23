// SPDX-License-Identifier: GPL-2.0
/*
 * `vigil run`'s sensors, loaded concurrently: most of a start is the
 * kernel's verifier and libbpf's parse of the kernel BTF, once per sensor,
 * and sensors do not depend on each other once the maps they share exist.
 * The first sensors (in table order) load alone until those maps do; the
 * rest then load each on its own thread, and are counted, logged and
 * started in table order, as if one after the other.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include "agent/agent.h"
#include "sensors/sensor.h"

struct load_job {
	struct vg_sensor *s;
	const struct vg_sensor_desc *d;
	size_t ringbuf_bytes;
	int err;
	bool started;		/* on a thread of its own */
	pthread_t thread;
};

static void *load_job_run(void *arg)
{
	struct load_job *j = arg;

	j->err = vg_sensor_load(j->s, j->d, j->d->run_cfg, j->ringbuf_bytes,
				j->d->run_attach_at_load);
	return NULL;
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
		if (jobs[k].started)
			pthread_join(jobs[k].thread, NULL);
		else
			load_job_run(&jobs[k]);
	}
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

int vg_agent_load_run_sensors(struct vg_agent *a, const struct vg_sensor_desc *const *d, int n)
{
	struct load_job jobs[VG_AGENT_MAX_SENSORS] = { 0 };
	int i = 0, k, err = 0;

	for (; i < n && !err && !vg_sensor_shared_maps_ready(); i++)
		err = load_alone(a, d[i]);
	if (err || i == n)
		return err;
	if (a->n_sensors + (n - i) > VG_AGENT_MAX_SENSORS)
		return -E2BIG;
	for (k = 0; i + k < n; k++) {
		jobs[k] = (struct load_job){ .s = &a->sensors[a->n_sensors + k], .d = d[i + k],
					     .ringbuf_bytes = a->opts.ringbuf_bytes };
		/* The last one loads on this thread; any whose thread did not start too. */
		if (i + k < n - 1)
			jobs[k].started = !pthread_create(&jobs[k].thread, NULL, load_job_run,
							  &jobs[k]);
	}
	return finish_jobs(a, jobs, k);
}
