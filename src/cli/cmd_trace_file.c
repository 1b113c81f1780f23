// SPDX-License-Identifier: GPL-2.0
/* vigil trace file: opens and changes of watched files, filtered in the kernel. */
#include <argp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "agent/agent.h"
#include "lib/parse_num.h"
#include "cli/cli_trace.h"
#include "cli/commands.h"
#include "lib/log.h"
#include "sensors/sensor_file.h"
#include "sensors/sensor_process.h"

#define MAX_PATHS 256

struct trace_file_args {
	struct vg_file_cfg cfg;
	struct vg_file_watch paths[MAX_PATHS];
	size_t n_paths;
	struct vg_trace_common common;
};

static const char doc[] =
	"Trace opens and changes of watched files (paths from the kernel's own objects).\v"
	"Without --path, a built-in set of sensitive locations is watched (/etc, /root,\n"
	"/boot, binaries and libraries, cron, ~/.ssh and shell rc files, /var/log,\n"
	"/dev/shm, executables in /tmp, every mount and memfd_create).\n"
	"PREFIX: \"/dir\" is the directory and everything below it; \"/etc/cron*\" is a\n"
	"byte prefix; \"~/.ssh\" is below every /home/<user> and /root.\n\n"
	"EXAMPLES:\n"
	"  vigil trace file                       # the default watch set, as columns\n"
	"  vigil trace file --json                # JSON lines\n"
	"  vigil trace file --path /srv/www --write-only\n"
	"  vigil trace file --path '~/.ssh' --comm sshd\n";

enum { OPT_CGROUP = 1000, OPT_RINGBUF, OPT_WRITE_ONLY };

static const struct argp_option options[] = {
	{ "path", 'P', "PREFIX", 0, "watch this path prefix (repeatable; replaces the default set)", 0 },
	{ "write-only", OPT_WRITE_ONLY, NULL, 0, "only changes: no read-only opens", 0 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct trace_file_args *a = state->input;
	struct vg_watch_key k;
	bool home;

	if (vg_trace_common_init(key, state, &a->common))
		return 0;
	switch (key) {
	case 'P':
		if (a->n_paths >= MAX_PATHS)
			argp_error(state, "at most %d --path options", MAX_PATHS);
		if (vg_file_watch_key(arg, &k, &home))
			argp_error(state, "invalid --path '%s': absolute, or ~/..., at most %d bytes, '*' only at the end",
				   arg, VG_WATCH_KEY_BYTES - 2);
		a->paths[a->n_paths].prefix = arg;
		a->paths[a->n_paths].access = VG_FACC_ALL;
		a->n_paths++;
		break;
	case OPT_WRITE_ONLY:
		a->cfg.access_mask = VG_FACC_MODIFY;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int vg_cmd_trace_file(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &vg_trace_common_argp, 0, "Common options:", 0 },
		{ 0 },
	};
	static const struct argp argp = { options, parse_opt, NULL, doc, children, NULL, NULL };
	struct trace_file_args *args;
	struct vg_agent_opts opts = { 0 };
	struct vg_agent agent;
	int err;

	args = calloc(1, sizeof(*args));
	if (!args) {
		vg_err("out of memory");
		return 1;
	}
	vg_file_cfg_init(&args->cfg);
	argv[0] = "vigil trace file";
	args->common.filter = &args->cfg.task;
	if (argp_parse(&argp, argc, argv, 0, NULL, args)) {
		free(args);
		return 2;
	}
	if (args->n_paths) {
		args->cfg.watch = args->paths;
		args->cfg.n_watch = args->n_paths;
	}
	opts.json = args->common.json;
	opts.ringbuf_bytes = args->common.ringbuf_bytes;
	err = vg_agent_init(&agent, &opts);
	/* Unfiltered and unprinted: it gives file events their process context. */
	if (!err)
		err = vg_agent_add_sensor(&agent, &vg_process_sensor, NULL);
	if (!err)
		err = vg_agent_add_sensor(&agent, &vg_file_sensor, &args->cfg);
	if (!err) {
		vg_agent_print_types(&agent, 0, VG_EV_TYPE_MAX - 1, false);
		vg_agent_print_types(&agent, VG_EV_FILE_FIRST, VG_EV_FILE_LAST, true);
		err = vg_agent_run(&agent);
	}
	vg_agent_fini(&agent);
	free(args);
	return err ? 1 : 0;
}
