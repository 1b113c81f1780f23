// SPDX-License-Identifier: GPL-2.0
/*
 * Storm flush: sends, for every key of the file sensor's storm map that
 * held events since the last run, one aggregate record (a copy of the
 * key's first record, vg_file.suppressed = how many it held). Never
 * attached: the agent runs it about once a second and when it stops, with
 * BPF_PROG_TEST_RUN, one run at a time. Its maps are the file sensor's
 * (the loader reuses their fds): one ring buffer, one count.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "storm_keys.bpf.h"

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
	/* Ring buffer full: nothing is lost, the count waits for the next run. */
	if (bpf_ringbuf_output(&events, r, size, 0)) {
		run->ringbuf_full++;
		return 0;
	}
	st->reported += n;
	count(VG_CNT_EVENTS);
	run->sent++;
	return 0;
}

SEC("raw_tp")
int storm_flush(void *ctx)
{
	struct flush_run run = {};

	bpf_for_each_map_elem(&storm_keys, flush_key, &run, 0);
	return run.sent;
}
