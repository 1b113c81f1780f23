// SPDX-License-Identifier: GPL-2.0
/*
 * vigil run: the agent. Loads every sensor the kernel allows, evaluates the
 * policy (the built-in default unless --policy is given) on every event,
 * takes its actions and prints alerts (and every event with --events).
 */
#include <argp.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "agent/agent.h"
#include "agent/agent_policy.h"
#include "agent/agent_status.h"
#include "agent/control.h"
#include "lib/sd_notify.h"
#include "lib/parse_num.h"
#include "cli/commands.h"
#include "cli/run_safe_change.h"
#include "lib/log.h"
#include "agent/metrics_agent.h"
#include "agent/health.h"
#include "agent/metrics_http.h"
#include "agent/metrics_self.h"
#include "cli/run_config.h"
#include "sensors/sensors.h"

#define MAX_POLICY_PATHS 32
#define RELOAD_WAIT_MS 10000
#define OUTPUT_DRAIN_MS 2000
/*
 * The kernel filters for the rules, so `run` sends little, and a full
 * worker queue holds 65,536 more records before the ring has to: 2 MiB
 * (4 MiB of the agent's memory, as the kernel maps a ring twice) is
 * enough. `trace`, which sends everything, keeps the 16 MiB default.
 */
#define DEFAULT_RUN_RINGBUF (2ULL << 20)	/* at exit, time to deliver what is queued */

struct run_args {
	bool json;
	bool events;
	const char *policy[MAX_POLICY_PATHS];
	size_t n_policy;
	const char *metrics;		/* --metrics ADDR */
	const char *socket;		/* --socket PATH */
	uint32_t storm_burst;		/* --storm-burst N (0: off) */
	uint64_t storm_window_ms;	/* --storm-window D */
	double max_overhead;		/* --max-overhead PCT (0: off) */
	struct vg_run_config cfg;	/* outputs, --config, --bpf-stats */
	struct vg_run_safe_change safe;	/* its own options (run_safe_change.c) */
};

/* What the metrics endpoint serves, and the server once started. */
struct run_state {
	struct vg_agent agent;
	struct vg_agent_policy ap;
	struct vg_metrics_server *metrics;	/* bound before the sensors load */
	struct vg_control control;		/* bound first: one agent per socket */
	struct vg_agent_status status;
	struct vg_outputs outputs;
	struct vg_self_metrics self;
	struct vg_health health;
};

static const char doc[] =
	"Run the vigil agent: every sensor this kernel allows, the policy and its actions.\v"
	"The built-in default policy (policy/default.yaml, policy/containers.yaml) is loaded\n"
	"first; --policy files extend and tune it (docs/policy.md, \"Tuning\"), and\n"
	"--no-default-policy leaves it out.\n"
	"SIGHUP, a change to a policy file, or `vigil reload` reloads the policy; the\n"
	"new one runs in shadow for the canary window (--canary-window) before it acts,\n"
	"and a policy that fails to load, or a health gate, leaves the running one in place.\n\n"
	"It prints alerts, one line each (time, severity, rule, pid, executable,\n"
	"message); --events prints every event as well.\n\n"
	"EXAMPLES:\n"
	"  vigil run                              # alerts as columns on the terminal\n"
	"  vigil run --events                     # every event too\n"
	"  vigil run --json                       # JSON lines, for a pipe or a file\n"
	"  vigil run --policy /etc/vigil/policy.d --json\n"
	"  vigil run --metrics 9464               # Prometheus: http://127.0.0.1:9464/metrics\n"
	"  vigil run --output file:/var/log/vigil/alerts.json,max-size=100M,keep=5\n"
	"  vigil run --output otlp:http://127.0.0.1:4318/v1/logs --output syslog:/dev/log\n"
	"  vigil run --config /etc/vigil/vigil.yaml\n";

enum { OPT_ALERTS_ONLY = 1000, OPT_EVENTS, OPT_METRICS, OPT_SOCKET, OPT_STORM_BURST,
       OPT_STORM_WINDOW, OPT_MAX_OVERHEAD, OPT_NO_DEFAULT };

#define DEFAULT_MAX_OVERHEAD_PCT 5.0

#define DEFAULT_STORM_BURST 16
#define DEFAULT_STORM_WINDOW_MS 1000

