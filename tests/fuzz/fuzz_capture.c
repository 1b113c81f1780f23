// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: capture files (`vigil trace read`), from the header
 * check through the frames to the restored process cache and the JSON of
 * every valid record, as agent_replay.c runs them.
 *
 * Input: [mode:1][bytes]. Mode 0: the bytes follow a valid header this
 * target writes, so mutations reach the frames; else the bytes are the
 * whole file, header included.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "event/capture.h"
#include "event/decode.h"
#include "event/event_format.h"
#include "event/proc_cache.h"
#include "lib/json.h"
#include "lib/log.h"

static unsigned char file[sizeof(struct vg_capture_header) + (1 << 20)];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	vg_log_verbosity = -1;
	return 0;
}

static size_t assemble(const uint8_t *data, size_t size)
{
	struct vg_capture_header h;
	bool print[VG_EV_TYPE_MAX] = { 0 };

	if (size - 1 > sizeof(file) - sizeof(h))
		size = sizeof(file) - sizeof(h) + 1;
	if (data[0]) {
		memcpy(file, data + 1, size - 1);
		return size - 1;
	}
	vg_capture_header_init(&h, print, 10000000);
	memcpy(file, &h, sizeof(h));
	memcpy(file + sizeof(h), data + 1, size - 1);
	return sizeof(h) + size - 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_capture_reader r = { 0 };
	struct vg_proc_cache *cache;
	struct vg_buf out = { 0 };
	const void *frame;
	uint32_t kind;
	size_t len, n;
	FILE *f;

	if (!size)
		return 0;
	n = assemble(data, size);
	f = fmemopen(file, n ? n : 1, "r");
	cache = vg_proc_cache_new(64, 1000, 10000000);
	if (!f || !cache)
		abort();
	if (n && !vg_capture_open(&r, f, "fuzz.cap")) {
		while (vg_capture_next(&r, &kind, &frame, &len) == 1) {
			struct vg_capture_proc_view v;
			struct vg_event_ctx ev;

			if (len > (kind == VG_CAP_RECORD ? VG_MAX_RECORD_BYTES : VG_CAPTURE_MAX_FRAME))
				__builtin_trap();	/* the reader let through what it promised to stop */
			if (kind == VG_CAP_PROC) {
				if (!vg_capture_proc_parse(frame, len, &v))
					vg_capture_proc_restore(cache, &v);
				continue;
			}
			vg_proc_cache_relink(cache);
			if (vg_decode_check(frame, len, NULL) != VG_DEC_OK)
				continue;
			vg_buf_reset(&out);
			vg_event_ctx_fill(&ev, cache, frame, len);
			vg_event_to_json(&out, &ev);
		}
	}
	vg_capture_close(&r);
	vg_buf_free(&out);
	vg_proc_cache_free(cache);
	fclose(f);
	return 0;
}
