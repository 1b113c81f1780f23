/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Capture files (`vigil trace … --capture FILE`, read back by `vigil trace
 * read FILE`): the records as the kernel sent them, so that an agent can
 * keep up with rates it could never format (JSON costs the agent about
 * 3 µs per event; a copy costs well under one). Formatting happens later,
 * by the same code, with what the live trace would have known:
 *
 *   header                 magic, versions, the clock offset, the host,
 *                          which record types the trace printed
 *   frame*                 { u32 kind, u32 len } + len bytes, padded to 8
 *     VG_CAP_PROC          one process the agent knew at the start
 *                          (struct vg_capture_proc + exe + args)
 *     VG_CAP_RECORD        one ring-buffer record, byte for byte
 *
 * Host byte order: a capture is read where it was taken, or on a host of
 * the same kind. A reader trusts nothing in it: every length is checked
 * before use and a record is validated like a ring-buffer one.
 */
#ifndef VIGIL_CAPTURE_H
#define VIGIL_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "bpf/vigil_abi.h"
#include "event/proc_cache.h"
#include "lib/host.h"

#define VG_CAPTURE_MAGIC "VIGILCAP"
#define VG_CAPTURE_VERSION 1
/* A process frame's exe and args are bounded like the cache's own copies. */
#define VG_CAPTURE_MAX_EXE 4096
#define VG_CAPTURE_MAX_ARGS 65536
#define VG_CAPTURE_MAX_FRAME (sizeof(struct vg_capture_proc) + VG_CAPTURE_MAX_EXE + \
			      VG_CAPTURE_MAX_ARGS)

enum vg_capture_kind {
	VG_CAP_RECORD = 1,
	VG_CAP_PROC = 2,
};

struct vg_capture_header {
	char magic[8];			/* VG_CAPTURE_MAGIC, no NUL */
	uint32_t version;		/* VG_CAPTURE_VERSION */
	uint32_t abi;			/* VG_ABI_VERSION of the records */
	int64_t boot_offset_ns;		/* CLOCK_REALTIME - CLOCK_BOOTTIME at the start */
	uint64_t tick_ns;		/* the /proc clock tick of seeded start times */
	uint8_t print_types[VG_EV_TYPE_MAX / 8];	/* bit t: record type t is printed */
	char host_name[256];
	char host_id[64];
	char os_type[16];
	char os_version[128];
	char os_name[128];
};

struct vg_capture_frame {
	uint32_t kind;			/* enum vg_capture_kind */
	uint32_t len;			/* bytes after this head, before the padding */
};

struct vg_capture_proc {
	uint32_t tgid, ppid;
	uint64_t start_ns, parent_start_ns, exit_ns;
	uint32_t uid, euid, gid, egid;
	char comm[VG_COMM_LEN];
	uint32_t exe_len, args_len;	/* the bytes that follow, in this order */
	uint8_t seeded, coarse, args_truncated, pad[5];
};

/* ---- writing ---- */

/* A header for this host and clock; @print_type: VG_EV_TYPE_MAX flags. */
void vg_capture_header_init(struct vg_capture_header *h, const bool *print_type, uint64_t tick_ns);
int vg_capture_write_header(FILE *f, const struct vg_capture_header *h);
/* One frame; 0 or -EIO. */
int vg_capture_write_frame(FILE *f, uint32_t kind, const void *data, size_t len);
/* One process as a VG_CAP_PROC frame (exe and args cut to the limits). */
int vg_capture_write_proc(FILE *f, const struct vg_proc *p);

/* ---- reading ---- */

struct vg_capture_reader {
	FILE *f;
	const char *name;		/* for errors: "NAME: offset N: ..." */
	uint64_t off;			/* bytes read so far */
	struct vg_capture_header hdr;
	unsigned char *buf;		/* VG_CAPTURE_MAX_FRAME bytes */
	char err[512];			/* the last error, one line */
};

/* Reads and checks the header. 0, or <0 with r->err set. */
int vg_capture_open(struct vg_capture_reader *r, FILE *f, const char *name);
/*
 * The next frame: 1 with *@kind, *@data (valid until the next call) and
 * *@len; 0 at a clean end; <0 with r->err set (a frame cut short, or a
 * length no writer makes: nothing after it can be trusted).
 */
int vg_capture_next(struct vg_capture_reader *r, uint32_t *kind, const void **data, size_t *len);
void vg_capture_close(struct vg_capture_reader *r);

/* A VG_CAP_PROC frame's fields, its strings pointing into @data. */
struct vg_capture_proc_view {
	struct vg_capture_proc p;
	const char *exe, *args;
};

/* 0, or -EINVAL when its lengths do not add up to @len. */
int vg_capture_proc_parse(const void *data, size_t len, struct vg_capture_proc_view *out);
/* @v into cache @c (vg_proc_cache_restore); NULL when out of memory. */
struct vg_proc *vg_capture_proc_restore(struct vg_proc_cache *c,
					const struct vg_capture_proc_view *v);

#endif
