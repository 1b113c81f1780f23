/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Privilege sensor, syscall entry: each call's own cheap filter, the task
 * filter, the signal target, the type switch and policy pre-filter for
 * calls that keep the caller's identity, then what the exit program needs
 * (arguments, old credentials or namespaces, user memory such as
 * bpf_attr), kept in vg_pending.
 *
 * Part of sensor_priv.bpf.c (and so of sensor_priv_nokfunc.bpf.c), included
 * once after its maps and constants: a piece of that one CO-RE object, not a
 * shared header.
 */
#ifndef SENSOR_PRIV_ENTER_BPF_H
#define SENSOR_PRIV_ENTER_BPF_H

/* The vg_pending key of the current thread's call, at entry and at exit. */
static __always_inline __u64 pend_key(enum vg_priv_call call)
{
	__u64 id = bpf_get_current_pid_tgid();

	/* After a thread's exec it carries the group leader's id. */
	if (call == VG_PC_EXECVE || call == VG_PC_EXECVEAT)
		return (id & 0xffffffff00000000ULL) | (id >> 32);
	return id;
}

static __always_inline bool signal_wanted(__u32 sig, __u32 target_flags)
{
	if (sig == SIGKILL_NR || sig == SIGSTOP_NR || sig == SIGTERM_NR)
		return true;
	return target_flags & VG_PRIV_TARGET_VIGIL;
}

static __always_inline bool bpf_cmd_wanted(__u64 cmd)
{
	switch (cmd) {
	case BPF_MAP_CREATE:
	case BPF_PROG_LOAD:
	case BPF_PROG_ATTACH:
	case BPF_RAW_TRACEPOINT_OPEN:
	case BPF_BTF_LOAD:
	case BPF_LINK_CREATE:
	case BPF_LINK_DETACH:	/* who took a program off its hook (the self-check sees that it went) */
	case BPF_ENABLE_STATS:	/* run-time stats on for the whole host, as long as the fd lives */
		return true;
	default:
		return false;
	}
}

static __always_inline bool ptrace_wanted(__s64 req)
{
	switch (req) {
	case 0:		/* TRACEME */
	case 4:		/* POKETEXT */
	case 5:		/* POKEDATA */
	case 6:		/* POKEUSER */
	case 13:	/* SETREGS */
	case 16:	/* ATTACH */
	case 0x4205:	/* SETREGSET */
	case 0x4206:	/* SEIZE */
		return true;
	default:
		return false;
	}
}

static __always_inline void read_bpf_attr(struct vg_pend *p, union bpf_attr *ua, __u64 cmd)
{
	__u32 *x = p->x;
	long err = 0;

	switch (cmd) {
	case BPF_PROG_LOAD:
		err |= bpf_probe_read_user(&x[0], 4, &ua->prog_type);
		err |= bpf_probe_read_user(&x[1], 4, &ua->expected_attach_type);
		err |= bpf_probe_read_user(&x[7], 4, &ua->insn_cnt);
		err |= bpf_probe_read_user(&x[9], 4, &ua->attach_btf_id);
		err |= bpf_probe_read_user(p->name, sizeof(p->name), &ua->prog_name);
		break;
	case BPF_MAP_CREATE:
		err |= bpf_probe_read_user(&x[2], 4, &ua->map_type);
		err |= bpf_probe_read_user(&x[3], 4, &ua->key_size);
		err |= bpf_probe_read_user(&x[4], 4, &ua->value_size);
		err |= bpf_probe_read_user(&x[5], 4, &ua->max_entries);
		err |= bpf_probe_read_user(&x[6], 4, &ua->map_flags);
		err |= bpf_probe_read_user(p->name, sizeof(p->name), &ua->map_name);
		break;
	case BPF_PROG_ATTACH:
		err |= bpf_probe_read_user(&x[10], 4, &ua->target_fd);
		err |= bpf_probe_read_user(&x[8], 4, &ua->attach_bpf_fd);
		err |= bpf_probe_read_user(&x[1], 4, &ua->attach_type);
		break;
	case BPF_LINK_CREATE:
		err |= bpf_probe_read_user(&x[8], 4, &ua->link_create.prog_fd);
		err |= bpf_probe_read_user(&x[10], 4, &ua->link_create.target_fd);
		err |= bpf_probe_read_user(&x[1], 4, &ua->link_create.attach_type);
		break;
	case BPF_RAW_TRACEPOINT_OPEN:
		err |= bpf_probe_read_user(&x[8], 4, &ua->raw_tracepoint.prog_fd);
		break;
	case BPF_BTF_LOAD:
		err |= bpf_probe_read_user(&x[11], 4, &ua->btf_size);
		break;
	case BPF_LINK_DETACH:
		err |= bpf_probe_read_user(&x[8], 4, &ua->link_detach.link_fd);
		break;
	default:
		break;
	}
	if (err) {
		vg_count(VG_CNT_READ_FAIL);
		p->flags |= VG_PRIV_READ_FAULT;
	}
}

