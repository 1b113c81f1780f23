/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Task context readers shared by sensors: credentials, namespaces, session
 * and process group, audit identity, controlling tty and cgroup path.
 * Needs vigil_common.bpf.h first.
 */
#ifndef VIGIL_TASK_BPF_H
#define VIGIL_TASK_BPF_H

#define VG_PIDTYPE_PGID 2
#define VG_PIDTYPE_SID 3

/* pid number as seen from the initial pid namespace (level 0). */
static __always_inline __u32 vg_pid_nr(struct pid *pid)
{
	if (!pid)
		return 0;
	return BPF_CORE_READ(pid, numbers[0].nr);
}

/* pid number as the deepest pid namespace of @pid sees it (its own). */
static __always_inline __u32 vg_pid_vnr(struct pid *pid)
{
	unsigned int level;

	if (!pid)
		return 0;
	level = BPF_CORE_READ(pid, level);
	if (level > 32)
		return 0;	/* MAX_PID_NS_LEVEL; never more */
	return BPF_CORE_READ(pid, numbers[level].nr);
}

struct vg_task_ids {
	__u32 uid, euid, gid, egid, suid, sgid, fsuid, fsgid;
	__u64 cap_effective, cap_permitted;
};

static __always_inline void vg_task_creds(struct task_struct *task,
					  struct vg_task_ids *c)
{
	const struct cred *cred = BPF_CORE_READ(task, cred);

	c->uid = BPF_CORE_READ(cred, uid.val);
	c->euid = BPF_CORE_READ(cred, euid.val);
	c->gid = BPF_CORE_READ(cred, gid.val);
	c->egid = BPF_CORE_READ(cred, egid.val);
	c->suid = BPF_CORE_READ(cred, suid.val);
	c->sgid = BPF_CORE_READ(cred, sgid.val);
	c->fsuid = BPF_CORE_READ(cred, fsuid.val);
	c->fsgid = BPF_CORE_READ(cred, fsgid.val);
	bpf_core_read(&c->cap_effective, sizeof(c->cap_effective), &cred->cap_effective);
	bpf_core_read(&c->cap_permitted, sizeof(c->cap_permitted), &cred->cap_permitted);
}

static __always_inline __u32 vg_task_loginuid(struct task_struct *task)
{
	if (bpf_core_field_exists(task->loginuid))
		return BPF_CORE_READ(task, loginuid.val);
	return (__u32)-1;
}

static __always_inline __u32 vg_task_audit_session(struct task_struct *task)
{
	if (bpf_core_field_exists(task->sessionid))
		return BPF_CORE_READ(task, sessionid);
	return (__u32)-1;
}

static __always_inline __u32 vg_task_sid(struct task_struct *task)
{
	return vg_pid_nr(BPF_CORE_READ(task, signal, pids[VG_PIDTYPE_SID]));
}

static __always_inline __u32 vg_task_pgid(struct task_struct *task)
{
	return vg_pid_nr(BPF_CORE_READ(task, signal, pids[VG_PIDTYPE_PGID]));
}

struct vg_task_ns {
	__u32 mnt, pid, net, user;
};

static __always_inline void vg_task_namespaces(struct task_struct *task,
					       struct vg_task_ns *ns)
{
	ns->mnt = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	ns->pid = BPF_CORE_READ(task, nsproxy, pid_ns_for_children, ns.inum);
	ns->net = BPF_CORE_READ(task, nsproxy, net_ns, ns.inum);
	ns->user = BPF_CORE_READ(task, cred, user_ns, ns.inum);
}

/* Controlling tty name ("pts/3"); empty string if none. */
static __always_inline int vg_tail_put_tty(struct vg_tail *t, struct vg_str *s,
					   struct task_struct *task)
{
	struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);

	s->off = t->off;
	s->len = 0;
	if (!tty)
		return 0;
	return vg_tail_put_str(t, s, &tty->name, VG_MAX_TTY_BYTES, false);
}

