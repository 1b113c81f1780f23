/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The agent confines itself: its own cgroup v2 (vigil-PID under the
 * hierarchy's root) with memory.max and cpu.max, so a bug in vigil cannot
 * starve the host. Where cgroup v2 lacks the memory or
 * cpu controller (a v1 or hybrid host), nothing is set and one line says why.
 */
#ifndef VIGIL_SELF_CONFINE_H
#define VIGIL_SELF_CONFINE_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/json.h"

/* --self-limits' defaults: 2 GiB, one CPU. */
#define VG_SELF_MEMORY_MAX_DEFAULT (2048ULL << 20)
#define VG_SELF_CPU_MILLIS_DEFAULT 1000

struct vg_self_confine {
	uint64_t memory_max;		/* bytes; 0: not limited */
	uint32_t cpu_millis;		/* thousandths of a CPU; 0: not limited */
	bool confined;			/* the limits are set and we run under them */
	char dir[4200];			/* our cgroup, to leave and remove at exit */
	char home[4200];		/* cgroup.procs of where we started */
	char why[256];			/* when not confined */
};

/*
 * Whether the limits could be set here (cgroup v2 mounted at @root, with
 * the controllers they need): 0, or <0 with the reason in @why. Changes
 * nothing (`vigil probe`).
 */
int vg_self_confine_check(uint64_t memory_max, uint32_t cpu_millis, char *root, size_t size,
			  char *why, size_t why_size);
/* Creates the cgroup, sets the limits and moves the agent there. 0 or <0 (why set). */
int vg_self_confine(struct vg_self_confine *c, uint64_t memory_max, uint32_t cpu_millis);
/* Back to where it started, and the cgroup removed. */
void vg_self_confine_fini(struct vg_self_confine *c);
void vg_self_confine_metrics(const struct vg_self_confine *c, struct vg_buf *out);

#endif
