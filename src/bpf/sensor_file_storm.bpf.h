/* SPDX-License-Identifier: GPL-2.0 */
/*
 * File sensor, storms: which opens may be held by storm aggregation
 * (vigil_ratelimit.bpf.h) and their key.
 *
 * An open is keyed by its file when aggregation is on, it succeeded (the
 * file's identity is the key), its path is kernel-resolved, whole and short
 * enough to keep, it is not a bind-mount report, and no rule that forbids
 * aggregation watches its path (storm_never, an LPM trie keyed like
 * watch_trie: the paths of rules that kill, deny, count or read a field
 * that differs between similar events). A file watched by identity under
 * another name is held only when no such rule exists at all. A failed open
 * or a bind-mount report is keyed by its finished record instead (STORM_REC).
 *
 * Other file records (unlink, rename, chmod, ...) are keyed by the record
 * itself (vigil_storm_rec.bpf.h), per type as the policy allows, except on
 * the paths of storm_never (storm_never_path).
 *
 * Part of sensor_file.bpf.c, included once after its maps and types: a
 * piece of that one CO-RE object, not a shared header.
 */
#ifndef SENSOR_FILE_STORM_BPF_H
#define SENSOR_FILE_STORM_BPF_H

#include "vigil_ratelimit.bpf.h"
#include "vigil_storm_rec.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, VG_STORM_NEVER_MAX);
	__type(key, struct vg_watch_key);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} storm_never SEC(".maps");

enum storm_verdict {
	STORM_OFF = 0,		/* not aggregated: send */
	STORM_PASS = 1,		/* keyed, within its burst: send, then vg_storm_note() */
	STORM_HELD = 2,		/* counted, not sent */
	STORM_REC = 3,		/* keyed by the finished record: storm_open_rec_held() */
};

#define STORM_PATH_UNFIT (VG_FILE_PATH_TRUNC | VG_FILE_PATH_FAULT | VG_FILE_UNCHECKED | \
			  VG_FILE_PATH_USER)

/* The key of open @o of @f into slot @slot's storm scratch; false if it has none. */
static __always_inline bool storm_key_open(const struct opargs *o, struct file *f, int slot)
{
	struct task_struct *task = (struct task_struct *)o->task;
	struct storm_scratch *s = vg_storm_scratch(slot);

	if (!s)
		return false;
	s->key.start_time_ns = vg_task_start_time(task);
	s->key.exec_id = BPF_CORE_READ(task, self_exec_id);
	s->key.cgroup_id = bpf_get_current_cgroup_id();
	s->key.dentry = (__u64)BPF_CORE_READ(f, f_path.dentry);
	s->key.mnt = (__u64)BPF_CORE_READ(f, f_path.mnt);
	s->key.ino = BPF_CORE_READ(f, f_inode, i_ino);
	/* The slot held another key before: no stale byte after the name's NUL. */
	__builtin_memset(s->key.comm, 0, sizeof(s->key.comm));
	BPF_CORE_READ_STR_INTO(&s->key.comm, task, comm);
	s->key.flags = o->flags;
	s->key.tgid = BPF_CORE_READ(task, tgid);
	s->key.euid = BPF_CORE_READ(task, cred, euid.val);
	s->key.dev = BPF_CORE_READ(f, f_inode, i_sb, s_dev);
	s->key.mode = o->mode;
	s->key.access = o->acc;
	s->key.type = file_type_of(o->fsc);
	s->key.syscall = o->fsc;
	return true;
}

/*
 * Whether open @o (of file @f, path @p, watched by identity as @iw or not)
 * is sent, held, or not aggregated at all.
 */
static __noinline int storm_check_open(const struct opargs *o, __u64 file, const struct fpath *p,
				       const struct vg_inode_watch *iw)
{
	const struct vg_storm_cfg *c = vg_storm_cfg();
	struct vg_path_buf *pb;

	if (!c || !o || !p || !file || o->ret < 0)
		return STORM_OFF;
	if (p->len == 0 || p->len >= VG_STORM_PATH_BYTES || (p->fflags & STORM_PATH_UNFIT))
		return STORM_OFF;
	if (iw && (!c->by_inode || iw->len >= VG_INODE_WATCH_PATH_BYTES))
		return STORM_OFF;
	pb = vg_path_buf(p->slot);
	if (!pb || (trie_lookup(&storm_never, pb, p->start, p->len) & VG_STORM_NEVER_OPEN))
		return STORM_OFF;
	if (!storm_key_open(o, (struct file *)file, p->slot))
		return STORM_OFF;
	return vg_storm_hold(p->slot) ? STORM_HELD : STORM_PASS;
}

/*
 * Whether a record-keyed file record about path @p must cross whatever its
 * key: a rule that needs every record watches the path (storm_never), or
 * some path is kept out and this one cannot be matched as the record will
 * name it (cut, unreadable, or with "." or ".." left in). A path joined
 * from the caller's string is matched as joined, as the watch set does.
 */
static __always_inline bool storm_never_path(const struct fpath *p)
{
	const struct vg_storm_rcfg *c = storm_rcfg_get();
	struct vg_path_buf *pb;

	if (!c || !c->burst || !c->never)
		return false;
	if (p->len == 0 || (p->fflags & (VG_FILE_PATH_TRUNC | VG_FILE_PATH_FAULT |
					  VG_FILE_UNCHECKED)))
		return true;
	pb = vg_path_buf(p->slot);
	return !pb || (trie_lookup(&storm_never, pb, p->start, p->len) & VG_STORM_NEVER_REC);
}

/*
 * Whether an open the open keys cannot take, one that failed (no file to
 * key on) or a bind-mount report, may be keyed by its record instead: opens
 * are aggregated and no rule that needs every open watches path @p.
 */
static __always_inline int storm_check_other_open(const struct fpath *p)
{
	const struct vg_storm_cfg *c = vg_storm_cfg();
	struct vg_path_buf *pb;

	if (!c || !c->burst || p->len == 0 ||
	    (p->fflags & (VG_FILE_PATH_TRUNC | VG_FILE_PATH_FAULT | VG_FILE_UNCHECKED)))
		return STORM_OFF;
	pb = vg_path_buf(p->slot);
	if (!pb || (trie_lookup(&storm_never, pb, p->start, p->len) & VG_STORM_NEVER_OPEN))
		return STORM_OFF;
	return STORM_REC;
}

/* After record @e of a STORM_PASS open is built: the key's stored copy. */
static __always_inline void storm_note_open(const struct vg_file *e, const struct fpath *p,
					    const struct vg_inode_watch *iw)
{
	struct vg_path_buf *pb = vg_path_buf(p->slot);

	if (!pb)
		return;
	vg_storm_note(p->slot, e, &pb->buf[p->start & VG_BUF_MASK], p->len, iw);
}

/*
 * Sends the finished open record @t (path @p), unless it is held: keyed by
 * its file (@storm, storm_check_open), or, for one the open keys cannot
 * take (@other: failed, or a bind-mount report), keyed by the record.
 */
static __always_inline void storm_send_open(bool other, int storm, struct vg_tail *t,
					    const struct fpath *p, const struct vg_inode_watch *iw)
{
	const struct vg_storm_cfg *c = vg_storm_cfg();

	if (other && c && storm_check_other_open(p) == STORM_REC &&
	    vg_storm_rec_hold_rec(t->rec, t->fixed + t->off, p->slot, c->burst, c->window_ns))
		return;
	vg_submit(NULL, t);
	if (storm == STORM_PASS)
		storm_note_open((const struct vg_file *)t->rec, p, iw);
}

#endif /* SENSOR_FILE_STORM_BPF_H */
