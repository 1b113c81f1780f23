/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON writer into a growable buffer. Strings from the kernel are hostile
 * (argv, paths): every control byte is escaped and invalid UTF-8 becomes
 * U+FFFD, so each output line is always valid JSON.
 */
#ifndef VIGIL_JSON_H
#define VIGIL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vg_buf {
	char *data;
	size_t len, cap;
	bool oom;		/* an append failed: the content is incomplete */
};

void vg_buf_reset(struct vg_buf *b);
void vg_buf_free(struct vg_buf *b);
void vg_buf_append_slow(struct vg_buf *b, const char *s, size_t n);

/* Inline while it fits: an exported event is a few hundred small appends. */
static inline void vg_buf_append(struct vg_buf *b, const char *s, size_t n)
{
	if (b->oom || b->len + n + 1 > b->cap) {
		vg_buf_append_slow(b, s, n);
		return;
	}
	__builtin_memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}
void vg_buf_puts(struct vg_buf *b, const char *s);
void vg_buf_printf(struct vg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define VG_JSON_MAX_DEPTH 32

struct vg_json {
	struct vg_buf *b;
	int depth;
	bool first[VG_JSON_MAX_DEPTH];	/* no member written yet at this depth */
	bool after_key;
};

void vg_json_init(struct vg_json *j, struct vg_buf *b);
void vg_json_obj_begin(struct vg_json *j);
void vg_json_obj_end(struct vg_json *j);
void vg_json_arr_begin(struct vg_json *j);
void vg_json_arr_end(struct vg_json *j);
void vg_json_key(struct vg_json *j, const char *key);	/* key must be plain ASCII */
/* A key of @len identifier bytes ([A-Za-z0-9_@]), written as is: no escaping. */
void vg_json_key_ident(struct vg_json *j, const char *key, size_t len);
void vg_json_str(struct vg_json *j, const char *s, size_t len);
void vg_json_cstr(struct vg_json *j, const char *s);	/* NULL writes null */
void vg_json_u64(struct vg_json *j, uint64_t v);
void vg_json_i64(struct vg_json *j, int64_t v);
void vg_json_bool(struct vg_json *j, bool v);
void vg_json_null(struct vg_json *j);
/* "key": {"id": v}, the OpenTelemetry shape of user, group, thread ids. */
void vg_json_id_obj(struct vg_json *j, const char *key, uint64_t id);
/* Appends already-serialised JSON (e.g. an event inside an alert). */
void vg_json_raw(struct vg_json *j, const char *s, size_t len);

/* Appends @s escaped as JSON string content (no quotes). */
void vg_json_escape(struct vg_buf *b, const char *s, size_t len);

#endif
