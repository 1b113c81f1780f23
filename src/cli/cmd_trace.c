// SPDX-License-Identifier: GPL-2.0
/*
 * vigil trace SENSOR...: one front-end for every trace command. Parses the
 * common options and each sensor's own, then brings the agent up the same
 * way for each: the process sensor first (for exec, or for context when a
 * sensor asks), each sensor with its config, the record types it prints,
 * its extra step, run. Several sensors (`vigil trace exec file net`) share
 * the one agent: one syscall hub, one ring buffer, one consumer, one output.
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

/* Found by the command's words: `vigil trace exec` runs vg_trace_exec. */
static const struct vg_trace_cmd *const traces[] = {
	&vg_trace_exec,
	&vg_trace_priv,
	&vg_trace_file,
	&vg_trace_net,
	&vg_trace_seccomp,
};

#define N_TRACES (sizeof(traces) / sizeof(traces[0]))

static const char multi_doc[] =
	"Trace several sensors at once into one stream: one syscall hub, one ring buffer, "
	"one consumer, one output. Each line names its kind (event.action, event.category); "
	"the exit summary counts what each sensor sent and lost. The common options filter "
	"every sensor; a sensor's own options (listed under its name) apply to it alone; "
	"where two sensors share a short option, only the long forms work.\v"
	"EXAMPLES:\n"
	"  vigil trace exec file net --json           # execs, sensitive files, network\n"
	"  vigil trace exec file net --json --path /srv/app   # files under /srv/app\n"
	"  vigil trace file net --json --comm curl --port 443\n";

enum { OPT_CGROUP = 2000, OPT_RINGBUF, OPT_WAKEUP, OPT_CAPTURE, OPT_RENUMBERED = 3000 };

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

/* One sensor of the run: its command and its parsed arguments. */
struct trace_part {
	const struct vg_trace_cmd *cmd;
	void *args;			/* cmd->args_size bytes */
};

/* An option as argp sees it, and whose it is. */
struct option_owner {
	int key;			/* the key argp hands us */
	int part;			/* index into trace_run.parts */
	int own_key;			/* the key its sensor's parser knows */
};

/* What one run of the command parsed. */
struct trace_run {
	struct trace_part parts[N_TRACES];
	int n;
	struct vg_trace_common common;
	struct vg_task_filter filter;	/* the common options', copied into each sensor's */
	struct argp_option *options;	/* every part's, keys renumbered where two collide */
	char headings[N_TRACES][32];	/* "file options:" above each part's, in --help */
	struct option_owner *owners;
	int n_owners;
};

static const struct vg_trace_cmd *trace_find(const char *name)
{
	size_t i;

	for (i = 0; i < N_TRACES; i++)
		if (!strcmp(traces[i]->name, name))
			return traces[i];
	return NULL;
}

static int count_options(const struct argp_option *o)
{
	int n = 0;

	while (o[n].name || o[n].key || o[n].doc)
		n++;
	return n;
}

/* Whether another part's option uses @key too (then neither keeps it). */
static bool key_shared(const struct trace_run *r, int part, int key)
{
	int i, j;

	for (i = 0; i < r->n; i++) {
		const struct argp_option *o = r->parts[i].cmd->options;

		if (i == part)
			continue;
		for (j = 0; j < count_options(o); j++)
			if (o[j].key == key)
				return true;
	}
	return false;
}

/*
 * Every part's options in one table. A key two sensors both use (file's
 * --path and net's --port are both -P) is renumbered and loses its short
 * form; each option keeps its long name. With several parts each sensor's
 * options get a heading of their own in --help.
 */
static int merge_options(struct trace_run *r)
{
	int i, j, n = 0, renumbered = OPT_RENUMBERED;

	for (i = 0; i < r->n; i++)
		n += count_options(r->parts[i].cmd->options) + 1;
	r->options = calloc(n + 1, sizeof(*r->options));
	r->owners = calloc(n + 1, sizeof(*r->owners));
	if (!r->options || !r->owners)
		return -1;
	n = 0;
	for (i = 0; i < r->n; i++) {
		const struct vg_trace_cmd *t = r->parts[i].cmd;
		const struct argp_option *o = t->options;

		if (r->n > 1 && count_options(o)) {
			snprintf(r->headings[i], sizeof(r->headings[i]), "%s options:", t->name);
			r->options[n++] = (struct argp_option){ .doc = r->headings[i], .group = i + 1 };
		}
		for (j = 0; j < count_options(o); j++) {
			struct argp_option *m = &r->options[n++];

			*m = o[j];
			m->group = r->n > 1 ? i + 1 : o[j].group;
			if (!o[j].key)
				continue;
			if (key_shared(r, i, o[j].key))
				m->key = renumbered++;
			r->owners[r->n_owners++] = (struct option_owner){ .key = m->key, .part = i,
									  .own_key = o[j].key };
		}
	}
	return 0;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct trace_run *r = state->input;
	error_t err;
	int i;

	if (key == ARGP_KEY_INIT) {
		state->child_inputs[0] = &r->common;
		return 0;
	}
	if (key == ARGP_KEY_ARG && trace_find(arg))
		argp_error(state, "'%s': name every sensor before the options (vigil trace exec %s ...)",
			   arg, arg);
	for (i = 0; i < r->n_owners; i++)
		if (r->owners[i].key == key) {
			const struct trace_part *p = &r->parts[r->owners[i].part];

			err = p->cmd->parse(r->owners[i].own_key, arg, state, p->args);
			return err == ARGP_ERR_UNKNOWN ? vg_cmd_other_key(key, arg, state) : err;
		}
	/* argp's own keys (end of options, ...) go to every part. */
	for (i = 0; i < r->n; i++) {
		err = r->parts[i].cmd->parse(key, arg, state, r->parts[i].args);
		if (err != ARGP_ERR_UNKNOWN)
			return err;
	}
	return vg_cmd_other_key(key, arg, state);
}

