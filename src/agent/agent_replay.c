// SPDX-License-Identifier: GPL-2.0
/*
 * `vigil trace read`: a capture's records through the same handler a live
 * trace runs (vg_agent_handle_record), after the processes its header
 * section names, with the capture's host and clock. A capture is input
 * like any other: a bad record is reported (its offset) and skipped, a
 * frame that cannot be trusted ends the read, and what came before it is
 * printed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "agent/agent.h"
#include "event/capture.h"
#include "event/decode.h"
#include "lib/log.h"
#include "lib/timefmt.h"

static void use_header(struct vg_agent *a, const struct vg_capture_header *h)
{
	struct vg_host host;
	int t;

	memset(&host, 0, sizeof(host));
	memcpy(host.name, h->host_name, sizeof(h->host_name));
	memcpy(host.id, h->host_id, sizeof(h->host_id));
	memcpy(host.os_type, h->os_type, sizeof(h->os_type));
	memcpy(host.os_version, h->os_version, sizeof(h->os_version));
	memcpy(host.os_name, h->os_name, sizeof(h->os_name));
	vg_host_set(&host);	/* cuts each string at its last byte */
	vg_boot_clock_pin(h->boot_offset_ns);
	for (t = 0; t < VG_EV_TYPE_MAX; t++)
		a->print_type[t] = h->print_types[t / 8] & (1u << (t % 8));
	a->print_type[VG_EV_HEALTH] = true;
}

/* A process frame into the cache; false when its lengths do not add up. */
static bool restore_proc(struct vg_agent *a, const void *data, size_t len)
{
	struct vg_capture_proc_view v;

	if (vg_capture_proc_parse(data, len, &v))
		return false;
	/* Out of memory: the process goes unknown, as after a cache miss. */
	vg_capture_proc_restore(a->cache, &v);
	return true;
}

int vg_agent_replay(struct vg_agent *a, struct vg_capture_reader *r)
{
	enum vg_decode_error e;
	uint64_t bad = 0, at;
	bool relinked = false;
	const void *data;
	uint32_t kind;
	size_t len;
	int got;

	use_header(a, &r->hdr);
	for (;;) {
		at = r->off;
		got = vg_capture_next(r, &kind, &data, &len);
		if (got != 1)
			break;
		if (kind == VG_CAP_PROC) {
			if (!restore_proc(a, data, len)) {
				vg_err("%s: offset %" PRIu64 ": a process entry whose lengths do not add up",
				       r->name, at);
				bad++;
			}
			continue;
		}
		if (!relinked) {
			vg_proc_cache_relink(a->cache);
			relinked = true;
		}
		e = vg_decode_check(data, len, NULL);
		if (e != VG_DEC_OK) {
			vg_err("%s: offset %" PRIu64 ": bad record (%s)", r->name, at,
			       vg_decode_error_name(e));
			bad++;
			continue;
		}
		vg_agent_handle_record(a, data, len);
	}
	if (got < 0)
		vg_err("%s", r->err);
	if (fflush(a->opts.out))
		return -EIO;
	if (got < 0)
		return got;
	return bad ? -EINVAL : 0;
}
