// SPDX-License-Identifier: GPL-2.0
/*
 * Privilege / kernel / evasion sensor: credential changes, privilege-gaining
 * execs, ptrace and process_vm_*, kernel modules, bpf(), prctl/seccomp,
 * signals, namespaces and io_uring.
 *
 * Syscalls are watched with their own syscalls:sys_enter_X / sys_exit_X
 * tracepoints (not raw_syscalls, so unrelated syscalls cost nothing). The
 * enter program applies the call's own cheap filter, the task filter and
 * (for calls that keep the caller's identity) the type switch and policy
 * pre-filter, then keeps what it needs (arguments, old credentials or namespaces, user
 * memory such as bpf_attr) in a per-task LRU map; the exit program reports
 * with the result. Syscall tracepoints this kernel lacks (init_module & co.
 * without CONFIG_MODULES) are left unloaded by the loader (sensor_priv.c).
 *
 * io_uring submissions come from the io_uring tracepoints; the variants
 * choose between io_uring_submit_req (5.19+) and io_uring_submit_sqe.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "vigil_common.bpf.h"
#include "vigil_path.bpf.h"
#include "vigil_task.bpf.h"
#include "vigil_filter.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* The agent's own tgid: any signal aimed at it is reported. */
const volatile __u32 vigil_tgid = 0;

/*
 * Targets (signal, ptrace, process_vm, clone's child) are looked up with the
 * bpf_task_from_pid kfunc (Linux 6.2+). libbpf 1.1 cannot leave a missing
 * kfunc unresolved, so kernels without it get sensor_priv_nokfunc.bpf.c,
 * this file built with VG_PRIV_NO_TASK_KFUNC: targets are then reported by
 * the pid passed to the syscall only. The loader probes which one to open.
 */
#ifdef VG_PRIV_NO_TASK_KFUNC
static __always_inline struct task_struct *vg_task_from_pid(s32 pid)
{
	return NULL;
}

static __always_inline void vg_task_release(struct task_struct *p)
{
}
#else
extern struct task_struct *bpf_task_from_pid(s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
#define vg_task_from_pid bpf_task_from_pid
#define vg_task_release bpf_task_release
#endif

#define SIGKILL_NR 9
#define SIGTERM_NR 15
#define SIGSTOP_NR 19

#define PR_SET_DUMPABLE_NR 4
#define PR_SET_NAME_NR 15
#define PR_SET_SECCOMP_NR 22

#define PTRACE_TRACEME_NR 0
#define CLONE_NEW_MASK (0x00020000ULL | 0x02000000ULL | 0x04000000ULL | 0x08000000ULL | \
			0x10000000ULL | 0x20000000ULL | 0x40000000ULL | 0x00000080ULL)

#define IORING_OP_OPENAT_NR 18
#define IORING_OP_OPENAT2_NR 28

/* What the enter program keeps for the exit program. */
struct vg_pend {
	__u32 call;
	__u32 flags;
	__u64 args[6];
	struct vg_cred_set creds;
	struct vg_ns_set ns;
	struct vg_priv_target target;
	char name[VG_COMM_LEN];
	__u32 x[14];		/* call-specific values read from user memory */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct vg_pend);
} vg_pending SEC(".maps");

/*
 * A new entry starts as this zero value and is filled in place in the map:
 * no per-CPU scratch, which a task preempted inside a (faultable) syscall
 * tracepoint program could share with another task on the same CPU.
 */
static const struct vg_pend vg_pend_zero;

/* ---- readers ---- */

static __always_inline void read_creds(struct task_struct *task, struct vg_cred_set *c)
{
	const struct cred *cred = BPF_CORE_READ(task, real_cred);

	c->uid = BPF_CORE_READ(cred, uid.val);
	c->euid = BPF_CORE_READ(cred, euid.val);
	c->suid = BPF_CORE_READ(cred, suid.val);
	c->fsuid = BPF_CORE_READ(cred, fsuid.val);
	c->gid = BPF_CORE_READ(cred, gid.val);
	c->egid = BPF_CORE_READ(cred, egid.val);
	c->sgid = BPF_CORE_READ(cred, sgid.val);
	c->fsgid = BPF_CORE_READ(cred, fsgid.val);
	bpf_core_read(&c->cap_effective, sizeof(c->cap_effective), &cred->cap_effective);
	bpf_core_read(&c->cap_permitted, sizeof(c->cap_permitted), &cred->cap_permitted);
	bpf_core_read(&c->cap_inheritable, sizeof(c->cap_inheritable), &cred->cap_inheritable);
	c->ngroups = BPF_CORE_READ(cred, group_info, ngroups);
	c->pad = 0;
}

