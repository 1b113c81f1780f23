// SPDX-License-Identifier: GPL-2.0
/*
 * Process sensor: exec, fork (new processes, not threads) and exit (when the
 * whole thread group is gone). Two variants share one body: tp_btf
 * (preferred) and raw_tracepoint (fallback); the loader keeps the first
 * that loads.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "vigil_common.bpf.h"
#include "vigil_path.bpf.h"
#include "vigil_task.bpf.h"
#include "vigil_filter.bpf.h"
#include "sensor_process_env.bpf.h"
#include "cgroup_set.h"

char LICENSE[] SEC("license") = "GPL";

/* Executable paths the policy wants killed at exec, before their first instruction. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 4096);
	__type(key, struct vg_path_rule_key);
	__type(value, struct vg_path_rule);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} exec_rules SEC(".maps");

/*
 * Executable paths the sensors' policy filters accept: value = the
 * vg_proc_exe.bits of a process running that executable. User space folds
 * each prefix's bits into the longer entries under it, so the longest
 * match alone answers.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, VG_EXE_FILTER_ENTRIES);
	__type(key, struct vg_path_rule_key);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} vg_exe_filter SEC(".maps");

/*
 * Builds the LPM key for the resolved path (in the per-CPU path buffer) in
 * place, or NULL when the path does not fit a key.
 */
static __always_inline struct vg_path_rule_key *exec_key(const struct vg_path_res *res)
{
	struct vg_path_rule_key *key;
	char *buf;
	__u32 pos, len;

	if (!res->str || res->truncated || res->len >= VG_RULE_PATH_BYTES)
		return NULL;
	/*
	 * Build the key in place: the path ends at buf[VG_MAX_PATH_BYTES], so
	 * the prefix length goes just before it and a NUL just after it.
	 */
	len = res->len;
	pos = VG_MAX_PATH_BYTES - len;
	if (pos < sizeof(__u32) || pos > VG_MAX_PATH_BYTES)
		return NULL;
	buf = res->pb->buf;
	buf[VG_MAX_PATH_BYTES & (VG_PATH_BUF_BYTES - 1)] = '\0';
	key = (void *)&buf[(pos - sizeof(__u32)) & (VG_MAX_PATH_BYTES - 1)];
	key->prefixlen = (len + 1) * 8;
	return key;
}

/*
 * Remembers which sensors' executable filters this process passes. A path
 * too long for a key gets no entry: the other sensors then send its records.
 */
static __always_inline void note_exe(struct task_struct *task, struct file *exe,
				     struct vg_path_rule_key *key)
{
	struct vg_proc_exe pe = {};
	__u32 zero = 0, tgid = BPF_CORE_READ(task, tgid);
	struct vg_pf_cfg *c = bpf_map_lookup_elem(&vg_pf, &zero);
	__u32 *bits;

	if (!c || !c->gen)
		return;		/* no policy filter: nothing to remember */
	if (!key) {
		bpf_map_delete_elem(&vg_proc_exe, &tgid);
		return;
	}
	bits = bpf_map_lookup_elem(&vg_exe_filter, key);
	pe.ino = BPF_CORE_READ(exe, f_inode, i_ino);
	pe.dev = BPF_CORE_READ(exe, f_inode, i_sb, s_dev);
	pe.gen = c->gen;
	pe.bits = bits ? *bits : 0;
	if (bpf_map_update_elem(&vg_proc_exe, &tgid, &pe, BPF_ANY) < 0)
		vg_count(VG_CNT_MAP_FULL);
}

/* argv lives in the new image's memory between mm->arg_start and arg_end. */
static __always_inline int put_argv(struct vg_tail *t, struct vg_exec *e,
				    struct task_struct *task)
{
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	unsigned long start = BPF_CORE_READ(mm, arg_start);
	unsigned long end = BPF_CORE_READ(mm, arg_end);
	__u32 room = vg_tail_room(t);
	__u32 len;

	e->argv.off = t->off;
	e->argv.len = 0;
	if (end <= start)
		return 0;
	len = end - start;
	if (len > VG_MAX_ARGV_BYTES) {
		len = VG_MAX_ARGV_BYTES;
		e->flags |= VG_EXEC_ARGV_TRUNC;
	}
	if (len > room) {
		len = room;
		e->flags |= VG_EXEC_ARGV_TRUNC;
	}
	VG_BOUND(len, 8191);
	if (bpf_probe_read_user(vg_tail_ptr(t), len, (void *)start) < 0) {
		vg_count(VG_CNT_READ_FAIL);
		e->flags |= VG_EXEC_ARGV_FAULT;
		return -1;
	}
	/* Drop the final NUL so that arguments are NUL-separated. */
	if (len > 0 && !(e->flags & VG_EXEC_ARGV_TRUNC))
		len -= 1;
	e->argv.len = len;
	t->off += len;
	if (e->flags & VG_EXEC_ARGV_TRUNC)
		vg_count(VG_CNT_TRUNCATED);
	return 0;
}

