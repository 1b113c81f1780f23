// SPDX-License-Identifier: GPL-2.0
/*
 * File sensor: opens of every kind, unlink/rename/chmod/chown/truncate/
 * link/symlink/mknod/utimes/mount/umount/memfd_create.
 *
 * Everything happens at syscall EXIT: the result is known, and the
 * arguments are read from the task's saved user registers, which are the
 * values the kernel actually used (no per-task map between enter and exit,
 * no second program per syscall). For opens the path comes from the file
 * the kernel installed at fd[ret]; for path-only operations it is joined
 * from the kernel-resolved dirfd or cwd and the caller's string and marked
 * VG_FILE_PATH_USER.
 *
 * Filtering, cheapest first: syscall number → task filter → access class
 * against the union of all watch masks → (opens) rejection cache → record
 * type switch and policy pre-filter (uid, cgroup, executable: a few map
 * lookups, after the two checks that cost less and drop most events) →
 * path resolved into the path buffer of a claimed scratch slot → LPM trie
 * lookup on those bytes. Only then is a record built, in the same slot.
 *
 * sys_exit is faultable on recent kernels: its programs may be preempted,
 * and another task may run them on the same CPU meanwhile. Everything a
 * call keeps between two steps (path buffer, normalization state, record)
 * therefore lives in the scratch slot it claimed (vg_scratch_claim), never
 * in a plain per-CPU buffer; the slot is released on every return.
 *
 * Variants: lsm (file_open; refused where BPF LSM is off) + tp_btf sys_exit
 * (preferred fallback) or raw_tracepoint sys_exit.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "vigil_common.bpf.h"
#include "vigil_path.bpf.h"
#include "vigil_filter.bpf.h"
#include "file_watch.h"

char LICENSE[] SEC("license") = "GPL";

#ifndef __TARGET_ARCH_x86
#error "the file sensor's syscall table is written for x86_64"
#endif

#define O_WRONLY	00000001
#define O_RDWR		00000002
#define O_ACCMODE	00000003
#define O_CREAT		00000100
#define O_TRUNC		00001000
#define O_PATH		010000000
#define AT_EMPTY_PATH	0x1000
#define AT_REMOVEDIR	0x200
#define TS_COMPAT	0x0002
#define EXEC_BITS	06111

/* Union of every watch entry's mask: an access nobody watches is dropped
 * before any path work. Written by user space (also at run time). */
__u32 file_any_mask = VG_FACC_ALL;
/* Set by the loader when the LSM variant reports opens. */
bool file_opens_from_lsm = false;
/*
 * Generation of the path→decision cache: bumped by user space when the
 * watch set changes and here on every successful rename, mount, umount or
 * other mount-tree change, since those change the paths of cached dentries.
 */
__u64 file_cache_gen = 0;

/*
 * Rejection cache: a dentry (on a mount) whose path the watch set does not
 * match, with what identifies it (parent, name hash and length, inode) so
 * that a freed and reused dentry never inherits a decision. Only rejections
 * are cached: a watched open needs its path anyway.
 */
struct reject_key {
	__u64 dentry;
	__u64 mnt;
};

struct reject_val {
	__u64 gen;
	__u64 parent;
	__u64 hash_len;
	__u64 inode;
	__u32 mask;		/* accesses watched at this path */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct reject_key);
	__type(value, struct reject_val);
} reject_cache SEC(".maps");

/* d_parent, d_name and d_inode, adjacent in struct dentry. */
struct dentry_id {
	__u64 parent;
	__u64 hash_len;
	__u64 name;
	__u64 inode;
};

static __always_inline int dentry_id_read(struct dentry *d, struct dentry_id *id)
{
	if (bpf_core_field_offset(struct dentry, d_name) ==
	    bpf_core_field_offset(struct dentry, d_parent) + 8 &&
	    bpf_core_field_offset(struct dentry, d_inode) ==
	    bpf_core_field_offset(struct dentry, d_parent) + 24)
		return bpf_probe_read_kernel(id, sizeof(*id), (void *)d +
					     bpf_core_field_offset(struct dentry, d_parent));
	id->parent = (__u64)BPF_CORE_READ(d, d_parent);
	id->hash_len = BPF_CORE_READ(d, d_name.hash_len);
	id->inode = (__u64)BPF_CORE_READ(d, d_inode);
	return 0;
}

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, VG_WATCH_MAX_ENTRIES);
	__type(key, struct vg_watch_key);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} watch_trie SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, VG_WATCH_MAX_ENTRIES);
	__type(key, struct vg_watch_key);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} home_trie SEC(".maps");

/* x86_64 syscall numbers → enum vg_file_syscall (0: not ours). */
#define VG_NR_TABLE 512
#define FSC_GEN_ONLY 255
static const __u8 nr_fsc[VG_NR_TABLE] = {
	[2] = VG_FSC_OPEN, [257] = VG_FSC_OPENAT, [437] = VG_FSC_OPENAT2,
	[85] = VG_FSC_CREAT, [304] = VG_FSC_OPEN_BY_HANDLE_AT,
	[87] = VG_FSC_UNLINK, [263] = VG_FSC_UNLINKAT, [84] = VG_FSC_RMDIR,
	[82] = VG_FSC_RENAME, [264] = VG_FSC_RENAMEAT, [316] = VG_FSC_RENAMEAT2,
	[90] = VG_FSC_CHMOD, [91] = VG_FSC_FCHMOD, [268] = VG_FSC_FCHMODAT,
	[452] = VG_FSC_FCHMODAT2,
	[92] = VG_FSC_CHOWN, [93] = VG_FSC_FCHOWN, [94] = VG_FSC_LCHOWN,
	[260] = VG_FSC_FCHOWNAT,
	[76] = VG_FSC_TRUNCATE, [77] = VG_FSC_FTRUNCATE,
	[86] = VG_FSC_LINK, [265] = VG_FSC_LINKAT,
	[88] = VG_FSC_SYMLINK, [266] = VG_FSC_SYMLINKAT,
	[133] = VG_FSC_MKNOD, [259] = VG_FSC_MKNODAT,
	[132] = VG_FSC_UTIME, [235] = VG_FSC_UTIMES, [261] = VG_FSC_FUTIMESAT,
	[280] = VG_FSC_UTIMENSAT,
	[165] = VG_FSC_MOUNT, [166] = VG_FSC_UMOUNT2, [319] = VG_FSC_MEMFD_CREATE,
	/* not reported, but they move paths: pivot_root, open_tree, move_mount, fsmount */
	[155] = FSC_GEN_ONLY, [428] = FSC_GEN_ONLY, [429] = FSC_GEN_ONLY, [432] = FSC_GEN_ONLY,
};

