// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "event/capture.h"
#include "lib/timefmt.h"

static const unsigned char zeros[8];

static size_t pad8(size_t len)
{
	return (8 - (len & 7)) & 7;
}

void vg_capture_header_init(struct vg_capture_header *h, const bool *print_type, uint64_t tick_ns)
{
	const struct vg_host *host = vg_host_get();
	int t;

	memset(h, 0, sizeof(*h));
	memcpy(h->magic, VG_CAPTURE_MAGIC, sizeof(h->magic));
	h->version = VG_CAPTURE_VERSION;
	h->abi = VG_ABI_VERSION;
	h->boot_offset_ns = vg_boot_clock_offset_ns();
	h->tick_ns = tick_ns;
	for (t = 0; t < VG_EV_TYPE_MAX; t++)
		if (print_type[t])
			h->print_types[t / 8] |= 1u << (t % 8);
	snprintf(h->host_name, sizeof(h->host_name), "%s", host->name);
	snprintf(h->host_id, sizeof(h->host_id), "%s", host->id);
	snprintf(h->os_type, sizeof(h->os_type), "%s", host->os_type);
	snprintf(h->os_version, sizeof(h->os_version), "%s", host->os_version);
	snprintf(h->os_name, sizeof(h->os_name), "%s", host->os_name);
}

int vg_capture_write_header(FILE *f, const struct vg_capture_header *h)
{
	return fwrite(h, sizeof(*h), 1, f) == 1 ? 0 : -EIO;
}

int vg_capture_write_frame(FILE *f, uint32_t kind, const void *data, size_t len)
{
	struct vg_capture_frame fr = { .kind = kind, .len = (uint32_t)len };

	if (len > VG_CAPTURE_MAX_FRAME)
		return -EINVAL;
	/* One thread writes a capture: stdio's lock per call was a sixth of the agent's time. */
	if (fwrite_unlocked(&fr, sizeof(fr), 1, f) != 1 ||
	    (len && fwrite_unlocked(data, len, 1, f) != 1) ||
	    (pad8(len) && fwrite_unlocked(zeros, pad8(len), 1, f) != 1))
		return -EIO;
	return 0;
}

int vg_capture_write_proc(FILE *f, const struct vg_proc *p)
{
	struct vg_capture_proc c = {
		.tgid = p->tgid, .ppid = p->ppid,
		.start_ns = p->start_ns, .parent_start_ns = p->parent_start_ns,
		.exit_ns = p->exit_ns,
		.uid = p->uid, .euid = p->euid, .gid = p->gid, .egid = p->egid,
		.seeded = p->seeded, .coarse = p->seed_tick_ns != 0,
		.args_truncated = p->args_truncated,
	};
	size_t exe_len = p->exe ? strnlen(p->exe, VG_CAPTURE_MAX_EXE) : 0;
	size_t args_len = p->args ? p->args_len : 0;
	struct vg_capture_frame fr = { .kind = VG_CAP_PROC };
	size_t len;

	if (args_len > VG_CAPTURE_MAX_ARGS) {
		args_len = VG_CAPTURE_MAX_ARGS;
		c.args_truncated = 1;
	}
	memcpy(c.comm, p->comm, sizeof(c.comm));
	c.exe_len = exe_len;
	c.args_len = args_len;
	len = sizeof(c) + exe_len + args_len;
	fr.len = len;
	if (fwrite(&fr, sizeof(fr), 1, f) != 1 || fwrite(&c, sizeof(c), 1, f) != 1 ||
	    (exe_len && fwrite(p->exe, exe_len, 1, f) != 1) ||
	    (args_len && fwrite(p->args, args_len, 1, f) != 1) ||
	    (pad8(len) && fwrite(zeros, pad8(len), 1, f) != 1))
		return -EIO;
	return 0;
}

