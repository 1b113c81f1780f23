/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Record validation: every record from a ring buffer is checked for size,
 * ABI version, type, and the bounds of each string it references before
 * anything reads it. Bad records are counted by reason and skipped.
 */
#ifndef VIGIL_DECODE_H
#define VIGIL_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include "bpf/vigil_abi.h"

#define VG_MAX_RECORD_STRS 8

struct vg_rec_layout;

struct vg_record_desc {
	uint16_t type;
	const char *kind;		/* event.action in output: "exec", "open", ... */
	uint32_t fixed_size;		/* sizeof the fixed struct */
	uint8_t n_strs;
	uint16_t str_offs[VG_MAX_RECORD_STRS];	/* offsetof each struct vg_str */
	const struct vg_rec_layout *layout;	/* its output keys (event/fields.h) */
};

/* One sensor's record types, described next to their tables (event/rec_*.c). */
struct vg_record_family {
	const struct vg_record_desc *descs;
	size_t n;
};

extern const struct vg_record_family vg_rec_process_family, vg_rec_file_family,
	vg_rec_net_family, vg_rec_priv_family, vg_rec_seccomp_family, vg_rec_xattr_family,
	vg_rec_cap_use_family, vg_rec_health_family;

enum vg_decode_error {
	VG_DEC_OK = 0,
	VG_DEC_SHORT,		/* smaller than its header or its fixed part */
	VG_DEC_SIZE_MISMATCH,	/* header size differs from the bytes received */
	VG_DEC_OVERSIZE,	/* larger than VG_MAX_RECORD_BYTES */
	VG_DEC_VERSION,		/* unknown ABI version */
	VG_DEC_TYPE,		/* unknown event type */
	VG_DEC_STR_BOUNDS,	/* a string reference points outside the record */
	VG_DEC_MAX,
};

struct vg_decode_stats {
	uint64_t ok;
	uint64_t bad[VG_DEC_MAX];
};

/* Checks @data; returns VG_DEC_OK or the reason (also counted in @st if not NULL). */
enum vg_decode_error vg_decode_check(const void *data, size_t size, struct vg_decode_stats *st);

/*
 * A storm aggregate's count (src/bpf/storm.h): how many records like
 * checked record @h the kernel held since the last one it sent; 0 on an
 * ordinary record. A file record carries it in vg_file.suppressed, any
 * other in a __u64 after the record (VG_HF_HELD).
 */
uint64_t vg_rec_held(const struct vg_hdr *h);

/* Its field, vigil.suppressed, as the rule docs describe it. */
#define VG_HELD_FIELD_DESC \
	"a storm's aggregate record: how many events like this one the kernel held and counted " \
	"instead of sending since the last aggregate (an open: same process, file and call; " \
	"another record: same process image and every field but time, thread and CPU); absent " \
	"on ordinary records"

/* The descriptor of a known type, or NULL. */
const struct vg_record_desc *vg_record_desc(uint16_t type);

/* The length of the longest event.kind: the width of the text EVENT column. */
int vg_record_kind_width(void);

const char *vg_decode_error_name(enum vg_decode_error e);

/* Pointer to the bytes of string @s inside a validated record. */
static inline const char *vg_rec_str(const void *rec, const struct vg_str *s, size_t *len)
{
	const struct vg_hdr *h = (const struct vg_hdr *)rec;
	const struct vg_record_desc *d = vg_record_desc(h->type);

	*len = s->len;
	return (const char *)rec + (d ? d->fixed_size : 0) + s->off;
}

#endif
