/* SPDX-License-Identifier: GPL-2.0 */
/*
 * File sensor, the record: its type for a syscall, the struct vg_file
 * started in the record buffer of the caller's scratch slot, and its
 * strings (a path from the path buffer, a caller's string as given).
 *
 * Part of sensor_file.bpf.c, included once after its maps and types: a
 * piece of that one CO-RE object, not a shared header.
 */
#ifndef SENSOR_FILE_RECORD_BPF_H
#define SENSOR_FILE_RECORD_BPF_H

static __always_inline __u16 file_type_of(__u8 fsc)
{
	switch (fsc) {
	case VG_FSC_UNLINK: case VG_FSC_UNLINKAT: case VG_FSC_RMDIR:
		return VG_EV_FILE_UNLINK;
	case VG_FSC_RENAME: case VG_FSC_RENAMEAT: case VG_FSC_RENAMEAT2:
		return VG_EV_FILE_RENAME;
	case VG_FSC_CHMOD: case VG_FSC_FCHMOD: case VG_FSC_FCHMODAT: case VG_FSC_FCHMODAT2:
		return VG_EV_FILE_CHMOD;
	case VG_FSC_CHOWN: case VG_FSC_FCHOWN: case VG_FSC_LCHOWN: case VG_FSC_FCHOWNAT:
		return VG_EV_FILE_CHOWN;
	case VG_FSC_TRUNCATE: case VG_FSC_FTRUNCATE:
		return VG_EV_FILE_TRUNCATE;
	case VG_FSC_LINK: case VG_FSC_LINKAT:
		return VG_EV_FILE_LINK;
	case VG_FSC_SYMLINK: case VG_FSC_SYMLINKAT:
		return VG_EV_FILE_SYMLINK;
	case VG_FSC_MKNOD: case VG_FSC_MKNODAT:
		return VG_EV_FILE_MKNOD;
	case VG_FSC_UTIME: case VG_FSC_UTIMES: case VG_FSC_FUTIMESAT: case VG_FSC_UTIMENSAT:
		return VG_EV_FILE_UTIMES;
	case VG_FSC_MOUNT:
		return VG_EV_FILE_MOUNT;
	case VG_FSC_UMOUNT2:
		return VG_EV_FILE_UMOUNT;
	case VG_FSC_MEMFD_CREATE:
		return VG_EV_FILE_MEMFD;
	default:
		return VG_EV_FILE_OPEN;
	}
}

/* Starts the record in the record buffer of scratch slot @slot. */
static __always_inline struct vg_file *rec_begin(struct vg_tail *t, struct task_struct *task,
						 __u8 fsc, long ret, int slot)
{
	struct vg_file *e = vg_tail_begin(t, slot, sizeof(*e));

	if (!e)
		return NULL;
	vg_fill_hdr(&e->hdr, file_type_of(fsc), task);
	e->ret = ret;
	e->flags = 0;
	e->size = 0;
	e->mode = 0;
	e->uid = (__u32)-1;
	e->gid = (__u32)-1;
	e->access = 0;
	e->fflags = 0;
	e->dirfd = VG_FILE_AT_FDCWD;
	e->syscall = fsc;
	e->pad0 = 0;
	e->suppressed = 0;
	e->path.off = e->path.len = 0;
	e->target.off = e->target.len = 0;
	e->requested.off = e->requested.len = 0;
	e->extra.off = e->extra.len = 0;
	e->watched.off = e->watched.len = 0;
	return e;
}

/* Copies a path from the slot's path buffer into the record; returns fflags to add. */
static __always_inline __u32 put_fpath(struct vg_tail *t, struct vg_str *s,
				       const struct fpath *p)
{
	struct vg_path_buf *pb = vg_path_buf(p->slot);

	s->off = t->off;
	s->len = 0;
	if (!pb || (p->fflags & VG_FILE_PATH_FAULT))
		return 0;
	if (vg_tail_put_bytes(t, s, &pb->buf[p->start & VG_BUF_MASK], p->len) > 0)
		return VG_FILE_PATH_TRUNC;
	return 0;
}

static __always_inline void put_ustr(struct vg_tail *t, struct vg_str *s, __u64 ustr,
				     struct vg_file *e, __u32 trunc_flag)
{
	if (vg_tail_put_str(t, s, (const void *)ustr, VG_MAX_PATH_BYTES, true) > 0)
		e->fflags |= trunc_flag;
}

/*
 * Starts the record of call @o (an open or an operation) with what every
 * one carries: the decoded arguments and the first path, @p.
 */
static __always_inline struct vg_file *rec_of_call(struct vg_tail *t, const struct opargs *o,
						   const struct fpath *p)
{
	struct vg_file *e = rec_begin(t, (struct task_struct *)o->task, o->fsc, o->ret, p->slot);

	if (!e)
		return NULL;
	e->flags = o->flags;
	e->size = o->size;
	e->mode = o->mode;
	e->uid = o->uid;
	e->gid = o->gid;
	e->access = o->acc;
	e->dirfd = o->fd;
	e->fflags = p->fflags;
	e->fflags |= put_fpath(t, &e->path, p);
	return e;
}

#endif /* SENSOR_FILE_RECORD_BPF_H */
