/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Containers as the process cache knows them: which container a process
 * runs in, found from its cgroup path (docker, containerd/CRI, CRI-O and
 * podman layouts, cgroup v1 and v2), and what the runtime's state files
 * say of it (name, image, Kubernetes pod) without any network call.
 *
 * A container is shared by its processes (counted references) and kept
 * while one of them is cached. A cgroup v2 id that names a container is
 * remembered, so later processes of that cgroup cost one array lookup.
 * Worker thread only.
 */
#ifndef VIGIL_CONTAINER_H
#define VIGIL_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VG_CONTAINER_ID_LEN 64		/* hex digits */
#define VG_POD_UID_LEN 36

enum vg_container_runtime {
	VG_RT_NONE,
	VG_RT_DOCKER,
	VG_RT_CONTAINERD,
	VG_RT_CRIO,
	VG_RT_PODMAN,
};

/* What a cgroup path alone says. */
struct vg_container_ref {
	char id[VG_CONTAINER_ID_LEN + 1];
	enum vg_container_runtime runtime;
	char pod_uid[VG_POD_UID_LEN + 1];	/* "" outside Kubernetes */
};

struct vg_container {
	struct vg_container_ref ref;
	/* From the runtime's state files; NULL when not found. */
	char *name, *image, *pod_name, *pod_namespace;
	bool privileged;		/* every capability, as --privileged gives */
	unsigned refs;
};

struct vg_containers;

/*
 * @root: where the host's / is ("" or NULL for /; tests point it at a
 * directory of state files); @procfs: "/proc".
 */
struct vg_containers *vg_containers_new(const char *root, const char *procfs);
void vg_containers_free(struct vg_containers *c);

/*
 * The container of process @tgid in cgroup @cgroup_id, whose cgroup v2
 * path (from its exec record) is @v2_path (may be NULL); /proc/@tgid/cgroup
 * is read when the v2 path does not tell (cgroup v1 hosts), unless what it
 * said for the record's same cgroups (@cgroup_id and the v1 ones,
 * @cgroup_set: vg_exec.cgroup_set, 0 unknown) is remembered. A new
 * reference, or NULL for a host process.
 */
struct vg_container *vg_containers_of(struct vg_containers *c, uint64_t cgroup_id,
				      uint64_t cgroup_set, const char *v2_path, size_t v2_len,
				      uint32_t tgid);

struct vg_containers_stats {
	uint64_t proc_reads;		/* /proc/PID/cgroup reads */
	uint64_t set_hits;		/* answers remembered for a record's cgroups */
	uint64_t set_unchecked;		/* reads that did not name the record's cgroups: not remembered */
};

void vg_containers_get_stats(const struct vg_containers *c, struct vg_containers_stats *st);
struct vg_container *vg_container_get(struct vg_container *k);	/* +1 reference */
void vg_container_put(struct vg_containers *c, struct vg_container *k);	/* NULL is fine */
size_t vg_containers_count(const struct vg_containers *c);

const char *vg_container_runtime_name(enum vg_container_runtime r);

/* container_path.c: parses one cgroup path; false if it names no container. */
bool vg_container_parse_cgroup(const char *path, size_t len, struct vg_container_ref *out);

/* container_state.c: fills @k's name, image, pod and privilege from the runtime's files. */
void vg_container_read_state(struct vg_container *k, const char *root);

#endif