/*
 * The record a call reports, when it is judged at entry: calls that leave
 * the caller's credentials, executable and cgroup as they were, so that
 * entry sees the identity the record's header (filled at exit) will carry.
 * 0 for calls that change credentials or the executable (set*id,
 * setgroups, capset, execve): emit_cred() judges those at exit.
 */
static __always_inline __u16 entry_record_type(enum vg_priv_call call)
{
	switch (call) {
	case VG_PC_PTRACE:
		return VG_EV_PTRACE;
	case VG_PC_PROCESS_VM_READV: case VG_PC_PROCESS_VM_WRITEV:
		return VG_EV_PROCESS_VM;
	case VG_PC_INIT_MODULE: case VG_PC_FINIT_MODULE: case VG_PC_DELETE_MODULE:
		return VG_EV_MODULE;
	case VG_PC_BPF:
		return VG_EV_BPF;
	case VG_PC_PRCTL:
		return VG_EV_PRCTL;
	case VG_PC_SECCOMP:
		return VG_EV_SECCOMP;
	case VG_PC_KILL: case VG_PC_TKILL: case VG_PC_TGKILL: case VG_PC_PIDFD_SEND_SIGNAL:
		return VG_EV_SIGNAL;
	case VG_PC_UNSHARE: case VG_PC_SETNS: case VG_PC_CLONE: case VG_PC_CLONE3:
		return VG_EV_NAMESPACE;
	case VG_PC_IO_URING_SETUP:
		return VG_EV_IOURING_SETUP;
	case VG_PC_SETXATTR: case VG_PC_LSETXATTR: case VG_PC_FSETXATTR: case VG_PC_SETXATTRAT:
		return VG_EV_XATTR;
	default:
		return 0;
	}
}

/* The call's arguments, read from its registers (0 past its count). */
#define ARG(i) (args[(i)])

/*
 * The call's own cheap filter: most calls of these syscalls are not
 * wanted. clone3's flags are read from its arguments into *@a0.
 */
static __always_inline bool call_wanted(enum vg_priv_call call, __u64 *a0)
{
	__u64 flags = 0;

	switch (call) {
	case VG_PC_PTRACE:
		return ptrace_wanted((__s64)*a0);
	case VG_PC_BPF:
		return bpf_cmd_wanted(*a0);
	case VG_PC_PRCTL:
		return *a0 == PR_SET_NAME_NR || *a0 == PR_SET_DUMPABLE_NR ||
		       *a0 == PR_SET_SECCOMP_NR;
	case VG_PC_UNSHARE:
	case VG_PC_CLONE:
		return *a0 & CLONE_NEW_MASK;
	case VG_PC_CLONE3:
		bpf_probe_read_user(&flags, sizeof(flags), (void *)*a0);
		*a0 = flags;
		return flags & CLONE_NEW_MASK;
	case VG_PC_KILL:
	case VG_PC_TGKILL:
		/* Signals to oneself are not interesting. */
		return (__u32)*a0 != (bpf_get_current_pid_tgid() >> 32);
	default:
		return true;
	}
}

/*
 * Signals: the target decides (signals aimed at vigil are always wanted).
 * Resolves the target of a signal call into @tg and @tflags; false when
 * the signal is not reported. True for every other call.
 */
static __always_inline bool signal_target_wanted(enum vg_priv_call call, __u64 a0, __u64 a1,
						 __u64 a2, struct vg_priv_target *tg,
						 __u32 *tflags)
{
	__u32 self = bpf_get_current_pid_tgid() >> 32;

	switch (call) {
	case VG_PC_KILL:
	case VG_PC_TKILL:
		target_resolve((__s32)a0, tg, tflags);
		if (call == VG_PC_TKILL && tg->tgid == self)
			return false;
		return signal_wanted((__u32)a1, *tflags);
	case VG_PC_TGKILL:
		target_resolve((__s32)a1, tg, tflags);
		return signal_wanted((__u32)a2, *tflags);
	case VG_PC_PIDFD_SEND_SIGNAL:
		target_resolve(pidfd_to_pid((int)a0), tg, tflags);
		if (tg->tgid == self)
			return false;
		return signal_wanted((__u32)a1, *tflags);
	default:
		return true;
	}
}

