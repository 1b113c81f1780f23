// SPDX-License-Identifier: GPL-2.0
/* vigil trace file: opens and changes of watched files, filtered in the kernel. */
#include <argp.h>
#include <stddef.h>
#include "cli/trace.h"
#include "sensors/sensor_file.h"

#define MAX_PATHS 256

struct trace_file_args {
	struct vg_file_cfg cfg;		/* the file sensor's config */
	struct vg_file_watch paths[MAX_PATHS];
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

enum { OPT_WRITE_ONLY = 1000 };

static const struct argp_option options[] = {
	{ "path", 'P', "PREFIX", 0, "watch this path prefix (repeatable; replaces the default set)", 0 },
	{ "write-only", OPT_WRITE_ONLY, NULL, 0, "only changes: no read-only opens", 0 },
	{ 0 },
};

static void init(void *args)
{
	struct trace_file_args *a = args;

	vg_file_cfg_init(&a->cfg);
}

/* --path replaces the default watch set (cfg.watch NULL) with its own. */
static void add_path(struct argp_state *state, struct trace_file_args *a, const char *arg)
{
	struct vg_file_cfg *c = &a->cfg;
	struct vg_watch_key k;
	bool home;

	if (c->n_watch >= MAX_PATHS)
		argp_error(state, "at most %d --path options", MAX_PATHS);
	if (vg_file_watch_key(arg, &k, &home))
		argp_error(state, "invalid --path '%s': absolute, or ~/..., at most %d bytes, '*' only at the end",
			   arg, VG_WATCH_KEY_BYTES - 2);
	a->paths[c->n_watch].prefix = arg;
	a->paths[c->n_watch].access = VG_FACC_ALL;
	c->watch = a->paths;
	c->n_watch++;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state, void *args)
{
	struct trace_file_args *a = args;

	switch (key) {
	case 'P':
		add_path(state, a, arg);
		break;
	case OPT_WRITE_ONLY:
		a->cfg.access_mask = VG_FACC_MODIFY;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct vg_trace_cmd vg_trace_file = {
	.name = "file",
	.sensor = &vg_file_sensor,
	.process_context = true,
	.first_type = VG_EV_FILE_FIRST,
	.last_type = VG_EV_FILE_LAST,
	.doc = doc,
	.options = options,
	VG_TRACE_ARGS(struct trace_file_args, cfg, cfg.task),
	.init = init,
	.parse = parse_opt,
};
