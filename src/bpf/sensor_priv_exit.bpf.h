/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Privilege sensor, syscall exit: the entry kept in vg_pending and the
 * call's result make one record per call kind (credentials judged now, on
 * the new identity; the rest as entry judged them).
 *
 * Part of sensor_priv.bpf.c (and so of sensor_priv_nokfunc.bpf.c), included
 * once after its maps and constants: a piece of that one CO-RE object, not a
 * shared header.
 */
#ifndef SENSOR_PRIV_EXIT_BPF_H
#define SENSOR_PRIV_EXIT_BPF_H

static __always_inline int emit_cred(void *ctx, struct task_struct *task,
				     const struct vg_pend *p, long ret, __u16 type)
{
	struct vg_cred_set now;
	struct vg_cred *e;

	read_creds(task, &now);
	if (!creds_differ(&p->creds, &now))
		return 0;
	/* The call changed who current is: judged now, on the new identity. */
	if (vg_drop_if_unwanted(type))
		return 0;
	e = start_fixed(type, sizeof(*e), task);
	if (!e)
		return 0;
	fill_sys(&e->sys, p, ret);
	e->args[0] = p->args[0];
	e->args[1] = p->args[1];
	e->args[2] = p->args[2];
	e->old_creds = p->creds;
	e->new_creds = now;
	vg_storm_commit(e);
	return 0;
}

static __always_inline int emit_ptrace(void *ctx, struct task_struct *task,
				       const struct vg_pend *p, long ret)
{
	struct vg_ptrace *e;
	struct vg_tail t;
	int slot;

	e = start_record(&t, VG_EV_PTRACE, sizeof(*e), task, &slot);
	if (!e)
		return 0;
	fill_sys(&e->sys, p, ret);
	e->request = (__s64)p->args[0];
	e->addr = p->args[2];
	e->data = p->args[3];
	e->target = p->target;
	put_target_exe(&t, &e->target_exe, &p->target, slot);
	return finish_record(ctx, &t, slot);
}

static __always_inline int emit_process_vm(void *ctx, struct task_struct *task,
					   const struct vg_pend *p, long ret)
{
	struct vg_process_vm *e;
	struct vg_tail t;
	int slot;

	e = start_record(&t, VG_EV_PROCESS_VM, sizeof(*e), task, &slot);
	if (!e)
		return 0;
	fill_sys(&e->sys, p, ret);
	e->local_iovcnt = p->args[2];
	e->remote_iovcnt = p->args[4];
	e->target = p->target;
	put_target_exe(&t, &e->target_exe, &p->target, slot);
	return finish_record(ctx, &t, slot);
}

static __always_inline int emit_signal(void *ctx, struct task_struct *task,
				       const struct vg_pend *p, long ret)
{
	struct vg_signal *e;
	struct vg_tail t;
	int slot;

	e = start_record(&t, VG_EV_SIGNAL, sizeof(*e), task, &slot);
	if (!e)
		return 0;
	fill_sys(&e->sys, p, ret);
	e->sig = p->call == VG_PC_TGKILL ? (__u32)p->args[2] : (__u32)p->args[1];
	e->pidfd = p->call == VG_PC_PIDFD_SEND_SIGNAL ? (__u32)p->args[0] : 0;
	e->target = p->target;
	put_target_exe(&t, &e->target_exe, &p->target, slot);
	return finish_record(ctx, &t, slot);
}

