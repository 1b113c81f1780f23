// SPDX-License-Identifier: GPL-2.0
/* vigil trace exec: live exec, fork and exit events, filtered in the kernel. */
#include <argp.h>
#include <stddef.h>
#include "cli/trace.h"
#include "sensors/sensor_process.h"

struct trace_exec_args {
	struct vg_task_filter filter;	/* the process sensor's config */
	bool forks;
	const char *kill[64];
	int n_kill;
	bool audit;
};

static const char doc[] =
	"Trace process executions and exits.\v"
	"EXAMPLES:\n"
	"  vigil trace exec                  # every exec and exit, as columns\n"
	"  vigil trace exec --json           # JSON lines\n"
	"  vigil trace exec --uid 1000       # one user's processes\n"
	"  vigil trace exec --comm curl      # only processes named curl\n"
	"  vigil trace exec --cgroup \"$(findmnt -nt cgroup2 -o TARGET)/system.slice\"\n"
	"  vigil trace exec --kill-exe '/tmp/*'   # no binary under /tmp may run\n";

enum { OPT_FORKS = 1000, OPT_KILL, OPT_AUDIT };

static const struct argp_option options[] = {
	{ "forks", OPT_FORKS, NULL, 0, "also print fork events", 0 },
	{ "kill-exe", OPT_KILL, "PATH", 0,
	  "kill in the kernel, before its first instruction, any exec of PATH (or of a prefix: '/tmp/*'); repeatable", 0 },
	{ "audit", OPT_AUDIT, NULL, 0, "with --kill-exe: only report what would have been killed", 0 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state, void *args)
{
	struct trace_exec_args *a = args;

	switch (key) {
	case OPT_FORKS:
		a->forks = true;
		break;
	case OPT_KILL:
		if (a->n_kill == (int)(sizeof(a->kill) / sizeof(a->kill[0])))
			argp_error(state, "too many --kill-exe");
		a->kill[a->n_kill++] = arg;
		break;
	case OPT_AUDIT:
		a->audit = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* The --kill-exe rules go in before the first exec is seen. */
static int ready(struct vg_agent *agent, struct vg_sensor *s, void *args)
{
	const struct trace_exec_args *a = args;
	int i, err;

	for (i = 0; i < a->n_kill; i++) {
		err = vg_process_add_exec_kill(s, a->kill[i], i + 1, a->audit);
		if (err)
			return err;
	}
	agent->print_type[VG_EV_FORK] = a->forks;
	return 0;
}

const struct vg_trace_cmd vg_trace_exec = {
	.name = "exec",
	.sensor = &vg_process_sensor,
	.first_type = VG_EV_EXEC,
	.last_type = VG_EV_EXIT,
	.doc = doc,
	.options = options,
	VG_TRACE_ARGS(struct trace_exec_args, filter, filter),
	.parse = parse_opt,
	.ready = ready,
};