static const struct argp_option options[] = {
	{ "json", 'j', NULL, 0, "JSON lines instead of columns", 0 },
	{ "policy", 'p', "PATH", 0,
	  "policy file or directory (repeatable), loaded on top of the built-in default", 0 },
	{ "no-default-policy", OPT_NO_DEFAULT, NULL, 0,
	  "start from no rules: the --policy files alone", 0 },
	{ "events", OPT_EVENTS, NULL, 0, "print every event as well as the alerts", 0 },
	{ "alerts-only", OPT_ALERTS_ONLY, NULL, 0, "print alerts only (the default)", 0 },
	{ "metrics", OPT_METRICS, "ADDR", 0,
	  "serve Prometheus metrics at http://ADDR/metrics; ADDR is PORT (on 127.0.0.1), "
	  "HOST:PORT or [V6]:PORT", 0 },
	{ "socket", OPT_SOCKET, "PATH", 0,
	  "control socket for vigil status/reload/policy show (default $VIGIL_SOCKET, else "
	  VG_CONTROL_SOCKET ")", 0 },
	{ "storm-burst", OPT_STORM_BURST, "N", 0,
	  "storms: opens alike (same process, file, call) that leave the kernel per window "
	  "before the rest are only counted, where the rules allow it (docs/policy.md); "
	  "0: off (default 16)", 0 },
	{ "storm-window", OPT_STORM_WINDOW, "DURATION", 0, "storms: the window (default 1s)", 0 },
	{ "max-overhead", OPT_MAX_OVERHEAD, "PCT", 0,
	  "overhead budget, percent of one CPU (agent CPU + its BPF programs' run time, "
	  "kernel.bpf_stats held on): over it, record types no high or critical rule reads "
	  "are shed in the kernel until it falls (default 5; 0: off)", 0 },
	{ "verbose", 'v', NULL, 0, "debug output, including libbpf and verifier logs", 0 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct run_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &a->cfg;	/* the order of children[] */
		state->child_inputs[1] = &a->safe;
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
		a->events = false;
		break;
	case OPT_EVENTS:
		a->events = true;
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
	case OPT_SOCKET:
		a->socket = arg;
		break;
	case OPT_NO_DEFAULT:
		a->safe.policy.no_default_policy = true;
		break;
	case OPT_STORM_BURST:
		if (vg_parse_u32(arg, &a->storm_burst))
			argp_error(state, "--storm-burst: not a number: %s", arg);
		break;
	case OPT_MAX_OVERHEAD: {
		char *end;

		errno = 0;
		a->max_overhead = strtod(arg, &end);
		if (errno || end == arg || *end || a->max_overhead < 0 || a->max_overhead > 1000)
			argp_error(state, "--max-overhead: not a percentage (0 to 1000): %s", arg);
		break;
	}
	case OPT_STORM_WINDOW:
		if (vg_parse_duration_ms(arg, &a->storm_window_ms) || !a->storm_window_ms)
			argp_error(state, "--storm-window: not a duration above 0: %s", arg);
		break;
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
	vg_outputs_metrics(&st->outputs, out);
	vg_self_metrics_write(&st->self, &st->agent, out);
}

static bool check_health(void *arg, struct vg_buf *body)
{
	struct run_state *st = arg;

	return vg_health_check(&st->health, &st->agent, body);
}

static struct run_state *state_of(struct vg_agent *a)
{
	return (struct run_state *)((char *)a - offsetof(struct run_state, agent));
}

static void answer_reload(void *arg, const char *args, struct vg_buf *out)
{
	struct run_state *st = arg;
	int err = vg_agent_policy_reload_wait(&st->ap, RELOAD_WAIT_MS);

	(void)args;
	/* canary, skipped: taken, but the running policy still acts */
	vg_buf_printf(out, "{\"result\":\"%s\",\"generation\":%" PRIu64 "}",
		      !err ? "ok" : err == -EINVAL ? "failed" : err == -ETIMEDOUT ? "timeout" :
		      vg_policy_state_name(err), (uint64_t)atomic_load(&st->ap.generation));
}

static void answer_status(void *arg, const char *args, struct vg_buf *out)
{
	vg_agent_status_json(&((struct run_state *)arg)->status, args, out);
}

static void answer_policy(void *arg, const char *args, struct vg_buf *out)
{
	(void)args;
	vg_agent_policy_show(&((struct run_state *)arg)->ap, out);
}

static void tick(void *arg)
{
	vg_agent_status_tick(&((struct run_state *)arg)->status);
}

static const struct vg_control_cmd control_cmds[] = {
	{ "status", answer_status },
	{ "reload", answer_reload },
	{ "policy", answer_policy },
	{ NULL, NULL },
};

/* Every sensor is attached and records flow: serve, then tell systemd. */
static int on_started(struct vg_agent *a)
{
	struct run_state *st = state_of(a);
	int err;

	vg_metrics_set_health(st->metrics, check_health);
	err = st->metrics ? vg_metrics_serve(st->metrics, collect_metrics, st) : 0;

	if (!err)
		err = vg_control_start(&st->control, control_cmds, tick, st);
	if (!err && vg_sd_notify("READY=1\nSTATUS=all sensors attached") < 0)
		vg_warn("cannot notify the service manager ($NOTIFY_SOCKET)");
	return err;
}

/*
 * Every sensor, in table order, with its run config. Those that attach at
 * load do; the others attach once the policy has set their filters. They
 * load concurrently where they can (agent_load.c).
 */
static int load_sensors(struct vg_agent *agent)
{
	return vg_agent_load_run_sensors(agent, vg_all_sensors, vg_n_sensors);
}

/* The config file's settings where no flag gave one. <0 after one line. */
static int merge_config(struct run_args *a)
{
	struct vg_run_config *c = &a->cfg;
	struct sockaddr_storage ss;
	socklen_t len;
	char why[160];
	size_t i;

	if (vg_run_config_load(c))
		return -EINVAL;
	if (!a->metrics && c->metrics[0]) {
		if (vg_metrics_parse_addr(c->metrics, &ss, &len, why, sizeof(why))) {
			vg_err("config: metrics: %s", why);
			return -EINVAL;
		}
		a->metrics = c->metrics;
	}
	for (i = 0; !a->n_policy && i < c->n_policy; i++)
		a->policy[i] = c->policy[i];
	if (!a->n_policy)
		a->n_policy = c->n_policy;
	a->json |= c->json == 1;
	a->safe.policy.no_default_policy |= c->no_default_policy;
	a->events |= c->events == 1;
	if (!a->socket && c->socket[0])
		a->socket = c->socket;
	return 0;
}

/* The outputs' threads, before any alert; every output named in metrics. */
static int start_outputs(struct run_state *st, struct vg_run_config *c)
{
	size_t i;
	int err;

	vg_health_init(&st->health);
	vg_self_metrics_init(&st->self, c->bpf_stats);
	err = vg_outputs_init(&st->outputs, c->outputs, c->n_outputs);
	if (err || !c->n_outputs)
		return err;
	st->agent.outputs = &st->outputs;
	for (i = 0; i < c->n_outputs; i++)
		st->agent.outputs_take_events |= c->outputs[i].events;
	return vg_outputs_start(&st->outputs);
}

int vg_cmd_run(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &vg_run_config_argp, 0, "Outputs and settings:", 0 },
		{ &vg_run_safe_change_argp, 0, NULL, 0 }, { 0 } };
	static const struct argp argp = { options, parse_opt, NULL, doc, children, NULL, NULL };
	static struct run_state st;	/* large; one per process */
	struct vg_agent_policy *ap = &st.ap;
	struct vg_agent *agent = &st.agent;
	static struct run_args args;
	struct vg_agent_opts opts = { 0 };
	int err;

	argv[0] = "vigil run";
	args.storm_burst = DEFAULT_STORM_BURST;
	args.storm_window_ms = DEFAULT_STORM_WINDOW_MS;
	args.max_overhead = DEFAULT_MAX_OVERHEAD_PCT;
	if (argp_parse(&argp, argc, argv, 0, NULL, &args))
		return 2;
	if (merge_config(&args))
		return 2;
	if (vg_run_safe_change_ready(&args.safe))
		return 1;
	args.safe.policy.config_path = args.cfg.config ? args.cfg.config : VG_DEFAULT_CONFIG;
	if (vg_control_open(&st.control, args.socket ? args.socket : vg_control_default_path()))
		return 1;
	opts.json = args.json;
	opts.header = args.events ? NULL : vg_alert_text_header();
	opts.ringbuf_bytes = args.cfg.ringbuf_bytes ? args.cfg.ringbuf_bytes : DEFAULT_RUN_RINGBUF;
	opts.wakeup_batch_ms = args.cfg.wakeup_batch_ms;
	opts.no_syscall_hub = args.cfg.no_syscall_hub;
	opts.storm_burst = args.storm_burst;
	opts.storm_window_ns = args.storm_window_ms * 1000000ULL;
	opts.max_overhead_pct = args.max_overhead;
	if (args.metrics && !(st.metrics = vg_metrics_bind(args.metrics))) {
		vg_control_close(&st.control);
		return 1;
	}
	err = vg_agent_init(agent, &opts);
	vg_agent_status_init(&st.status, agent, ap);
	st.status.policy_paths = args.policy;
	st.status.n_policy_paths = args.n_policy;
	st.status.metrics_addr = args.metrics;
	if (!err)
		err = start_outputs(&st, &args.cfg);
	if (!err)
		err = vg_agent_policy_init(ap, agent, args.policy, args.n_policy,
					   &args.safe.policy);
	if (!err)
		err = load_sensors(agent);
	if (!err) {
		vg_agent_print_types(agent, 1, VG_EV_TYPE_MAX - 1, args.events);
		agent->print_type[VG_EV_FORK] = false;
		agent->print_type[VG_EV_HEALTH] = true;
		agent->sighup_hook = on_sighup;
		agent->started_hook = on_started;
		ap->events_printed = args.events;
		err = vg_agent_policy_start(ap);
	}
	if (!err)
		err = vg_agent_attach_sensors(agent);
	if (!err)
		err = vg_agent_run(agent);
	vg_sd_notify("STOPPING=1");
	/* Before anything they read goes away. */
	vg_control_close(&st.control);
	vg_metrics_stop(st.metrics);
	vg_outputs_stop(&st.outputs, OUTPUT_DRAIN_MS);
	vg_outputs_summary(&st.outputs, stderr);
	vg_self_metrics_fini(&st.self);
	vg_agent_fini(agent);
	vg_agent_policy_fini(ap);
	vg_outputs_fini(&st.outputs);
	return err ? 1 : 0;
}
