/* SPDX-License-Identifier: GPL-2.0 */
/*
 * File sensor, operations by name or by fd (unlink, rename, chmod, chown,
 * truncate, link, symlink, mknod, utimes, mount, umount): the arguments of
 * each syscall and the record, with one or two paths.
 *
 * Part of sensor_file.bpf.c, included once after its maps and types: a
 * piece of that one CO-RE object, not a shared header.
 */
#ifndef SENSOR_FILE_OP_BPF_H
#define SENSOR_FILE_OP_BPF_H

__noinline int file_emit_op(struct opargs *o)
{
	struct task_struct *task;
	struct vg_file *e;
	struct vg_tail t;
	struct fpath p = {}, q = {};
	enum file_actor actor;
	__u32 mask, fl;
	bool never;
	int rc;

	if (!o)
		return 0;
	task = (struct task_struct *)o->task;
	actor = file_actor_check(file_type_of(o->fsc), o->acc, NULL);
	if (actor == FILE_ACTOR_DROP)
		return 0;
	/* From here on every return goes through out: (slot release). */
	p.slot = vg_scratch_claim();
	if (p.slot < 0)
		return 0;
	q.slot = p.slot;
	if (o->by_fd) {
		rc = file_resolve((__u64)vg_task_fd_file(task, o->fd), &p);
	} else {
		rc = file_join(o->task, o->fd, o->ustr, &p);
		/* Empty name with AT_EMPTY_PATH: the dirfd itself. */
		if (rc == 1 && (o->flags & AT_EMPTY_PATH) && o->fd != VG_FILE_AT_FDCWD)
			rc = file_resolve((__u64)vg_task_fd_file(task, o->fd), &p);
	}
	if (rc != 0 && !(p.fflags & VG_FILE_PATH_FAULT)) {
		vg_count(VG_CNT_FILTERED);
		goto out;
	}
	mask = watch_bits(file_watch_mask(&p), actor);
	if (!o->two && !(mask & o->acc)) {
		vg_count(VG_CNT_FILTERED);
		goto out;
	}
	never = storm_never_path(&p);
	e = rec_of_call(&t, o, &p);
	if (!e)
		goto out;
	if (o->two) {
		/* The first path is in the record before the buffer is reused. */
		file_join(o->task, o->fd2, o->ustr2, &q);
		if (!(mask & o->acc) &&
		    !(watch_bits(file_watch_mask(&q), actor) & o->acc)) {
			vg_count(VG_CNT_FILTERED);
			goto out;
		}
		never = never || storm_never_path(&q);
		fl = 0;
		if (q.fflags & VG_FILE_PATH_USER)
			fl |= VG_FILE_TARGET_USER;
		if (q.fflags & VG_FILE_PATH_TRUNC)
			fl |= VG_FILE_TARGET_TRUNC;
		if (q.fflags & VG_FILE_UNCHECKED)
			fl |= VG_FILE_UNCHECKED;
		if (q.fflags & VG_FILE_NORMALIZED)
			fl |= VG_FILE_NORMALIZED;
		if (put_fpath(&t, &e->target, &q))
			fl |= VG_FILE_TARGET_TRUNC;
		e->fflags |= fl;
	} else if (o->raw_target && o->ustr2) {
		e->fflags |= VG_FILE_TARGET_RAW;
		put_ustr(&t, &e->target, o->ustr2, e, VG_FILE_TARGET_TRUNC);
	}
	if (o->ustr3)
		put_ustr(&t, &e->requested, o->ustr3, e, VG_FILE_REQ_TRUNC);
	else if (o->ustr)
		put_ustr(&t, &e->requested, o->ustr, e, VG_FILE_REQ_TRUNC);
	/* A storm of like records: counted, sent later as one (vigil_storm_rec.bpf.h). */
	if (never || !vg_storm_rec_held(t.rec, t.fixed + t.off, p.slot))
		vg_submit(NULL, &t);
out:
	vg_scratch_release(p.slot);
	return 0;
}

