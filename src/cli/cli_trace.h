/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Options every `vigil trace …` command shares (--json, --pid, --uid,
 * --comm, --cgroup, --ringbuf-size, --verbose), as an argp child parser.
 */
#ifndef VIGIL_CLI_TRACE_H
#define VIGIL_CLI_TRACE_H

#include <argp.h>
#include <stdbool.h>
#include <stdint.h>
#include "sensors/task_filter.h"

struct vg_trace_common {
	struct vg_task_filter *filter;	/* where --pid/--uid/--comm/--cgroup go */
	bool json;
	uint64_t ringbuf_bytes;		/* 0: default */
};

extern const struct argp vg_trace_common_argp;

/*
 * For the command's parse_opt: on ARGP_KEY_INIT, hands @c to the child.
 * Returns true when it handled @key.
 */
static inline bool vg_trace_common_init(int key, struct argp_state *state,
					struct vg_trace_common *c)
{
	if (key != ARGP_KEY_INIT)
		return false;
	state->child_inputs[0] = c;
	return true;
}

#endif
