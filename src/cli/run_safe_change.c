// SPDX-License-Identifier: GPL-2.0
/* vigil run --trusted-keys, --canary-window ...: how a new policy is taken. */
#include <stdlib.h>
#include <string.h>
#include "agent/self_confine.h"
#include "cli/run_safe_change.h"
#include "lib/log.h"

enum {
	OPT_KEYS = 0x300, OPT_DOWNGRADE, OPT_HOST_ID, OPT_WINDOW, OPT_GATES, OPT_STATE_DIR,
	OPT_CRASH_LOOP, OPT_SELF_LIMITS, OPT_PROTECT,
};

static const struct argp_option options[] = {
	{ NULL, 0, NULL, 0, "Safe policy change (docs/safe-change.md):", 10 },
	{ "trusted-keys", OPT_KEYS, "DIR", 0,
	  "take only policy bundles signed by a key in DIR (*.pub); others are refused", 10 },
	{ "allow-downgrade", OPT_DOWNGRADE, NULL, 0,
	  "take a bundle older (by manifest version) than the running one", 10 },
	{ "host-id", OPT_HOST_ID, "ID", 0, "host id for rollout waves (default: /etc/machine-id)", 10 },
	{ "canary-window", OPT_WINDOW, "SECONDS", 0,
	  "a new policy runs in shadow this long before it acts (default 300; 0: at once)", 10 },
	{ "canary-gates", OPT_GATES, "NAME=V,...", 0,
	  "health gate limits: would_act, would_act_exes, alert_ratio, alert_floor, eval_ratio, "
	  "eval_floor_ms, cpu_ratio, cpu_floor, drops, map_full, map_fill", 10 },
	{ "state-dir", OPT_STATE_DIR, "DIR", 0,
	  "last-known-good policy and crash journal (default /var/lib/vigil)", 10 },
	{ "crash-loop", OPT_CRASH_LOOP, "N,MINUTES", 0,
	  "after N abnormal exits within MINUTES of a policy change, start with the "
	  "last-known-good policy (default 3,10)", 10 },
	{ "protect", OPT_PROTECT, NULL, 0,
	  "deny opens for writing of the agent's binary, policy, config, keys and state directory "
	  "by any other process (fanotify permission events; renames and deletes are only "
	  "alerted)", 10 },
	{ "self-limits", OPT_SELF_LIMITS, "memory=MIB,cpu=MILLICPUS", 0,
	  "the agent's own cgroup v2 limits (default memory=2048,cpu=1000; 0: none)", 10 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct vg_run_safe_change *s = state->input;
	char why[256], spec[64];

	switch (key) {
	case ARGP_KEY_INIT:
		vg_canary_gates_default(&s->policy.gates);
		s->policy.state_dir = "/var/lib/vigil";
		s->policy.crash_max = 3;
		s->policy.crash_window_s = 600;
		s->policy.memory_max = VG_SELF_MEMORY_MAX_DEFAULT;
		s->policy.cpu_millis = VG_SELF_CPU_MILLIS_DEFAULT;
		break;
	case OPT_SELF_LIMITS: {
		unsigned long long mib;
		unsigned cpu;
		char end;

		if (sscanf(arg, "memory=%llu,cpu=%u%c", &mib, &cpu, &end) != 2 || mib > (1ULL << 30) ||
		    cpu > 1000000)
			argp_error(state, "--self-limits: memory=MIB,cpu=MILLICPUS, not '%s'", arg);
		s->policy.memory_max = mib << 20;
		s->policy.cpu_millis = cpu;
		break;
	}
	case OPT_CRASH_LOOP: {
		unsigned n;
		long m;
		char end;

		if (sscanf(arg, "%u,%ld%c", &n, &m, &end) != 2 || !n || m <= 0 || m > 100000)
			argp_error(state, "--crash-loop: N,MINUTES (like 3,10), not '%s'", arg);
		s->policy.crash_max = n;
		s->policy.crash_window_s = m * 60;
		break;
	}
	case OPT_KEYS:
		s->keys_dir = arg;
		s->policy.keys_dir = arg;
		break;
	case OPT_DOWNGRADE:
		s->policy.allow_downgrade = true;
		break;
	case OPT_HOST_ID:
		if (!*arg || strlen(arg) >= sizeof(s->host_id))
			argp_error(state, "--host-id: 1 to %zu characters", sizeof(s->host_id) - 1);
		snprintf(s->host_id, sizeof(s->host_id), "%s", arg);
		break;
	case OPT_WINDOW:
		snprintf(spec, sizeof(spec), "window=%.50s", arg);
		if (vg_canary_gates_parse(&s->policy.gates, spec, why, sizeof(why)))
			argp_error(state, "--canary-window: seconds >= 0, not '%s'", arg);
		break;
	case OPT_GATES:
		if (vg_canary_gates_parse(&s->policy.gates, arg, why, sizeof(why)))
			argp_error(state, "--canary-gates: %s", why);
		break;
	case OPT_PROTECT:
		s->policy.protect = true;
		break;
	case OPT_STATE_DIR:
		s->policy.state_dir = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp vg_run_safe_change_argp = { options, parse_opt, NULL, NULL, NULL, NULL, NULL };

int vg_run_safe_change_ready(struct vg_run_safe_change *s)
{
	char why[4400];

	if (!s->host_id[0] && vg_host_id(s->host_id, sizeof(s->host_id)))
		snprintf(s->host_id, sizeof(s->host_id), "unknown");
	s->policy.host_id = s->host_id;
	if (!s->keys_dir)
		return 0;
	if (vg_trusted_keys_load(&s->keys, s->keys_dir, why, sizeof(why))) {
		vg_err("--trusted-keys: %s", why);
		return -1;
	}
	s->policy.keys = &s->keys;
	vg_info("trusted keys: %zu from %s", s->keys.n, s->keys_dir);
	return 0;
}
