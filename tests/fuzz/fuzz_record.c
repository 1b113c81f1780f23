// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: ring-buffer records, from validation to every consumer
 * of a valid one (process cache, JSON and text output, policy fields, the
 * default policy), as the agent's worker runs them.
 *
 * Input: a sequence of [mode:1][len:2 LE][len bytes]. Mode bit 0 set: the
 * bytes are the whole record. Clear: they follow a header this target
 * writes with a real type (from the next byte), the ABI version and the
 * right size, so mutations reach the record bodies and not only the
 * header checks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "event/decode.h"
#include "event/event_format.h"
#include "event/fields.h"
#include "event/proc_cache.h"
#include "lib/json.h"
#include "lib/log.h"
#include "policy/policy.h"

extern const char vg_default_policy_yaml[];

static struct vg_policy *policy;
static struct vg_event_view view;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	vg_log_verbosity = -1;
	policy = vg_policy_new();
	if (!policy ||
	    vg_policy_add_string(policy, "builtin:default.yaml", vg_default_policy_yaml) ||
	    vg_policy_compile(policy))
		abort();
	return 0;
}

static int on_alert(struct vg_alert *a, struct vg_event_view *v, void *ctx)
{
	(void)a, (void)v, (void)ctx;
	return 0;
}

/* A known type chosen by @sel, so that most inputs decode. */
static uint16_t pick_type(uint8_t sel)
{
	uint16_t t = sel % VG_EV_TYPE_MAX;

	for (int i = 0; i < VG_EV_TYPE_MAX && !vg_record_desc(t); i++)
		t = (t + 1) % VG_EV_TYPE_MAX;
	return t;
}

static void consume(struct vg_proc_cache *cache, struct vg_buf *out, const uint8_t *rec,
		    size_t size)
{
	const struct vg_hdr *h = (const void *)rec;
	struct vg_event_ctx ev;

	if (vg_decode_check(rec, size, NULL) != VG_DEC_OK)
		return;
	if (h->type == VG_EV_EXEC)
		vg_proc_cache_on_exec(cache, (const void *)rec);
	else if (h->type == VG_EV_FORK)
		vg_proc_cache_on_fork(cache, (const void *)rec);
	vg_event_ctx_fill(&ev, cache, rec, size);
	vg_buf_reset(out);
	vg_event_to_json(out, &ev);
	vg_buf_reset(out);
	vg_event_to_text(out, &ev);
	if (vg_field_view_live(&view, ev.rec, size, ev.proc, ev.anc) == 0)
		vg_policy_eval(policy, &view, h->ts_boot_ns, on_alert, NULL);
	if (h->type == VG_EV_EXIT)
		vg_proc_cache_on_exit(cache, (const void *)rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_proc_cache *cache = vg_proc_cache_new(64, 0, 1);
	struct vg_buf out = { 0 };
	size_t off = 0;

	if (!cache)
		return 0;
	while (size - off >= 3) {
		uint8_t mode = data[off];
		size_t len = data[off + 1] | (size_t)data[off + 2] << 8, total;
		const uint8_t *body = data + off + 3;
		uint8_t *rec;

		off += 3;
		if (len > size - off)
			len = size - off;
		off += len;
		total = (mode & 1) ? len : sizeof(struct vg_hdr) + len;
		/* Exactly the record's size, aligned as in the ring buffer: overreads show. */
		rec = aligned_alloc(8, (total + 7) & ~(size_t)7);
		if (!rec)
			break;
		if (mode & 1) {
			memcpy(rec, body, len);
		} else {
			struct vg_hdr h = { 0 };

			h.type = pick_type(len ? body[0] : mode >> 1);
			h.version = VG_ABI_VERSION;
			h.size = total;
			h.tgid = h.pid = 100 + (mode >> 4);
			memcpy(rec, &h, sizeof(h));
			memcpy(rec + sizeof(h), body, len);
		}
		consume(cache, &out, rec, total);
		free(rec);
	}
	vg_buf_free(&out);
	vg_proc_cache_free(cache);
	return 0;
}
