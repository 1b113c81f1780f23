// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "lib/log.h"
#include "sensors/task_filter.h"
#include "bpf/vigil_abi.h"

/* Finds @name in the object's .rodata section: its bytes and size. */
static void *rodata_var(struct bpf_object *obj, const char *name, size_t *size)
{
	const struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *rodata = NULL, *m;
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	size_t data_size;
	__u8 *data;
	int id, i;

	bpf_object__for_each_map(m, obj)
		if (strstr(bpf_map__name(m), ".rodata"))
			rodata = m;
	if (!btf || !rodata)
		return NULL;
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	if (id < 0)
		return NULL;
	sec = btf__type_by_id(btf, id);
	/* The same memory the skeleton writes its rodata through. */
	data = (__u8 *)bpf_map__initial_value(rodata, &data_size);
	if (!data)
		return NULL;
	vs = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, var->name_off), name))
			continue;
		if (vs->offset + vs->size > data_size)
			return NULL;
		*size = vs->size;
		return data + vs->offset;
	}
	return NULL;
}

int vg_rodata_set(struct bpf_object *obj, const char *name, const void *val, size_t size)
{
	size_t have;
	void *p = rodata_var(obj, name, &have);

	if (!p || have != size)
		return -ENOENT;
	memcpy(p, val, size);
	return 0;
}

int vg_rodata_get(struct bpf_object *obj, const char *name, void *val, size_t size)
{
	size_t have;
	void *p = rodata_var(obj, name, &have);

	if (!p || have != size)
		return -ENOENT;
	memcpy(val, p, size);
	return 0;
}

int vg_task_filter_configure(struct bpf_object *obj, const struct vg_task_filter *f)
{
	char comm[VG_COMM_LEN] = { 0 };
	bool on;
	int err = 0;

	if (!f)
		return 0;
	err |= vg_rodata_set(obj, "filter_tgid_on", &f->tgid_on, sizeof(bool));
	err |= vg_rodata_set(obj, "filter_tgid", &f->tgid, sizeof(__u32));
	err |= vg_rodata_set(obj, "filter_uid_on", &f->uid_on, sizeof(bool));
	err |= vg_rodata_set(obj, "filter_uid", &f->uid, sizeof(__u32));
	on = f->comm != NULL;
	if (on)
		strncpy(comm, f->comm, VG_COMM_LEN - 1);
	err |= vg_rodata_set(obj, "filter_comm_on", &on, sizeof(bool));
	err |= vg_rodata_set(obj, "filter_comm", comm, sizeof(comm));
	on = f->cgroup_path != NULL;
	err |= vg_rodata_set(obj, "filter_cgroup_on", &on, sizeof(bool));
	if (err) {
		vg_err("BPF object has no task filter (vigil_filter.bpf.h not included?)");
		return -ENOENT;
	}
	return 0;
}

int vg_task_filter_post_load(struct bpf_object *obj, const struct vg_task_filter *f)
{
	struct bpf_map *map;
	__u32 zero = 0;
	int fd, err = 0;

	if (!f || !f->cgroup_path)
		return 0;
	map = bpf_object__find_map_by_name(obj, "filter_cgroup");
	if (!map)
		return -ENOENT;
	fd = open(f->cgroup_path, O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		err = -errno;
		vg_err("--cgroup %s: %s (expected a cgroup v2 directory)", f->cgroup_path,
		       strerror(errno));
		return err;
	}
	if (bpf_map_update_elem(bpf_map__fd(map), &zero, &fd, BPF_ANY) < 0) {
		err = -errno;
		vg_err("--cgroup %s: not a cgroup v2 directory (%s)", f->cgroup_path,
		       strerror(errno));
	}
	close(fd);
	return err;
}