/* Whether the rule's uid or cgroup condition (if any) holds for the new image. */
static __always_inline bool exec_rule_applies(const struct vg_path_rule *r, __u32 euid,
					      __u64 cgroup_id)
{
	__u64 id = r->id_kind == VG_IDS_EUID ? euid : cgroup_id;
	__u32 i, n = r->n_ids;

	if (r->id_kind == VG_IDS_ANY)
		return true;
	for (i = 0; i < VG_PATH_RULE_IDS; i++)
		if (i < n && r->ids[i] == id)
			return true;
	return false;
}

struct cgset_walk {
	struct list_head *head;		/* &cset->cgrp_links: the end of the list */
	struct list_head *pos;
	__u64 sum;
	bool done;
};

/* One hierarchy of the css_set: its cgroup's term, unless it is the v2 one (0). */
static long cgset_step(__u32 index, void *data)
{
	struct cgset_walk *w = data;
	struct list_head *pos = w->pos;	/* a local: CO-RE must not relocate w-> */
	struct cgrp_cset_link *link;
	struct cgroup *cg;
	int hierarchy;

	(void)index;
	if (pos == w->head || !pos) {
		w->done = pos != NULL;
		return 1;
	}
	/* cset->cgrp_links threads the links through their cgrp_link (cset_link is the cgroup's list). */
	link = (void *)pos - bpf_core_field_offset(struct cgrp_cset_link, cgrp_link);
	cg = BPF_CORE_READ(link, cgrp);
	hierarchy = BPF_CORE_READ(cg, root, hierarchy_id);
	if (hierarchy > 0)
		w->sum += vg_cgset_term(hierarchy, BPF_CORE_READ(cg, kn, id));
	w->pos = BPF_CORE_READ(pos, next);
	return 0;
}

/*
 * A css_set's content as pointers: its controllers' css (subsys[]) and its
 * v2 cgroup. A css_set never changes while it lives; these tell a new one
 * allocated where a freed one was (its own cgroups hold other css).
 */
#define CGSET_FP 17	/* up to 16 controllers, then dfl_cgrp */

struct cgset_ent {
	__u64 fp[CGSET_FP];
	__u64 sum;		/* vg_exec.cgroup_set */
	__u64 woke_ns;		/* boot ns the last exec with it woke the agent */
};

/*
 * css_set address -> its cgroup_set: the walk (one step per hierarchy,
 * ~0.6 us each on a busy 2-CPU guest) runs once per css_set, not per exec.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, struct cgset_ent);
} vg_cgset_cache SEC(".maps");

/* The fingerprint being built: too large for the exec path's stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VG_SCRATCH_SLOTS);
	__type(key, __u32);
	__type(value, struct cgset_ent);
} vg_cgset_scratch SEC(".maps");

/*
 * The agent reads /proc/PID/cgroup for the first exec in cgroups it has
 * not seen (cgroup v1 hosts) and remembers the answer for 30 s: that
 * exec's record wakes it at once, so the read likely finds the process
 * alive, although exec records are otherwise quiet (VG_TYPE_QUIET).
 */
#define CGSET_WAKE_NS (30ULL * 1000000000ULL)

static __always_inline bool cgset_same(const struct cgset_ent *a, const struct cgset_ent *b)
{
	__u64 diff = 0;
	int i;

	for (i = 0; i < CGSET_FP; i++)
		diff |= a->fp[i] ^ b->fp[i];
	return !diff;
}

/*
 * vg_exec.cgroup_set (cgroup_set.h): lets the agent cache what a process's
 * cgroups say of its container instead of reading /proc/PID/cgroup for
 * every exec on a host with cgroup v1 hierarchies, from the task's css_set
 * @cset_addr (task->cgroups, read). Sets *@wake when the
 * agent should be woken for this exec (cgroups new, or seen long ago).
 * Global: the verifier checks it once, not once per state of the exec path
 * that reaches it (it doubled the exec program's verified instructions).
 */
