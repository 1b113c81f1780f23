// SPDX-License-Identifier: GPL-2.0
/*
 * The start of a capture (event/capture.h): its header, then every process
 * the agent knows when records begin to flow, so that a reader resolves
 * the parents and ancestry of processes older than the capture as the
 * live trace did. The records follow, one frame each (agent.c).
 */
#include <errno.h>
#include <unistd.h>
#include "agent/agent.h"
#include "event/capture.h"

static int write_proc(void *arg, const struct vg_proc *p)
{
	return vg_capture_write_proc(arg, p);
}

int vg_agent_capture_begin(struct vg_agent *a)
{
	struct vg_capture_header h;
	long hz = sysconf(_SC_CLK_TCK);
	int err;

	vg_capture_header_init(&h, a->print_type, 1000000000ULL / (uint64_t)(hz > 0 ? hz : 100));
	err = vg_capture_write_header(a->opts.capture, &h);
	if (!err)
		err = vg_proc_cache_each(a->cache, write_proc, a->opts.capture);
	if (!err && fflush(a->opts.capture))
		err = -errno;
	return err;
}
