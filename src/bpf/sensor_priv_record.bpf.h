/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Privilege sensor, records: variable-size ones in a claimed scratch slot,
 * fixed-size ones in the ring buffer itself, and the syscall part every
 * syscall record shares.
 *
 * Part of sensor_priv.bpf.c (and so of sensor_priv_nokfunc.bpf.c), included
 * once after its maps and constants: a piece of that one CO-RE object, not a
 * shared header.
 */
#ifndef SENSOR_PRIV_RECORD_BPF_H
#define SENSOR_PRIV_RECORD_BPF_H

#include "vigil_storm_rec.bpf.h"

/*
 * Claims a scratch slot (*@slot) and starts a variable-size record in it;
 * NULL when no slot is free. Syscall exits are faultable, so another task
 * may run these programs on this CPU before the record is sent: the slot
 * keeps it apart. Every record started ends with finish_record().
 */
static __always_inline void *start_record(struct vg_tail *t, __u16 type, __u32 fixed,
					  struct task_struct *task, int *slot)
{
	void *rec;

	*slot = vg_scratch_claim();
	rec = vg_tail_begin(t, *slot, fixed);
	if (!rec) {
		vg_scratch_release(*slot);
		return NULL;
	}
	__builtin_memset(rec, 0, 256);
	vg_fill_hdr(rec, type, task);
	return rec;
}

/*
 * Sends the record, unless it is one too many of a storm (then counted and
 * sent later as one: vigil_storm_rec.bpf.h), and gives its slot back.
 */
static __always_inline int finish_record(void *ctx, struct vg_tail *t, int slot)
{
	int rc = 0;

	if (!vg_storm_rec_held(t->rec, t->fixed + t->off, slot))
		rc = vg_submit(ctx, t);
	vg_scratch_release(slot);
	return rc;
}

/* Fixed-size records are built in the ring buffer itself (no shared scratch). */
static __always_inline void *start_fixed(__u16 type, __u32 size, struct task_struct *task)
{
	struct vg_hdr *h = vg_reserve(size);

	if (!h)
		return NULL;
	__builtin_memset(h, 0, size);
	vg_fill_hdr(h, type, task);
	h->size = size;
	return h;
}

static __always_inline void fill_sys(struct vg_priv_sys *s, const struct vg_pend *p, long ret)
{
	s->call = p->call;
	s->flags = p->flags;
	/* by pid, not by name: a process may call itself anything */
	if (vigil_tgid && (bpf_get_current_pid_tgid() >> 32) == vigil_tgid)
		s->flags |= VG_PRIV_ACTOR_VIGIL;
	s->ret = ret;
}

#endif /* SENSOR_PRIV_RECORD_BPF_H */