__noinline __u64 exec_cgroup_set(__u64 cset_addr, int slot, __u64 now, __u8 *wake)
{
	struct css_set *cset = (struct css_set *)cset_addr;
	__u32 key = (__u32)slot & VG_SCRATCH_SLOT_MASK, n;
	struct cgset_walk w = {};
	struct cgset_ent *fresh, *old;
	__u64 addr = (__u64)cset;

	if (!wake)
		return 0;
	*wake = false;
	if (!bpf_core_type_exists(struct cgrp_cset_link) || !cset)
		return 0;
	fresh = bpf_map_lookup_elem(&vg_cgset_scratch, &key);
	if (!fresh)
		return 0;
	/* Slots past the kernel's controllers stay zero: n is the same on every read. */
	n = bpf_core_field_size(cset->subsys);
	if (n > (CGSET_FP - 1) * sizeof(__u64))
		return 0;
	bpf_probe_read_kernel(fresh->fp, n, &cset->subsys);
	fresh->fp[CGSET_FP - 1] = (__u64)BPF_CORE_READ(cset, dfl_cgrp);
	old = bpf_map_lookup_elem(&vg_cgset_cache, &addr);
	if (old && cgset_same(old, fresh)) {
		if (old->sum && now - old->woke_ns >= CGSET_WAKE_NS) {
			old->woke_ns = now;
			*wake = true;
		}
		return old->sum;
	}
	w.head = &cset->cgrp_links;
	w.pos = BPF_CORE_READ(cset, cgrp_links.next);
	bpf_loop(VG_CGSET_MAX_HIERARCHIES, cgset_step, &w, 0);
	fresh->sum = w.done ? w.sum : 0;
	fresh->woke_ns = now;
	bpf_map_update_elem(&vg_cgset_cache, &addr, fresh, BPF_ANY);
	/* v2 cgroups alone (sum 0): the record's v2 path tells the container. */
	*wake = fresh->sum != 0;
	return fresh->sum;
}

/* The fixed part of the exec record: who runs the new image, with what. */
static __always_inline void exec_fill(struct vg_exec *e, struct task_struct *task,
				      pid_t old_pid, struct linux_binprm *bprm)
{
	struct task_struct *parent = BPF_CORE_READ(task, real_parent);
	struct vg_task_ids ids;
	struct vg_task_ns ns;

	vg_fill_hdr(&e->hdr, VG_EV_EXEC, task);
	e->ppid = BPF_CORE_READ(parent, tgid);
	e->parent_start_time_ns = vg_task_start_time(parent);
	e->old_pid = old_pid;
	vg_task_creds(task, &ids);
	e->uid = ids.uid;
	e->euid = ids.euid;
	e->gid = ids.gid;
	e->egid = ids.egid;
	e->suid = ids.suid;
	e->sgid = ids.sgid;
	e->fsuid = ids.fsuid;
	e->fsgid = ids.fsgid;
	e->cap_effective = ids.cap_effective;
	e->cap_permitted = ids.cap_permitted;
	e->loginuid = vg_task_loginuid(task);
	e->audit_session = vg_task_audit_session(task);
	e->sid = vg_task_sid(task);
	e->pgid = vg_task_pgid(task);
	vg_task_namespaces(task, &ns);
	e->mnt_ns = ns.mnt;
	e->pid_ns = ns.pid;
	e->net_ns = ns.net;
	e->user_ns = ns.user;
	e->argc = BPF_CORE_READ(bprm, argc);
	e->flags = 0;
	e->rule_id = 0;
	e->env_flags = 0;
	/* At exec the caller is its thread group's leader: its pid is the tgid. */
	e->vpid = vg_pid_vnr(BPF_CORE_READ(task, thread_pid));
	/* binfmt_script and binfmt_misc point interp at the interpreter's name. */
	if (BPF_CORE_READ(bprm, interp) != BPF_CORE_READ(bprm, filename))
		e->flags |= VG_EXEC_SCRIPT;
	if (BPF_CORE_READ_BITFIELD_PROBED(bprm, secureexec))
		e->flags |= VG_EXEC_SECUREEXEC;
	/* Fileless: a memfd or a file deleted before exec has no link left. */
	if (BPF_CORE_READ(bprm, file, f_inode, i_nlink) == 0)
		e->flags |= VG_EXEC_UNLINKED;
}

