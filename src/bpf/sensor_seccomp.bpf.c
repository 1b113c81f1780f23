// SPDX-License-Identifier: GPL-2.0
/*
 * The seccomp monitor under `vigil run`: every syscall a seccomp filter
 * stopped, as a VG_EV_SECCOMP_DENY record with the syscall and the process.
 *
 * - Kill and trap: the kernel raises SIGSYS with si_code SYS_SECCOMP and the
 *   syscall in siginfo (signal_generate tracepoint).
 * - Errno: the filter runs before the sys_enter tracepoint, so a refused
 *   call exits without having entered. For tasks under a filter only,
 *   sys_enter marks the call in task storage and sys_exit reports a failed
 *   call that was never marked. Every other task leaves both hooks after
 *   one field read.
 * The same (process, syscall, action) is sent at most once a second.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "vigil_common.bpf.h"
#include "vigil_filter.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define SIGSYS_NR		31
#define SYS_SECCOMP_CODE	1
#define SECCOMP_MODE_FILTER_NR	2
#define SECCOMP_MODE_DEAD_NR	3	/* set just before a kill's SIGSYS */
#define MAX_ERRNO_NR		4095

/* The syscall a task under a filter last entered, plus one (0: none). */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} entered SEC(".maps");

struct deny_key {
	__u32 tgid;
	__u32 nr;
	__u32 action;
	__u32 pad;
};

struct deny_seen {
	__u64 last_ns;
	__u64 folded;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VG_SC_DENY_KEYS);
	__type(key, struct deny_key);
	__type(value, struct deny_seen);
} deny_rate SEC(".maps");

/* True when this denial is sent now; *@repeats: how many it folds in. */
static __always_inline bool deny_due(__u32 tgid, __u32 nr, __u32 action, __u32 *repeats)
{
	struct deny_key k = { .tgid = tgid, .nr = nr, .action = action };
	struct deny_seen fresh = { 0 }, *s;
	__u64 now = bpf_ktime_get_boot_ns(), folded;

	*repeats = 0;
	s = bpf_map_lookup_elem(&deny_rate, &k);
	if (!s) {
		fresh.last_ns = now;
		bpf_map_update_elem(&deny_rate, &k, &fresh, BPF_ANY);
		return true;
	}
	if (now - s->last_ns < VG_SC_DENY_EVERY_NS) {
		__sync_fetch_and_add(&s->folded, 1);
		vg_count(VG_CNT_FILTERED);
		return false;
	}
	/* Subtract what was read: a fold racing with this one is kept for the next record. */
	folded = s->folded;
	__sync_fetch_and_add(&s->folded, -folded);
	*repeats = folded > 0xffffffffULL ? 0xffffffffU : (__u32)folded;
	s->last_ns = now;
	return true;
}

static __always_inline void emit(struct task_struct *task, __u32 nr, __u32 arch, __u32 action,
				 __s32 err)
{
	struct vg_seccomp_deny *e;
	__u32 repeats;

	if (vg_filtered_at_entry(task, VG_EV_SECCOMP_DENY))
		return;
	if (!deny_due(BPF_CORE_READ(task, tgid), nr, action, &repeats))
		return;
	e = vg_reserve(sizeof(*e));
	if (!e)
		return;
	__builtin_memset(e, 0, sizeof(*e));
	vg_fill_hdr(&e->hdr, VG_EV_SECCOMP_DENY, task);
	e->hdr.size = sizeof(*e);
	e->syscall_nr = nr;
	e->arch = arch;
	e->action = action;
	e->errno_ret = err;
	e->repeats = repeats;
	vg_commit(e);
}

static __always_inline int on_signal(int sig, struct kernel_siginfo *info, struct task_struct *t)
{
	__u32 action, mode;

	if (sig != SIGSYS_NR || BPF_CORE_READ(info, si_code) != SYS_SECCOMP_CODE)
		return 0;
	/* A task under no filter can only have queued this to itself: not a denial. */
	mode = BPF_CORE_READ(t, seccomp.mode);
	if (mode != SECCOMP_MODE_FILTER_NR && mode != SECCOMP_MODE_DEAD_NR)
		return 0;
	action = mode == SECCOMP_MODE_DEAD_NR ? VG_SC_DENY_KILL : VG_SC_DENY_TRAP;
	emit(t, BPF_CORE_READ(info, _sifields._sigsys._syscall),
	     BPF_CORE_READ(info, _sifields._sigsys._arch), action,
	     action == VG_SC_DENY_TRAP ? BPF_CORE_READ(info, si_errno) : 0);
	return 0;
}

/* ---- errno denials: the call that exits without having entered ---- */

static __always_inline __u32 current_audit_arch(struct task_struct *t)
{
#if defined(__TARGET_ARCH_x86)
	return (BPF_CORE_READ(t, thread_info.status) & 0x0002) ? 0x40000003 /* I386 */
							       : 0xC000003E /* X86_64 */;
#elif defined(__TARGET_ARCH_arm64)
	return (BPF_CORE_READ(t, thread_info.flags) & (1UL << 22)) ? 0x40000028 /* ARM */
								   : 0xC00000B7 /* AARCH64 */;
#else
	return 0;
#endif
}

static __always_inline long syscall_nr_of(struct pt_regs *regs)
{
#if defined(__TARGET_ARCH_x86)
	return BPF_CORE_READ(regs, orig_ax);
#elif defined(__TARGET_ARCH_arm64)
	return BPF_CORE_READ(regs, syscallno);
#else
	return -1;
#endif
}

static __always_inline int on_enter(long id)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u64 *mark;

	if (t->seccomp.mode != SECCOMP_MODE_FILTER_NR)
		return 0;
	mark = bpf_task_storage_get(&entered, t, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (mark)
		*mark = (__u64)id + 1;
	return 0;
}

static __always_inline int on_exit(struct pt_regs *regs, long ret)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u64 *mark;
	long nr;

	if (t->seccomp.mode != SECCOMP_MODE_FILTER_NR)
		return 0;
	nr = syscall_nr_of(regs);
	mark = bpf_task_storage_get(&entered, t, 0, 0);
	if (mark && *mark == (__u64)nr + 1) {
		*mark = 0;
		return 0;
	}
	if (mark)
		*mark = 0;
	/* Never entered: skipped by the filter (or a tracer). Failures only. */
	if (ret >= 0 || ret < -MAX_ERRNO_NR || nr < 0)
		return 0;
	emit(t, (__u32)nr, current_audit_arch(t), VG_SC_DENY_ERRNO, (__s32)-ret);
	return 0;
}

/* ---- variant: tp_btf (kills, traps and errno denials) ---- */

SEC("tp_btf/signal_generate")
int BPF_PROG(sd_btf_signal, int sig, struct kernel_siginfo *info, struct task_struct *task)
{
	return on_signal(sig, info, task);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sd_btf_enter, struct pt_regs *regs, long id)
{
	return on_enter(id);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sd_btf_exit, struct pt_regs *regs, long ret)
{
	return on_exit(regs, ret);
}

/* ---- variant: raw_tracepoint (kills and traps only) ---- */

SEC("raw_tracepoint/signal_generate")
int sd_raw_signal(struct bpf_raw_tracepoint_args *ctx)
{
	return on_signal((int)ctx->args[0], (struct kernel_siginfo *)ctx->args[1],
			 (struct task_struct *)ctx->args[2]);
}
