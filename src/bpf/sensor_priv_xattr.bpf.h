/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Privilege sensor, file capabilities: setxattr, lsetxattr, fsetxattr and
 * setxattrat writing "security.capability" (what setcap does; any program
 * can call setxattr itself). Entry keeps only calls on that name, with the
 * first bytes of the value (struct vfs_cap_data); exit reports the file
 * and the capabilities with the result.
 *
 * Part of sensor_priv.bpf.c, included once after its maps and the record
 * helpers: a piece of that one CO-RE object, not a shared header.
 */
#ifndef SENSOR_PRIV_XATTR_BPF_H
#define SENSOR_PRIV_XATTR_BPF_H

#define XATTR_NAME_BYTES 24	/* "security.capability" and its NUL fit */
#define XATTR_CAP_BYTES 24	/* vfs_cap_data revision 3 */

static __always_inline bool is_xattr_call(enum vg_priv_call call)
{
	return call == VG_PC_SETXATTR || call == VG_PC_LSETXATTR || call == VG_PC_FSETXATTR ||
	       call == VG_PC_SETXATTRAT;
}

/* Whether the user string at @uname is exactly "security.capability". */
static __always_inline bool xattr_name_wanted(__u64 uname)
{
	__u8 name[XATTR_NAME_BYTES] = {};

	if (bpf_probe_read_user_str(name, sizeof(name), (void *)uname) != 20)
		return false;
	return VG_BYTES_ARE(name, "security", ".capabil") && name[16] == 'i' && name[17] == 't' &&
	       name[18] == 'y';
}

/* The value's address and size: setxattrat passes them in a struct xattr_args. */
static __always_inline void xattr_value(const struct vg_pend *p, __u64 *addr, __u64 *size)
{
	struct { __u64 value; __u32 size; __u32 flags; } args = {};

	if (p->call != VG_PC_SETXATTRAT) {
		*addr = p->args[2];
		*size = p->args[3];
		return;
	}
	bpf_probe_read_user(&args, sizeof(args), (void *)p->args[4]);
	*addr = args.value;
	*size = args.size;
}

/* Entry: the first bytes of the value, into p->x[0..5]; x[6] its size. */
static __always_inline void xattr_pend_fill(struct vg_pend *p)
{
	__u64 addr, size;
	__u32 n;

	xattr_value(p, &addr, &size);
	p->x[6] = size > 0xffffffffULL ? 0xffffffffU : (__u32)size;
	n = size < XATTR_CAP_BYTES ? (__u32)size : XATTR_CAP_BYTES;
	if (n && bpf_probe_read_user(p->x, n & (XATTR_CAP_BYTES | 7), (void *)addr) < 0) {
		vg_count(VG_CNT_READ_FAIL);
		p->flags |= VG_PRIV_READ_FAULT;
	}
}

static __always_inline int emit_xattr(void *ctx, struct task_struct *task,
				      const struct vg_pend *p, long ret)
{
	bool by_fd = p->call == VG_PC_FSETXATTR;
	struct vg_xattr *e;
	struct vg_tail t;
	struct file *f;
	int slot, cut = 0;

	e = start_record(&t, VG_EV_XATTR, sizeof(*e), task, &slot);
	if (!e)
		return 0;
	fill_sys(&e->sys, p, ret);
	e->value_size = p->x[6];
	e->cap_magic = p->x[0];
	e->cap_permitted = p->x[1] | ((__u64)p->x[3] << 32);
	e->cap_inheritable = p->x[2] | ((__u64)p->x[4] << 32);
	e->cap_rootid = p->x[5];
	e->fd = by_fd || p->call == VG_PC_SETXATTRAT ? (__s32)p->args[0] : -1;
	if (p->flags & VG_PRIV_READ_FAULT)
		e->xflags |= VG_XATTR_VALUE_FAULT;
	e->path.off = t.off;
	if (by_fd) {
		f = vg_task_fd_file(task, e->fd);
		if (f)
			cut = vg_tail_put_path(&t, &e->path, &f->f_path, slot);
	} else {
		/* The caller's string: setxattrat's relative paths stay relative to its dirfd. */
		e->xflags |= VG_XATTR_PATH_USER;
		cut = vg_tail_put_str(&t, &e->path, (void *)p->args[p->call == VG_PC_SETXATTRAT],
				      VG_MAX_PATH_BYTES, true);
	}
	if (cut > 0)
		e->sys.flags |= VG_PRIV_STR_TRUNC;
	return finish_record(ctx, &t, slot);
}

#endif /* SENSOR_PRIV_XATTR_BPF_H */