/* The policy's kill rule on the new executable (key: its path), if any. */
static __always_inline void exec_kill(struct vg_exec *e, struct vg_path_rule_key *key)
{
	struct vg_path_rule *rule = key ? bpf_map_lookup_elem(&exec_rules, key) : NULL;
	__u8 audit;

	if (!rule || rule->action != VG_KACT_KILL)
		return;
	audit = rule->audit;
	if (exec_rule_applies(rule, e->euid, e->hdr.cgroup_id)) {
		e->rule_id = rule->rule_id;
	} else if (rule->has_fallback) {
		e->rule_id = rule->fallback_rule_id;
		audit = rule->fallback_audit;
	} else {
		return;		/* another uid: not this rule's */
	}
	if (audit) {
		e->hdr.flags |= VG_HF_WOULD_KILL;
	} else if (bpf_send_signal(SIGKILL) == 0) {
		e->hdr.flags |= VG_HF_KILLED;
		vg_count(VG_CNT_KILLED);
	} else {
		vg_count(VG_CNT_SIGNAL_FAIL);
	}
}

/* The record's strings; @res: the executable's path, resolved by the caller. */
static __always_inline void exec_put_strings(struct vg_tail *t, struct vg_exec *e,
					     struct task_struct *task, struct linux_binprm *bprm,
					     const struct vg_path_res *res, bool have_exe, int slot)
{
	struct path pwd;
	int cut;

	cut = vg_tail_put_str(t, &e->filename, BPF_CORE_READ(bprm, filename),
			      VG_MAX_PATH_BYTES, false);
	if (cut > 0)
		e->flags |= VG_EXEC_FILENAME_TRUNC;
	e->exe.off = t->off;
	e->exe.len = 0;
	if (have_exe) {
		cut = vg_tail_put_bytes(t, &e->exe, res->str, res->len);
		if (cut > 0 || res->truncated)
			e->flags |= VG_EXEC_EXE_TRUNC;
	}
	put_argv(t, e, task);
	pwd = BPF_CORE_READ(task, fs, pwd);
	cut = vg_tail_put_path(t, &e->cwd, &pwd, slot);
	if (cut > 0)
		e->flags |= VG_EXEC_CWD_TRUNC;
	cut = vg_tail_put_cgroup(t, &e->cgroup, task, slot);
	if (cut > 0)
		e->flags |= VG_EXEC_CGROUP_TRUNC;
	vg_tail_put_tty(t, &e->tty, task);
}

/*
 * Builds and sends the exec record in scratch slot @slot (claimed by the
 * caller). The executable's path is walked whatever the record's fate: the
 * kill rule and the executable bits other sensors filter on need it. Only
 * then is the record judged (the pre-filter's executable check reads the
 * bits just noted), before any string is copied.
 */
static __always_inline void exec_record(void *ctx, struct task_struct *task, pid_t old_pid,
					struct linux_binprm *bprm, int slot)
{
	struct file *exe_file = BPF_CORE_READ(bprm, file);
	struct vg_path_res res = {};
	bool have_exe = false;
	__u8 wake = 0;
	unsigned long preload;
	struct vg_exec *e;
	struct vg_tail t;

	e = vg_tail_begin(&t, slot, sizeof(*e));
	if (!e)
		return;
	exec_fill(e, task, old_pid, bprm);
	e->cgroup_set = exec_cgroup_set((__u64)BPF_CORE_READ(task, cgroups), slot,
					e->hdr.ts_boot_ns, &wake);
	if (vg_path_resolve(&exe_file->f_path, &res, slot) == 0) {
		struct vg_path_rule_key *key = exec_key(&res);

		have_exe = true;
		note_exe(task, exe_file, key);
		exec_kill(e, key);
	}
	if (vg_drop_if_unwanted(VG_EV_EXEC))
		return;
	/* Before the strings: the scan borrows the empty tail, and few states reach it here. */
	preload = exec_scan_env(&t, e, task);
	exec_put_strings(&t, e, task, bprm, &res, have_exe, slot);
	exec_put_preload(&t, e, preload);
	vg_submit_wake(ctx, &t, wake);
}

/*
 * sched_process_exec is not faultable (preemption stays off), so a slot is
 * always free here; the claim keeps the scratch rules the same everywhere.
 */
static __always_inline int handle_exec(void *ctx, struct task_struct *task,
				       pid_t old_pid, struct linux_binprm *bprm)
{
	int slot;

	if (vg_task_filtered_out(task)) {
		vg_count(VG_CNT_FILTERED);
		return 0;
	}
	slot = vg_scratch_claim();
	if (slot < 0)
		return 0;
	exec_record(ctx, task, old_pid, bprm, slot);
	vg_scratch_release(slot);
	return 0;
}

