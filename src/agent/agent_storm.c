// SPDX-License-Identifier: GPL-2.0
#include <pthread.h>
#include <string.h>
#include "agent/agent_storm.h"
#include "lib/log.h"
#include "sensors/storm_flush.h"

#define STORM_FLUSH_EVERY_NS 1000000000ULL

/*
 * One flush run at a time (the worker's tick, the main thread's last one
 * at stop): the kernel's count is exact only with a single reporter.
 */
static pthread_mutex_t flush_lock = PTHREAD_MUTEX_INITIALIZER;

void vg_agent_storm_start(struct vg_agent_storm *st, const struct vg_sensor *file)
{
	if (!st->burst || st->flush)
		return;
	st->flush = vg_storm_flush_open(file);
}

uint32_t vg_agent_storm_burst(const struct vg_agent_storm *st)
{
	return st->flush ? st->burst : 0;
}

void vg_agent_storm_tick(struct vg_agent_storm *st, uint64_t now_ns, bool now_too)
{
	int n;

	if (!st->flush || (!now_too && now_ns - st->last_flush_ns < STORM_FLUSH_EVERY_NS))
		return;
	pthread_mutex_lock(&flush_lock);
	st->last_flush_ns = now_ns;
	n = vg_storm_flush_run(st->flush);
	pthread_mutex_unlock(&flush_lock);
	if (n < 0 && !st->failed) {
		st->failed = true;	/* once: it would repeat every second */
		vg_warn("storm aggregation: the flush program failed: %s", strerror(-n));
	}
}

void vg_agent_storm_stop(struct vg_agent_storm *st)
{
	vg_storm_flush_close(st->flush);
	st->flush = NULL;
}
