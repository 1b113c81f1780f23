/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Batched ring-buffer wakeups, as the kernel (vg_rb_flags in
 * vigil_common.bpf.h) and the consumer (agent/pipeline.c) share them: one
 * entry of the vg_rb_pacing array, shared by every sensor as the ring is.
 * The agent writes batch_ns and wake_bytes; the kernel keeps last_ns.
 * batch_ns 0 keeps the kernel's own wakeup: one whenever a record lands in
 * a ring the consumer has read to the end.
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
};

#endif