/* Buffer layout (vg_path_map, 8 KiB per slot and CPU): kernel-resolved paths end at
 * VG_JOIN_SEP; a caller's string is read to VG_JOIN_SEP + 1 onwards. */
#define VG_JOIN_SEP	VG_MAX_PATH_BYTES
#define VG_USTR_AT	(VG_JOIN_SEP + 1)
#define VG_USTR_MAX	(VG_PATH_BUF_BYTES - VG_USTR_AT)
#define VG_BUF_MASK	(VG_PATH_BUF_BYTES - 1)

/* A path inside the path buffer of scratch slot @slot. */
struct fpath {
	__u32 start;
	__u32 len;
	__u32 fflags;		/* VG_FILE_PATH_TRUNC, _USER, _UNCHECKED, _FAULT */
	__s32 slot;		/* claimed scratch slot: set before any use */
};

struct fargs {
	__u64 a[6];
};

static __always_inline struct vg_path_buf *path_buf(int slot)
{
	return vg_path_buf(slot);
}

static __always_inline struct file *fd_file(struct task_struct *task, long fd)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **arr;
	struct file *f = NULL;

	if (fd < 0 || !fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	arr = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &arr[fd]) < 0)
		return NULL;
	return f;
}

/*
 * The helpers below are global functions: the verifier checks each once,
 * whatever the call site, which keeps the many syscall shapes tractable.
 */

/* Kernel path of the struct file @fp into the buffer. */
__noinline int file_resolve(__u64 fp, struct fpath *p)
{
	struct file *f = (struct file *)fp;
	struct vg_path_res res;

	if (!p)
		return -1;
	p->fflags = 0;
	if (!f || vg_path_resolve(&f->f_path, &res, p->slot) < 0) {
		p->fflags = VG_FILE_PATH_FAULT;
		return -1;
	}
	p->len = res.len;
	p->start = VG_JOIN_SEP - res.len;
	if (res.truncated)
		p->fflags |= VG_FILE_PATH_TRUNC;
	return 0;
}

struct dot_scan {
	struct vg_path_buf *pb;
	__u32 len;
	__u8 prev;
	bool found;
};

/* Finds "." and ".." components and "//" in the caller's string: such a
 * path cannot be matched against prefixes as written. */
static long dot_scan_step(__u32 i, void *data)
{
	struct dot_scan *s = data;
	__u8 c, n1 = 0, n2 = 0;

	if (i >= s->len)
		return 1;
	c = s->pb->buf[(VG_USTR_AT + i) & VG_BUF_MASK];
	if (i + 1 < s->len)
		n1 = s->pb->buf[(VG_USTR_AT + i + 1) & VG_BUF_MASK];
	if (i + 2 < s->len)
		n2 = s->pb->buf[(VG_USTR_AT + i + 2) & VG_BUF_MASK];
	if ((s->prev == '/' || i == 0) &&
	    ((c == '.' && (n1 == 0 || n1 == '/')) ||
	     (c == '.' && n1 == '.' && (n2 == 0 || n2 == '/')) ||
	     (c == '/' && s->prev == '/'))) {
		s->found = true;
		return 1;
	}
	s->prev = c;
	return 0;
}

#define NORM_DEPTH 64

struct norm {
	__u32 start, len;
	__u32 out;		/* output length (output never passes input) */
	__u32 cs;		/* where the current component starts in the output */
	__u32 depth;
	bool overflow;
	__u16 comps[NORM_DEPTH];	/* start of each kept component */
};

/* The state lives in a map, not on the stack: the verifier then checks the
 * loop body once instead of following every value through 8192 rounds. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VG_SCRATCH_SLOTS);	/* one per scratch slot */
	__type(key, __u32);
	__type(value, struct norm);
} norm_scratch SEC(".maps");

static __always_inline struct norm *norm_state(int slot)
{
	__u32 key = (__u32)slot & VG_SCRATCH_SLOT_MASK;

	if (slot < 0)
		return NULL;
	return bpf_map_lookup_elem(&norm_scratch, &key);
}


/* Ends the component out[cs..out): drops ".", pops for "..", keeps the rest. */
static __always_inline void norm_end(struct norm *n, struct vg_path_buf *pb)
{
	__u32 clen = n->out - n->cs, at = n->start + n->cs;
	char c0 = pb->buf[at & VG_BUF_MASK], c1 = pb->buf[(at + 1) & VG_BUF_MASK];

	if (n->out < n->cs)
		return;
	if (clen == 1 && c0 == '.') {
		n->out = n->cs;
	} else if (clen == 2 && c0 == '.' && c1 == '.') {
		n->out = n->cs ? n->cs - 1 : 0;		/* drop "/.." */
		if (n->depth > 0) {
			n->depth--;
			n->out = n->comps[n->depth & (NORM_DEPTH - 1)];
			n->out = n->out ? n->out - 1 : 0;	/* and "/prev" */
		}
	} else if (clen > 0) {
		if (n->depth >= NORM_DEPTH) {
			n->overflow = true;
			return;
		}
		n->comps[n->depth & (NORM_DEPTH - 1)] = n->cs;
		n->depth++;
	}
}

