/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The new image's environment, scanned at exec for the few variables that
 * change how a program runs or whether a shell keeps history. Variables are
 * read one at a time (bpf_probe_read_user_str gives each one's length, so
 * the next starts after it) into the tail's free space; only flags and
 * LD_PRELOAD's value stay in the record. Bounded by VG_ENV_SCAN_VARS reads
 * and VG_ENV_SCAN_BYTES bytes: what lies beyond is flagged VG_ENV_PARTIAL.
 */
#ifndef SENSOR_PROCESS_ENV_BPF_H
#define SENSOR_PROCESS_ENV_BPF_H

#define VG_ENV_SCAN_VARS	128
#define VG_ENV_SCAN_BYTES	8192
#define VG_ENV_CHUNK_BYTES	512	/* one variable read at a time, at most this long */

/* HISTFILE=, HISTFILE=/dev/null: the shell keeps no history. */
static __always_inline bool env_histfile_off(const __u8 *v)
{
	return v[0] == '\0' || VG_BYTES_ARE(v, "/dev/nul", "l\0");
}

/*
 * Flags the variable in @buf (@n bytes read, its NUL included). Returns 1
 * when it is the first LD_PRELOAD with a value: the caller keeps that.
 */
static __always_inline int env_note(struct vg_exec *e, const __u8 *buf)
{
	if (buf[0] == 'L' && buf[1] == 'D' && buf[2] == '_') {
		if (VG_BYTES_ARE(buf, "LD_PRELO", "AD=") && buf[11] && !(e->env_flags & VG_ENV_LD_PRELOAD)) {
			e->env_flags |= VG_ENV_LD_PRELOAD;
			return 1;
		}
		if (VG_BYTES_ARE(buf, "LD_LIBRA", "RY_PATH=") && buf[16])
			e->env_flags |= VG_ENV_LD_LIBRARY_PATH;
		else if (VG_BYTES_ARE(buf, "LD_AUDIT", "=") && buf[9])
			e->env_flags |= VG_ENV_LD_AUDIT;
	} else if (buf[0] == 'H' && buf[1] == 'I' && buf[2] == 'S' && buf[3] == 'T') {
		if (VG_BYTES_ARE(buf, "HISTFILE", "=") && env_histfile_off(buf + 9))
			e->env_flags |= VG_ENV_HISTFILE_OFF;
		else if (VG_BYTES_ARE(buf, "HISTSIZE", "=0\0"))	/* its NUL included: exactly 0 */
			e->env_flags |= VG_ENV_HISTSIZE_ZERO;
		else if (VG_BYTES_ARE(buf, "HISTFILE", "SIZE=0\0"))
			e->env_flags |= VG_ENV_HISTSIZE_ZERO;
	}
	return 0;
}

struct env_scan {
	struct vg_exec *e;
	__u8 *buf;		/* VG_ENV_CHUNK_BYTES of the tail's free space */
	unsigned long addr, end;
	unsigned long preload;	/* user address of LD_PRELOAD's value, 0: none */
	bool cont;		/* the next read continues a variable longer than a chunk */
	bool fault;
};

/* One variable per step; bpf_loop keeps the verifier's work independent of the bound. */
static long env_step(__u32 i, void *ctx)
{
	struct env_scan *s = ctx;
	long n;

	(void)i;
	if (s->addr >= s->end)
		return 1;
	n = bpf_probe_read_user_str(s->buf, VG_ENV_CHUNK_BYTES, (void *)s->addr);
	if (n <= 0) {
		s->fault = true;
		return 1;
	}
	if (!s->cont && env_note(s->e, s->buf))
		s->preload = s->addr + 11;
	/* A full chunk may have been cut: its last byte is the helper's NUL. */
	s->cont = n >= VG_ENV_CHUNK_BYTES;
	s->addr += s->cont ? n - 1 : n;
	return 0;
}

struct env_chunk {
	__u8 b[VG_ENV_CHUNK_BYTES];
};

/*
 * The scan from @start to @env_end, reading into @buf. A global function:
 * the verifier checks it once, on its own, and the exec program goes on
 * with one unknown result instead of once per state the loop can end in
 * (that multiplication was most of the sensor's load time).
 */
__noinline unsigned long env_scan_all(struct vg_exec *e, struct env_chunk *buf,
				      unsigned long start, unsigned long env_end)
{
	struct env_scan s = { .e = e, .addr = start, .end = env_end };

	if (!e || !buf)
		return 0;
	s.buf = buf->b;
	if (s.end - s.addr > VG_ENV_SCAN_BYTES)
		s.end = s.addr + VG_ENV_SCAN_BYTES;
	bpf_loop(VG_ENV_SCAN_VARS, env_step, &s, 0);
	if (s.fault)
		vg_count(VG_CNT_READ_FAIL);
	if (s.addr < env_end)
		e->env_flags |= VG_ENV_PARTIAL;
	return s.preload;
}

/*
 * Reads each variable into the tail's free space without moving the tail.
 * Returns the user address of LD_PRELOAD's value (0: none), which
 * exec_put_preload() copies once the record's other strings are in.
 */
static __always_inline unsigned long exec_scan_env(struct vg_tail *t, struct vg_exec *e,
						   struct task_struct *task)
{
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	unsigned long start = BPF_CORE_READ(mm, env_start), end = BPF_CORE_READ(mm, env_end);

	if (end <= start || vg_tail_room(t) < VG_ENV_CHUNK_BYTES)
		return 0;
	return env_scan_all(e, (struct env_chunk *)vg_tail_ptr(t), start, end);
}

static __always_inline void exec_put_preload(struct vg_tail *t, struct vg_exec *e,
					     unsigned long preload)
{
	int cut;

	e->ld_preload.off = t->off;
	e->ld_preload.len = 0;
	if (!preload)
		return;
	cut = vg_tail_put_str(t, &e->ld_preload, (void *)preload, VG_ENV_CHUNK_BYTES - 11, true);
	if (cut > 0)
		e->env_flags |= VG_ENV_PRELOAD_TRUNC;
}

#endif
