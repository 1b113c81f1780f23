// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "lib/parse_num.h"
#include "cli/cli_trace.h"
#include "lib/log.h"
#include "bpf/vigil_abi.h"

enum { OPT_CGROUP = 2000, OPT_RINGBUF };

static const struct argp_option options[] = {
	{ "json", 'j', NULL, 0, "JSON lines instead of columns", 0 },
	{ "pid", 'p', "PID", 0, "only this process (tgid)", 0 },
	{ "uid", 'u', "UID", 0, "only processes of this real user id", 0 },
	{ "comm", 'c', "NAME", 0, "only processes with this command name", 0 },
	{ "cgroup", OPT_CGROUP, "PATH", 0, "only processes in this cgroup v2 directory (or below)", 0 },
	{ "ringbuf-size", OPT_RINGBUF, "BYTES", 0, "ring buffer size (default 8M)", 0 },
	{ "verbose", 'v', NULL, 0, "debug output, including libbpf and verifier logs", 0 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct vg_trace_common *c = state->input;

	switch (key) {
	case 'j':
		c->json = true;
		break;
	case 'p':
		if (vg_parse_u32(arg, &c->filter->tgid))
			argp_error(state, "invalid --pid '%s'", arg);
		c->filter->tgid_on = true;
		break;
	case 'u':
		if (vg_parse_u32(arg, &c->filter->uid))
			argp_error(state, "invalid --uid '%s'", arg);
		c->filter->uid_on = true;
		break;
	case 'c':
		if (strlen(arg) >= VG_COMM_LEN)
			argp_error(state, "--comm '%s' is longer than %d bytes: the kernel keeps only %d",
				   arg, VG_COMM_LEN - 1, VG_COMM_LEN - 1);
		c->filter->comm = arg;
		break;
	case OPT_CGROUP:
		c->filter->cgroup_path = arg;
		break;
	case OPT_RINGBUF:
		if (vg_parse_size(arg, &c->ringbuf_bytes))
			argp_error(state, "invalid --ringbuf-size '%s'", arg);
		break;
	case 'v':
		vg_log_verbosity = VG_LOG_DEBUG;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp vg_trace_common_argp = { options, parse_opt, NULL, NULL, NULL, NULL, NULL };
