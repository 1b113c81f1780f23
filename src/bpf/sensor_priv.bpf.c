// SPDX-License-Identifier: GPL-2.0
/*
 * Privilege / kernel / evasion sensor: credential changes, privilege-gaining
 * execs, ptrace and process_vm_*, kernel modules, bpf(), prctl/seccomp,
 * signals, namespaces and io_uring.
 *
 * Syscalls are watched by one sys_enter and one sys_exit program that
 * look the syscall number up in a table (vigil_syscall.bpf.h says why not
 * one tracepoint per call); an unwatched syscall leaves after one load.
 * The enter side applies the call's own cheap filter, the task filter and
 * (for calls that keep the caller's identity) the type switch and policy
 * pre-filter, then keeps what it needs (arguments, old credentials or namespaces, user
 * memory such as bpf_attr) in a per-task LRU map; the exit side reports
 * with the result. Calls this kernel lacks (init_module & co. without
 * CONFIG_MODULES) are switched off by the loader (sensor_priv.c).
 *
 * io_uring submissions come from the io_uring tracepoints; the variants
 * choose between io_uring_submit_req (5.19+) and io_uring_submit_sqe.
 *
 * Layout: this file holds the configuration, the map and the programs;
 * what the programs do lives in sensor-local headers, one per job, included
 * after the map (sensor_priv_read, _record, _xattr, _enter, _exit and
 * _iouring.bpf.h). They all build into this one CO-RE object.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "vigil_common.bpf.h"
#include "vigil_path.bpf.h"
#include "vigil_task.bpf.h"
#include "vigil_filter.bpf.h"
#include "vigil_syscall.bpf.h"

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

/*
 * The sensor's jobs, one sensor-local header each, in dependency order.
 * They use the map and constants above; the programs below use them.
 */
#include "sensor_priv_read.bpf.h"
#include "sensor_priv_record.bpf.h"
#include "sensor_priv_xattr.bpf.h"
#include "sensor_priv_enter.bpf.h"
#include "sensor_priv_exit.bpf.h"
#include "sensor_priv_iouring.bpf.h"

/* ---- syscalls: one sys_enter and one sys_exit program, dispatching by number ---- */

/*
 * x86-64 syscall number, the call it is, and its argument count (a
 * record's arguments past the count stay 0, as the per-syscall
 * tracepoints gave them). Numbers are the target's, as in the file
 * sensor's table.
 */
#define PRIV_SYSCALLS(X)								\
	X(105, VG_PC_SETUID, 1) X(106, VG_PC_SETGID, 1) X(113, VG_PC_SETREUID, 2)		\
	X(114, VG_PC_SETREGID, 2) X(117, VG_PC_SETRESUID, 3) X(119, VG_PC_SETRESGID, 3)	\
	X(122, VG_PC_SETFSUID, 1) X(123, VG_PC_SETFSGID, 1) X(116, VG_PC_SETGROUPS, 2)	\
	X(126, VG_PC_CAPSET, 2) X(59, VG_PC_EXECVE, 3) X(322, VG_PC_EXECVEAT, 5)		\
	X(101, VG_PC_PTRACE, 4) X(310, VG_PC_PROCESS_VM_READV, 6)				\
	X(311, VG_PC_PROCESS_VM_WRITEV, 6) X(175, VG_PC_INIT_MODULE, 3)			\
	X(313, VG_PC_FINIT_MODULE, 3) X(176, VG_PC_DELETE_MODULE, 2) X(321, VG_PC_BPF, 3)	\
	X(157, VG_PC_PRCTL, 5) X(317, VG_PC_SECCOMP, 3) X(62, VG_PC_KILL, 2)			\
	X(200, VG_PC_TKILL, 2) X(234, VG_PC_TGKILL, 3) X(424, VG_PC_PIDFD_SEND_SIGNAL, 4)	\
	X(272, VG_PC_UNSHARE, 1) X(308, VG_PC_SETNS, 2) X(56, VG_PC_CLONE, 5)		\
	X(435, VG_PC_CLONE3, 2) X(425, VG_PC_IO_URING_SETUP, 2) X(188, VG_PC_SETXATTR, 5)	\
	X(189, VG_PC_LSETXATTR, 5) X(190, VG_PC_FSETXATTR, 5) X(463, VG_PC_SETXATTRAT, 6)

#define PRIV_NR_TABLE 512
#define PRIV_NR_CALL(nr, call, nargs) [nr] = call,
#define PRIV_CALL_NARGS(nr, call, nargs) [call] = nargs,
static const __u8 priv_nr_call[PRIV_NR_TABLE] = { PRIV_SYSCALLS(PRIV_NR_CALL) };
static const __u8 priv_call_nargs[VG_PC_MAX] = { PRIV_SYSCALLS(PRIV_CALL_NARGS) };

/*
 * Bit (1 << call): calls this kernel does not implement (the module calls
 * without CONFIG_MODULES), left unwatched. Set by the loader (sensor_priv.c).
 */
const volatile __u64 priv_calls_off = 0;

