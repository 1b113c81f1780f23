/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The task filter every sensor shares (--pid, --uid, --comm, --cgroup),
 * fixed at start in rodata so that the verifier drops disabled checks.
 * Each check has its own "on" flag: 0 never means both "root" and "unset".
 * User space sets these by name (vg_task_filter_configure).
 * Needs vigil_common.bpf.h first.
 */
#ifndef VIGIL_FILTER_BPF_H
#define VIGIL_FILTER_BPF_H

const volatile bool filter_tgid_on = false;
const volatile __u32 filter_tgid = 0;
const volatile bool filter_uid_on = false;
const volatile __u32 filter_uid = 0;
const volatile bool filter_comm_on = false;
const volatile char filter_comm[VG_COMM_LEN] = {};
const volatile bool filter_cgroup_on = false;

/* Slot 0 holds the cgroup given with --cgroup; descendants match too. */
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} filter_cgroup SEC(".maps");

static __always_inline bool vg_comm_differs(struct task_struct *task)
{
	char comm[VG_COMM_LEN];
	int i;

	BPF_CORE_READ_STR_INTO(&comm, task, comm);
	for (i = 0; i < VG_COMM_LEN; i++) {
		if (comm[i] != filter_comm[i])
			return true;
		if (!comm[i])
			break;
	}
	return false;
}

/*
 * True when events about @task are not wanted. The cgroup check looks at
 * current, which is @task in every hook that uses this.
 */
static __always_inline bool vg_task_filtered_out(struct task_struct *task)
{
	if (filter_tgid_on && BPF_CORE_READ(task, tgid) != filter_tgid)
		return true;
	if (filter_uid_on && BPF_CORE_READ(task, cred, uid.val) != filter_uid)
		return true;
	if (filter_comm_on && vg_comm_differs(task))
		return true;
	if (filter_cgroup_on && bpf_current_task_under_cgroup(&filter_cgroup, 0) != 1)
		return true;
	return false;
}

/*
 * True when an event of @type about @task (current) is not wanted, counted
 * as filtered: the task filter, the type switch, the policy pre-filter.
 * Hooks call it on entry, before any scratch slot, string copy or path walk.
 */
static __always_inline bool vg_filtered_at_entry(struct task_struct *task, __u16 type)
{
	if (vg_task_filtered_out(task) || vg_should_drop(type)) {
		vg_count(VG_CNT_FILTERED);
		return true;
	}
	return false;
}

#endif /* VIGIL_FILTER_BPF_H */
