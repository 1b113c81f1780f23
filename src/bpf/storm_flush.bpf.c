// SPDX-License-Identifier: GPL-2.0
/*
 * Storm flush: sends, for every key of a sensor's storm maps that held
 * events since the last run, one aggregate record: a copy of the key's
 * first record with how many it held (vg_file.suppressed for a file
 * record, else a __u64 after the record, VG_HF_HELD). Never attached: the
 * agent runs it about once a second and when it stops, with
 * BPF_PROG_TEST_RUN, one run at a time per sensor. Its maps are the
 * sensor's (the loader reuses their fds): one ring buffer, one count.
 * storm_flush drains the file sensor's open keys, storm_flush_recs any
 * sensor's record keys.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "storm_keys.bpf.h"
#include "storm_recs.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 vg_abi_version = VG_ABI_VERSION;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);	/* replaced by the file sensor's */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VG_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} vg_counters SEC(".maps");

struct flush_run {
	__u32 sent;
	__u32 ringbuf_full;
};

static __always_inline void count(enum vg_counter c)
{
	__u32 key = c;
	__u64 *v = bpf_map_lookup_elem(&vg_counters, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
}

/*
 * Sends one aggregate record of @size bytes that reports @n held events.
 * Ring buffer full: nothing is lost, the count waits for the next run.
 */
static __always_inline void send_held(void *rec, __u32 size, __u64 *reported, __u64 n,
				      struct flush_run *run)
{
	if (bpf_ringbuf_output(&events, rec, size, 0)) {
		run->ringbuf_full++;
		return;
	}
	*reported += n;
	count(VG_CNT_EVENTS);
	run->sent++;
}

static long flush_key(struct bpf_map *map, const struct vg_storm_key *k,
		      struct vg_storm_state *st, struct flush_run *run)
{
	struct vg_file *r = (struct vg_file *)st->rec;
	__u64 n = st->held - st->reported;
	__u32 size;

	if (!n || !st->stored)
		return 0;
	if (n > 0xffffffffULL)
		n = 0xffffffffULL;	/* the rest goes in the next record */
	size = r->hdr.size;
	if (size < sizeof(*r) || size > VG_STORM_REC_BYTES)
		return 0;
	r->suppressed = (__u32)n;
	r->hdr.ts_boot_ns = st->last_ns;
	send_held(r, size, &st->reported, n, run);
	return 0;
}

SEC("raw_tp")
int storm_flush(void *ctx)
{
	struct flush_run run = {};

	bpf_for_each_map_elem(&storm_keys, flush_key, &run, 0);
	return run.sent;
}

/* The count on the copy: in vg_file.suppressed, or after the record. Returns its size. */
static __always_inline __u32 put_count(struct vg_storm_rstate *st, __u32 len, __u64 n)
{
	struct vg_hdr *h = (struct vg_hdr *)st->rec;

	if (h->type >= VG_EV_FILE_FIRST && h->type <= VG_EV_FILE_LAST) {
		if (len < sizeof(struct vg_file))
			return 0;
		((struct vg_file *)st->rec)->suppressed = (__u32)n;
		return len;
	}
	h->flags |= VG_HF_HELD;
	__builtin_memcpy(&st->rec[len], &n, sizeof(n));
	return len + sizeof(n);
}

static long flush_rec(struct bpf_map *map, const struct vg_storm_rkey *k,
		      struct vg_storm_rstate *st, struct flush_run *run)
{
	__u64 n = st->held - st->reported;
	__u32 len = st->len, size;
	struct vg_hdr *h = (struct vg_hdr *)st->rec;

	if (!n || len < sizeof(*h) || len > VG_STORM_RKEY_BYTES)
		return 0;
	if (n > 0xffffffffULL)
		n = 0xffffffffULL;	/* the rest goes in the next record */
	size = put_count(st, len, n);
	if (!size)
		return 0;
	h->size = size;
	h->ts_boot_ns = st->last_ns;
	send_held(st->rec, size, &st->reported, n, run);
	return 0;
}

SEC("raw_tp")
int storm_flush_recs(void *ctx)
{
	struct flush_run run = {};

	bpf_for_each_map_elem(&storm_recs, flush_rec, &run, 0);
	return run.sent;
}
