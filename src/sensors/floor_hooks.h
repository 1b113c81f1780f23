/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Empty BPF programs on a list of attach points, written the way `vigil bpf`
 * prints them ("tracepoint:sys_enter_openat", "raw_tracepoint:sys_exit",
 * "cgroup id=1 cgroup_inet4_connect"). The benchmark's floor: what tracing
 * costs on exactly the hooks an agent uses, whatever the agent does there.
 */
#ifndef VIGIL_SENSORS_FLOOR_HOOKS_H
#define VIGIL_SENSORS_FLOOR_HOOKS_H

#include <stddef.h>

#define VG_FLOOR_MAX_HOOKS 512

struct vg_floor_hooks {
	int n;
	int fds[VG_FLOOR_MAX_HOOKS * 3];	/* program, link, perf event: -1 when none */
};

/*
 * Attaches one empty program on each of @points[0..n). On failure detaches
 * what it attached, writes the hook and the reason to @why and returns <0.
 */
int vg_floor_hooks_attach(struct vg_floor_hooks *h, const char *const *points, int n,
			  char *why, size_t why_size);
void vg_floor_hooks_detach(struct vg_floor_hooks *h);

#endif
