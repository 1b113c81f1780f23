/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network sensor, DNS: one record per message sent to or received from
 * port 53, the payload copied from the caller's buffer.
 *
 * Part of sensor_net.bpf.c, included once after its maps and constants: a
 * piece of that one CO-RE object, not a shared header.
 */
#ifndef SENSOR_NET_DNS_BPF_H
#define SENSOR_NET_DNS_BPF_H

/* Builds and sends the DNS record in scratch slot @slot (claimed by the caller). */
static __always_inline void dns_record(void *ctx, struct task_struct *task,
				       const struct vg_net_tuple *t, __u64 buf, long len,
				       __u32 flags, int slot)
{
	struct vg_net_dns *e;
	struct vg_tail tl;
	__u32 n = len;

	e = vg_tail_begin(&tl, slot, sizeof(*e));
	if (!e)
		return;
	vg_fill_hdr(&e->hdr, VG_EV_NET_DNS, task);
	e->t = *t;
	e->msg_len = len;
	e->flags = flags;
	e->pad = 0;
	if (n > VG_NET_DNS_MAX_BYTES) {
		n = VG_NET_DNS_MAX_BYTES;
		e->flags |= VG_NET_DNS_TRUNC;
		vg_count(VG_CNT_TRUNCATED);
	}
	VG_BOUND(n, 1023);
	e->payload.off = 0;
	e->payload.len = 0;
	if (n > VG_NET_DNS_MAX_BYTES)
		return;
	if (bpf_probe_read_user(vg_tail_ptr(&tl), n, (void *)buf) < 0) {
		vg_count(VG_CNT_READ_FAIL);
		return;
	}
	e->payload.len = n;
	tl.off = n;
	/* Repeats of one question by one process: a storm (vigil_storm_rec.bpf.h). */
	if (!vg_storm_rec_held(tl.rec, tl.fixed + tl.off, slot))
		vg_submit(ctx, &tl);
}

/* Syscall exits are faultable and preemptible: the record needs its own slot. */
static __always_inline void emit_dns(void *ctx, struct task_struct *task,
				     const struct vg_net_tuple *t, __u64 buf, long len,
				     __u32 flags)
{
	int slot;

	if (!buf || len <= 0 || vg_drop_if_unwanted(VG_EV_NET_DNS))
		return;
	slot = vg_scratch_claim();
	if (slot < 0)
		return;
	dns_record(ctx, task, t, buf, len, flags, slot);
	vg_scratch_release(slot);
}

#endif /* SENSOR_NET_DNS_BPF_H */
