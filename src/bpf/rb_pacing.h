/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Batched ring-buffer wakeups, as the kernel (vg_rb_flags in
 * vigil_common.bpf.h) and the consumer (agent/pipeline.c) share them: one
 * entry of the vg_rb_pacing array, shared by every sensor as the ring is.
 * The agent writes batch_ns and wake_bytes; the kernel keeps last_ns.
 * batch_ns 0 keeps the kernel's own wakeup: one whenever a record lands in
 * a ring the consumer has read to the end.
 *
 * While records flow the consumer polls on its own every batch_ns and
 * says so in poll_until_ns (through an mmap of the map: no syscall); a
 * record made before then needs no wakeup, so a steady stream costs the
 * producers no wakeup at all. The kernel sets relied when a record went
 * in silently on that promise; the consumer keeps polling only while
 * relied comes back set (records it would otherwise have been woken for).
 */
#ifndef VIGIL_RB_PACING_H
#define VIGIL_RB_PACING_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

struct vg_rb_pacing {
	__u64 last_ns;		/* boot-time ns of the last forced wakeup */
	__u64 batch_ns;		/* at most this long between wakeups of a busy ring */
	__u64 wake_bytes;	/* this much pending data wakes the consumer sooner */
	__u64 poll_until_ns;	/* consumer: it looks at the ring again by then; 0 none */
	__u64 relied;		/* kernel sets, consumer clears: a record counted on that */
	__u64 check_ns;		/* kernel: last look at the pending bytes meanwhile */
	__u64 wakes;		/* kernel: forced wakeups so far (bench: wakeups per record) */
};

#endif
