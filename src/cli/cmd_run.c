// SPDX-License-Identifier: GPL-2.0
/*
 * vigil run: the agent. Loads every sensor the kernel allows, evaluates the
 * policy (the built-in default unless --policy is given) on every event,
 * takes its actions and prints alerts (and events unless --alerts-only).
 */
#include <argp.h>
#include <stddef.h>
#include <string.h>
#include "agent/agent.h"
#include "agent/agent_policy.h"
#include "lib/parse_num.h"
#include "cli/commands.h"
#include "cli/run_safe_change.h"
#include "lib/log.h"
#include "agent/metrics_agent.h"
#include "agent/metrics_http.h"
#include "sensors/sensors.h"

#define MAX_POLICY_PATHS 32

struct run_args {
	bool json;
	bool alerts_only;
	const char *policy[MAX_POLICY_PATHS];
	size_t n_policy;
	const char *metrics;		/* --metrics ADDR */
	struct vg_run_safe_change safe;	/* its own options (run_safe_change.c) */
};

/* What the metrics endpoint serves, and the server once started. */
struct run_state {
	struct vg_agent agent;
	struct vg_agent_policy ap;
	struct vg_metrics_server *metrics;	/* bound before the sensors load */
};

static const char doc[] =
	"Run the vigil agent: every sensor this kernel allows, the policy and its actions.\v"
	"Without --policy the built-in default policy (policy/default.yaml) is used.\n"
	"SIGHUP, or a change to a policy file, reloads the policy; the new one runs in\n"
	"shadow for the canary window (--canary-window) before it acts, and a policy\n"
	"that fails to load, or a health gate, leaves the running one in place.\n\n"
	"EXAMPLES:\n"
	"  vigil run                              # columns on the terminal\n"
	"  vigil run --json                       # JSON lines, for a pipe or a file\n"
	"  vigil run --policy /etc/vigil/policy.d --alerts-only --json\n"
	"  vigil run --metrics 9464              # Prometheus: http://127.0.0.1:9464/metrics\n";

enum { OPT_ALERTS_ONLY = 1000, OPT_METRICS };

static const struct argp_option options[] = {
	{ "json", 'j', NULL, 0, "JSON lines instead of columns", 0 },
	{ "policy", 'p', "PATH", 0, "policy file or directory (repeatable)", 0 },
	{ "alerts-only", OPT_ALERTS_ONLY, NULL, 0, "print alerts, not every event", 0 },
	{ "metrics", OPT_METRICS, "ADDR", 0,
	  "serve Prometheus metrics at http://ADDR/metrics; ADDR is PORT (on 127.0.0.1), "
	  "HOST:PORT or [V6]:PORT", 0 },
	{ "verbose", 'v', NULL, 0, "debug output, including libbpf and verifier logs", 0 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct run_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &a->safe;
		break;
	case 'j':
		a->json = true;
		break;
	case 'p':
		if (a->n_policy == MAX_POLICY_PATHS)
			argp_error(state, "too many --policy paths");
		a->policy[a->n_policy++] = arg;
		break;
	case OPT_ALERTS_ONLY:
		a->alerts_only = true;
		break;
	case OPT_METRICS: {
		struct sockaddr_storage ss;
		char why[160];
		socklen_t len;

		if (vg_metrics_parse_addr(arg, &ss, &len, why, sizeof(why)))
			argp_error(state, "--metrics: %s", why);
		a->metrics = arg;
		break;
	}
	default:
		return vg_cmd_other_key(key, arg, state);
	}
	return 0;
}

static void on_sighup(struct vg_agent *a)
{
	vg_agent_policy_request_reload(a->hook_arg);
}

static void collect_metrics(void *arg, struct vg_buf *out)
{
	struct run_state *st = arg;

	vg_agent_metrics(&st->agent, out);
	vg_agent_policy_metrics(&st->ap, out);
}

static struct run_state *state_of(struct vg_agent *a)
{
	return (struct run_state *)((char *)a - offsetof(struct run_state, agent));
}

static int on_started(struct vg_agent *a)
{
	struct run_state *st = state_of(a);

	return st->metrics ? vg_metrics_serve(st->metrics, collect_metrics, st) : 0;
}

/*
 * Every sensor, in table order, with its run config. Those that attach at
 * load do; the others attach once the policy has set their filters.
 */
static int load_sensors(struct vg_agent *agent)
{
	int i, err = 0;

	for (i = 0; !err && i < vg_n_sensors; i++) {
		const struct vg_sensor_desc *d = vg_all_sensors[i];

		if (d->run_attach_at_load)
			err = vg_agent_add_sensor(agent, d, d->run_cfg);
		else
			err = vg_agent_load_sensor(agent, d, d->run_cfg);
	}
	return err;
}

int vg_cmd_run(int argc, char **argv)
{
	static const struct argp_child children[] = { { &vg_run_safe_change_argp, 0, NULL, 0 }, { 0 } };
	static const struct argp argp = { options, parse_opt, NULL, doc, children, NULL, NULL };
	static struct run_state st;	/* large; one per process */
	struct vg_agent_policy *ap = &st.ap;
	struct vg_agent *agent = &st.agent;
	static struct run_args args;
	struct vg_agent_opts opts = { 0 };
	int err;

	argv[0] = "vigil run";
	if (argp_parse(&argp, argc, argv, 0, NULL, &args))
		return 2;
	if (vg_run_safe_change_ready(&args.safe))
		return 1;
	opts.json = args.json;
	opts.quiet_header = args.alerts_only;
	if (args.metrics && !(st.metrics = vg_metrics_bind(args.metrics)))
		return 1;
	err = vg_agent_init(agent, &opts);
	if (!err)
		err = vg_agent_policy_init(ap, agent, args.policy, args.n_policy,
					   &args.safe.policy);
	if (!err)
		err = load_sensors(agent);
	if (!err) {
		vg_agent_print_types(agent, 1, VG_EV_TYPE_MAX - 1, !args.alerts_only);
		agent->print_type[VG_EV_FORK] = false;
		agent->sighup_hook = on_sighup;
		agent->started_hook = on_started;
		ap->events_printed = !args.alerts_only;
		err = vg_agent_policy_start(ap);
	}
	if (!err)
		err = vg_agent_attach_sensors(agent);
	if (!err)
		err = vg_agent_run(agent);
	/* Before anything it reads goes away. */
	vg_metrics_stop(st.metrics);
	vg_agent_fini(agent);
	vg_agent_policy_fini(ap);
	return err ? 1 : 0;
}