/* @data: the caller's scratch slot. */
static long norm_step(__u32 i, void *data)
{
	int slot = *(int *)data;
	struct vg_path_buf *pb = path_buf(slot);
	struct norm *n = norm_state(slot);
	char c;

	if (!n)
		return 1;
	if (!pb || i >= n->len || n->overflow)
		return 1;
	c = pb->buf[(n->start + i) & VG_BUF_MASK];
	if (c != '/') {
		pb->buf[(n->start + n->out) & VG_BUF_MASK] = c;
		n->out++;
		return 0;
	}
	if (n->out > n->cs)
		norm_end(n, pb);
	/* "//", or "." just dropped: one separator is enough */
	if (n->out > 0 && pb->buf[(n->start + n->out - 1) & VG_BUF_MASK] == '/')
		return 0;
	pb->buf[(n->start + n->out) & VG_BUF_MASK] = '/';
	n->out++;
	n->cs = n->out;
	return 0;
}

/*
 * Lexical normalization of the joined path in place ("//", "/./", "/x/../"),
 * so that the prefix match sees what the caller meant. Returns 0, or <0
 * when the path is too deep (left as it was: never dropped).
 */
__noinline int file_normalize(struct fpath *p)
{
	struct vg_path_buf *pb;
	struct norm *n;
	int slot;

	if (!p)
		return -1;
	slot = p->slot;
	pb = path_buf(slot);
	n = norm_state(slot);
	if (!pb || !n)
		return -1;
	n->start = p->start;
	n->len = p->len;
	n->out = 0;
	n->cs = 0;
	n->depth = 0;
	n->overflow = false;
	if (n->start >= VG_PATH_BUF_BYTES || n->len > VG_PATH_BUF_BYTES)
		return -1;
	bpf_loop(VG_PATH_BUF_BYTES, norm_step, &slot, 0);
	if (n->overflow)
		return -1;
	if (n->out > n->cs)
		norm_end(n, pb);
	if (n->overflow)
		return -1;
	if (n->out > 1 && pb->buf[(n->start + n->out - 1) & VG_BUF_MASK] == '/')
		n->out--;
	if (n->out == 0) {
		pb->buf[n->start & VG_BUF_MASK] = '/';
		n->out = 1;
	}
	p->len = n->out;
	return 0;
}

/*
 * Joins the kernel path of @dirfd (or the cwd) with the caller's string.
 * Returns 0, 1 when the string is empty (AT_EMPTY_PATH: the caller uses
 * the dirfd itself), <0 when nothing could be read.
 */
__noinline int file_join(__u64 taskp, __s64 dirfd, __u64 ustrp, struct fpath *p)
{
	struct task_struct *task = (struct task_struct *)taskp;
	const char *ustr = (const char *)ustrp;
	struct vg_path_buf *pb;
	struct dot_scan scan = {};
	struct vg_path_res res;
	struct path base;
	struct file *f;
	long n;
	__u32 ulen, dlen;

	if (!p)
		return -1;
	p->fflags = VG_FILE_PATH_USER;
	pb = path_buf(p->slot);
	if (!pb || !ustr) {
		p->fflags |= VG_FILE_PATH_FAULT;
		return -1;
	}
	n = bpf_probe_read_user_str(&pb->buf[VG_USTR_AT], VG_USTR_MAX, ustr);
	if (n <= 0) {
		vg_count(VG_CNT_READ_FAIL);
		p->fflags |= VG_FILE_PATH_FAULT;
		return -1;
	}
	ulen = n - 1;
	if (ulen == 0)
		return 1;
	if (n >= VG_USTR_MAX) {
		p->fflags |= VG_FILE_PATH_TRUNC;
		vg_count(VG_CNT_TRUNCATED);
	}
	scan.pb = pb;
	scan.len = ulen;
	bpf_loop(VG_USTR_MAX, dot_scan_step, &scan, 0);
	if (scan.found)
		p->fflags |= VG_FILE_UNCHECKED;
	if (pb->buf[VG_USTR_AT] == '/') {
		p->start = VG_USTR_AT;
		p->len = ulen;
		goto out;
	}
	if (dirfd == VG_FILE_AT_FDCWD) {
		base = BPF_CORE_READ(task, fs, pwd);
	} else {
		f = fd_file(task, dirfd);
		if (!f) {
			p->fflags |= VG_FILE_PATH_FAULT;
			return -1;
		}
		base = BPF_CORE_READ(f, f_path);
	}
	if (vg_path_resolve(&base, &res, p->slot) < 0) {
		p->fflags |= VG_FILE_PATH_FAULT;
		return -1;
	}
	if (res.truncated)
		p->fflags |= VG_FILE_PATH_TRUNC;
	pb->buf[VG_JOIN_SEP] = '/';
	dlen = res.len == 1 ? 0 : res.len;	/* "/" + "x", not "//x" */
	p->start = VG_JOIN_SEP - dlen;
	p->len = dlen + 1 + ulen;
out:
	if (scan.found && !(p->fflags & VG_FILE_PATH_TRUNC) && file_normalize(p) == 0)
		p->fflags = (p->fflags & ~VG_FILE_UNCHECKED) | VG_FILE_NORMALIZED;
	return 0;
}

/* LPM lookup on the path bytes in place: the 4-byte prefix length is
 * written just before the path, a '/' just after it. */
