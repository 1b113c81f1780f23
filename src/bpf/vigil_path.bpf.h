/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Absolute paths from the kernel's own objects: a struct path (dentry +
 * vfsmount) is walked up to the root, crossing mount points, and written
 * backwards into the path buffer of the caller's scratch slot (one per slot
 * and CPU, see vg_scratch_claim). Tracepoints may not call bpf_d_path, so
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

/* Keyed by scratch slot: a program uses the buffer of the slot it holds. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VG_SCRATCH_SLOTS);
	__type(key, __u32);
	__type(value, struct vg_path_buf);
} vg_path_map SEC(".maps");

/* The path buffer of claimed scratch slot @slot on this CPU. */
static __always_inline struct vg_path_buf *vg_path_buf(int slot)
{
	__u32 key = (__u32)slot & VG_SCRATCH_SLOT_MASK;

	if (slot < 0)
		return NULL;
	return bpf_map_lookup_elem(&vg_path_map, &key);
}

struct vg_path_res {
	const char *str;	/* inside the per-CPU buffer */
	struct vg_path_buf *pb;	/* that buffer */
	__u32 len;
	bool truncated;
};

struct vg_walk {
	struct vg_path_buf *pb;
	struct dentry *dentry;
	struct mount *mnt;
	struct dentry *mnt_root;	/* of mnt: read once per mount, not per step */
	__u32 pos;		/* start of the path written so far */
	bool truncated;
	bool done;
	bool fault;
	bool fs_only;		/* stop at mnt_root: the path within its filesystem */
};

/* d_parent and d_name, adjacent in struct dentry: one read per step. */
struct vg_dentry_up {
	struct dentry *parent;
	struct qstr name;
};

/*
 * An object that defines VG_PATH_KCAST(ptr, type) (a bpf_rdonly_cast, its
 * kernel permitting) reads them with plain loads: no helper call per step.
 */
static __always_inline int vg_dentry_up(struct dentry *dentry, struct vg_dentry_up *up)
{
#ifdef VG_PATH_KCAST
	struct dentry *d = VG_PATH_KCAST(dentry, struct dentry);

	up->parent = d->d_parent;
	up->name.hash_len = d->d_name.hash_len;
	up->name.name = d->d_name.name;
	return up->parent ? 0 : -1;	/* a faulting load reads 0 */
#else
	if (bpf_core_field_offset(struct dentry, d_name) ==
	    bpf_core_field_offset(struct dentry, d_parent) + sizeof(void *))
		return bpf_probe_read_kernel(up, sizeof(*up), (void *)dentry +
					     bpf_core_field_offset(struct dentry, d_parent));
	up->parent = BPF_CORE_READ(dentry, d_parent);
	up->name = BPF_CORE_READ(dentry, d_name);
	return 0;
#endif
}

/* One step up: a path component, or a hop from a mount root to its mountpoint. */
static long vg_walk_step(__u32 index, void *data)
{
	struct vg_walk *w = data;
	struct dentry *dentry = w->dentry;
	struct mount *mnt = w->mnt, *mnt_parent;
	struct vg_dentry_up up;
	__u32 len, pos = w->pos;
	bool last = false;

	if (dentry == w->mnt_root) {
		if (w->fs_only) {
			w->done = true;
			return 1;
		}
		mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
		/* Root of the topmost mount, or a detached one: done. */
		if (mnt == mnt_parent) {
			w->done = true;
			return 1;
		}
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = mnt_parent;
		w->mnt_root = BPF_CORE_READ(mnt_parent, mnt.mnt_root);
		return 0;
	}
	if (vg_dentry_up(dentry, &up) < 0) {
		w->fault = true;
		return 1;
	}
	/*
	 * A disconnected root (memfd, anonymous and pseudo files): its own name
	 * is the path, as d_path shows it ("/memfd:name"), not "/".
	 */
	if (dentry == up.parent)
		last = true;
	len = up.name.len;
	if (len > VG_NAME_MAX)
		len = VG_NAME_MAX;
	if (len + 1 > pos || pos > VG_MAX_PATH_BYTES) {
		w->truncated = true;
		return 1;
	}
	pos -= len;
	if (bpf_probe_read_kernel(&w->pb->buf[pos & VG_PATH_MASK], len & VG_NAME_MAX,
				  up.name.name) < 0) {
		w->fault = true;
		return 1;
	}
	pos -= 1;
	w->pb->buf[pos & VG_PATH_MASK] = '/';
	w->pos = pos;
	w->dentry = up.parent;
	if (last) {
		w->done = true;
		return 1;
	}
	return 0;
}

#define VG_WALK_CUT 0x10000	/* above any position in the buffer */

