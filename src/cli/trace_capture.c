// SPDX-License-Identifier: GPL-2.0
/*
 * `vigil trace … --capture FILE` opens its file here; `vigil trace read
 * FILE` prints one: the agent in replay mode, fed the capture's records
 * (agent_replay.c), printing as the trace that took it would have.
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "agent/agent.h"
#include "cli/commands.h"
#include "cli/trace_capture.h"
#include "event/capture.h"
#include "lib/log.h"

FILE *vg_capture_create(const char *path)
{
	int fd = strcmp(path, "-") ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
					  0600)
				   : dup(STDOUT_FILENO);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (!f) {
		vg_err("%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	return f;
}

struct read_args {
	const char *path;
	bool json;
};

static const struct argp_option read_options[] = {
	{ "json", 'j', NULL, 0, "JSON lines instead of columns", 0 },
	{ 0 },
};

static error_t parse_read(int key, char *arg, struct argp_state *state)
{
	struct read_args *r = state->input;

	switch (key) {
	case 'j':
		r->json = true;
		return 0;
	case ARGP_KEY_ARG:
		if (r->path)
			argp_error(state, "one capture file at a time");
		r->path = arg;
		return 0;
	case ARGP_KEY_END:
		if (!r->path)
			argp_error(state, "which capture file? (- for standard input)");
		return 0;
	default:
		return vg_cmd_other_key(key, arg, state);
	}
}

static int replay(const struct read_args *ra, FILE *in)
{
	struct vg_capture_reader r;
	struct vg_agent_opts opts = { .json = ra->json, .replay = true };
	struct vg_agent agent;
	int err = vg_capture_open(&r, in, ra->path);

	if (err) {
		vg_err("%s", r.err);
		vg_capture_close(&r);
		return 1;
	}
	opts.cache_tick_ns = r.hdr.tick_ns;
	err = vg_agent_init(&agent, &opts);
	if (!err) {
		if (!ra->json)
			printf("%s\n", vg_event_text_header());
		err = vg_agent_replay(&agent, &r);
	}
	vg_agent_fini(&agent);
	vg_capture_close(&r);
	return err ? 1 : 0;
}

int vg_cmd_trace_read(int argc, char **argv)
{
	static const char doc[] =
		"Print a capture made by `vigil trace ... --capture FILE` as that trace would have "
		"printed it: the same columns or JSON lines, the processes' context as the agent "
		"knew it, the capture's host and times."
		"\vEXAMPLES:\n"
		"  vigil trace exec --capture /var/tmp/exec.cap   # capture until Ctrl-C\n"
		"  vigil trace read /var/tmp/exec.cap             # then read it as columns\n"
		"  vigil trace read --json /var/tmp/exec.cap      # ... or as JSON lines";
	struct argp argp = { read_options, parse_read, "FILE", doc, NULL, NULL, NULL };
	struct read_args ra = { 0 };
	FILE *in;
	int code;

	argv[0] = "vigil trace read";
	if (argp_parse(&argp, argc, argv, 0, NULL, &ra))
		return 2;
	in = strcmp(ra.path, "-") ? fopen(ra.path, "rb") : stdin;
	if (!in) {
		vg_err("%s: %s", ra.path, strerror(errno));
		return 1;
	}
	code = replay(&ra, in);
	if (in != stdin)
		fclose(in);
	return code;
}
