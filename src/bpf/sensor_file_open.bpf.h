/* SPDX-License-Identifier: GPL-2.0 */
/*
 * File sensor, opens: the access class of the open flags, the arguments of
 * each open syscall, and the record, with the path of the file the kernel
 * installed at fd[ret] (the caller's string when the open failed).
 *
 * Part of sensor_file.bpf.c, included once after its maps and types: a
 * piece of that one CO-RE object, not a shared header.
 */
#ifndef SENSOR_FILE_OPEN_BPF_H
#define SENSOR_FILE_OPEN_BPF_H

static __always_inline __u32 open_access(__u64 flags, __u32 mode)
{
	__u32 acc = 0, am = flags & O_ACCMODE;

	if (flags & O_PATH)
		return VG_FACC_READ;
	if (am == 0 || am == O_RDWR)
		acc |= VG_FACC_READ;
	if (am == O_WRONLY || am == O_RDWR)
		acc |= VG_FACC_WRITE;
	if (flags & O_CREAT) {
		acc |= VG_FACC_CREATE;
		if (mode & EXEC_BITS)
			acc |= VG_FACC_EXECMODE;
	}
	if (flags & O_TRUNC)
		acc |= VG_FACC_TRUNCATE;
	return acc;
}

/*
 * What identifies open file @file in the rejection cache: its dentry and
 * mount (@k), the dentry's parent, name and inode (@id), the inode's number.
 */
static __always_inline int open_file_id(__u64 file, struct reject_key *k, struct dentry_id *id,
					__u64 *ino)
{
#ifdef VG_FILE_KCAST
	struct file *f = VG_FILE_KCAST(file, struct file);
	struct dentry *d;

	if (!file)
		return -1;
	d = f->f_path.dentry;
	k->dentry = (__u64)d;
	k->mnt = (__u64)f->f_path.mnt;
	if (!d)
		return -1;	/* a faulting load reads 0 */
	id->parent = (__u64)d->d_parent;
	id->hash_len = d->d_name.hash_len;
	id->inode = (__u64)d->d_inode;
	*ino = d->d_inode->i_ino;
	return 0;
#else
	struct inode *inode;
	struct path fp;

	if (!file || bpf_probe_read_kernel(&fp, sizeof(fp), &((struct file *)file)->f_path) < 0 ||
	    dentry_id_read(fp.dentry, id) < 0)
		return -1;
	k->dentry = (__u64)fp.dentry;
	k->mnt = (__u64)fp.mnt;
	inode = (struct inode *)id->inode;	/* a local: no CO-RE access on struct dentry_id */
	*ino = BPF_CORE_READ(inode, i_ino);
	return 0;
#endif
}

__noinline int file_emit_open(struct opargs *o)
{
	struct vg_file *e;
	struct vg_tail t;
	struct fpath p = {};
	struct file *f = NULL;
	struct dentry_id id = {};
	struct reject_key key = {};
	const struct vg_inode_watch *iw = NULL;
	__u64 gen = file_cache_gen;
	struct vfsmount *bind = NULL;
	enum file_actor actor;
	int rc = -1, storm = STORM_OFF;
	__s64 cached = -1;
	__u64 ino = 0;

	if (!o)
		return 0;
	if (o->ret >= 0) {
		f = (struct file *)o->file;
		if (open_file_id(o->file, &key, &id, &ino) < 0) {
			vg_count(VG_CNT_READ_FAIL);
			vg_count(VG_CNT_FILTERED);
			return 0;
		}
		if (file_via_bind(o->task, (struct vfsmount *)key.mnt, o->acc))
			bind = (struct vfsmount *)key.mnt;
		/* Cheap first check, before any slot or identity lookup: this dentry and inode were
		 * rejected under the same watch set and identity watches (both bump gen). */
		cached = bind ? -1 : reject_cached_mask(&key, &id, ino, gen);
		if (cached >= 0 && !(vg_watch_bits(cached, 0) & o->acc) &&
		    !write_once_first(vg_watch_bits(cached, 0), o->acc, &key, &id, false)) {
			vg_count(VG_CNT_FILTERED);
			return 0;
		}
		iw = inode_watch_of(f);
	}
	actor = file_actor_check(file_type_of(o->fsc), o->acc, f);
	if (actor == FILE_ACTOR_DROP)
		return 0;
	if (actor == FILE_ACTOR_OUT)
		bind = NULL;	/* its path alone decides */
	/* From here on every return goes through out: (slot release). */
	p.slot = vg_scratch_claim();
	if (p.slot < 0)
		return 0;
	if (o->ret >= 0) {
		__u32 raw, mask;

		rc = file_resolve((__u64)f, &p);
		if (rc != 0) {
			vg_count(VG_CNT_FILTERED);
			goto out;
		}
		raw = file_watch_mask(&p);
		mask = watch_bits(raw, actor) | (iw && actor != FILE_ACTOR_OUT ? iw->mask : 0);
		if (!(mask & o->acc) && !bind && !write_once_first(mask, o->acc, &key, &id, true)) {
			/* The trie's answer is the path's, whoever acts: cached for all. */
			if (!iw && !(p.fflags & (VG_FILE_PATH_TRUNC | VG_FILE_PATH_FAULT)))
				reject_note(&key, &id, ino, gen, raw);
			vg_count(VG_CNT_FILTERED);
			goto out;
		}
		/* Watched: this CPU's slot keeps the trie's answer too, so that the next open of
		 * this dentry finds it there, not in reject_cache, which never holds it. */
		if (cached < 0 && !bind && !iw && !(p.fflags & (VG_FILE_PATH_TRUNC | VG_FILE_PATH_FAULT)))
			watched_note(&key, &id, ino, gen, raw);
		storm = bind ? STORM_OFF : storm_check_open(o, (__u64)f, &p,
							    actor == FILE_ACTOR_OUT ? NULL : iw);
		if (storm == STORM_HELD)
			goto out;
	} else {
		if (o->ustr && o->fsc != VG_FSC_MEMFD_CREATE)
			rc = file_join(o->task, o->fd, o->ustr, &p);
		/* No path to match (failed memfd/open_by_handle, empty name), or not watched. */
		if (rc != 0 || !(watch_bits(file_watch_mask(&p), actor) & o->acc)) {
			vg_count(VG_CNT_FILTERED);
			goto out;
		}
	}
	e = rec_of_call(&t, o, &p);
	if (!e)
		goto out;
	if (o->ustr)
		put_ustr(&t, &e->requested, o->ustr, e, VG_FILE_REQ_TRUNC);
	if (bind)
		file_put_bind(&t, e, bind, p.slot);
	if (iw && actor != FILE_ACTOR_OUT)
		put_watched(&t, e, iw);
	storm_send_open(o->ret < 0 || bind, storm, &t, &p, iw);
out:
	vg_scratch_release(p.slot);
	return 0;
}