/* Ends a walk: the start of the path written so far (| VG_WALK_CUT when cut), <0: none. */
static __always_inline int vg_walk_finish(struct vg_walk *w)
{
	__u32 pos;

	if (w->fault) {
		vg_count(VG_CNT_READ_FAIL);
		return -1;
	}
	if (!w->done)
		w->truncated = true;
	pos = w->pos;
	if (pos > VG_MAX_PATH_BYTES)
		return -1;
	if (pos == VG_MAX_PATH_BYTES) {
		pos -= 1;
		w->pb->buf[pos & VG_PATH_MASK] = '/';
	}
	if (w->truncated) {
		if (pos >= 3) {
			pos -= 3;
			w->pb->buf[(pos + 0) & VG_PATH_MASK] = '.';
			w->pb->buf[(pos + 1) & VG_PATH_MASK] = '.';
			w->pb->buf[(pos + 2) & VG_PATH_MASK] = '.';
		}
		vg_count(VG_CNT_TRUNCATED);
		return pos | VG_WALK_CUT;
	}
	return pos;
}

/*
 * The walk from @dentry up, in the path buffer of scratch slot @slot.
 * Returns where the path starts there (| VG_WALK_CUT when cut), <0 if
 * nothing could be read. A global function: the verifier checks it once,
 * on its own, not once per caller state and per state the loop can end in
 * (that multiplication was most of the exec program's load time). So the
 * kernel pointers come as plain numbers; they are only ever read with
 * bpf_probe_read_kernel.
 */
__noinline int vg_path_walk(__u64 dentry, __u64 mnt, __u64 mnt_root, int fs_only, int slot)
{
	struct vg_walk w = {};

	w.pb = vg_path_buf(slot);
	if (!w.pb || !dentry || !mnt_root)
		return -1;
	w.dentry = (struct dentry *)dentry;
	w.mnt = (struct mount *)mnt;
	w.mnt_root = (struct dentry *)mnt_root;
	w.fs_only = fs_only;
	w.pos = VG_MAX_PATH_BYTES;
	bpf_loop(VG_MAX_PATH_DEPTH, vg_walk_step, &w, 0);
	return vg_walk_finish(&w);
}

/* @res from vg_path_walk()'s result @r. */
static __always_inline int vg_walk_result(int r, struct vg_path_res *res, int slot)
{
	struct vg_path_buf *pb;
	__u32 pos;

	if (r < 0)
		return -1;
	pb = vg_path_buf(slot);
	if (!pb)
		return -1;
	pos = r & (VG_WALK_CUT - 1);
	if (pos > VG_MAX_PATH_BYTES)
		return -1;
	res->truncated = r & VG_WALK_CUT;
	res->pb = pb;
	res->str = &pb->buf[pos & VG_PATH_MASK];
	res->len = VG_MAX_PATH_BYTES - pos;
	return 0;
}

/*
 * Resolves @path into @res. Returns 0 on success (res->str valid), <0 if
 * nothing could be read. Components are written right to left ending at
 * buf[VG_MAX_PATH_BYTES]; a path that does not fit or is deeper than
 * VG_MAX_PATH_DEPTH is marked truncated and keeps its rightmost part,
 * prefixed with "..." so that it never looks like a whole path.
 * bpf_loop keeps the verifier's work independent of the depth bound.
 */
static __always_inline int vg_path_resolve(const struct path *path,
					   struct vg_path_res *res, int slot)
{
	struct dentry *dentry = BPF_CORE_READ(path, dentry);
	struct vfsmount *vfsmnt = BPF_CORE_READ(path, mnt);

	res->str = NULL;
	res->len = 0;
	res->truncated = false;
	if (!dentry || !vfsmnt)
		return -1;
	return vg_walk_result(vg_path_walk((__u64)dentry,
					   (__u64)container_of(vfsmnt, struct mount, mnt),
					   (__u64)BPF_CORE_READ(vfsmnt, mnt_root), 0, slot),
			      res, slot);
}

/*
 * Resolves @dentry into @res as a path within its own filesystem (up to
 * @fs_root, its superblock's root; no mount is crossed): what a bind
 * mount's root is on the filesystem it was taken from.
 */
static __always_inline int vg_fs_path_resolve(struct dentry *dentry, struct dentry *fs_root,
					      struct vg_path_res *res, int slot)
{
	res->str = NULL;
	res->len = 0;
	res->truncated = false;
	return vg_walk_result(vg_path_walk((__u64)dentry, 0, (__u64)fs_root, 1, slot), res, slot);
}

/*
 * Resolves @path in the path buffer of scratch slot @slot and appends it to
 * the tail as @s. Returns 1 if truncated.
 */
static __always_inline int vg_tail_put_path(struct vg_tail *t, struct vg_str *s,
					    const struct path *path, int slot)
{
	struct vg_path_res res;
	int cut;

	s->off = t->off;
	s->len = 0;
	if (vg_path_resolve(path, &res, slot) < 0)
		return -1;
	cut = vg_tail_put_bytes(t, s, res.str, res.len);
	return (cut || res.truncated) ? 1 : 0;
}

#endif /* VIGIL_PATH_BPF_H */