/* Loads one part's sensor (or takes @s, the process sensor already loaded for it). */
static int add_part(struct vg_agent *agent, const struct trace_part *p, struct vg_sensor *s)
{
	const struct vg_trace_cmd *t = p->cmd;
	int err = 0;

	if (!s) {
		err = vg_agent_add_sensor(agent, t->sensor, (char *)p->args + t->cfg_offset);
		s = &agent->sensors[agent->n_sensors - 1];
	}
	if (err)
		return err;
	vg_agent_print_types(agent, t->first_type, t->last_type, true);
	return t->ready ? t->ready(agent, s, p->args) : 0;
}

/*
 * The process sensor comes first: exec's, filtered and printed, or else
 * unfiltered and unprinted for the others' process context; then each
 * other part in the order given.
 */
static int add_parts(struct vg_agent *agent, const struct trace_run *r)
{
	const struct trace_part *exec = NULL;
	bool context = false;
	int i, err = 0;

	for (i = 0; i < r->n; i++) {
		if (r->parts[i].cmd->sensor == &vg_process_sensor)
			exec = &r->parts[i];
		context |= r->parts[i].cmd->process_context;
	}
	if (exec)
		err = vg_agent_add_sensor(agent, &vg_process_sensor,
					  (char *)exec->args + exec->cmd->cfg_offset);
	else if (context)
		err = vg_agent_add_sensor(agent, &vg_process_sensor, NULL);
	if (!err && exec)
		err = add_part(agent, exec, &agent->sensors[agent->n_sensors - 1]);
	for (i = 0; !err && i < r->n; i++)
		if (&r->parts[i] != exec)
			err = add_part(agent, &r->parts[i], NULL);
	return err;
}

static int run_agent(const struct trace_run *r)
{
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
	if (!err)
		err = add_parts(&agent, r);
	if (!err)
		err = vg_agent_run(&agent);
	vg_agent_fini(&agent);
	if (opts.capture && fclose(opts.capture) && !err) {
		vg_err("%s: %s", r->common.capture, strerror(errno));
		err = -EIO;
	}
	return err ? 1 : 0;
}

/*
 * The sensors named at the start of @argv ("exec file net"), with @name
 * the command as --help shows it. Returns 0, 2 for a bad list, 1 without memory.
 */
static int take_parts(struct trace_run *r, int argc, char **argv, char *name, size_t size)
{
	int len = snprintf(name, size, "vigil trace");

	while (r->n < argc && r->n < (int)N_TRACES) {
		const struct vg_trace_cmd *t = trace_find(argv[r->n]);
		int i;

		if (!t)
			break;
		for (i = 0; i < r->n; i++)
			if (r->parts[i].cmd == t) {
				vg_err("trace '%s' named twice", t->name);
				return 2;
			}
		r->parts[r->n].cmd = t;
		r->parts[r->n].args = calloc(1, t->args_size);
		if (!r->parts[r->n].args) {
			vg_err("out of memory");
			return 1;
		}
		if (t->init)
			t->init(r->parts[r->n].args);
		if (len < (int)size)
			len += snprintf(name + len, size - len, " %s", t->name);
		r->n++;
	}
	if (!r->n)
		vg_err("no trace command '%s'", argv[0]);
	return r->n ? 0 : 2;
}

/* A job that replaces tracing (--list-hooks): true with *@code set. */
static bool run_instead(struct trace_run *r, int *code)
{
	int i;

	for (i = 0; i < r->n; i++) {
		const struct vg_trace_cmd *t = r->parts[i].cmd;

		if (t->instead && t->instead(r->parts[i].args, &r->common, code))
			return true;
	}
	return false;
}

static void free_run(struct trace_run *r)
{
	int i;

	for (i = 0; i < r->n; i++)
		free(r->parts[i].args);
	free(r->options);
	free(r->owners);
}

int vg_cmd_trace(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &common_argp, 0, "Common options:", 0 },
		{ 0 },
	};
	static char name[96];
	struct trace_run r = { .n = 0 };
	struct argp argp = { NULL, parse_opt, NULL, NULL, children, NULL, NULL };
	int i, code;

	r.common.filter = &r.filter;
	code = take_parts(&r, argc, argv, name, sizeof(name));
	if (!code && merge_options(&r)) {
		vg_err("out of memory");
		code = 1;
	}
	if (code) {
		free_run(&r);
		return code;
	}
	argp.options = r.options;
	argp.doc = r.n == 1 ? r.parts[0].cmd->doc : multi_doc;
	argv += r.n - 1;
	argc -= r.n - 1;
	argv[0] = name;
	if (argp_parse(&argp, argc, argv, 0, NULL, &r)) {
		code = 2;
	} else if (!run_instead(&r, &code)) {
		for (i = 0; i < r.n; i++)
			memcpy((char *)r.parts[i].args + r.parts[i].cmd->filter_offset, &r.filter,
			       sizeof(r.filter));
		code = run_agent(&r);
	}
	free_run(&r);
	return code;
}
