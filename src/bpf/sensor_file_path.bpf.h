/* SPDX-License-Identifier: GPL-2.0 */
/*
 * File sensor, paths: the one absolute path a call names, written into the
 * path buffer of the caller's scratch slot. The kernel's own path of a
 * struct file (fd[ret], an fd argument), or the caller's string joined to
 * the kernel path of its dirfd or cwd and, when it has ".", ".." or "//"
 * components, normalized in place (state in norm_scratch).
 *
 * Part of sensor_file.bpf.c, included once after its maps and types: a
 * piece of that one CO-RE object, not a shared header.
 */
#ifndef SENSOR_FILE_PATH_BPF_H
#define SENSOR_FILE_PATH_BPF_H

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
	struct vg_path_buf *pb = vg_path_buf(slot);
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
	pb = vg_path_buf(slot);
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
	pb = vg_path_buf(p->slot);
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
		f = vg_task_fd_file(task, dirfd);
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

#endif /* SENSOR_FILE_PATH_BPF_H */
