/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vg_exec.cgroup_set: the cgroup v1 cgroups a process is in, as one number
 * the kernel and the agent compute alike: the sum, over every v1 hierarchy,
 * of vg_cgset_term(hierarchy id, cgroup id). The exec hook sums the links
 * of the task's css_set; the agent sums the lines of /proc/PID/cgroup, a
 * path's cgroup id being its directory's inode number. Cgroup ids are
 * never reused, so equal sums mean the same cgroups (but for a 64-bit
 * collision). 0: not known.
 */
#ifndef VIGIL_CGROUP_SET_H
#define VIGIL_CGROUP_SET_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define VG_CGSET_MAX_HIERARCHIES 32	/* more: not known */

/* splitmix64 of the id salted with the hierarchy: sums of distinct terms do not cancel. */
static inline __u64 vg_cgset_term(__u64 hierarchy, __u64 id)
{
	__u64 x = id ^ (hierarchy * 0x9e3779b97f4a7c15ULL);

	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

#endif
