/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whether a record wakes the consumer. With flags 0 the kernel wakes it
 * whenever the ring was empty, so with a quick consumer every record costs
 * a wake-up: on a 2-CPU VM two context switches and most of an exec's
 * agent CPU (docs/performance.md). Records nothing waits on (fork and
 * exit feed the process cache; exec too unless a rule kills from user
 * space on one; the type's switch carries VG_TYPE_QUIET) go in without one. The next record that matters
 * wakes the consumer on their behalf, since the kernel no longer would
 * (the ring is not empty), and the consumer drains the ring on its own
 * every 100 ms meanwhile (POLL_TIMEOUT_MS, src/agent/pipeline.c). With
 * batched wakeups on (vg_rb_flags) the pacing decides for the records
 * that matter; vg_record_flags in vigil_common.bpf.h chooses.
 */
#ifndef VIGIL_WAKE_BPF_H
#define VIGIL_WAKE_BPF_H

/* Past this much unread data a quiet record wakes the consumer after all. */
#define VG_QUIET_MAX_PENDING	(256 << 10)

/* Set by a quiet record, cleared by the record that wakes for it. Shared by every sensor. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} vg_quiet_pending SEC(".maps");

/* bpf_ringbuf_submit/output flags for a record of a type whose switch is @sw. */
static __always_inline __u64 vg_wake_flags(__u8 sw)
{
	__u32 zero = 0, *pending = bpf_map_lookup_elem(&vg_quiet_pending, &zero);

	if (!pending)
		return 0;
	if (sw & VG_TYPE_QUIET) {
		if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) > VG_QUIET_MAX_PENDING)
			return BPF_RB_FORCE_WAKEUP;
		if (!*pending)
			*pending = 1;
		return BPF_RB_NO_WAKEUP;
	}
	if (!*pending)
		return 0;
	*pending = 0;
	return BPF_RB_FORCE_WAKEUP;
}

/* Flags for a record that must reach the agent now, whatever its type's switch. */
static __always_inline __u64 vg_wake_now_flags(void)
{
	__u32 zero = 0, *pending = bpf_map_lookup_elem(&vg_quiet_pending, &zero);

	if (pending && *pending)
		*pending = 0;
	return BPF_RB_FORCE_WAKEUP;
}

#endif