static __always_inline bool creds_differ(const struct vg_cred_set *a,
					 const struct vg_cred_set *b)
{
	return a->uid != b->uid || a->euid != b->euid || a->suid != b->suid ||
	       a->fsuid != b->fsuid || a->gid != b->gid || a->egid != b->egid ||
	       a->sgid != b->sgid || a->fsgid != b->fsgid ||
	       a->cap_effective != b->cap_effective || a->cap_permitted != b->cap_permitted ||
	       a->cap_inheritable != b->cap_inheritable || a->ngroups != b->ngroups;
}

static __always_inline void read_ns(struct task_struct *task, struct vg_ns_set *ns)
{
	struct nsproxy *nsp = BPF_CORE_READ(task, nsproxy);

	ns->mnt = BPF_CORE_READ(nsp, mnt_ns, ns.inum);
	ns->pid = BPF_CORE_READ(nsp, pid_ns_for_children, ns.inum);
	ns->net = BPF_CORE_READ(nsp, net_ns, ns.inum);
	ns->user = BPF_CORE_READ(task, real_cred, user_ns, ns.inum);
	ns->uts = BPF_CORE_READ(nsp, uts_ns, ns.inum);
	ns->ipc = BPF_CORE_READ(nsp, ipc_ns, ns.inum);
	ns->cgroup = BPF_CORE_READ(nsp, cgroup_ns, ns.inum);
	ns->pad = 0;
}

/* The struct file behind @fd in @task's table, or NULL. */
static __always_inline struct file *fd_file(struct task_struct *task, int fd)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds;
	struct file *f = NULL;

	if (fd < 0 || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) < 0)
		return NULL;
	return f;
}

/* pidfd → pid number: pidfs keeps the struct pid in i_private, older kernels in private_data. */
static __always_inline __s32 pidfd_to_pid(int pidfd)
{
	struct file *f = fd_file(bpf_get_current_task_btf(), pidfd);
	struct pid *pid;

	if (!f)
		return 0;
	pid = BPF_CORE_READ(f, f_inode, i_private);
	if (!pid)
		pid = BPF_CORE_READ(f, private_data);
	return vg_pid_nr(pid);
}

/* Identity of the task with (init namespace) id @pid, when it exists. */
static __always_inline void target_resolve(__s32 pid, struct vg_priv_target *t, __u32 *flags)
{
	struct task_struct *task;

	t->pid = pid;
	t->tgid = 0;
	t->start_time_ns = 0;
	__builtin_memset(t->comm, 0, sizeof(t->comm));
	if (pid <= 0)
		return;
	task = vg_task_from_pid(pid);
	if (!task)
		return;
	t->tgid = BPF_CORE_READ(task, tgid);
	t->start_time_ns = vg_task_start_time(task);
	BPF_CORE_READ_STR_INTO(&t->comm, task, comm);
	vg_task_release(task);
	*flags |= VG_PRIV_TARGET_KNOWN;
	if (vigil_tgid && t->tgid == vigil_tgid)
		*flags |= VG_PRIV_TARGET_VIGIL;
}

/*
 * Appends the target's executable path when the target (same tgid and
 * start) still exists; user space falls back to its process cache.
 */
static __always_inline void put_target_exe(struct vg_tail *t, struct vg_str *s,
					   const struct vg_priv_target *tg, int slot)
{
	struct task_struct *task;
	struct file *exe = NULL;

	s->off = t->off;
	s->len = 0;
	if (!tg->tgid)
		return;
	task = vg_task_from_pid(tg->tgid);
	if (!task)
		return;
	if (vg_task_start_time(task) == tg->start_time_ns)
		exe = BPF_CORE_READ(task, mm, exe_file);
	vg_task_release(task);
	if (exe)
		vg_tail_put_path(t, s, &exe->f_path, slot);
}

static __always_inline __u64 pend_key(enum vg_priv_call call)
{
	__u64 id = bpf_get_current_pid_tgid();

	/* After a thread's exec it carries the group leader's id. */
	if (call == VG_PC_EXECVE || call == VG_PC_EXECVEAT)
		return (id & 0xffffffff00000000ULL) | (id >> 32);
	return id;
}

/* ---- syscall entry ---- */

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
	default:
		return 0;
	}
}