static __always_inline int emit_module(void *ctx, struct task_struct *task,
				       const struct vg_pend *p, long ret)
{
	struct vg_module *e;
	struct vg_tail t;
	int slot;
	struct file *f;
	int cut = 0;

	e = start_record(&t, VG_EV_MODULE, sizeof(*e), task, &slot);
	if (!e)
		return 0;
	fill_sys(&e->sys, p, ret);
	e->fd = -1;
	switch (p->call) {
	case VG_PC_INIT_MODULE:
		e->len = p->args[1];
		cut = vg_tail_put_str(&t, &e->params, (void *)p->args[2], 1024, true);
		break;
	case VG_PC_FINIT_MODULE:
		e->fd = (__s32)p->args[0];
		e->mod_flags = (__u32)p->args[2];
		f = vg_task_fd_file(task, e->fd);
		if (f)
			cut |= vg_tail_put_path(&t, &e->path, &f->f_path, slot) > 0;
		else
			e->path.off = t.off;
		cut |= vg_tail_put_str(&t, &e->params, (void *)p->args[1], 1024, true) > 0;
		break;
	case VG_PC_DELETE_MODULE:
		e->mod_flags = (__u32)p->args[1];
		cut = vg_tail_put_str(&t, &e->name, (void *)p->args[0], 64, true);
		break;
	default:
		break;
	}
	if (cut > 0)
		e->sys.flags |= VG_PRIV_STR_TRUNC;
	return finish_record(ctx, &t, slot);
}

static __always_inline int emit_bpf(void *ctx, struct task_struct *task,
				    const struct vg_pend *p, long ret)
{
	struct vg_bpf *e;

	e = start_fixed(VG_EV_BPF, sizeof(*e), task);
	if (!e)
		return 0;
	fill_sys(&e->sys, p, ret);
	e->cmd = (__u32)p->args[0];
	e->prog_type = p->x[0];
	e->attach_type = p->x[1];
	e->map_type = p->x[2];
	e->key_size = p->x[3];
	e->value_size = p->x[4];
	e->max_entries = p->x[5];
	e->map_flags = p->x[6];
	e->insn_cnt = p->x[7];
	e->prog_fd = p->x[8];
	e->attach_btf_id = p->x[9];
	e->target_fd = p->x[10];
	e->btf_size = p->x[11];
	/* The fd stays open after a detach: its link's id names what went. */
	if (e->cmd == BPF_LINK_DETACH && ret == 0) {
		struct file *f = vg_task_fd_file(task, p->x[8]);
		struct bpf_link *l = f ? BPF_CORE_READ(f, private_data) : NULL;

		e->link_id = l ? BPF_CORE_READ(l, id) : 0;
	}
	__builtin_memcpy(e->name, p->name, sizeof(e->name));
	vg_storm_commit(e);
	return 0;
}

static __always_inline int emit_prctl(void *ctx, struct task_struct *task,
				      const struct vg_pend *p, long ret)
{
	struct vg_prctl *e;

	e = start_fixed(VG_EV_PRCTL, sizeof(*e), task);
	if (!e)
		return 0;
	fill_sys(&e->sys, p, ret);
	e->option = (__u32)p->args[0];
	e->arg2 = p->args[1];
	__builtin_memcpy(e->name, p->name, sizeof(e->name));
	__builtin_memcpy(e->old_name, p->target.comm, sizeof(e->old_name));
	vg_storm_commit(e);
	return 0;
}

static __always_inline int emit_seccomp(void *ctx, struct task_struct *task,
					const struct vg_pend *p, long ret)
{
	struct vg_seccomp *e;

	e = start_fixed(VG_EV_SECCOMP, sizeof(*e), task);
	if (!e)
		return 0;
	fill_sys(&e->sys, p, ret);
	e->op = (__u32)p->args[0];
	e->sc_flags = (__u32)p->args[1];
	e->filter_len = p->x[0];
	vg_storm_commit(e);
	return 0;
}