static __always_inline __u32 trie_lookup(void *trie, struct vg_path_buf *pb,
					 __u32 start, __u32 len)
{
	struct vg_watch_key *key;
	__u32 k, n, end, *v;

	if (start < 4)
		return VG_FACC_ALL;	/* cannot happen with our layout: never drop */
	k = start - 4;
	VG_BOUND(k, 8191);
	if (k > VG_PATH_BUF_BYTES - sizeof(*key))
		return VG_FACC_ALL;
	end = start + len;
	if (end < VG_PATH_BUF_BYTES)
		pb->buf[end & VG_BUF_MASK] = '/';
	n = len + 1;
	if (n > VG_WATCH_KEY_BYTES)
		n = VG_WATCH_KEY_BYTES;
	key = (void *)&pb->buf[k];
	key->prefixlen = n * 8;
	v = bpf_map_lookup_elem(trie, key);
	return v ? *v : 0;
}

/* Mask of accesses watched for the path: absolute prefixes, then prefixes
 * under /home/<user>. */
__noinline __u32 file_watch_mask(const struct fpath *p)
{
	struct vg_path_buf *pb;
	__u32 mask, i, j = 0, at, k, start, len;
	__u32 saved;
	char *b;

	if (!p)
		return VG_FACC_ALL;
	pb = path_buf(p->slot);
	if (!pb)
		return VG_FACC_ALL;
	if (p->fflags & (VG_FILE_UNCHECKED | VG_FILE_PATH_FAULT))
		return VG_FACC_ALL;	/* cannot be matched as written: never drop */
	start = p->start;
	len = p->len;
	mask = trie_lookup(&watch_trie, pb, start, len);
	if (len <= sizeof(VG_HOME_PREFIX))
		return mask;
	if (start > VG_PATH_BUF_BYTES - 80)
		return mask;
	b = &pb->buf[start];
	if (b[0] != '/' || b[1] != 'h' || b[2] != 'o' || b[3] != 'm' || b[4] != 'e' ||
	    b[5] != '/')
		return mask;
	for (i = 6; i < 6 + VG_HOME_NAME_MAX; i++) {
		if (i >= len)
			break;
		if (b[i] == '/') {
			j = i;
			break;
		}
	}
	if (!j)
		return mask;
	/* The key header overwrites 4 bytes of "/home/<user>": put them back. */
	at = start + j;
	k = at - 4;
	VG_BOUND(k, 8191);
	if (k > VG_PATH_BUF_BYTES - 4)
		return mask;
	__builtin_memcpy(&saved, &pb->buf[k], 4);
	mask |= trie_lookup(&home_trie, pb, at, len - j);
	k = at - 4;
	VG_BOUND(k, 8191);
	if (k > VG_PATH_BUF_BYTES - 4)
		return mask;
	__builtin_memcpy(&pb->buf[k], &saved, 4);
	return mask;
}

static __always_inline __u32 open_access(__u64 flags, __u32 mode)
{
	__u32 acc = 0, am = flags & O_ACCMODE;

	if (flags & O_PATH)
		return VG_FACC_READ;
	if (am == 0 || am == O_RDWR)
		acc |= VG_FACC_READ;
	if (am == O_WRONLY || am == O_RDWR)
		acc |= VG_FACC_WRITE;
	if (flags & O_CREAT) {
		acc |= VG_FACC_CREATE;
		if (mode & EXEC_BITS)
			acc |= VG_FACC_EXECMODE;
	}
	if (flags & O_TRUNC)
		acc |= VG_FACC_TRUNCATE;
	return acc;
}

static __always_inline __u16 file_type_of(__u8 fsc)
{
	switch (fsc) {
	case VG_FSC_UNLINK: case VG_FSC_UNLINKAT: case VG_FSC_RMDIR:
		return VG_EV_FILE_UNLINK;
	case VG_FSC_RENAME: case VG_FSC_RENAMEAT: case VG_FSC_RENAMEAT2:
		return VG_EV_FILE_RENAME;
	case VG_FSC_CHMOD: case VG_FSC_FCHMOD: case VG_FSC_FCHMODAT: case VG_FSC_FCHMODAT2:
		return VG_EV_FILE_CHMOD;
	case VG_FSC_CHOWN: case VG_FSC_FCHOWN: case VG_FSC_LCHOWN: case VG_FSC_FCHOWNAT:
		return VG_EV_FILE_CHOWN;
	case VG_FSC_TRUNCATE: case VG_FSC_FTRUNCATE:
		return VG_EV_FILE_TRUNCATE;
	case VG_FSC_LINK: case VG_FSC_LINKAT:
		return VG_EV_FILE_LINK;
	case VG_FSC_SYMLINK: case VG_FSC_SYMLINKAT:
		return VG_EV_FILE_SYMLINK;
	case VG_FSC_MKNOD: case VG_FSC_MKNODAT:
		return VG_EV_FILE_MKNOD;
	case VG_FSC_UTIME: case VG_FSC_UTIMES: case VG_FSC_FUTIMESAT: case VG_FSC_UTIMENSAT:
		return VG_EV_FILE_UTIMES;
	case VG_FSC_MOUNT:
		return VG_EV_FILE_MOUNT;
	case VG_FSC_UMOUNT2:
		return VG_EV_FILE_UMOUNT;
	case VG_FSC_MEMFD_CREATE:
		return VG_EV_FILE_MEMFD;
	default:
		return VG_EV_FILE_OPEN;
	}
}

/* Starts the record in the record buffer of scratch slot @slot. */
static __always_inline struct vg_file *rec_begin(struct vg_tail *t, struct task_struct *task,
						 __u8 fsc, long ret, int slot)
{
	struct vg_file *e = vg_tail_begin(t, slot, sizeof(*e));

	if (!e)
		return NULL;
	vg_fill_hdr(&e->hdr, file_type_of(fsc), task);
	e->ret = ret;
	e->flags = 0;
	e->size = 0;
	e->mode = 0;
	e->uid = (__u32)-1;
	e->gid = (__u32)-1;
	e->access = 0;
	e->fflags = 0;
	e->dirfd = VG_FILE_AT_FDCWD;
	e->syscall = fsc;
	e->pad0 = 0;
	e->pad1 = 0;
	e->path.off = e->path.len = 0;
	e->target.off = e->target.len = 0;
	e->requested.off = e->requested.len = 0;
	e->extra.off = e->extra.len = 0;
	return e;
}

