/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy's pre-filter on the acting process, checked by every sensor
 * when a record is submitted: effective uid, cgroup and executable. User
 * space fills these maps from the compiled policy (src/sensor_prefilter.c);
 * all empty, the default, lets everything through.
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
 * sensor of one agent share the process sensor's copy (src/sensor.c).
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
 * Whether the executable filter rejects the record's process. Anything
 * unknown passes: a record made on behalf of another task (softirq, a
 * flush run from user space), a process not seen since the policy
 * changed, an entry for another image.
 */
static __always_inline bool vg_pf_exe_rejects(const struct vg_hdr *h, const struct vg_pf_cfg *c)
{
	struct vg_proc_exe *pe;
	__u32 tgid = h->tgid, dev;
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

/* True when the policy pre-filter drops the record (counted as filtered). */
static __always_inline bool vg_pf_rejects(const struct vg_hdr *h)
{
	__u32 zero = 0, uid = h->euid;
	__u64 cg = h->cgroup_id;
	struct vg_pf_cfg *c = bpf_map_lookup_elem(&vg_pf, &zero);

	if (!c || !c->dims)
		return false;
	if ((c->dims & VG_PF_UID) && !bpf_map_lookup_elem(&vg_pf_uids, &uid))
		return true;
	if ((c->dims & VG_PF_CGROUP) && !bpf_map_lookup_elem(&vg_pf_cgroups, &cg))
		return true;
	if ((c->dims & VG_PF_EXE) && vg_pf_exe_rejects(h, c))
		return true;
	return false;
}

#endif /* VIGIL_PREFILTER_BPF_H */