/* What the exit program needs besides the arguments (already in @p->args). */
static __always_inline void pend_fill(struct vg_pend *p, enum vg_priv_call call,
				      struct task_struct *task, const struct vg_priv_target *tg)
{
	__u64 a0 = p->args[0], a1 = p->args[1], a2 = p->args[2];

	switch (call) {
	case VG_PC_SETUID: case VG_PC_SETGID: case VG_PC_SETREUID: case VG_PC_SETREGID:
	case VG_PC_SETRESUID: case VG_PC_SETRESGID: case VG_PC_SETFSUID: case VG_PC_SETFSGID:
	case VG_PC_SETGROUPS: case VG_PC_CAPSET: case VG_PC_EXECVE: case VG_PC_EXECVEAT:
		read_creds(task, &p->creds);
		break;
	case VG_PC_PTRACE: {
		__s32 pid = (__s32)a1;

		if (a0 == PTRACE_TRACEME_NR)
			pid = BPF_CORE_READ(task, real_parent, pid);
		target_resolve(pid, &p->target, &p->flags);
		break;
	}
	case VG_PC_PROCESS_VM_READV:
	case VG_PC_PROCESS_VM_WRITEV:
		target_resolve((__s32)a0, &p->target, &p->flags);
		break;
	case VG_PC_KILL: case VG_PC_TKILL: case VG_PC_TGKILL: case VG_PC_PIDFD_SEND_SIGNAL:
		p->target = *tg;
		break;
	case VG_PC_UNSHARE: case VG_PC_SETNS: case VG_PC_CLONE: case VG_PC_CLONE3:
		read_ns(task, &p->ns);
		break;
	case VG_PC_BPF:
		read_bpf_attr(p, (union bpf_attr *)a1, a0);
		break;
	case VG_PC_PRCTL:
		/* The name before: kept in the (unused) target slot. */
		BPF_CORE_READ_STR_INTO(&p->target.comm, task, comm);
		if (a0 == PR_SET_NAME_NR &&
		    bpf_probe_read_user_str(p->name, sizeof(p->name), (void *)a1) < 0) {
			vg_count(VG_CNT_READ_FAIL);
			p->flags |= VG_PRIV_READ_FAULT;
		}
		break;
	case VG_PC_SECCOMP:
		/* SECCOMP_SET_MODE_FILTER: args is a struct sock_fprog. */
		if (a0 == 1 && a2) {
			__u16 len = 0;

			bpf_probe_read_user(&len, sizeof(len), (void *)a2);
			p->x[0] = len;
		}
		break;
	case VG_PC_IO_URING_SETUP: {
		struct io_uring_params *up = (void *)a1;

		bpf_probe_read_user(&p->x[0], 4, &up->flags);
		bpf_probe_read_user(&p->x[1], 4, &up->sq_thread_cpu);
		bpf_probe_read_user(&p->x[2], 4, &up->sq_thread_idle);
		break;
	}
	case VG_PC_SETXATTR: case VG_PC_LSETXATTR: case VG_PC_FSETXATTR: case VG_PC_SETXATTRAT:
		xattr_pend_fill(p);
		break;
	default:
		break;
	}
}

static __always_inline int on_enter(const __u64 *args, enum vg_priv_call call)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct vg_priv_target tg = {};
	__u32 tflags = 0;
	struct vg_pend *p;
	__u64 key, a0 = ARG(0), a1 = ARG(1), a2 = ARG(2);
	__u16 type;

	if (!call_wanted(call, &a0))
		return 0;
	if (is_xattr_call(call) && !xattr_name_wanted(call == VG_PC_SETXATTRAT ? ARG(3) : a1))
		return 0;
	if (vg_task_filtered_out(task)) {
		vg_count(VG_CNT_FILTERED);
		return 0;
	}
	if (!signal_target_wanted(call, a0, a1, a2, &tg, &tflags))
		return 0;
	/*
	 * A record is certain from here (the signal checks above drop
	 * uncounted): judge it before any state is kept or user memory read.
	 */
	type = entry_record_type(call);
	if (type && vg_drop_if_unwanted(type))
		return 0;
	key = pend_key(call);
	if (bpf_map_update_elem(&vg_pending, &key, &vg_pend_zero, BPF_ANY))
		return 0;
	p = bpf_map_lookup_elem(&vg_pending, &key);
	if (!p)
		return 0;
	p->call = call;
	p->flags = tflags;
	p->args[0] = a0;
	p->args[1] = a1;
	p->args[2] = a2;
	p->args[3] = ARG(3);
	p->args[4] = ARG(4);
	p->args[5] = ARG(5);
	pend_fill(p, call, task, &tg);
	return 0;
}

#endif /* SENSOR_PRIV_ENTER_BPF_H */