static int fail(struct vg_capture_reader *r, uint64_t off, const char *fmt, ...)
{
	int n = snprintf(r->err, sizeof(r->err), "%s: offset %" PRIu64 ": ", r->name, off);
	va_list ap;

	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(r->err))
		vsnprintf(r->err + n, sizeof(r->err) - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Exactly @len bytes, or a short count: 1, 0 at EOF before any byte, -1 cut short. */
static int read_exact(struct vg_capture_reader *r, void *dst, size_t len)
{
	size_t got = fread(dst, 1, len, r->f);

	r->off += got;
	if (got == len)
		return 1;
	return got == 0 && feof(r->f) ? 0 : -1;
}

int vg_capture_open(struct vg_capture_reader *r, FILE *f, const char *name)
{
	int got;

	memset(r, 0, sizeof(*r));
	r->f = f;
	r->name = name;
	got = read_exact(r, &r->hdr, sizeof(r->hdr));
	if (got <= 0)
		return ferror(f) ? fail(r, r->off, "read error")
				 : fail(r, r->off, "not a vigil capture: shorter than its header");
	if (memcmp(r->hdr.magic, VG_CAPTURE_MAGIC, sizeof(r->hdr.magic)))
		return fail(r, 0, "not a vigil capture (no %s magic)", VG_CAPTURE_MAGIC);
	if (r->hdr.version != VG_CAPTURE_VERSION)
		return fail(r, offsetof(struct vg_capture_header, version),
			    "capture format version %" PRIu32 ", this vigil reads %d", r->hdr.version,
			    VG_CAPTURE_VERSION);
	if (r->hdr.abi != VG_ABI_VERSION)
		return fail(r, offsetof(struct vg_capture_header, abi),
			    "records of ABI version %" PRIu32 ", this vigil reads %d", r->hdr.abi,
			    VG_ABI_VERSION);
	if (!r->hdr.tick_ns || r->hdr.tick_ns > 1000000000ULL)
		return fail(r, offsetof(struct vg_capture_header, tick_ns),
			    "a /proc clock tick of %" PRIu64 " ns", r->hdr.tick_ns);
	r->buf = malloc(VG_CAPTURE_MAX_FRAME);
	if (!r->buf)
		return fail(r, r->off, "out of memory");
	return 0;
}

int vg_capture_next(struct vg_capture_reader *r, uint32_t *kind, const void **data, size_t *len)
{
	struct vg_capture_frame fr;
	unsigned char pad[8];
	uint64_t at = r->off;
	int got = read_exact(r, &fr, sizeof(fr));

	if (got == 0)
		return ferror(r->f) ? fail(r, at, "read error") : 0;
	if (got < 0)
		return fail(r, at, "frame head cut short (%" PRIu64 " of %zu bytes)", r->off - at,
			    sizeof(fr));
	if (fr.kind != VG_CAP_RECORD && fr.kind != VG_CAP_PROC)
		return fail(r, at, "unknown frame kind %" PRIu32, fr.kind);
	if (fr.len > (fr.kind == VG_CAP_RECORD ? VG_MAX_RECORD_BYTES : VG_CAPTURE_MAX_FRAME))
		return fail(r, at, "frame of %" PRIu32 " bytes: larger than any writer makes",
			    fr.len);
	if (read_exact(r, r->buf, fr.len) != 1 && fr.len)
		return fail(r, at, "frame of %" PRIu32 " bytes cut short", fr.len);
	if (pad8(fr.len) && read_exact(r, pad, pad8(fr.len)) != 1)
		return fail(r, at, "frame padding cut short");
	*kind = fr.kind;
	*data = r->buf;
	*len = fr.len;
	return 1;
}

void vg_capture_close(struct vg_capture_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

int vg_capture_proc_parse(const void *data, size_t len, struct vg_capture_proc_view *out)
{
	const char *bytes = data;

	if (len < sizeof(out->p))
		return -EINVAL;
	memcpy(&out->p, data, sizeof(out->p));
	if (out->p.exe_len > VG_CAPTURE_MAX_EXE || out->p.args_len > VG_CAPTURE_MAX_ARGS ||
	    sizeof(out->p) + out->p.exe_len + out->p.args_len != len)
		return -EINVAL;
	out->exe = bytes + sizeof(out->p);
	out->args = out->exe + out->p.exe_len;
	return 0;
}

struct vg_proc *vg_capture_proc_restore(struct vg_proc_cache *c,
					const struct vg_capture_proc_view *v)
{
	struct vg_proc from, *p;
	char *exe = strndup(v->exe, v->p.exe_len);

	if (!exe)
		return NULL;
	memset(&from, 0, sizeof(from));
	from.tgid = v->p.tgid;
	from.ppid = v->p.ppid;
	from.start_ns = v->p.start_ns;
	from.parent_start_ns = v->p.parent_start_ns;
	from.exit_ns = v->p.exit_ns;
	from.uid = v->p.uid;
	from.euid = v->p.euid;
	from.gid = v->p.gid;
	from.egid = v->p.egid;
	from.seeded = v->p.seeded;
	from.seed_tick_ns = v->p.coarse ? v->p.start_ns : 0;
	memcpy(from.comm, v->p.comm, sizeof(from.comm));
	from.exe = v->p.exe_len ? exe : NULL;
	from.args = v->p.args_len ? (char *)v->args : NULL;
	from.args_len = v->p.args_len;
	from.args_truncated = v->p.args_truncated;
	p = vg_proc_cache_restore(c, &from);
	free(exe);
	return p;
}
