/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The agent's periodic self-check: each BPF link it attached must still be
 * attached and still run the program it loaded (same program id; a program
 * id is not reused while the agent holds the program).
 * A link detached (bpftool link detach), replaced (BPF_LINK_UPDATE) or gone
 * is a critical alert and a health failure; so is a change to the syscall
 * hub's program arrays or routes (a sensor blinded without touching a link).
 */
#ifndef VIGIL_SELF_CHECK_H
#define VIGIL_SELF_CHECK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include "agent/agent.h"
#include "lib/json.h"

#define VG_SELF_CHECK_MAX_LINKS 128

struct vg_self_link {
	int fd;
	uint32_t link_id, prog_id, type;
	const char *sensor;
	bool failed;			/* reported once */
};

struct vg_self_check {
	struct vg_self_link l[VG_SELF_CHECK_MAX_LINKS];
	size_t n;
	bool recorded;
	bool hub_failed;		/* the hub's change reported (once) */
	int links_seen;			/* the sensors' links at the last record */
	uint64_t next_ns;
	_Atomic uint64_t checks, failures;	/* read by metrics */
	_Atomic bool healthy;
};

/*
 * Worker thread, now and then: records the links at the first call, then
 * checks them. Calls @report once per link that failed, with one line.
 */
void vg_self_check_run(struct vg_self_check *c, struct vg_agent *a,
		       void (*report)(void *ctx, const char *why), void *ctx);
void vg_self_check_metrics(struct vg_self_check *c, struct vg_buf *out);

#endif
