// SPDX-License-Identifier: GPL-2.0
/*
 * vigil trace SENSOR: one front-end for every trace command. Parses the
 * common options and the sensor's own, then brings the agent up the same
 * way for each: the process sensor for context when asked, the sensor
 * with its config, the record types it prints, its extra step, run.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "agent/agent.h"
#include "bpf/vigil_abi.h"
#include "cli/commands.h"
#include "cli/run_config.h"
#include "cli/trace.h"
#include "cli/trace_capture.h"
#include "lib/log.h"
#include "lib/parse_num.h"
#include "sensors/sensor_process.h"

/* Found by the command's last word: `vigil trace exec` runs vg_trace_exec. */
static const struct vg_trace_cmd *const traces[] = {
	&vg_trace_exec,
	&vg_trace_priv,
	&vg_trace_file,
	&vg_trace_net,
	&vg_trace_seccomp,
};

enum { OPT_CGROUP = 2000, OPT_RINGBUF, OPT_WAKEUP, OPT_CAPTURE };

static const struct argp_option common_options[] = {
	{ "json", 'j', NULL, 0, "JSON lines instead of columns", 0 },
	{ "pid", 'p', "PID", 0, "only this process (tgid)", 0 },
	{ "uid", 'u', "UID", 0, "only processes of this real user id", 0 },
	{ "comm", 'c', "NAME", 0, "only processes with this command name", 0 },
	{ "cgroup", OPT_CGROUP, "PATH", 0, "only processes in this cgroup v2 directory (or below)", 0 },
	{ "ringbuf-size", OPT_RINGBUF, "BYTES", 0,
	  "ring buffer size, a power of two (default 16M)", 0 },
	{ "wakeup-batch", OPT_WAKEUP, "MS", 0,
	  "a busy ring buffer wakes vigil at most every MS ms (default 4; 0: every record)", 0 },
	{ "capture", OPT_CAPTURE, "FILE", 0,
	  "write the records to FILE as they come, unformatted (keeps up with far higher rates);"
	  " `vigil trace read FILE` prints them", 0 },
	{ "verbose", 'v', NULL, 0, "debug output, including libbpf and verifier logs", 0 },
	{ 0 },
};

static error_t parse_common(int key, char *arg, struct argp_state *state)
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
		if (vg_parse_ringbuf_size(arg, &c->ringbuf_bytes))
			argp_error(state, "invalid --ringbuf-size '%s': a power of two from 4K to 1G",
				   arg);
		break;
	case OPT_WAKEUP:
		if (vg_parse_wakeup_batch(arg, &c->wakeup_batch_ms))
			argp_error(state, "invalid --wakeup-batch '%s': 0 to 1000 ms", arg);
		break;
	case OPT_CAPTURE:
		c->capture = arg;
		break;
	case 'v':	/* argp hands an option only to the parser that lists it */
		return vg_cmd_other_key(key, arg, state);
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp common_argp = { common_options, parse_common, NULL, NULL, NULL, NULL, NULL };

/* What one run of the command parsed. */
struct trace_run {
	const struct vg_trace_cmd *cmd;
	struct vg_trace_common common;
	void *args;			/* the sensor's own: cmd->args_size bytes */
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct trace_run *r = state->input;
	error_t err;

	if (key == ARGP_KEY_INIT) {
		state->child_inputs[0] = &r->common;
		return 0;
	}
	err = r->cmd->parse(key, arg, state, r->args);
	return err == ARGP_ERR_UNKNOWN ? vg_cmd_other_key(key, arg, state) : err;
}

static int run_agent(const struct trace_run *r)
{
	const struct vg_trace_cmd *t = r->cmd;
	struct vg_agent_opts opts = {
		.json = r->common.json,
		.ringbuf_bytes = r->common.ringbuf_bytes,
		.wakeup_batch_ms = r->common.wakeup_batch_ms,
	};
	struct vg_agent agent;
	int err;

	if (r->common.capture) {
		opts.capture = vg_capture_create(r->common.capture);
		if (!opts.capture)
			return 1;
	}
	err = vg_agent_init(&agent, &opts);
	if (!err && t->process_context)
		err = vg_agent_add_sensor(&agent, &vg_process_sensor, NULL);
	if (!err)
		err = vg_agent_add_sensor(&agent, t->sensor, (char *)r->args + t->cfg_offset);
	if (!err) {
		vg_agent_print_types(&agent, t->first_type, t->last_type, true);
		if (t->ready)
			err = t->ready(&agent, &agent.sensors[agent.n_sensors - 1], r->args);
	}
	if (!err)
		err = vg_agent_run(&agent);
	vg_agent_fini(&agent);
	if (opts.capture && fclose(opts.capture) && !err) {
		vg_err("%s: %s", r->common.capture, strerror(errno));
		err = -EIO;
	}
	return err ? 1 : 0;
}

static const struct vg_trace_cmd *trace_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(traces) / sizeof(traces[0]); i++)
		if (!strcmp(traces[i]->name, name))
			return traces[i];
	return NULL;
}

int vg_cmd_trace(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &common_argp, 0, "Common options:", 0 },
		{ 0 },
	};
	static char name[64];
	const struct vg_trace_cmd *t = trace_find(argv[0]);
	struct trace_run r = { .cmd = t };
	struct argp argp = { NULL, parse_opt, NULL, NULL, children, NULL, NULL };
	int code;

	if (!t) {
		vg_err("no trace command '%s'", argv[0]);
		return 2;
	}
	argp.options = t->options;
	argp.doc = t->doc;
	r.args = calloc(1, t->args_size);
	if (!r.args) {
		vg_err("out of memory");
		return 1;
	}
	if (t->init)
		t->init(r.args);
	r.common.filter = (struct vg_task_filter *)((char *)r.args + t->filter_offset);
	snprintf(name, sizeof(name), "vigil trace %s", t->name);
	argv[0] = name;
	if (argp_parse(&argp, argc, argv, 0, NULL, &r))
		code = 2;
	else if (!t->instead || !t->instead(r.args, &r.common, &code))
		code = run_agent(&r);
	free(r.args);
	return code;
}
