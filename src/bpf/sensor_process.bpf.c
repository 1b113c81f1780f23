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
	unsigned long preload;
	struct vg_exec *e;
	struct vg_tail t;

	e = vg_tail_begin(&t, slot, sizeof(*e));
	if (!e)
		return;
	exec_fill(e, task, old_pid, bprm);
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
	vg_submit(ctx, &t);
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