/* Copies a path from the slot's path buffer into the record; returns fflags to add. */
static __always_inline __u32 put_fpath(struct vg_tail *t, struct vg_str *s,
				       const struct fpath *p)
{
	struct vg_path_buf *pb = path_buf(p->slot);

	s->off = t->off;
	s->len = 0;
	if (!pb || (p->fflags & VG_FILE_PATH_FAULT))
		return 0;
	if (vg_tail_put_bytes(t, s, &pb->buf[p->start & VG_BUF_MASK], p->len) > 0)
		return VG_FILE_PATH_TRUNC;
	return 0;
}

static __always_inline void put_ustr(struct vg_tail *t, struct vg_str *s, __u64 ustr,
				     struct vg_file *e, __u32 trunc_flag)
{
	if (vg_tail_put_str(t, s, (const void *)ustr, VG_MAX_PATH_BYTES, true) > 0)
		e->fflags |= trunc_flag;
}

/* What one call did, decoded from its registers. */
struct opargs {
	__u64 task;		/* struct task_struct * */
	__u64 file;		/* opens that succeeded: the struct file at fd[ret] */
	__u64 ustr;		/* caller's path string */
	__u64 ustr2;		/* second string: rename new, link old, symlink content, mount source */
	__u64 ustr3;		/* mount fstype */
	__u64 flags;
	__u64 size;
	__s64 ret;
	__s64 fd;		/* dirfd or fd of the object */
	__s64 fd2;		/* dirfd of the second path */
	__s32 slot;		/* scratch slot, claimed by file_emit_* */
	__u32 mode, uid, gid, acc;
	__u8 fsc;
	__u8 by_fd;		/* the object is fd itself */
	__u8 two;		/* two joined paths: either may match */
	__u8 raw_target;	/* ustr2 is reported as given */
};

/* ---- opens: the path of the file the kernel installed at fd[ret] ---- */

/*
 * Remembers that the watch set rejects this dentry. Not inlined: the value
 * lives in its own frame, not in file_emit_open's, whose callees (path walk)
 * need the stack.
 */
static __noinline void reject_note(const struct reject_key *key, const struct dentry_id *id,
				   __u64 gen, __u32 mask)
{
	struct reject_val nv = {};

	nv.gen = gen;
	nv.parent = id->parent;
	nv.hash_len = id->hash_len;
	nv.inode = id->inode;
	nv.mask = mask;
	bpf_map_update_elem(&reject_cache, key, &nv, BPF_ANY);
}

__noinline int file_emit_open(struct opargs *o)
{
	struct task_struct *task;
	struct vg_file *e;
	struct vg_tail t;
	struct fpath p = {};
	struct file *f = NULL;
	struct dentry_id id = {};
	struct reject_key key = {};
	__u64 gen = file_cache_gen;
	int rc = -1;

	if (!o)
		return 0;
	task = (struct task_struct *)o->task;
	if (o->ret >= 0) {
		struct reject_val *rv;
		struct path fp;

		f = (struct file *)o->file;
		if (!f || bpf_probe_read_kernel(&fp, sizeof(fp), &f->f_path) < 0 ||
		    dentry_id_read(fp.dentry, &id) < 0) {
			vg_count(VG_CNT_READ_FAIL);
			vg_count(VG_CNT_FILTERED);
			return 0;
		}
		key.dentry = (__u64)fp.dentry;
		key.mnt = (__u64)fp.mnt;
		/* Cheap first check, before any slot: this very dentry was rejected before. */
		rv = bpf_map_lookup_elem(&reject_cache, &key);
		if (rv && rv->gen == gen && rv->parent == id.parent &&
		    rv->hash_len == id.hash_len && rv->inode == id.inode &&
		    !(rv->mask & o->acc)) {
			vg_count(VG_CNT_FILTERED);
			return 0;
		}
	}
	if (vg_drop_if_unwanted(file_type_of(o->fsc)))
		return 0;
	/* From here on every return goes through out: (slot release). */
	p.slot = vg_scratch_claim();
	if (p.slot < 0)
		return 0;
	if (o->ret >= 0) {
		__u32 mask;

		rc = file_resolve((__u64)f, &p);
		if (rc != 0) {
			vg_count(VG_CNT_FILTERED);
			goto out;
		}
		mask = file_watch_mask(&p);
		if (!(mask & o->acc)) {
			if (!(p.fflags & (VG_FILE_PATH_TRUNC | VG_FILE_PATH_FAULT)))
				reject_note(&key, &id, gen, mask);
			vg_count(VG_CNT_FILTERED);
			goto out;
		}
	} else {
		if (o->ustr && o->fsc != VG_FSC_MEMFD_CREATE)
			rc = file_join(o->task, o->fd, o->ustr, &p);
		if (rc != 0) {
			/* No path to match (failed memfd/open_by_handle, empty name). */
			vg_count(VG_CNT_FILTERED);
			goto out;
		}
		if (!(file_watch_mask(&p) & o->acc)) {
			vg_count(VG_CNT_FILTERED);
			goto out;
		}
	}
	e = rec_begin(&t, task, o->fsc, o->ret, p.slot);
	if (!e)
		goto out;
	e->flags = o->flags;
	e->mode = o->mode;
	e->access = o->acc;
	e->dirfd = o->fd;
	e->fflags = p.fflags;
	e->fflags |= put_fpath(&t, &e->path, &p);
	if (o->ustr)
		put_ustr(&t, &e->requested, o->ustr, e, VG_FILE_REQ_TRUNC);
	vg_submit(NULL, &t);
out:
	vg_scratch_release(p.slot);
	return 0;
}

