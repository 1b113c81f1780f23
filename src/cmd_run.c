// SPDX-License-Identifier: GPL-2.0
/* vigil run: the agent. Loads every sensor the kernel allows and reports. */
#include <argp.h>
#include "agent.h"
#include "cli.h"
#include "commands.h"
#include "log.h"
#include "sensor_file.h"
#include "sensor_process.h"

struct run_args {
	bool json;
};

static const char doc[] =
	"Run the vigil agent: every sensor this kernel allows, printing what it sees.\v"
	"EXAMPLES:\n"
	"  vigil run           # columns on the terminal\n"
	"  vigil run --json    # JSON lines, for a pipe or a file\n";

static const struct argp_option options[] = {
	{ "json", 'j', NULL, 0, "JSON lines instead of columns", 0 },
	{ "verbose", 'v', NULL, 0, "debug output, including libbpf and verifier logs", 0 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct run_args *a = state->input;

	switch (key) {
	case 'j':
		a->json = true;
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

int cmd_run(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct run_args args = { 0 };
	struct vg_agent_opts opts = { 0 };
	struct vg_agent agent;
	int err;

	argv[0] = "vigil run";
	if (argp_parse(&argp, argc, argv, 0, NULL, &args))
		return 2;
	opts.json = args.json;
	err = vg_agent_init(&agent, &opts);
	if (!err)
		err = vg_agent_add_sensor(&agent, &vg_process_sensor, NULL);
	if (!err)
		err = vg_agent_add_sensor(&agent, &vg_file_sensor, NULL);
	if (!err) {
		vg_agent_print_types(&agent, VG_EV_EXEC, VG_EV_EXIT, true);
		vg_agent_print_types(&agent, VG_EV_FILE_FIRST, VG_EV_FILE_LAST, true);
		agent.print_type[VG_EV_FORK] = false;
		err = vg_agent_run(&agent);
	}
	vg_agent_fini(&agent);
	return err ? 1 : 0;
}