struct vg_cg_walk {
	struct vg_path_buf *pb;
	struct cgroup *cg;
	__u32 pos;
	bool cut;
};

/* One cgroup level: prepend "/name", move to the parent. */
static long vg_cg_step(__u32 index, void *data)
{
	struct vg_cg_walk *w = data;
	struct cgroup *cg = w->cg;	/* a local: CO-RE must not relocate w-> */
	struct cgroup_subsys_state *parent_css = BPF_CORE_READ(cg, self.parent);
	const char *name;
	__u32 pos = w->pos;
	long n;

	if (!parent_css)
		return 1;	/* the root cgroup has no name of its own */
	name = BPF_CORE_READ(cg, kn, name);
	/* Read into the upper half, then place it right to left. */
	n = bpf_probe_read_kernel_str(&w->pb->buf[VG_MAX_PATH_BYTES], VG_NAME_MAX + 1, name);
	if (n <= 1)
		return 1;
	n -= 1;
	if ((__u32)n + 1 > pos || pos > VG_MAX_CGROUP_BYTES) {
		w->cut = true;
		return 1;
	}
	pos -= n;
	bpf_probe_read_kernel(&w->pb->buf[pos & (VG_MAX_CGROUP_BYTES - 1)], n & VG_NAME_MAX,
			      &w->pb->buf[VG_MAX_PATH_BYTES]);
	pos -= 1;
	w->pb->buf[pos & (VG_MAX_CGROUP_BYTES - 1)] = '/';
	w->pos = pos;
	cg = container_of(parent_css, struct cgroup, self);
	w->cg = cg;
	if (index == VG_MAX_CGROUP_DEPTH - 1 && BPF_CORE_READ(cg, self.parent))
		w->cut = true;
	return 0;
}

#define VG_CG_CUT 0x10000	/* above any position in the buffer */

/*
 * The walk up from cgroup @cg in the path buffer of scratch slot @slot.
 * Returns where the path starts there (| VG_CG_CUT when cut), <0: none.
 * Global, as vg_path_walk and for the same reason: verified once.
 */
__noinline int vg_cgroup_walk(__u64 cg, int slot)
{
	struct vg_cg_walk w = {};
	__u32 pos;

	w.pb = vg_path_buf(slot);
	w.cg = (struct cgroup *)cg;
	w.pos = VG_MAX_CGROUP_BYTES;
	if (!w.pb || !w.cg)
		return -1;
	bpf_loop(VG_MAX_CGROUP_DEPTH, vg_cg_step, &w, 0);
	pos = w.pos;
	if (pos > VG_MAX_CGROUP_BYTES)
		return -1;
	if (pos == VG_MAX_CGROUP_BYTES) {
		pos -= 1;
		w.pb->buf[pos & (VG_MAX_CGROUP_BYTES - 1)] = '/';
	}
	return w.cut ? pos | VG_CG_CUT : pos;
}

/*
 * cgroup v2 path of @task ("/system.slice/foo.service"), built right to left
 * from the cgroup's ancestors (css.parent) and their kernfs names.
 */
static __always_inline int vg_tail_put_cgroup(struct vg_tail *t, struct vg_str *s,
					      struct task_struct *task, int slot)
{
	struct vg_path_buf *pb;
	int r = vg_cgroup_walk((__u64)BPF_CORE_READ(task, cgroups, dfl_cgrp), slot);
	__u32 pos;

	s->off = t->off;
	s->len = 0;
	pb = vg_path_buf(slot);
	if (r < 0 || !pb)
		return -1;
	pos = r & (VG_CG_CUT - 1);
	if (pos >= VG_MAX_CGROUP_BYTES)
		return -1;
	if (vg_tail_put_bytes(t, s, &pb->buf[pos & (VG_MAX_CGROUP_BYTES - 1)],
			      VG_MAX_CGROUP_BYTES - pos) < 0)
		return -1;
	if (r & VG_CG_CUT) {
		vg_count(VG_CNT_TRUNCATED);
		return 1;
	}
	return 0;
}

#endif /* VIGIL_TASK_BPF_H */
