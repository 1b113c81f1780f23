/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy's pre-filter on the acting process: effective uid, cgroup and
 * executable. Sensors ask it at hook entry about the current task
 * (vg_should_drop, vigil_common.bpf.h), before any string copy or path
 * walk; hooks whose record describes another task ask it about the
 * finished record's header. User space fills these maps from the compiled
 * policy (src/sensors/sensor_prefilter.c); all empty, the default, lets
 * everything through.
 *
 * Included by vigil_common.bpf.h; needs vg_count.
 */
#ifndef VIGIL_PREFILTER_BPF_H
#define VIGIL_PREFILTER_BPF_H

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vg_pf_cfg);
} vg_pf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VG_PF_MAX_VALUES);
	__type(key, __u32);
	__type(value, __u8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} vg_pf_uids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VG_PF_MAX_VALUES);
	__type(key, __u64);
	__type(value, __u8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} vg_pf_cgroups SEC(".maps");

/*
 * Written by the process sensor, read by the others: the loader makes every
 * sensor of one agent share the process sensor's copy (src/sensors/sensor.c).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VG_PROC_EXE_ENTRIES);
	__type(key, __u32);	/* tgid */
	__type(value, struct vg_proc_exe);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} vg_proc_exe SEC(".maps");

/* The current task's executable, as (inode, superblock dev); 0 for kernel threads. */
static __always_inline __u64 vg_current_exe_ino(__u32 *dev)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);
	struct inode *inode;

	*dev = 0;
	if (!exe)
		return 0;
	inode = BPF_CORE_READ(exe, f_inode);
	*dev = BPF_CORE_READ(inode, i_sb, s_dev);
	return BPF_CORE_READ(inode, i_ino);
}

/*
 * Whether the executable filter rejects process @tgid. Anything unknown
 * passes: a record made on behalf of another task (softirq, a flush run
 * from user space, a fork's child), a process not seen since the policy
 * changed, an entry for another image.
 */
static __always_inline bool vg_pf_exe_rejects(__u32 tgid, const struct vg_pf_cfg *c)
{
	struct vg_proc_exe *pe;
	__u32 dev;
	__u64 ino;

	if ((bpf_get_current_pid_tgid() >> 32) != tgid)
		return false;
	pe = bpf_map_lookup_elem(&vg_proc_exe, &tgid);
	if (!pe || pe->gen != c->gen)
		return false;
	ino = vg_current_exe_ino(&dev);
	if (!ino || ino != pe->ino || dev != pe->dev)
		return false;
	return !(pe->bits & c->exe_bit);
}

/* Whether the filter rejects the actor (@euid, @cgroup_id, @tgid); @c is on. */
static __always_inline bool vg_pf_rejects(const struct vg_pf_cfg *c, __u32 euid,
					  __u64 cgroup_id, __u32 tgid)
{
	if ((c->dims & VG_PF_UID) && !bpf_map_lookup_elem(&vg_pf_uids, &euid))
		return true;
	if ((c->dims & VG_PF_CGROUP) && !bpf_map_lookup_elem(&vg_pf_cgroups, &cgroup_id))
		return true;
	if ((c->dims & VG_PF_EXE) && vg_pf_exe_rejects(tgid, c))
		return true;
	return false;
}

/* The filter's configuration when it is on, else NULL (the default). */
static __always_inline const struct vg_pf_cfg *vg_pf_active(void)
{
	__u32 zero = 0;
	struct vg_pf_cfg *c = bpf_map_lookup_elem(&vg_pf, &zero);

	return c && c->dims ? c : NULL;
}

/*
 * Whether the filter rejects the current task, read live: the values
 * vg_fill_hdr() puts in a header about current (cred->euid, the current
 * cgroup), so the verdict is the one its finished record would get.
 */
static __always_inline bool vg_pf_rejects_current(void)
{
	const struct vg_pf_cfg *c = vg_pf_active();
	struct task_struct *task;

	if (!c)
		return false;
	task = (struct task_struct *)bpf_get_current_task();
	return vg_pf_rejects(c, BPF_CORE_READ(task, cred, euid.val),
			     bpf_get_current_cgroup_id(), bpf_get_current_pid_tgid() >> 32);
}

/* Whether the filter rejects the process a finished record's header names. */
static __always_inline bool vg_pf_rejects_hdr(const struct vg_hdr *h)
{
	const struct vg_pf_cfg *c = vg_pf_active();

	return c && vg_pf_rejects(c, h->euid, h->cgroup_id, h->tgid);
}

#endif /* VIGIL_PREFILTER_BPF_H */
