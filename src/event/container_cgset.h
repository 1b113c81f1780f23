/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whether a /proc/PID/cgroup text names exactly the cgroups of an exec
 * record (container_cgset.c): what lets container.c remember the answer.
 */
#ifndef VIGIL_CONTAINER_CGSET_H
#define VIGIL_CONTAINER_CGSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VG_CG_MOUNTS_MAX 32

struct vg_cg_mount {
	char opts[256];		/* super options: a v1 hierarchy's controllers or name= */
	char root[512];		/* the cgroup mounted there, "/" for the hierarchy's root */
	int dirfd;		/* O_PATH of the mount point */
	bool v2;
};

struct vg_cg_mounts {
	struct vg_cg_mount m[VG_CG_MOUNTS_MAX];
	size_t n;
};

/* The cgroup mounts listed in @mountinfo ("/proc/self/mountinfo"); none on error. */
void vg_cg_mounts_load(struct vg_cg_mounts *t, const char *mountinfo);
void vg_cg_mounts_close(struct vg_cg_mounts *t);

/*
 * Whether @text (/proc/PID/cgroup, @len bytes) names the v2 cgroup
 * @cgroup_id and v1 cgroups summing to @cgroup_set (bpf/cgroup_set.h).
 * False when anything cannot be checked (a hierarchy not mounted here).
 */
bool vg_cg_text_matches(const struct vg_cg_mounts *t, const char *text, size_t len,
			uint64_t cgroup_id, uint64_t cgroup_set);

#endif
