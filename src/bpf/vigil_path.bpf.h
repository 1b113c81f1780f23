/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Absolute paths from the kernel's own objects: a struct path (dentry +
 * vfsmount) is walked up to the root, crossing mount points, and written
 * backwards into a per-CPU buffer. Tracepoints may not call bpf_d_path, so
 * this is the portable way; it never trusts a user-supplied string.
 *
 * Needs vigil_common.bpf.h first.
 */
#ifndef VIGIL_PATH_BPF_H
#define VIGIL_PATH_BPF_H

#define VG_PATH_BUF_BYTES (VG_MAX_PATH_BYTES * 2)
#define VG_PATH_MASK (VG_MAX_PATH_BYTES - 1)
#define VG_NAME_MAX 255

struct vg_path_buf {
	char buf[VG_PATH_BUF_BYTES];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vg_path_buf);
} vg_path_map SEC(".maps");

struct vg_path_res {
	const char *str;	/* inside the per-CPU buffer */
	__u32 len;
	bool truncated;
};

/*
 * Resolves @path into @res. Returns 0 on success (res->str valid), <0 if
 * nothing could be read. Components are written right to left ending at
 * buf[VG_MAX_PATH_BYTES]; a path that does not fit or is deeper than
 * VG_MAX_PATH_DEPTH is marked truncated and keeps its rightmost part,
 * prefixed so that it never looks like an absolute path of its own.
 */
static __always_inline int vg_path_resolve(const struct path *path,
					   struct vg_path_res *res)
{
	__u32 zero = 0;
	struct vg_path_buf *pb = bpf_map_lookup_elem(&vg_path_map, &zero);
	struct dentry *dentry, *parent, *mnt_root;
	struct vfsmount *vfsmnt;
	struct mount *mnt, *mnt_parent;
	__u32 pos = VG_MAX_PATH_BYTES;
	int i;

	res->str = NULL;
	res->len = 0;
	res->truncated = false;
	if (!pb)
		return -1;

	dentry = BPF_CORE_READ(path, dentry);
	vfsmnt = BPF_CORE_READ(path, mnt);
	if (!dentry || !vfsmnt)
		return -1;
	mnt = container_of(vfsmnt, struct mount, mnt);

	for (i = 0; i < VG_MAX_PATH_DEPTH; i++) {
		struct qstr d_name;
		__u32 len;

		mnt_root = BPF_CORE_READ(mnt, mnt.mnt_root);
		parent = BPF_CORE_READ(dentry, d_parent);
		if (dentry == mnt_root || dentry == parent) {
			mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
			/* Root of the topmost mount, or a detached one: done. */
			if (dentry != mnt_root || mnt == mnt_parent)
				break;
			dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = mnt_parent;
			continue;
		}
		d_name = BPF_CORE_READ(dentry, d_name);
		len = d_name.len;
		if (len > VG_NAME_MAX)
			len = VG_NAME_MAX;
		if (len + 1 > pos) {
			res->truncated = true;
			break;
		}
		pos -= len;
		if (bpf_probe_read_kernel(&pb->buf[pos & VG_PATH_MASK],
					  len & VG_NAME_MAX, d_name.name) < 0) {
			vg_count(VG_CNT_READ_FAIL);
			return -1;
		}
		pos -= 1;
		pb->buf[pos & VG_PATH_MASK] = '/';
		dentry = parent;
	}
	if (i == VG_MAX_PATH_DEPTH)
		res->truncated = true;

	if (pos == VG_MAX_PATH_BYTES) {
		pos -= 1;
		pb->buf[pos & VG_PATH_MASK] = '/';
	}
	if (res->truncated) {
		/* Mark the cut: "..." replaces the lost leading components. */
		if (pos >= 3) {
			pos -= 3;
			pb->buf[(pos + 0) & VG_PATH_MASK] = '.';
			pb->buf[(pos + 1) & VG_PATH_MASK] = '.';
			pb->buf[(pos + 2) & VG_PATH_MASK] = '.';
		}
		vg_count(VG_CNT_TRUNCATED);
	}
	res->str = &pb->buf[pos & VG_PATH_MASK];
	res->len = VG_MAX_PATH_BYTES - pos;
	return 0;
}

/* Resolves @path and appends it to the tail as @s. Returns 1 if truncated. */
static __always_inline int vg_tail_put_path(struct vg_tail *t, struct vg_str *s,
					    const struct path *path)
{
	struct vg_path_res res;
	int cut;

	s->off = t->off;
	s->len = 0;
	if (vg_path_resolve(path, &res) < 0)
		return -1;
	cut = vg_tail_put_bytes(t, s, res.str, res.len);
	return (cut || res.truncated) ? 1 : 0;
}

#endif /* VIGIL_PATH_BPF_H */
