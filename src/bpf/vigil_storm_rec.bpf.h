/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Storm aggregation keyed by the record itself (storm.h), for a sensor's
 * finished records: vg_storm_rec_held() says whether a record is one too
 * many for its key in this window (then it is only counted) and, for a
 * key's first record, keeps the copy the flush program sends with the
 * count (storm_flush.bpf.c).
 *
 * Included by a sensor object after vigil_common.bpf.h; it brings its own
 * maps (storm_rcfg, storm_recs, per-slot scratch). A network record's key
 * also clears its ephemeral port, times and counts (storm_rkey_net) and has
 * no exec count (its hook often runs in softirq, not in its process).
 */
#ifndef VIGIL_STORM_REC_BPF_H
#define VIGIL_STORM_REC_BPF_H

#include "storm_recs.bpf.h"
#include "vigil_storm_window.bpf.h"

/* Written by user space at run time (a map, not a global: see vigil_ratelimit.bpf.h). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vg_storm_rcfg);
} storm_rcfg SEC(".maps");

/* The key being decided and a new key's first state, per scratch slot. */
struct storm_rscratch {
	struct vg_storm_rkey key;
	struct vg_storm_rstate init;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VG_SCRATCH_SLOTS);
	__type(key, __u32);
	__type(value, struct storm_rscratch);
} storm_rscratch SEC(".maps");

/*
 * Clears what differs between two like network records: the ephemeral
 * port, times and byte counts of TCP records, a DNS message's local port
 * and id. A rule reading one of them keeps its kind out (policy_storm.c).
 */
static __always_inline void storm_rkey_net(struct vg_storm_rkey *k, __u16 type)
{
	struct vg_net_conn *c = (struct vg_net_conn *)k->rec;
	struct vg_net_dns *d = (struct vg_net_dns *)k->rec;
	__u32 id;

	if (type >= VG_EV_NET_CONNECT && type <= VG_EV_NET_CLOSE && k->len >= sizeof(*c)) {
		c->duration_ns = 0;
		c->bytes_sent = 0;
		c->bytes_received = 0;
		/* The peer's port of an accept, the local one of a connect. */
		if (type == VG_EV_NET_ACCEPT || (c->flags & VG_NET_INBOUND))
			c->t.dport = 0;
		else if (type != VG_EV_NET_LISTEN)
			c->t.sport = 0;
	} else if (type == VG_EV_NET_DNS && k->len >= sizeof(*d)) {
		d->t.sport = 0;
		/* The message id: the payload's first 2 bytes, after TCP's length. */
		id = sizeof(*d) + d->payload.off + ((d->flags & VG_NET_DNS_TCP) ? 2 : 0);
		if (id + 2 <= k->len && id + 2 <= VG_STORM_RKEY_BYTES) {
			id &= VG_STORM_RKEY_BYTES - 1;
			k->rec[id] = 0;
			if (id + 1 < VG_STORM_RKEY_BYTES)
				k->rec[id + 1] = 0;
		}
	}
}

/* Clears in key @k what differs between two like events (storm.h). */
static __always_inline void storm_rkey_normalize(struct vg_storm_rkey *k)
{
	struct vg_hdr *h = (struct vg_hdr *)k->rec;
	bool end = false;
	int i;

	if (h->type >= VG_EV_NET_FIRST && h->type <= VG_EV_NET_LAST)
		storm_rkey_net(k, h->type);
	h->size = 0;
	h->ts_boot_ns = 0;
	h->pid = 0;
	h->cpu = 0;
#pragma unroll
	for (i = 0; i < VG_COMM_LEN; i++) {
		if (end)
			h->comm[i] = 0;
		else if (!h->comm[i])
			end = true;
	}
}

static __always_inline const struct vg_storm_rcfg *storm_rcfg_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&storm_rcfg, &zero);
}

/* Whether records of @type may be held under @c: a burst and the policy's bit. */
static __always_inline bool storm_type_on(const struct vg_storm_rcfg *c, __u16 type)
{
	if (!c || !c->burst || type >= VG_EV_TYPE_MAX)
		return false;
	return (c->types[(type >> 6) & 1] >> (type & 63)) & 1;
}

/*
 * 1: the record staged in slot @slot's storm scratch (@size bytes, finished
 * but for hdr.size; vg_storm_rec_hold_rec) is held and counted, @burst per
 * key and @window_ns; do not send it. 0: send it. Whether its type may be
 * held at all is the caller's question. A global function: the verifier
 * checks it once, not once per call site (every sensor's budget).
 */
