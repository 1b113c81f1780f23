/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events as people and tools read them: one JSON object per line with
 * nested OpenTelemetry-style names, or aligned text columns. The JSON is
 * written from the record tables (event/fields.h): every key is an entry
 * whose dotted path says where it goes.
 */
#ifndef VIGIL_EVENT_FORMAT_H
#define VIGIL_EVENT_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include "event/decode.h"
#include "event/fields.h"
#include "lib/json.h"
#include "event/proc_cache.h"

/* What each ancestor's printed argv keeps (docs/events.md). */
#define VG_ANCESTOR_ARGS_MAX 4
#define VG_ANCESTOR_ARGV_BYTES 256

/* A validated record with what the agent knows about its process. */
struct vg_event_ctx {
	const struct vg_hdr *rec;
	size_t size;
	const struct vg_record_desc *desc;
	const struct vg_proc *proc;		/* may be NULL: unknown process */
	/* Its ancestry, walked when first read; points at @anc_store. */
	struct vg_ancestry *anc;
	struct vg_ancestry anc_store;
	struct vg_proc_cache *cache;		/* for other processes an event names; may be NULL */
};

/*
 * Looks up the record's process in @cache; its ancestry is looked up when
 * first read, so @ev is used before the cache takes the next record.
 */
void vg_event_ctx_fill(struct vg_event_ctx *ev, struct vg_proc_cache *cache,
		       const void *rec, size_t size);
/* The same when the caller already looked the process up: @proc (NULL: looks it up). */
void vg_event_ctx_fill_proc(struct vg_event_ctx *ev, struct vg_proc_cache *cache,
			    const void *rec, size_t size, const struct vg_proc *proc);

/* Appends one JSON object (no newline) for the event. */
void vg_event_to_json(struct vg_buf *b, const struct vg_event_ctx *ev);
/*
 * The same object as an alert line: event.kind is "alert", and @extra
 * writes further top-level keys (the rule) before it closes.
 */
typedef void (*vg_json_extra_fn)(struct vg_json *j, const void *arg);
void vg_event_to_json_with(struct vg_buf *b, const struct vg_event_ctx *ev,
			   vg_json_extra_fn extra, const void *arg);

/* Column header and one text line (no newline). */
const char *vg_event_text_header(void);
void vg_event_to_text(struct vg_buf *b, const struct vg_event_ctx *ev);

/*
 * Every record's first keys (@timestamp, event.*), its process (rec_common.c)
 * and the process's container (rec_container.c).
 */
extern const struct vg_rec_table vg_rec_head, vg_rec_process, vg_rec_container;

/* Helpers shared by the record families. */
void vg_json_args(struct vg_json *j, const char *args, size_t len);
void vg_text_args(struct vg_buf *b, const char *args, size_t len);
const char *vg_signal_name(int sig);

#endif
