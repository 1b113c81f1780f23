/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events as people and tools read them: one JSON object per line with
 * nested OpenTelemetry-style names, or aligned text columns. Each record
 * type registers a body formatter; the process context and ancestry are
 * common to all.
 */
#ifndef VIGIL_EVENT_FORMAT_H
#define VIGIL_EVENT_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include "event/decode.h"
#include "lib/json.h"
#include "event/proc_cache.h"

#define VG_MAX_ANCESTORS 12

/* A validated record with what the agent knows about its process. */
struct vg_event_ctx {
	const struct vg_hdr *rec;
	size_t size;
	const struct vg_record_desc *desc;
	const struct vg_proc *proc;		/* may be NULL: unknown process */
	const struct vg_proc *ancestors[VG_MAX_ANCESTORS];	/* parent first */
	size_t n_ancestors;
	struct vg_proc_cache *cache;		/* for other processes an event names; may be NULL */
};

/* Looks up the record's process and ancestry in @cache. */
void vg_event_ctx_fill(struct vg_event_ctx *ev, struct vg_proc_cache *cache,
		       const void *rec, size_t size);

struct vg_formatter {
	uint16_t type;
	/* Writes the type's own members into the open "process" object. */
	void (*json_process)(struct vg_json *j, const struct vg_event_ctx *ev);
	/* Writes the type's own members into the open top-level object. */
	void (*json)(struct vg_json *j, const struct vg_event_ctx *ev);
	/* Writes the DETAILS column of the text line. */
	void (*text)(struct vg_buf *b, const struct vg_event_ctx *ev);
	/* Writes the type's own members into the open "event" object; may be NULL. */
	void (*json_event)(struct vg_json *j, const struct vg_event_ctx *ev);
};

/* Appends one JSON object (no newline) for the event. */
void vg_event_to_json(struct vg_buf *b, const struct vg_event_ctx *ev);

/* Column header and one text line (no newline). */
const char *vg_event_text_header(void);
void vg_event_to_text(struct vg_buf *b, const struct vg_event_ctx *ev);

/* Helpers shared by body formatters. */
void vg_json_args(struct vg_json *j, const char *args, size_t len);
void vg_text_args(struct vg_buf *b, const char *args, size_t len);
void vg_json_record_str(struct vg_json *j, const struct vg_event_ctx *ev, const struct vg_str *s);
/* Writes "process": {...} for @p (record fields override the cache for exec). */
void vg_json_process(struct vg_json *j, const struct vg_event_ctx *ev);
const char *vg_signal_name(int sig);

#endif