__noinline int vg_storm_rec_hold(__u64 size, int slot, __u32 burst, __u64 window_ns)
{
	__u32 k = (__u32)slot & VG_SCRATCH_SLOT_MASK;
	struct storm_rscratch *s;
	struct vg_storm_rstate *st;
	struct task_struct *task;
	__u16 type;
	__u64 now;

	if (!burst || size > VG_STORM_RKEY_BYTES)
		return 0;
	/* Two checks the compiler may not merge into one the verifier cannot follow. */
	barrier_var(size);
	if (size < sizeof(struct vg_hdr))
		return 0;
	s = bpf_map_lookup_elem(&storm_rscratch, &k);
	if (!s)
		return 0;
	__builtin_memset(&s->key, 0, sizeof(s->key));
	if (bpf_probe_read_kernel(s->key.rec, size, s->init.rec) < 0)
		return 0;
	s->key.len = size;
	type = ((struct vg_hdr *)s->key.rec)->type;
	storm_rkey_normalize(&s->key);
	/* Network records are often written in softirq: current is not their process. */
	task = (struct task_struct *)bpf_get_current_task();
	if (type < VG_EV_NET_FIRST || type > VG_EV_NET_LAST)
		s->key.exec_id = BPF_CORE_READ(task, self_exec_id);
	now = bpf_ktime_get_boot_ns();
	st = bpf_map_lookup_elem(&storm_recs, &s->key);
	if (st)
		return vg_storm_over((struct storm_window *)st, burst, window_ns, now);
	s->init.window_start_ns = now;
	s->init.last_ns = now;
	s->init.held = 0;
	s->init.reported = 0;
	s->init.passed = 1;
	s->init.len = size;
	/* A racing CPU may have added it: its state wins, this record passes. */
	bpf_map_update_elem(&storm_recs, &s->key, &s->init, BPF_NOEXIST);
	return 0;
}

/*
 * Copies record @rec (@size bytes) into slot @slot's storm scratch: false
 * when it does not fit. Not inlined: a __u64 parameter keeps the size's
 * bound (an inlined copy of a 32-bit sum loses it to the verifier).
 */
static __noinline bool storm_rec_stage(const void *rec, __u64 size, int slot)
{
	__u32 k = (__u32)slot & VG_SCRATCH_SLOT_MASK;
	struct storm_rscratch *s;

	if (!rec || size > VG_STORM_RKEY_BYTES)
		return false;
	barrier_var(size);
	if (size < sizeof(struct vg_hdr))
		return false;
	s = bpf_map_lookup_elem(&storm_rscratch, &k);
	return s && bpf_probe_read_kernel(s->init.rec, size, rec) == 0;
}

/* vg_storm_rec_hold() for record @rec: staged into slot @slot's scratch first. */
static __always_inline bool vg_storm_rec_hold_rec(const void *rec, __u64 size, int slot,
						  __u32 burst, __u64 window_ns)
{
	return storm_rec_stage(rec, size, slot) && vg_storm_rec_hold(size, slot, burst, window_ns);
}

/* vg_storm_rec_hold() for a record whose type the policy lets the kernel hold (storm_rcfg). */
static __always_inline bool vg_storm_rec_held(const void *rec, __u64 size, int slot)
{
	const struct vg_storm_rcfg *c = storm_rcfg_get();

	if (!rec || !c || size < sizeof(struct vg_hdr) ||
	    !storm_type_on(c, ((const struct vg_hdr *)rec)->type))
		return false;
	return vg_storm_rec_hold_rec(rec, size, slot, c->burst, c->window_ns);
}

/*
 * Sends fixed-size record @e, reserved in the ring buffer and finished,
 * unless it is one too many of a storm (then discarded without a wakeup).
 */
static __always_inline void vg_storm_commit(void *e)
{
	struct vg_hdr *h = e;
	bool held = false;
	int slot;

	if (storm_type_on(storm_rcfg_get(), h->type)) {
		slot = vg_scratch_claim();
		if (slot >= 0) {
			held = vg_storm_rec_held(e, h->size, slot);
			vg_scratch_release(slot);
		}
	}
	if (held)
		bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
	else
		vg_commit(e);
}

#endif /* VIGIL_STORM_REC_BPF_H */