static __always_inline int emit_namespace(void *ctx, struct task_struct *task,
					  const struct vg_pend *p, long ret)
{
	struct vg_namespace *e;
	struct task_struct *child;

	e = start_fixed(VG_EV_NAMESPACE, sizeof(*e), task);
	if (!e)
		return 0;
	fill_sys(&e->sys, p, ret);
	e->fd = -1;
	e->ns_flags = p->args[0];
	if (p->call == VG_PC_SETNS) {
		e->fd = (__s32)p->args[0];
		e->ns_flags = p->args[1];
	}
	e->old_ns = p->ns;
	if ((p->call == VG_PC_CLONE || p->call == VG_PC_CLONE3) && ret > 0) {
		/* The new namespaces are the child's. */
		child = vg_task_from_pid((s32)ret);
		if (child) {
			read_ns(child, &e->new_ns);
			vg_task_release(child);
		}
	} else {
		read_ns(task, &e->new_ns);
	}
	vg_storm_commit(e);
	return 0;
}

static __always_inline int emit_iouring_setup(void *ctx, struct task_struct *task,
					      const struct vg_pend *p, long ret)
{
	struct vg_iouring_setup *e;

	e = start_fixed(VG_EV_IOURING_SETUP, sizeof(*e), task);
	if (!e)
		return 0;
	fill_sys(&e->sys, p, ret);
	e->entries = (__u32)p->args[0];
	e->setup_flags = p->x[0];
	e->sq_thread_cpu = p->x[1];
	e->sq_thread_idle = p->x[2];
	vg_storm_commit(e);
	return 0;
}

static __always_inline int on_exit(void *ctx, enum vg_priv_call call, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 key = pend_key(call);
	struct vg_pend *p = bpf_map_lookup_elem(&vg_pending, &key);

	if (!p)
		return 0;
	if (p->call != call)
		goto out;
	switch (call) {
	case VG_PC_SETUID: case VG_PC_SETGID: case VG_PC_SETREUID: case VG_PC_SETREGID:
	case VG_PC_SETRESUID: case VG_PC_SETRESGID: case VG_PC_SETFSUID: case VG_PC_SETFSGID:
	case VG_PC_SETGROUPS:
		emit_cred(ctx, task, p, ret, VG_EV_CRED);
		break;
	case VG_PC_CAPSET:
		emit_cred(ctx, task, p, ret, VG_EV_CAPSET);
		break;
	case VG_PC_EXECVE:
	case VG_PC_EXECVEAT:
		if (ret == 0)
			emit_cred(ctx, task, p, ret, VG_EV_PRIV_EXEC);
		break;
	case VG_PC_PTRACE:
		emit_ptrace(ctx, task, p, ret);
		break;
	case VG_PC_PROCESS_VM_READV:
	case VG_PC_PROCESS_VM_WRITEV:
		emit_process_vm(ctx, task, p, ret);
		break;
	case VG_PC_INIT_MODULE:
	case VG_PC_FINIT_MODULE:
	case VG_PC_DELETE_MODULE:
		emit_module(ctx, task, p, ret);
		break;
	case VG_PC_BPF:
		emit_bpf(ctx, task, p, ret);
		break;
	case VG_PC_PRCTL:
		emit_prctl(ctx, task, p, ret);
		break;
	case VG_PC_SECCOMP:
		emit_seccomp(ctx, task, p, ret);
		break;
	case VG_PC_KILL: case VG_PC_TKILL: case VG_PC_TGKILL: case VG_PC_PIDFD_SEND_SIGNAL:
		emit_signal(ctx, task, p, ret);
		break;
	case VG_PC_UNSHARE: case VG_PC_SETNS: case VG_PC_CLONE: case VG_PC_CLONE3:
		emit_namespace(ctx, task, p, ret);
		break;
	case VG_PC_IO_URING_SETUP:
		emit_iouring_setup(ctx, task, p, ret);
		break;
	case VG_PC_SETXATTR: case VG_PC_LSETXATTR: case VG_PC_FSETXATTR: case VG_PC_SETXATTRAT:
		emit_xattr(ctx, task, p, ret);
		break;
	default:
		break;
	}
out:
	bpf_map_delete_elem(&vg_pending, &key);
	return 0;
}

#endif /* SENSOR_PRIV_EXIT_BPF_H */
