/* SPDX-License-Identifier: GPL-2.0 */
/* Offline replay (`vigil policy test`): a compiled policy over recorded JSON events. */
#ifndef VIGIL_POLICY_REPLAY_H
#define VIGIL_POLICY_REPLAY_H

#include <stdint.h>
#include <stdio.h>

struct vg_policy;

struct vg_replay_stats {
	uint64_t lines, events, skipped, alerts;
};

/*
 * Reads JSON lines from @in, evaluates each event, writes one JSON alert per
 * line to @out. Unparsable lines or events without a known event.action are
 * skipped and counted (and logged with their line number).
 */
int vg_policy_replay(struct vg_policy *p, FILE *in, const char *in_name, FILE *out,
		  struct vg_replay_stats *st);

#endif
