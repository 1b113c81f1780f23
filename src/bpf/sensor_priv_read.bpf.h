/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Privilege sensor, readers: credentials and namespaces of a task, the file
 * behind an fd, the pid behind a pidfd, and the identity and executable of
 * a call's target task (bpf_task_from_pid where the kernel has it).
 *
 * Part of sensor_priv.bpf.c (and so of sensor_priv_nokfunc.bpf.c), included
 * once after its maps and constants: a piece of that one CO-RE object, not a
 * shared header.
 */
#ifndef SENSOR_PRIV_READ_BPF_H
#define SENSOR_PRIV_READ_BPF_H

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

/* pidfd → pid number: pidfs keeps the struct pid in i_private, older kernels in private_data. */
static __always_inline __s32 pidfd_to_pid(int pidfd)
{
	struct file *f = vg_task_fd_file(bpf_get_current_task_btf(), pidfd);
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

#endif /* SENSOR_PRIV_READ_BPF_H */
