// SPDX-License-Identifier: GPL-2.0
/* vigil trace exec: live exec, fork and exit events, filtered in the kernel. */
#include <argp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "agent.h"
#include "cli.h"
#include "commands.h"
#include "log.h"
#include "sensor_process.h"

struct trace_exec_args {
	struct vg_task_filter filter;
	bool json;
	bool forks;
	uint64_t ringbuf_bytes;
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
	{ "json", 'j', NULL, 0, "JSON lines instead of columns", 0 },
	{ "pid", 'p', "PID", 0, "only this process (tgid)", 0 },
	{ "uid", 'u', "UID", 0, "only processes of this real user id", 0 },
	{ "comm", 'c', "NAME", 0, "only processes with this command name", 0 },
	{ "cgroup", OPT_CGROUP, "PATH", 0, "only processes in this cgroup v2 directory (or below)", 0 },
	{ "forks", OPT_FORKS, NULL, 0, "also print fork events", 0 },
	{ "ringbuf-size", OPT_RINGBUF, "BYTES", 0, "ring buffer size (default 8M)", 0 },
	{ "kill-exe", OPT_KILL, "PATH", 0,
	  "kill in the kernel, before its first instruction, any exec of PATH (or of a prefix: '/tmp/*'); repeatable", 0 },
	{ "audit", OPT_AUDIT, NULL, 0, "with --kill-exe: only report what would have been killed", 0 },
	{ "verbose", 'v', NULL, 0, "debug output, including libbpf and verifier logs", 0 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct trace_exec_args *a = state->input;

	switch (key) {
	case 'j':
		a->json = true;
		break;
	case 'p':
		if (vg_parse_u32(arg, &a->filter.tgid))
			argp_error(state, "invalid --pid '%s'", arg);
		a->filter.tgid_on = true;
		break;
	case 'u':
		if (vg_parse_u32(arg, &a->filter.uid))
			argp_error(state, "invalid --uid '%s'", arg);
		a->filter.uid_on = true;
		break;
	case 'c':
		if (strlen(arg) >= VG_COMM_LEN)
			argp_error(state, "--comm '%s' is longer than %d bytes: the kernel keeps only %d",
				   arg, VG_COMM_LEN - 1, VG_COMM_LEN - 1);
		a->filter.comm = arg;
		break;
	case OPT_CGROUP:
		a->filter.cgroup_path = arg;
		break;
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
	case OPT_RINGBUF:
		if (vg_parse_size(arg, &a->ringbuf_bytes))
			argp_error(state, "invalid --ringbuf-size '%s'", arg);
		break;
	case 'v':
		vg_log_verbosity = VG_LOG_DEBUG;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int cmd_trace_exec(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct trace_exec_args args = { 0 };
	struct vg_agent_opts opts = { 0 };
	struct vg_agent agent;
	int err, i;

	argv[0] = "vigil trace exec";
	if (argp_parse(&argp, argc, argv, 0, NULL, &args))
		return 2;
	opts.json = args.json;
	opts.ringbuf_bytes = args.ringbuf_bytes;
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
