/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The agent's own health record (VG_EV_HEALTH, kind health): written by
 * user space, never by a hook, and sent down the same path as the sensors'
 * records (printed, evaluated, exported to outputs that take events), so
 * "the agent is shedding" or "the agent is losing data" reaches a SIEM as
 * an event and not only as a log line and a metric.
 */
#ifndef VIGIL_REC_HEALTH_H
#define VIGIL_REC_HEALTH_H

#include <stddef.h>
#include <stdint.h>
#include "bpf/vigil_abi.h"

enum vg_health_state {
	VG_HEALTH_SHED = 1,		/* the overhead budget shed a tier of record classes */
	VG_HEALTH_RESTORED = 2,		/* ... and restored one */
	VG_HEALTH_LOSS_STARTED = 3,	/* records began to be lost (ring buffer, queue, ...) */
	VG_HEALTH_LOSS_STOPPED = 4,	/* none lost for VG_HEALTH_QUIET_S seconds */
};

#define VG_HEALTH_QUIET_S 5
#define VG_HEALTH_TAIL_BYTES 1024

struct vg_health_rec {
	struct vg_hdr hdr;		/* the agent's own process */
	__u32 state;			/* enum vg_health_state */
	__u32 tier;			/* shed / restored: the budget tier */
	__u32 overhead_permille;	/* the last second's overhead, per mille of one CPU */
	__u32 budget_permille;		/* --max-overhead, per mille of one CPU */
	__u64 lost;			/* loss: records lost in this episode so far */
	__u64 lost_total;		/* records lost since the agent started */
	struct vg_str classes;		/* shed / restored: NUL-separated record kinds */
	struct vg_str reasons;		/* loss: NUL-separated reasons (ringbuf_full, queue_full, ...) */
	__u8 tail[];
};

/* A health record in @buf (at least sizeof(struct vg_health_rec) + VG_HEALTH_TAIL_BYTES). */
struct vg_health_rec *vg_health_rec_init(void *buf, enum vg_health_state state);
/* Appends @s as one more NUL-separated item of @str (classes or reasons); false when full. */
bool vg_health_rec_add(struct vg_health_rec *r, struct vg_str *str, const char *s);
const char *vg_health_state_name(uint32_t state);

#endif