/*
 * The kernel refuses to attach a program that reads past the tracepoint's
 * own record (max_ctx_offset): read only the arguments this syscall has.
 */
#define ARG(i) ((i) < nargs ? ctx->args[(i) < 6 ? (i) : 0] : 0)

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
	default:
		break;
	}
}

static __always_inline int on_enter(struct trace_event_raw_sys_enter *ctx,
				    enum vg_priv_call call, const int nargs)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct vg_priv_target tg = {};
	__u32 tflags = 0;
	struct vg_pend *p;
	__u64 key, a0 = ARG(0), a1 = ARG(1), a2 = ARG(2);
	__u16 type;

	if (!call_wanted(call, &a0))
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

/* ---- syscall exit ---- */

/*
 * Claims a scratch slot (*@slot) and starts a variable-size record in it;
 * NULL when no slot is free. Syscall exits are faultable, so another task
 * may run these programs on this CPU before the record is sent: the slot
 * keeps it apart. Every record started ends with finish_record().
 */
static __always_inline void *start_record(struct vg_tail *t, __u16 type, __u32 fixed,
					  struct task_struct *task, int *slot)
{
	void *rec;

	*slot = vg_scratch_claim();
	rec = vg_tail_begin(t, *slot, fixed);
	if (!rec) {
		vg_scratch_release(*slot);
		return NULL;
	}
	__builtin_memset(rec, 0, 256);
	vg_fill_hdr(rec, type, task);
	return rec;
}

/* Sends the record and gives its scratch slot back. */
static __always_inline int finish_record(void *ctx, struct vg_tail *t, int slot)
{
	int rc = vg_submit(ctx, t);

	vg_scratch_release(slot);
	return rc;
}

/* Fixed-size records are built in the ring buffer itself (no shared scratch). */
static __always_inline void *start_fixed(__u16 type, __u32 size, struct task_struct *task)
{
	struct vg_hdr *h = vg_reserve(size);

	if (!h)
		return NULL;
	__builtin_memset(h, 0, size);
	vg_fill_hdr(h, type, task);
	h->size = size;
	return h;
}

static __always_inline void fill_sys(struct vg_priv_sys *s, const struct vg_pend *p, long ret)
{
	s->call = p->call;
	s->flags = p->flags;
	s->ret = ret;
}

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
	vg_commit(e);
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
		f = fd_file(task, e->fd);
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
	__builtin_memcpy(e->name, p->name, sizeof(e->name));
	vg_commit(e);
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
	vg_commit(e);
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
	vg_commit(e);
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
	vg_commit(e);
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
	vg_commit(e);
	return 0;
}

static __always_inline int on_exit(struct trace_event_raw_sys_exit *ctx,
				   enum vg_priv_call call)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 key = pend_key(call);
	struct vg_pend *p = bpf_map_lookup_elem(&vg_pending, &key);
	long ret = ctx->ret;

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
	default:
		break;
	}
out:
	bpf_map_delete_elem(&vg_pending, &key);
	return 0;
}