static __always_inline void decode_open(struct opargs *o, const struct fargs *a)
{
	switch (o->fsc) {
	case VG_FSC_OPEN:
		o->ustr = a->a[0], o->flags = a->a[1], o->mode = a->a[2];
		break;
	case VG_FSC_OPENAT:
		o->fd = (int)a->a[0], o->ustr = a->a[1], o->flags = a->a[2], o->mode = a->a[3];
		break;
	case VG_FSC_OPENAT2: {
		struct open_how how = {};

		o->fd = (int)a->a[0], o->ustr = a->a[1];
		if (bpf_probe_read_user(&how, sizeof(how), (void *)a->a[2]) < 0)
			vg_count(VG_CNT_READ_FAIL);
		o->flags = how.flags, o->mode = how.mode;
		break;
	}
	case VG_FSC_CREAT:
		o->ustr = a->a[0], o->mode = a->a[1], o->flags = O_CREAT | O_WRONLY | O_TRUNC;
		break;
	case VG_FSC_OPEN_BY_HANDLE_AT:
		o->fd = (int)a->a[0], o->flags = a->a[2];
		break;
	case VG_FSC_MEMFD_CREATE:
		o->ustr = a->a[0], o->flags = a->a[1];
		o->acc = VG_FACC_MEMFD;
		return;
	}
	o->acc = open_access(o->flags, o->mode);
}

/* ---- operations by name or by fd ---- */

__noinline int file_emit_op(struct opargs *o)
{
	struct task_struct *task;
	struct vg_file *e;
	struct vg_tail t;
	struct fpath p = {}, q = {};
	__u32 mask, fl;
	int rc;

	if (!o)
		return 0;
	task = (struct task_struct *)o->task;
	if (vg_drop_if_unwanted(file_type_of(o->fsc)))
		return 0;
	/* From here on every return goes through out: (slot release). */
	p.slot = vg_scratch_claim();
	if (p.slot < 0)
		return 0;
	q.slot = p.slot;
	if (o->by_fd) {
		rc = file_resolve((__u64)fd_file(task, o->fd), &p);
	} else {
		rc = file_join(o->task, o->fd, o->ustr, &p);
		/* Empty name with AT_EMPTY_PATH: the dirfd itself. */
		if (rc == 1 && (o->flags & AT_EMPTY_PATH) && o->fd != VG_FILE_AT_FDCWD)
			rc = file_resolve((__u64)fd_file(task, o->fd), &p);
	}
	if (rc != 0 && !(p.fflags & VG_FILE_PATH_FAULT)) {
		vg_count(VG_CNT_FILTERED);
		goto out;
	}
	mask = file_watch_mask(&p);
	if (!o->two && !(mask & o->acc)) {
		vg_count(VG_CNT_FILTERED);
		goto out;
	}
	e = rec_begin(&t, task, o->fsc, o->ret, p.slot);
	if (!e)
		goto out;
	e->flags = o->flags;
	e->size = o->size;
	e->mode = o->mode;
	e->uid = o->uid;
	e->gid = o->gid;
	e->access = o->acc;
	e->dirfd = o->fd;
	fl = p.fflags;
	fl |= put_fpath(&t, &e->path, &p);
	e->fflags = fl;
	if (o->two) {
		/* The first path is in the record before the buffer is reused. */
		file_join(o->task, o->fd2, o->ustr2, &q);
		if (!(mask & o->acc) && !(file_watch_mask(&q) & o->acc)) {
			vg_count(VG_CNT_FILTERED);
			goto out;
		}
		fl = 0;
		if (q.fflags & VG_FILE_PATH_USER)
			fl |= VG_FILE_TARGET_USER;
		if (q.fflags & VG_FILE_PATH_TRUNC)
			fl |= VG_FILE_TARGET_TRUNC;
		if (q.fflags & VG_FILE_UNCHECKED)
			fl |= VG_FILE_UNCHECKED;
		if (q.fflags & VG_FILE_NORMALIZED)
			fl |= VG_FILE_NORMALIZED;
		if (put_fpath(&t, &e->target, &q))
			fl |= VG_FILE_TARGET_TRUNC;
		e->fflags |= fl;
	} else if (o->raw_target && o->ustr2) {
		e->fflags |= VG_FILE_TARGET_RAW;
		put_ustr(&t, &e->target, o->ustr2, e, VG_FILE_TARGET_TRUNC);
	}
	if (o->ustr3)
		put_ustr(&t, &e->requested, o->ustr3, e, VG_FILE_REQ_TRUNC);
	else if (o->ustr)
		put_ustr(&t, &e->requested, o->ustr, e, VG_FILE_REQ_TRUNC);
	vg_submit(NULL, &t);
out:
	vg_scratch_release(p.slot);
	return 0;
}

