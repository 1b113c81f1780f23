// SPDX-License-Identifier: GPL-2.0
/*
 * The seccomp recorder behind `vigil advise seccomp`: at every sys_enter,
 * if the calling process belongs to the target (a followed process tree,
 * or a cgroup and everything below it), set the syscall's bit in the
 * bitmap of its syscall ABI. Nothing crosses a ring buffer: user space
 * reads the bitmaps when the recording ends. Processes outside the target
 * cost one load from a bit set of tgids (and, with a cgroup target, one
 * cgroup ancestry check).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "vigil_common.bpf.h"
#include "seccomp_record.h"

char LICENSE[] SEC("license") = "GPL";

/* A cgroup v2 target, in slot 0 of filter_cgroup: it and every cgroup below it. */
const volatile bool target_cgroup_on = false;

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} filter_cgroup SEC(".maps");

/*
 * Processes of the target: seeded by user space, grown at fork, pruned when
 * a thread group dies. A command vigil starts is first armed (vg_sc_armed)
 * and followed from its exec, so vigil's own code between fork and exec is
 * not recorded.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vg_sc_pid_set);
} vg_sc_pids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VG_SC_MAX_ARMED);
	__type(key, __u32);
	__type(value, __u8);
} vg_sc_armed SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VG_SC_ABIS);
	__type(key, __u32);
	__type(value, struct vg_sc_bitmap);
} vg_sc_seen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VG_SC_STATS);
	__type(key, __u32);
	__type(value, __u64);
} vg_sc_stats SEC(".maps");

static __always_inline void stat_inc(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&vg_sc_stats, &which);

	if (v)
		*v += 1;
}

static __always_inline __u64 *pid_word(__u32 tgid, __u64 *bit)
{
	__u32 zero = 0;
	struct vg_sc_pid_set *set = bpf_map_lookup_elem(&vg_sc_pids, &zero);

	*bit = 1ULL << (tgid & 63);
	return set ? &set->words[(tgid >> 6) & (VG_SC_PID_WORDS - 1)] : NULL;
}

static __always_inline bool followed(__u32 tgid)
{
	__u64 bit, *w = pid_word(tgid, &bit);

	return w && (*w & bit);
}

static __always_inline void follow(__u32 tgid)
{
	__u64 bit, *w = pid_word(tgid, &bit);

	if (w)
		__sync_fetch_and_or(w, bit);
}

static __always_inline bool in_target(void)
{
	if (followed(bpf_get_current_pid_tgid() >> 32))
		return true;
	return target_cgroup_on && bpf_current_task_under_cgroup(&filter_cgroup, 0) == 1;
}

/* Which syscall table the current call went through. */
static __always_inline __u32 current_abi(void)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();

#if defined(__TARGET_ARCH_x86)
	/* TS_COMPAT: set on entry through the 32-bit syscall paths. */
	if (BPF_CORE_READ(t, thread_info.status) & 0x0002)
		return VG_SC_ABI_COMPAT;
#elif defined(__TARGET_ARCH_arm64)
	/* TIF_32BIT: an AArch32 task. */
	if (BPF_CORE_READ(t, thread_info.flags) & (1UL << 22))
		return VG_SC_ABI_COMPAT;
#else
	(void)t;
#endif
	return VG_SC_ABI_NATIVE;
}

static __always_inline int record(long nr)
{
	struct vg_sc_bitmap *b;
	__u32 abi;
	__u64 bit, *w;

	if (!in_target())
		return 0;
	stat_inc(VG_SC_STAT_CALLS);
	if ((unsigned long)nr >= VG_SC_MAX_NR) {
		stat_inc(VG_SC_STAT_OUT_OF_RANGE);
		return 0;
	}
	abi = current_abi();
	b = bpf_map_lookup_elem(&vg_sc_seen, &abi);
	if (!b)
		return 0;
	w = &b->words[(nr >> 6) & (VG_SC_WORDS - 1)];
	bit = 1ULL << (nr & 63);
	/* Read first: a bit already set costs no atomic, no cache-line bounce. */
	if (!(*w & bit))
		__sync_fetch_and_or(w, bit);
	return 0;
}

static __always_inline int follow_fork(struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid), ctgid = BPF_CORE_READ(child, tgid);

	if (ptgid != ctgid && followed(ptgid))
		follow(ctgid);
	return 0;
}

static __always_inline int follow_exec(struct task_struct *p)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);

	if (bpf_map_delete_elem(&vg_sc_armed, &tgid) == 0)
		follow(tgid);
	return 0;
}

/* The whole thread group is gone once signal->live reaches 0. */
static __always_inline int forget_exit(struct task_struct *p)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);
	__u64 bit, *w;

	if (BPF_CORE_READ(p, signal, live.counter) != 0)
		return 0;
	bpf_map_delete_elem(&vg_sc_armed, &tgid);
	w = pid_word(tgid, &bit);
	if (w && (*w & bit))
		__sync_fetch_and_and(w, ~bit);
	return 0;
}

/* ---- variant: tp_btf ---- */

SEC("tp_btf/sys_enter")
int BPF_PROG(sc_btf_enter, struct pt_regs *regs, long id)
{
	return record(id);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sc_btf_fork, struct task_struct *parent, struct task_struct *child)
{
	return follow_fork(parent, child);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sc_btf_exec, struct task_struct *p)
{
	return follow_exec(p);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sc_btf_exit, struct task_struct *p)
{
	return forget_exit(p);
}

/* ---- variant: raw_tracepoint ---- */

SEC("raw_tracepoint/sys_enter")
int sc_raw_enter(struct bpf_raw_tracepoint_args *ctx)
{
	return record((long)ctx->args[1]);
}

SEC("raw_tracepoint/sched_process_fork")
int sc_raw_fork(struct bpf_raw_tracepoint_args *ctx)
{
	return follow_fork((struct task_struct *)ctx->args[0],
			   (struct task_struct *)ctx->args[1]);
}

SEC("raw_tracepoint/sched_process_exec")
int sc_raw_exec(struct bpf_raw_tracepoint_args *ctx)
{
	return follow_exec((struct task_struct *)ctx->args[0]);
}

SEC("raw_tracepoint/sched_process_exit")
int sc_raw_exit(struct bpf_raw_tracepoint_args *ctx)
{
	return forget_exit((struct task_struct *)ctx->args[0]);
}