#define VG_SYSCALL(sys, call, nargs)							\
SEC("tp/syscalls/sys_enter_" #sys)							\
int enter_##sys(struct trace_event_raw_sys_enter *ctx)					\
{											\
	return on_enter(ctx, call, nargs);						\
}											\
SEC("tp/syscalls/sys_exit_" #sys)							\
int exit_##sys(struct trace_event_raw_sys_exit *ctx)					\
{											\
	return on_exit(ctx, call);							\
}

VG_SYSCALL(setuid, VG_PC_SETUID, 1)
VG_SYSCALL(setgid, VG_PC_SETGID, 1)
VG_SYSCALL(setreuid, VG_PC_SETREUID, 2)
VG_SYSCALL(setregid, VG_PC_SETREGID, 2)
VG_SYSCALL(setresuid, VG_PC_SETRESUID, 3)
VG_SYSCALL(setresgid, VG_PC_SETRESGID, 3)
VG_SYSCALL(setfsuid, VG_PC_SETFSUID, 1)
VG_SYSCALL(setfsgid, VG_PC_SETFSGID, 1)
VG_SYSCALL(setgroups, VG_PC_SETGROUPS, 2)
VG_SYSCALL(capset, VG_PC_CAPSET, 2)
VG_SYSCALL(execve, VG_PC_EXECVE, 3)
VG_SYSCALL(execveat, VG_PC_EXECVEAT, 5)
VG_SYSCALL(ptrace, VG_PC_PTRACE, 4)
VG_SYSCALL(process_vm_readv, VG_PC_PROCESS_VM_READV, 6)
VG_SYSCALL(process_vm_writev, VG_PC_PROCESS_VM_WRITEV, 6)
VG_SYSCALL(init_module, VG_PC_INIT_MODULE, 3)
VG_SYSCALL(finit_module, VG_PC_FINIT_MODULE, 3)
VG_SYSCALL(delete_module, VG_PC_DELETE_MODULE, 2)
VG_SYSCALL(bpf, VG_PC_BPF, 3)
VG_SYSCALL(prctl, VG_PC_PRCTL, 5)
VG_SYSCALL(seccomp, VG_PC_SECCOMP, 3)
VG_SYSCALL(kill, VG_PC_KILL, 2)
VG_SYSCALL(tkill, VG_PC_TKILL, 2)
VG_SYSCALL(tgkill, VG_PC_TGKILL, 3)
VG_SYSCALL(pidfd_send_signal, VG_PC_PIDFD_SEND_SIGNAL, 4)
VG_SYSCALL(unshare, VG_PC_UNSHARE, 1)
VG_SYSCALL(setns, VG_PC_SETNS, 2)
VG_SYSCALL(clone, VG_PC_CLONE, 5)
VG_SYSCALL(clone3, VG_PC_CLONE3, 2)
VG_SYSCALL(io_uring_setup, VG_PC_IO_URING_SETUP, 2)

/* ---- io_uring submissions ---- */

static __always_inline int handle_iouring(void *ctx, __u8 opcode, __s32 fd, __u64 user_data,
					  __u64 req_flags, struct io_kiocb *req)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct vg_iouring *e;
	struct vg_tail t;
	int slot;
	int cut;

	if (vg_filtered_at_entry(task, VG_EV_IOURING))
		return 0;
	e = start_record(&t, VG_EV_IOURING, sizeof(*e), task, &slot);
	if (!e)
		return 0;
	e->opcode = opcode;
	e->fd = fd;
	e->user_data = user_data;
	e->req_flags = req_flags;
	e->path.off = 0;
	if (req && (opcode == IORING_OP_OPENAT_NR || opcode == IORING_OP_OPENAT2_NR) &&
	    bpf_core_type_exists(struct io_open)) {
		/* Prepared before the tracepoint: the name is already in the kernel. */
		struct io_open *o = (void *)&req->cmd;
		const char *name = BPF_CORE_READ(o, filename, name);

		/* Ops without a file of their own keep their dirfd here, not in cqe.fd. */
		e->fd = BPF_CORE_READ(o, dfd);
		cut = vg_tail_put_str(&t, &e->path, name, VG_MAX_PATH_BYTES, false);
		if (cut > 0)
			e->flags |= VG_PRIV_STR_TRUNC;
	}
	return finish_record(ctx, &t, slot);
}

static __always_inline int handle_submit_req(void *ctx, struct io_kiocb *req)
{
	return handle_iouring(ctx, BPF_CORE_READ(req, opcode), BPF_CORE_READ(req, cqe.fd),
			      BPF_CORE_READ(req, cqe.user_data), BPF_CORE_READ(req, flags), req);
}

/* variant tp_btf: io_uring_submit_req(struct io_kiocb *req), 5.19+ */
SEC("tp_btf/io_uring_submit_req")
int BPF_PROG(tp_btf_iouring_submit_req, struct io_kiocb *req)
{
	return handle_submit_req(ctx, req);
}

/*
 * variant tp_btf_sqe: io_uring_submit_sqe(ctx, req, user_data, opcode,
 * flags, force_nonblock, sq_thread), 5.5 .. 5.18 (renamed by commit
 * 502c87d65564 "io-uring: Make tracepoints consistent").
 */
SEC("tp_btf/io_uring_submit_sqe")
int BPF_PROG(tp_btf_iouring_submit_sqe, void *ring, struct io_kiocb *req,
	     unsigned long long user_data, u8 opcode, u32 flags)
{
	return handle_iouring(ctx, opcode, -1, user_data, flags, NULL);
}

/* variant raw_tracepoint: same hook without BTF-typed arguments. */
SEC("raw_tracepoint/io_uring_submit_req")
int raw_tp_iouring_submit_req(struct bpf_raw_tracepoint_args *ctx)
{
	return handle_submit_req(ctx, (struct io_kiocb *)ctx->args[0]);
}