static __always_inline void decode_op(struct opargs *o, const struct fargs *a)
{
	switch (o->fsc) {
	case VG_FSC_UNLINK: case VG_FSC_RMDIR:
		o->ustr = a->a[0], o->acc = VG_FACC_DELETE;
		if (o->fsc == VG_FSC_RMDIR)
			o->flags = AT_REMOVEDIR;
		break;
	case VG_FSC_UNLINKAT:
		o->fd = (int)a->a[0], o->ustr = a->a[1], o->flags = (__u32)a->a[2];
		o->acc = VG_FACC_DELETE;
		break;
	case VG_FSC_RENAME:
		o->ustr = a->a[0], o->ustr2 = a->a[1], o->two = 1, o->acc = VG_FACC_RENAME;
		break;
	case VG_FSC_RENAMEAT: case VG_FSC_RENAMEAT2:
		o->fd = (int)a->a[0], o->ustr = a->a[1], o->fd2 = (int)a->a[2], o->ustr2 = a->a[3];
		o->two = 1, o->acc = VG_FACC_RENAME;
		if (o->fsc == VG_FSC_RENAMEAT2)
			o->flags = (__u32)a->a[4];
		break;
	case VG_FSC_CHMOD:
		o->ustr = a->a[0], o->mode = a->a[1], o->acc = VG_FACC_ATTR;
		break;
	case VG_FSC_FCHMOD:
		o->fd = (int)a->a[0], o->by_fd = 1, o->mode = a->a[1], o->acc = VG_FACC_ATTR;
		break;
	case VG_FSC_FCHMODAT: case VG_FSC_FCHMODAT2:
		o->fd = (int)a->a[0], o->ustr = a->a[1], o->mode = a->a[2], o->acc = VG_FACC_ATTR;
		if (o->fsc == VG_FSC_FCHMODAT2)
			o->flags = (__u32)a->a[3];
		break;
	case VG_FSC_CHOWN: case VG_FSC_LCHOWN:
		o->ustr = a->a[0], o->uid = a->a[1], o->gid = a->a[2], o->acc = VG_FACC_ATTR;
		break;
	case VG_FSC_FCHOWN:
		o->fd = (int)a->a[0], o->by_fd = 1, o->uid = a->a[1], o->gid = a->a[2];
		o->acc = VG_FACC_ATTR;
		break;
	case VG_FSC_FCHOWNAT:
		o->fd = (int)a->a[0], o->ustr = a->a[1], o->uid = a->a[2], o->gid = a->a[3];
		o->flags = (__u32)a->a[4], o->acc = VG_FACC_ATTR;
		break;
	case VG_FSC_TRUNCATE:
		o->ustr = a->a[0], o->size = a->a[1], o->acc = VG_FACC_TRUNCATE;
		break;
	case VG_FSC_FTRUNCATE:
		o->fd = (int)a->a[0], o->by_fd = 1, o->size = a->a[1], o->acc = VG_FACC_TRUNCATE;
		break;
	case VG_FSC_LINK:	/* path: the new name; target: the existing file */
		o->ustr2 = a->a[0], o->ustr = a->a[1], o->two = 1;
		o->acc = VG_FACC_CREATE | VG_FACC_RENAME;
		break;
	case VG_FSC_LINKAT:
		o->fd2 = (int)a->a[0], o->ustr2 = a->a[1], o->fd = (int)a->a[2], o->ustr = a->a[3];
		o->flags = (__u32)a->a[4], o->two = 1;
		o->acc = VG_FACC_CREATE | VG_FACC_RENAME;
		break;
	case VG_FSC_SYMLINK:	/* path: the link; target: its content as given */
		o->ustr2 = a->a[0], o->ustr = a->a[1], o->raw_target = 1, o->acc = VG_FACC_CREATE;
		break;
	case VG_FSC_SYMLINKAT:
		o->ustr2 = a->a[0], o->fd = (int)a->a[1], o->ustr = a->a[2], o->raw_target = 1;
		o->acc = VG_FACC_CREATE;
		break;
	case VG_FSC_MKNOD:
		o->ustr = a->a[0], o->mode = a->a[1], o->size = (__u32)a->a[2];
		o->acc = VG_FACC_CREATE;
		break;
	case VG_FSC_MKNODAT:
		o->fd = (int)a->a[0], o->ustr = a->a[1], o->mode = a->a[2], o->size = (__u32)a->a[3];
		o->acc = VG_FACC_CREATE;
		break;
	case VG_FSC_UTIME: case VG_FSC_UTIMES:
		o->ustr = a->a[0], o->acc = VG_FACC_ATTR;
		break;
	case VG_FSC_FUTIMESAT:
		o->fd = (int)a->a[0], o->ustr = a->a[1], o->acc = VG_FACC_ATTR;
		break;
	case VG_FSC_UTIMENSAT:
		o->fd = (int)a->a[0], o->ustr = a->a[1], o->flags = (__u32)a->a[3];
		o->acc = VG_FACC_ATTR;
		if (!o->ustr)
			o->by_fd = 1;	/* futimens() */
		break;
	case VG_FSC_MOUNT:	/* path: mount point; target: source; requested: fstype */
		o->ustr = a->a[1], o->ustr2 = a->a[0], o->ustr3 = a->a[2], o->flags = a->a[3];
		o->raw_target = 1, o->acc = VG_FACC_MOUNT;
		break;
	case VG_FSC_UMOUNT2:
		o->ustr = a->a[0], o->flags = (__u32)a->a[1], o->acc = VG_FACC_MOUNT;
		break;
	}
	if ((o->fsc == VG_FSC_CHMOD || o->fsc == VG_FSC_FCHMOD || o->fsc == VG_FSC_FCHMODAT ||
	     o->fsc == VG_FSC_FCHMODAT2) && (o->mode & EXEC_BITS))
		o->acc |= VG_FACC_EXECMODE;
}

#endif /* SENSOR_FILE_OP_BPF_H */
