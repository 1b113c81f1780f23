/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The syscall hub's maps, shared by every sensor as the ring is, and the
 * step that passes a syscall from one sensor's handler to the next
 * (syscall_hub.bpf.c says why one program per direction). Part of
 * vigil_common.bpf.h.
 */
#ifndef VIGIL_HUB_BPF_H
#define VIGIL_HUB_BPF_H

#include "syscall_hub.h"

#ifndef SECCOMP_MODE_FILTER
#define SECCOMP_MODE_FILTER 2
#endif

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, VG_HUB_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
} vg_hub_enter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, VG_HUB_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
} vg_hub_exit SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VG_HUB_ROUTES);
	__type(key, __u32);
	__type(value, struct vg_hub_route);
} vg_hub_routes SEC(".maps");

/*
 * Whether the current task is under a seccomp filter. The syscall entry
 * has just read thread_info, the task's first cache line: its SECCOMP work
 * bit is set only under seccomp, so seccomp.mode, on a line nothing else on
 * this path touches (a cache miss on every syscall), is read only then.
 */
static __always_inline bool vg_hub_seccomp_filtered(void)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (bpf_core_field_exists(task->thread_info.syscall_work) &&
	    bpf_core_enum_value_exists(enum syscall_work_bit, SYSCALL_WORK_BIT_SECCOMP) &&
	    !(task->thread_info.syscall_work &
	      (1UL << bpf_core_enum_value(enum syscall_work_bit, SYSCALL_WORK_BIT_SECCOMP))))
		return false;
	return task->seccomp.mode == SECCOMP_MODE_FILTER;
}

/* The handlers syscall @nr runs in the current task (tp_btf programs only). */
static __always_inline __u32 vg_hub_mask(long nr, bool exit)
{
	struct vg_hub_route *r;
	__u32 key, mask = 0;

	if ((unsigned long)nr < VG_HUB_NR) {
		key = nr;
		r = bpf_map_lookup_elem(&vg_hub_routes, &key);
		if (r)
			mask = exit ? r->exit : r->enter;
	}
	if (vg_hub_seccomp_filtered()) {
		key = VG_HUB_SECCOMP_TASKS;
		r = bpf_map_lookup_elem(&vg_hub_routes, &key);
		if (r)
			mask |= exit ? r->exit : r->enter;
	}
	return mask;
}

/*
 * Tail-calls the next handler after slot @after that syscall @nr runs;
 * returns when there is none (or its slot is empty). A handler attached on
 * its own, not through the hub, finds its own bit clear and stops there.
 * @exit must be a constant: each direction's array has its own owner type.
 */
static __always_inline void vg_hub_next(void *ctx, long nr, __u32 after, bool exit)
{
	__u32 mask = vg_hub_mask(nr, exit);
	__u32 slot;

	if (after != VG_HUB_NONE && !(mask & (1u << after)))
		return;
#pragma unroll
	for (slot = VG_HUB_NONE + 1; slot < VG_HUB_SLOTS; slot++) {
		if (slot <= after || !(mask & (1u << slot)))
			continue;
		if (exit)
			bpf_tail_call(ctx, &vg_hub_exit, slot);
		else
			bpf_tail_call(ctx, &vg_hub_enter, slot);
	}
}

#endif /* VIGIL_HUB_BPF_H */