/* The watched call syscall @nr is, 0 for any other: one load and a compare. */
static __always_inline __u32 priv_call_of(long nr)
{
	__u32 call;

	if ((unsigned long)nr >= PRIV_NR_TABLE)
		return 0;
	call = priv_nr_call[nr];
	if (!call || call >= VG_PC_MAX || ((priv_calls_off >> call) & 1))
		return 0;
	return call;
}

static __always_inline int priv_sys_enter(struct pt_regs *regs, long nr, bool btf)
{
	__u32 call = priv_call_of(nr);
	__u64 a[6];

	if (!call || vg_compat_syscall(btf))
		return 0;
	if (vg_syscall_args(regs, a, priv_call_nargs[call], btf)) {
		vg_count(VG_CNT_READ_FAIL);
		return 0;
	}
	return on_enter(a, call);
}

/*
 * No 32-bit check here: only a call its entry kept is reported (on_exit
 * finds it in vg_pending), and a 64-bit execve of a 32-bit program returns
 * with TS_COMPAT already set.
 */
static __always_inline int priv_sys_exit(void *ctx, long nr, long ret)
{
	__u32 call = priv_call_of(nr);

	return call ? on_exit(ctx, call, ret) : 0;
}

/* variants tp_btf, tp_btf_sqe, syscalls_only: typed registers */
SEC("tp_btf/sys_enter")
int BPF_PROG(priv_btf_enter, struct pt_regs *regs, long id)
{
	priv_sys_enter(regs, id, true);
	vg_hub_next(ctx, id, VG_HUB_PRIV, false);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(priv_btf_exit, struct pt_regs *regs, long ret)
{
	priv_sys_exit(ctx, regs->orig_ax, ret);
	vg_hub_next(ctx, regs->orig_ax, VG_HUB_PRIV, true);
	return 0;
}

/* variants raw_tracepoint, syscalls_only_raw (without the task kfunc: see sensor_priv.c) */
SEC("raw_tracepoint/sys_enter")
int priv_raw_enter(struct bpf_raw_tracepoint_args *ctx)
{
	return priv_sys_enter((struct pt_regs *)ctx->args[0], ctx->args[1], false);
}

SEC("raw_tracepoint/sys_exit")
int priv_raw_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];

	return priv_sys_exit(ctx, BPF_CORE_READ(regs, orig_ax), ctx->args[1]);
}

/* ---- capability use (capability:cap_capable, Linux 6.14+) ---- */

/* Capabilities whose use is reported: SYS_MODULE, SYS_RAWIO, SYS_PTRACE, SYS_ADMIN, BPF. */
#define CAP_USE_WATCHED ((1ULL << 16) | (1ULL << 17) | (1ULL << 19) | (1ULL << 21) | (1ULL << 39))
#define PF_KTHREAD_NR 0x00200000

/*
 * (tgid << 32 | cap) -> the process image that used it (start time, mixed
 * with the exec count): once per program a process runs.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, __u64);
} cap_used SEC(".maps");

/*
 * A granted check of a watched capability against the initial user
 * namespace, by a user task whose effective uid is not root, the first
 * time for its process: anything else leaves after a bit test, two reads
 * or one map lookup (capable() is a hot path). Root is left out because
 * every root process "uses" CAP_SYS_ADMIN (memory accounting asks
 * cap_capable with CAP_OPT_NOAUDIT, which the tracepoint does not show).
 */
static __always_inline int handle_cap_capable(void *ctx, const struct cred *cred,
					      struct user_namespace *target_ns, int cap, int ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 key, start, *seen;
	struct vg_cap_use *e;

	if (ret != 0 || cap < 0 || cap > 63 || !((1ULL << cap) & CAP_USE_WATCHED))
		return 0;
	if (BPF_CORE_READ(cred, euid.val) == 0 || BPF_CORE_READ(target_ns, level) != 0 ||
	    (BPF_CORE_READ(task, flags) & PF_KTHREAD_NR))
		return 0;
	/* Checks made while exec builds the new image belong to no program yet. */
	if (BPF_CORE_READ_BITFIELD_PROBED(task, in_execve))
		return 0;
	key = (bpf_get_current_pid_tgid() & 0xffffffff00000000ULL) | (__u64)cap;
	start = vg_task_start_time(task) ^ ((__u64)BPF_CORE_READ(task, self_exec_id) << 48);
	seen = bpf_map_lookup_elem(&cap_used, &key);
	if (seen && *seen == start)
		return 0;
	bpf_map_update_elem(&cap_used, &key, &start, BPF_ANY);
	if (vg_task_filtered_out(task) || vg_drop_if_unwanted(VG_EV_CAP_USE))
		return 0;
	e = start_fixed(VG_EV_CAP_USE, sizeof(*e), task);
	if (!e)
		return 0;
	e->cap = cap;
	e->ret = ret;
	vg_commit(e);
	return 0;
}

/* cap_capable(cred, target_ns, capable_ns, cap, ret); left unloaded where it is missing. */
SEC("raw_tracepoint/cap_capable")
int raw_tp_cap_capable(struct bpf_raw_tracepoint_args *ctx)
{
	return handle_cap_capable(ctx, (const struct cred *)ctx->args[0],
				  (struct user_namespace *)ctx->args[1], (int)ctx->args[3],
				  (int)ctx->args[4]);
}

/* ---- io_uring submissions ---- */

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