static __always_inline void decode_op(struct opargs *o, const struct fargs *a)
{
	switch (o->fsc) {
	case VG_FSC_UNLINK: case VG_FSC_RMDIR:
		o->ustr = a->a[0], o->acc = VG_FACC_DELETE;
		if (o->fsc == VG_FSC_RMDIR)
			o->flags = AT_REMOVEDIR;
		break;
	case VG_FSC_UNLINKAT:
		o->fd = (int)a->a[0], o->ustr = a->a[1], o->flags = (__u32)a->a[2];
		o->acc = VG_FACC_DELETE;
		break;
	case VG_FSC_RENAME:
		o->ustr = a->a[0], o->ustr2 = a->a[1], o->two = 1, o->acc = VG_FACC_RENAME;
		break;
	case VG_FSC_RENAMEAT: case VG_FSC_RENAMEAT2:
		o->fd = (int)a->a[0], o->ustr = a->a[1], o->fd2 = (int)a->a[2], o->ustr2 = a->a[3];
		o->two = 1, o->acc = VG_FACC_RENAME;
		if (o->fsc == VG_FSC_RENAMEAT2)
			o->flags = (__u32)a->a[4];
		break;
	case VG_FSC_CHMOD:
		o->ustr = a->a[0], o->mode = a->a[1], o->acc = VG_FACC_ATTR;
		break;
	case VG_FSC_FCHMOD:
		o->fd = (int)a->a[0], o->by_fd = 1, o->mode = a->a[1], o->acc = VG_FACC_ATTR;
		break;
	case VG_FSC_FCHMODAT: case VG_FSC_FCHMODAT2:
		o->fd = (int)a->a[0], o->ustr = a->a[1], o->mode = a->a[2], o->acc = VG_FACC_ATTR;
		if (o->fsc == VG_FSC_FCHMODAT2)
			o->flags = (__u32)a->a[3];
		break;
	case VG_FSC_CHOWN: case VG_FSC_LCHOWN:
		o->ustr = a->a[0], o->uid = a->a[1], o->gid = a->a[2], o->acc = VG_FACC_ATTR;
		break;
	case VG_FSC_FCHOWN:
		o->fd = (int)a->a[0], o->by_fd = 1, o->uid = a->a[1], o->gid = a->a[2];
		o->acc = VG_FACC_ATTR;
		break;
	case VG_FSC_FCHOWNAT:
		o->fd = (int)a->a[0], o->ustr = a->a[1], o->uid = a->a[2], o->gid = a->a[3];
		o->flags = (__u32)a->a[4], o->acc = VG_FACC_ATTR;
		break;
	case VG_FSC_TRUNCATE:
		o->ustr = a->a[0], o->size = a->a[1], o->acc = VG_FACC_TRUNCATE;
		break;
	case VG_FSC_FTRUNCATE:
		o->fd = (int)a->a[0], o->by_fd = 1, o->size = a->a[1], o->acc = VG_FACC_TRUNCATE;
		break;
	case VG_FSC_LINK:	/* path: the new name; target: the existing file */
		o->ustr2 = a->a[0], o->ustr = a->a[1], o->two = 1;
		o->acc = VG_FACC_CREATE | VG_FACC_RENAME;
		break;
	case VG_FSC_LINKAT:
		o->fd2 = (int)a->a[0], o->ustr2 = a->a[1], o->fd = (int)a->a[2], o->ustr = a->a[3];
		o->flags = (__u32)a->a[4], o->two = 1;
		o->acc = VG_FACC_CREATE | VG_FACC_RENAME;
		break;
	case VG_FSC_SYMLINK:	/* path: the link; target: its content as given */
		o->ustr2 = a->a[0], o->ustr = a->a[1], o->raw_target = 1, o->acc = VG_FACC_CREATE;
		break;
	case VG_FSC_SYMLINKAT:
		o->ustr2 = a->a[0], o->fd = (int)a->a[1], o->ustr = a->a[2], o->raw_target = 1;
		o->acc = VG_FACC_CREATE;
		break;
	case VG_FSC_MKNOD:
		o->ustr = a->a[0], o->mode = a->a[1], o->size = (__u32)a->a[2];
		o->acc = VG_FACC_CREATE;
		break;
	case VG_FSC_MKNODAT:
		o->fd = (int)a->a[0], o->ustr = a->a[1], o->mode = a->a[2], o->size = (__u32)a->a[3];
		o->acc = VG_FACC_CREATE;
		break;
	case VG_FSC_UTIME: case VG_FSC_UTIMES:
		o->ustr = a->a[0], o->acc = VG_FACC_ATTR;
		break;
	case VG_FSC_FUTIMESAT:
		o->fd = (int)a->a[0], o->ustr = a->a[1], o->acc = VG_FACC_ATTR;
		break;
	case VG_FSC_UTIMENSAT:
		o->fd = (int)a->a[0], o->ustr = a->a[1], o->flags = (__u32)a->a[3];
		o->acc = VG_FACC_ATTR;
		if (!o->ustr)
			o->by_fd = 1;	/* futimens() */
		break;
	case VG_FSC_MOUNT:	/* path: mount point; target: source; requested: fstype */
		o->ustr = a->a[1], o->ustr2 = a->a[0], o->ustr3 = a->a[2], o->flags = a->a[3];
		o->raw_target = 1, o->acc = VG_FACC_MOUNT;
		break;
	case VG_FSC_UMOUNT2:
		o->ustr = a->a[0], o->flags = (__u32)a->a[1], o->acc = VG_FACC_MOUNT;
		break;
	}
	if ((o->fsc == VG_FSC_CHMOD || o->fsc == VG_FSC_FCHMOD || o->fsc == VG_FSC_FCHMODAT ||
	     o->fsc == VG_FSC_FCHMODAT2) && (o->mode & EXEC_BITS))
		o->acc |= VG_FACC_EXECMODE;
}
/*
 * The syscall's arguments from its saved user registers, one read each: a
 * copy of the whole struct pt_regs (168 bytes) on this frame left too
 * little stack for the emit functions' frames (over 512 combined).
 */
static __always_inline int read_args(struct pt_regs *regs, struct fargs *a)
{
	long err = 0;

	err |= bpf_probe_read_kernel(&a->a[0], sizeof(a->a[0]), &PT_REGS_PARM1_SYSCALL(regs));
	err |= bpf_probe_read_kernel(&a->a[1], sizeof(a->a[1]), &PT_REGS_PARM2_SYSCALL(regs));
	err |= bpf_probe_read_kernel(&a->a[2], sizeof(a->a[2]), &PT_REGS_PARM3_SYSCALL(regs));
	err |= bpf_probe_read_kernel(&a->a[3], sizeof(a->a[3]), &PT_REGS_PARM4_SYSCALL(regs));
	err |= bpf_probe_read_kernel(&a->a[4], sizeof(a->a[4]), &PT_REGS_PARM5_SYSCALL(regs));
	return err ? -1 : 0;
}