static __always_inline void decode_open(struct opargs *o, const struct fargs *a)
{
	switch (o->fsc) {
	case VG_FSC_OPEN:
		o->ustr = a->a[0], o->flags = a->a[1], o->mode = a->a[2];
		break;
	case VG_FSC_OPENAT:
		o->fd = (int)a->a[0], o->ustr = a->a[1], o->flags = a->a[2], o->mode = a->a[3];
		break;
	case VG_FSC_OPENAT2: {
		struct open_how how = {};

		o->fd = (int)a->a[0], o->ustr = a->a[1];
		if (bpf_probe_read_user(&how, sizeof(how), (void *)a->a[2]) < 0)
			vg_count(VG_CNT_READ_FAIL);
		o->flags = how.flags, o->mode = how.mode;
		break;
	}
	case VG_FSC_CREAT:
		o->ustr = a->a[0], o->mode = a->a[1], o->flags = O_CREAT | O_WRONLY | O_TRUNC;
		break;
	case VG_FSC_OPEN_BY_HANDLE_AT:
		o->fd = (int)a->a[0], o->flags = a->a[2];
		break;
	case VG_FSC_MEMFD_CREATE:
		o->ustr = a->a[0], o->flags = a->a[1];
		o->acc = VG_FACC_MEMFD;
		return;
	}
	o->acc = open_access(o->flags, o->mode);
}

/* An open seen by the LSM hook, with the flags the kernel used. */
static __always_inline int handle_lsm_open(void *ctx, struct file *file)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct vg_file *e;
	struct vg_tail t;
	const struct vg_inode_watch *iw;
	struct fpath p = {};
	struct vfsmount *bind = NULL;
	enum file_actor actor;
	__u32 flags, acc;

	if (vg_task_filtered_out(task)) {
		vg_count(VG_CNT_FILTERED);
		return 0;
	}
	flags = BPF_CORE_READ(file, f_flags);
	acc = open_access(flags, 0);
	if (file_via_bind((__u64)task, BPF_CORE_READ(file, f_path.mnt), acc))
		bind = BPF_CORE_READ(file, f_path.mnt);
	if (!(acc & file_any_mask) && !bind) {
		vg_count(VG_CNT_FILTERED);
		return 0;
	}
	actor = file_actor_check(VG_EV_FILE_OPEN, acc, file);
	if (actor == FILE_ACTOR_DROP)
		return 0;
	p.slot = vg_scratch_claim();
	if (p.slot < 0)
		return 0;
	iw = actor == FILE_ACTOR_IN ? inode_watch_of(file) : NULL;
	if (actor == FILE_ACTOR_OUT)
		bind = NULL;
	/* Write-once entries take every write here: no dentry key to remember it by. */
	if (file_resolve((__u64)file, &p) < 0 ||
	    (!(mask_writes(watch_bits(file_watch_mask(&p), actor) | (iw ? iw->mask : 0)) & acc) &&
	     !bind)) {
		vg_count(VG_CNT_FILTERED);
		goto out;
	}
	e = rec_begin(&t, task, VG_FSC_LSM_FILE_OPEN, 0, p.slot);
	if (!e)
		goto out;
	e->flags = flags;
	e->access = acc;
	e->fflags = p.fflags;
	e->fflags |= put_fpath(&t, &e->path, &p);
	if (bind)
		file_put_bind(&t, e, bind, p.slot);
	if (iw)
		put_watched(&t, e, iw);
	vg_submit(ctx, &t);
out:
	vg_scratch_release(p.slot);
	return 0;
}

#endif /* SENSOR_FILE_OPEN_BPF_H */
