// SPDX-License-Identifier: GPL-2.0
/*
 * vigil trace seccomp: syscalls a seccomp filter killed, trapped or
 * refused, with the syscall's name. The process sensor runs too
 * (unprinted) so that every event carries process context and ancestry.
 */
#include <stddef.h>
#include "cli/trace.h"
#include "sensors/sensor_seccomp.h"

struct trace_seccomp_args {
	struct vg_task_filter filter;	/* the sensor's config */
};

static const char doc[] =
	"Trace syscalls stopped by seccomp filters: kills and traps (SIGSYS) and, where\n"
	"the kernel allows typed tracepoints, errno denials. One event per process,\n"
	"syscall and action per second; the rest are counted in seccomp.repeats.\v"
	"EXAMPLES:\n"
	"  vigil trace seccomp\n"
	"  vigil trace seccomp --json --cgroup /sys/fs/cgroup/unified/docker\n";

static const struct argp_option options[] = {
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state, void *args)
{
	(void)key;
	(void)arg;
	(void)state;
	(void)args;
	return ARGP_ERR_UNKNOWN;
}

const struct vg_trace_cmd vg_trace_seccomp = {
	.name = "seccomp",
	.sensor = &vg_seccomp_sensor,
	.process_context = true,
	.first_type = VG_EV_SECCOMP_DENY,
	.last_type = VG_EV_SECCOMP_DENY,
	.doc = doc,
	.options = options,
	VG_TRACE_ARGS(struct trace_seccomp_args, filter, filter),
	.parse = parse_opt,
};
