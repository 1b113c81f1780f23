/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The task filter shared by every sensor (vigil_filter.bpf.h): --pid,
 * --uid, --comm, --cgroup, applied in the kernel.
 */
#ifndef VIGIL_TASK_FILTER_H
#define VIGIL_TASK_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct bpf_object;

struct vg_task_filter {
	bool tgid_on;
	__u32 tgid;
	bool uid_on;
	__u32 uid;
	const char *comm;		/* NULL: any */
	const char *cgroup_path;	/* cgroup v2 directory; NULL: any */
};

/* Sets a .rodata variable of an opened (not yet loaded) object by name. */
int vg_rodata_set(struct bpf_object *obj, const char *name, const void *val, size_t size);
/* Reads one (for the ABI version check). */
int vg_rodata_get(struct bpf_object *obj, const char *name, void *val, size_t size);

/* Before load: the rodata flags. @f may be NULL (no filter). */
int vg_task_filter_configure(struct bpf_object *obj, const struct vg_task_filter *f);
/* After load: the cgroup map. */
int vg_task_filter_post_load(struct bpf_object *obj, const struct vg_task_filter *f);

#endif
