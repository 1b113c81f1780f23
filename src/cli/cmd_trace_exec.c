// SPDX-License-Identifier: GPL-2.0
/* vigil trace exec: live exec, fork and exit events, filtered in the kernel. */
#include <argp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "agent/agent.h"
#include "lib/parse_num.h"
#include "cli/cli_trace.h"
#include "cli/commands.h"
#include "lib/log.h"
#include "sensors/sensor_process.h"

struct trace_exec_args {
	struct vg_task_filter filter;
	bool forks;
	struct vg_trace_common common;
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
	"  vigil trace exec --cgroup /sys/fs/cgroup/unified/system.slice\n"
	"  vigil trace exec --kill-exe '/tmp/*'   # no binary under /tmp may run\n";

enum { OPT_CGROUP = 1000, OPT_FORKS, OPT_RINGBUF, OPT_KILL, OPT_AUDIT };

static const struct argp_option options[] = {
	{ "forks", OPT_FORKS, NULL, 0, "also print fork events", 0 },
	{ "kill-exe", OPT_KILL, "PATH", 0,
	  "kill in the kernel, before its first instruction, any exec of PATH (or of a prefix: '/tmp/*'); repeatable", 0 },
	{ "audit", OPT_AUDIT, NULL, 0, "with --kill-exe: only report what would have been killed", 0 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct trace_exec_args *a = state->input;

	if (vg_trace_common_init(key, state, &a->common))
		return 0;
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
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int vg_cmd_trace_exec(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &vg_trace_common_argp, 0, "Common options:", 0 },
		{ 0 },
	};
	static const struct argp argp = { options, parse_opt, NULL, doc, children, NULL, NULL };
	struct trace_exec_args args = { 0 };
	struct vg_agent_opts opts = { 0 };
	struct vg_agent agent;
	int err, i;

	argv[0] = "vigil trace exec";
	args.common.filter = &args.filter;
	if (argp_parse(&argp, argc, argv, 0, NULL, &args))
		return 2;
	opts.json = args.common.json;
	opts.ringbuf_bytes = args.common.ringbuf_bytes;
	err = vg_agent_init(&agent, &opts);
	if (!err)
		err = vg_agent_add_sensor(&agent, &vg_process_sensor, &args.filter);
	for (i = 0; !err && i < args.n_kill; i++)
		err = vg_process_add_exec_kill(&agent.sensors[0], args.kill[i], i + 1, args.audit);
	if (!err) {
		vg_agent_print_types(&agent, VG_EV_EXEC, VG_EV_EXIT, true);
		agent.print_type[VG_EV_FORK] = args.forks;
		err = vg_agent_run(&agent);
	}
	vg_agent_fini(&agent);
	return err ? 1 : 0;
}