static __always_inline bool is_open_family(__u8 fsc)
{
	return fsc == VG_FSC_OPEN || fsc == VG_FSC_OPENAT || fsc == VG_FSC_OPENAT2 ||
	       fsc == VG_FSC_CREAT || fsc == VG_FSC_OPEN_BY_HANDLE_AT ||
	       fsc == VG_FSC_MEMFD_CREATE;
}

/*
 * The common body. @btf: @regs is a trusted BTF pointer (tp_btf), so the
 * registers and the task's fd table are read with plain loads instead of
 * helper calls.
 */
static __always_inline int handle_exit(struct pt_regs *regs, long nr, long ret, bool btf)
{
	struct task_struct *task;
	struct opargs o = {};
	struct fargs a;
	__u8 fsc;

	if ((unsigned long)nr >= VG_NR_TABLE)
		return 0;
	fsc = nr_fsc[nr];
	if (!fsc)
		return 0;
	/* Paths moved: cached rejections are stale. */
	if (ret == 0 && (fsc == FSC_GEN_ONLY || fsc == VG_FSC_RENAME || fsc == VG_FSC_RENAMEAT ||
			 fsc == VG_FSC_RENAMEAT2 || fsc == VG_FSC_MOUNT || fsc == VG_FSC_UMOUNT2))
		__sync_fetch_and_add(&file_cache_gen, 1);
	if (fsc == FSC_GEN_ONLY)
		return 0;
	task = (struct task_struct *)bpf_get_current_task();
	/* 32-bit syscalls use other numbers; like the syscall tracepoints, skip them. */
	if (btf) {
		if (bpf_get_current_task_btf()->thread_info.status & TS_COMPAT)
			return 0;
	} else if (BPF_CORE_READ(task, thread_info.status) & TS_COMPAT) {
		return 0;
	}
	if (file_opens_from_lsm && is_open_family(fsc) && fsc != VG_FSC_MEMFD_CREATE)
		return 0;
	if (vg_task_filtered_out(task)) {
		vg_count(VG_CNT_FILTERED);
		return 0;
	}
	if (btf) {
		a.a[0] = PT_REGS_PARM1_SYSCALL(regs);
		a.a[1] = PT_REGS_PARM2_SYSCALL(regs);
		a.a[2] = PT_REGS_PARM3_SYSCALL(regs);
		a.a[3] = PT_REGS_PARM4_SYSCALL(regs);
		a.a[4] = PT_REGS_PARM5_SYSCALL(regs);
	} else if (read_args(regs, &a) < 0) {
		vg_count(VG_CNT_READ_FAIL);
		return 0;
	}
	a.a[5] = 0;
	o.task = (__u64)task;
	o.fsc = fsc;
	o.ret = ret;
	o.fd = VG_FILE_AT_FDCWD;
	o.fd2 = VG_FILE_AT_FDCWD;
	o.uid = (__u32)-1;
	o.gid = (__u32)-1;
	if (is_open_family(fsc))
		decode_open(&o, &a);
	else
		decode_op(&o, &a);
	/* An access class nobody watches: dropped before any path work. */
	if (!(o.acc & file_any_mask)) {
		vg_count(VG_CNT_FILTERED);
		return 0;
	}
	if (!is_open_family(fsc))
		return file_emit_op(&o);
	if (ret >= 0) {
		if (btf) {
			struct fdtable *fdt = bpf_get_current_task_btf()->files->fdt;
			struct file *f = NULL;

			if (!fdt || ret >= fdt->max_fds ||
			    bpf_probe_read_kernel(&f, sizeof(f), &fdt->fd[ret]) < 0)
				f = NULL;
			o.file = (__u64)f;
		} else {
			o.file = (__u64)fd_file(task, ret);
		}
	}
	return file_emit_open(&o);
}

/* ---- variant: LSM file_open (opens, with the flags the kernel used) + sys_exit for the rest ---- */

SEC("lsm/file_open")
int BPF_PROG(lsm_file_open, struct file *file)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct vg_file *e;
	struct vg_tail t;
	struct fpath p = {};
	__u32 flags, acc;

	if (vg_task_filtered_out(task)) {
		vg_count(VG_CNT_FILTERED);
		return 0;
	}
	flags = BPF_CORE_READ(file, f_flags);
	acc = open_access(flags, 0);
	if (!(acc & file_any_mask)) {
		vg_count(VG_CNT_FILTERED);
		return 0;
	}
	if (vg_drop_if_unwanted(VG_EV_FILE_OPEN))
		return 0;
	p.slot = vg_scratch_claim();
	if (p.slot < 0)
		return 0;
	if (file_resolve((__u64)file, &p) < 0 || !(file_watch_mask(&p) & acc)) {
		vg_count(VG_CNT_FILTERED);
		goto out;
	}
	e = rec_begin(&t, task, VG_FSC_LSM_FILE_OPEN, 0, p.slot);
	if (!e)
		goto out;
	e->flags = flags;
	e->access = acc;
	e->fflags = p.fflags;
	e->fflags |= put_fpath(&t, &e->path, &p);
	vg_submit(ctx, &t);
out:
	vg_scratch_release(p.slot);
	return 0;
}

/* ---- variant: tp_btf sys_exit (typed registers) ---- */

SEC("tp_btf/sys_exit")
int BPF_PROG(tp_btf_sys_exit, struct pt_regs *regs, long ret)
{
	return handle_exit(regs, regs->orig_ax, ret, true);
}

/* ---- variant: raw_tracepoint sys_exit ---- */

SEC("raw_tracepoint/sys_exit")
int raw_tp_sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];

	return handle_exit(regs, BPF_CORE_READ(regs, orig_ax), ctx->args[1], false);
}