/* Whether some sensor's policy filter reads vg_proc_exe (else nothing to keep). */
static __always_inline bool exe_bits_wanted(void)
{
	__u32 zero = 0;
	struct vg_pf_cfg *c = bpf_map_lookup_elem(&vg_pf, &zero);

	return c && c->gen;
}

/* A new process runs its parent's executable until it execs. */
static __always_inline void inherit_exe(struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid), ctgid = BPF_CORE_READ(child, tgid);
	struct vg_proc_exe *pe;

	if (!exe_bits_wanted())
		return;
	pe = bpf_map_lookup_elem(&vg_proc_exe, &ptgid);
	if (pe) {
		if (bpf_map_update_elem(&vg_proc_exe, &ctgid, pe, BPF_ANY) < 0)
			vg_count(VG_CNT_MAP_FULL);
	} else {
		bpf_map_delete_elem(&vg_proc_exe, &ctgid);	/* a reused pid's old entry */
	}
}

static __always_inline int handle_fork(struct task_struct *parent,
				       struct task_struct *child)
{
	struct vg_fork *e;

	/* Threads share their process's identity: only new processes count. */
	if (BPF_CORE_READ(child, pid) != BPF_CORE_READ(child, tgid))
		return 0;
	inherit_exe(parent, child);
	if (vg_task_filtered_out(parent)) {
		vg_count(VG_CNT_FILTERED);
		return 0;
	}
	/*
	 * The record describes the child, not current: judged when finished
	 * (the parent's executable is not the child's to the filter). A fixed
	 * record: nothing is copied before the verdict.
	 */
	e = vg_reserve(sizeof(*e));
	if (!e)
		return 0;
	vg_fill_hdr(&e->hdr, VG_EV_FORK, child);
	e->hdr.size = sizeof(*e);
	e->ppid = BPF_CORE_READ(parent, tgid);
	e->parent_pid = BPF_CORE_READ(parent, pid);
	e->parent_start_time_ns = vg_task_start_time(parent);
	e->clone_flags = 0;
	vg_commit_if_wanted(e);
	return 0;
}

static __always_inline int handle_exit(struct task_struct *task)
{
	struct vg_exit *e;
	int code;

	/* Only when the last thread of the group leaves. */
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	if (exe_bits_wanted()) {
		__u32 tgid = BPF_CORE_READ(task, tgid);

		bpf_map_delete_elem(&vg_proc_exe, &tgid);
	}
	if (vg_filtered_at_entry(task, VG_EV_EXIT))
		return 0;
	e = vg_reserve(sizeof(*e));
	if (!e)
		return 0;
	vg_fill_hdr(&e->hdr, VG_EV_EXIT, task);
	e->hdr.size = sizeof(*e);
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	code = BPF_CORE_READ(task, exit_code);
	e->signal = code & 0x7f;
	e->core_dumped = (code & 0x80) ? 1 : 0;
	e->exit_code = e->signal ? 0 : (code >> 8) & 0xff;
	e->run_time_ns = e->hdr.ts_boot_ns - e->hdr.start_time_ns;
	vg_commit(e);
	return 0;
}

/* ---- variant: tp_btf (typed arguments, cheapest) ---- */

SEC("tp_btf/sched_process_exec")
int BPF_PROG(tp_btf_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	return handle_exec(ctx, p, old_pid, bprm);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(tp_btf_fork, struct task_struct *parent, struct task_struct *child)
{
	return handle_fork(parent, child);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(tp_btf_exit, struct task_struct *p)
{
	return handle_exit(p);
}

/* ---- variant: raw_tracepoint (no BTF-typed context needed) ---- */

SEC("raw_tracepoint/sched_process_exec")
int raw_tp_exec(struct bpf_raw_tracepoint_args *ctx)
{
	return handle_exec(ctx, (struct task_struct *)ctx->args[0],
			   (pid_t)ctx->args[1], (struct linux_binprm *)ctx->args[2]);
}

SEC("raw_tracepoint/sched_process_fork")
int raw_tp_fork(struct bpf_raw_tracepoint_args *ctx)
{
	return handle_fork((struct task_struct *)ctx->args[0],
			   (struct task_struct *)ctx->args[1]);
}

SEC("raw_tracepoint/sched_process_exit")
int raw_tp_exit(struct bpf_raw_tracepoint_args *ctx)
{
	return handle_exit((struct task_struct *)ctx->args[0]);
}
