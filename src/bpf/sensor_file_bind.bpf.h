/* SPDX-License-Identifier: GPL-2.0 */
/*
 * File sensor, bind mounts: whether a task in a container writes through a
 * bind mount (how docker, podman and CRI runtimes show volumes and host
 * paths inside a container), and the mount's source as a path within its
 * filesystem. Those opens are reported even where no path is watched, so
 * that one rule covers every volume of every container without a watch
 * entry per container; only the accesses in file_bind_mask are checked,
 * and only once user space set it (a rule asks for file.mount.bind).
 *
 * Part of sensor_file.bpf.c, included once after its maps and types: a
 * piece of that one CO-RE object, not a shared header.
 */
#ifndef SENSOR_FILE_BIND_BPF_H
#define SENSOR_FILE_BIND_BPF_H

/*
 * Whether @acc by @task on mount @mnt is reported as a bind-mount access:
 * the task is outside the initial mount namespace (a host process is
 * never), and the mount's root is not its filesystem's root (a bind of a
 * directory or file; overlay root filesystems, tmpfs, proc, devpts are not).
 */
static __always_inline bool file_via_bind(__u64 task, struct vfsmount *mnt, __u32 acc)
{
	struct dentry *root;
	__u32 init_mntns;

	/* The mask first: user space sets the namespace before it. */
	if (!(acc & *(volatile __u32 *)&file_bind_mask) || !mnt)
		return false;
	init_mntns = *(volatile __u32 *)&file_bind_mntns;
	if (!init_mntns)
		return false;
	if (BPF_CORE_READ((struct task_struct *)task, nsproxy, mnt_ns, ns.inum) == init_mntns)
		return false;
	root = BPF_CORE_READ(mnt, mnt_root);
	return root && root != BPF_CORE_READ(mnt, mnt_sb, s_root);
}

/*
 * Marks record @e as a bind-mount access and appends the mount's root
 * within its filesystem (the host directory, when that filesystem is
 * mounted at / on the host). Uses the slot's path buffer: call it after
 * the record's paths were copied.
 */
static __always_inline void file_put_bind(struct vg_tail *t, struct vg_file *e,
					  struct vfsmount *mnt, int slot)
{
	struct vg_path_res res;

	e->fflags |= VG_FILE_BIND_MOUNT;
	e->extra.off = t->off;
	e->extra.len = 0;
	if (vg_fs_path_resolve(BPF_CORE_READ(mnt, mnt_root), BPF_CORE_READ(mnt, mnt_sb, s_root),
			       &res, slot) < 0)
		return;
	vg_tail_put_bytes(t, &e->extra, res.str, res.len);
}

#endif /* SENSOR_FILE_BIND_BPF_H */
