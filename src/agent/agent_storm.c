// SPDX-License-Identifier: GPL-2.0
#include <pthread.h>
#include <string.h>
#include "agent/agent_storm.h"
#include "lib/log.h"
#include "sensors/storm_flush.h"

#define STORM_FLUSH_EVERY_NS 1000000000ULL

/* The sensors whose hooks hold records in storms (src/bpf/storm.h). */
static const char *const storm_sensors[VG_AGENT_STORM_SENSORS] = { "file", "priv", "net" };

/*
 * One flush run at a time (the worker's tick, the main thread's last one
 * at stop): the kernel's count is exact only with a single reporter.
 */
static pthread_mutex_t flush_lock = PTHREAD_MUTEX_INITIALIZER;

void vg_agent_storm_start(struct vg_agent_storm *st, const struct vg_sensor *s)
{
	size_t i;

	if (!st->burst)
		return;
	for (i = 0; i < VG_AGENT_STORM_SENSORS; i++) {
		if (strcmp(s->desc->name, storm_sensors[i]) || st->flush[i])
			continue;
		st->flush[i] = vg_storm_flush_open(s);
		if (!st->flush[i])
			st->open_failed = true;
	}
}

uint32_t vg_agent_storm_burst(const struct vg_agent_storm *st)
{
	size_t i;

	if (st->open_failed)
		return 0;	/* a sensor could hold what no flush would send */
	for (i = 0; i < VG_AGENT_STORM_SENSORS; i++)
		if (st->flush[i])
			return st->burst;
	return 0;
}

void vg_agent_storm_tick(struct vg_agent_storm *st, uint64_t now_ns, bool now_too)
{
	size_t i;
	int n;

	if (!now_too && now_ns - st->last_flush_ns < STORM_FLUSH_EVERY_NS)
		return;
	pthread_mutex_lock(&flush_lock);
	st->last_flush_ns = now_ns;
	for (i = 0; i < VG_AGENT_STORM_SENSORS; i++) {
		n = vg_storm_flush_run(st->flush[i]);
		if (n < 0 && !st->failed) {
			st->failed = true;	/* once: it would repeat every second */
			vg_warn("storm aggregation: the %s flush program failed: %s",
				storm_sensors[i], strerror(-n));
		}
	}
	pthread_mutex_unlock(&flush_lock);
}

void vg_agent_storm_stop(struct vg_agent_storm *st)
{
	size_t i;

	for (i = 0; i < VG_AGENT_STORM_SENSORS; i++) {
		vg_storm_flush_close(st->flush[i]);
		st->flush[i] = NULL;
	}
}
