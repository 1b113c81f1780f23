/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Storm aggregation in the kernel (storm.h): the maps and the two steps a
 * hook takes for a record it is about to send.
 *
 *   vg_storm_hold()   true: this event is one too many for its key in this
 *                     window; it is counted (VG_CNT_SUPPRESSED, and in the
 *                     key's state) and not sent. false: send it.
 *   vg_storm_note()   keeps a copy of the key's first record, which the
 *                     flush program (storm_flush.bpf.c) sends with the
 *                     count of what the key held.
 *
 * Counts are exact: hooks only add (atomically) and one flush run at a
 * time reports, so no held event is reported twice or lost
 * (vigil_storm_window.bpf.h).
 *
 * The key lives in per-CPU scratch indexed by the caller's scratch slot
 * (sys_exit programs may be preempted mid-run: see vigil_common.bpf.h).
 */
#ifndef VIGIL_RATELIMIT_BPF_H
#define VIGIL_RATELIMIT_BPF_H

#include "storm_keys.bpf.h"
#include "vigil_storm_window.bpf.h"

/* Written by user space at run time (a map: see the libbpf note in sensor_file.bpf.c). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vg_storm_cfg);
} storm_cfg SEC(".maps");

/* The key being decided and a new key's first state, per scratch slot. */
struct storm_scratch {
	struct vg_storm_key key;
	struct vg_storm_state init;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VG_SCRATCH_SLOTS);
	__type(key, __u32);
	__type(value, struct storm_scratch);
} storm_scratch SEC(".maps");

static __always_inline struct storm_scratch *vg_storm_scratch(int slot)
{
	__u32 k = (__u32)slot & VG_SCRATCH_SLOT_MASK;

	return bpf_map_lookup_elem(&storm_scratch, &k);
}

static __always_inline const struct vg_storm_cfg *vg_storm_cfg(void)
{
	__u32 zero = 0;
	const struct vg_storm_cfg *c = bpf_map_lookup_elem(&storm_cfg, &zero);

	return c && c->burst ? c : NULL;
}

/* Whether the event keyed in slot @slot's scratch is held; see the top. */
static __noinline bool vg_storm_hold(int slot)
{
	const struct vg_storm_cfg *c = vg_storm_cfg();
	struct storm_scratch *s = vg_storm_scratch(slot);
	struct vg_storm_state *st;
	__u64 now;

	if (!c || !s)
		return false;
	now = bpf_ktime_get_boot_ns();
	st = bpf_map_lookup_elem(&storm_keys, &s->key);
	if (!st) {
		s->init.window_start_ns = now;
		s->init.last_ns = now;
		s->init.held = 0;
		s->init.reported = 0;
		s->init.passed = 1;
		s->init.stored = 0;
		/* A racing CPU may have added it: its state wins, this event passes. */
		bpf_map_update_elem(&storm_keys, &s->key, &s->init, BPF_NOEXIST);
		return false;
	}
	return vg_storm_over((struct storm_window *)st, c->burst, c->window_ns, now);
}

/*
 * Keeps record @e (fixed part) with @path (@len bytes) and, for a file
 * watched by identity (@iw), its watched name as the key's stored copy,
 * once per key.
 */
static __noinline void vg_storm_note(int slot, const struct vg_file *e, const char *path,
				     __u32 len, const struct vg_inode_watch *iw)
{
	__u32 watched_len = iw ? iw->len : 0;
	struct storm_scratch *s = vg_storm_scratch(slot);
	struct vg_storm_state *st;
	struct vg_file *r;
	__u8 *tail;

	if (!s || !e || !path)
		return;
	st = bpf_map_lookup_elem(&storm_keys, &s->key);
	/* Two CPUs racing here write the same copy; stored is set last. */
	if (!st || st->stored)
		return;
	r = (struct vg_file *)st->rec;
	tail = &st->rec[sizeof(*r)];
	if (bpf_probe_read_kernel(r, sizeof(*r), e) < 0)
		return;
	len &= VG_STORM_PATH_BYTES - 1;
	if (len)
		bpf_probe_read_kernel(tail, len, path);
	r->path.off = 0;
	r->path.len = len;
	r->target.off = r->target.len = 0;
	r->requested.off = r->requested.len = 0;
	r->extra.off = r->extra.len = 0;
	r->watched.off = len;
	r->watched.len = 0;
	r->suppressed = 0;
	r->hdr.size = sizeof(*r) + len;
	watched_len &= VG_INODE_WATCH_PATH_BYTES - 1;
	if (iw && watched_len &&
	    bpf_probe_read_kernel(&tail[len], watched_len, iw->path) == 0) {
		r->watched.len = watched_len;
		r->hdr.size += watched_len;
	} else {
		r->fflags &= ~VG_FILE_BY_INODE;
	}
	st->stored = 1;
}

#endif /* VIGIL_RATELIMIT_BPF_H */
