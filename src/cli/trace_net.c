// SPDX-License-Identifier: GPL-2.0
/* vigil trace net: TCP connections, UDP flows, DNS, shells on sockets, deny. */
#include <argp.h>
#include <stddef.h>
#include "cli/trace.h"
#include "lib/parse_num.h"
#include "sensors/sensor_net.h"

struct trace_net_args {
	struct vg_net_cfg cfg;		/* the net sensor's config */
};

static const char doc[] =
	"Trace network activity: TCP connect/accept/listen/close with bytes, UDP flows,\n"
	"DNS questions and answers, shells whose stdio is a socket; deny connections\n"
	"in the kernel.\v"
	"EXAMPLES:\n"
	"  vigil trace net                         # everything, as columns\n"
	"  vigil trace net --json --port 443       # connections to or from port 443\n"
	"  vigil trace net --cidr 10.0.0.0/8       # peers in 10/8\n"
	"  vigil trace net --deny 127.0.0.1:4444   # connect to it fails with EPERM\n"
	"  vigil trace net --deny udp::53@curl     # curl may not send to any port 53\n"
	"DENY forms: [tcp:|udp:]ADDR[/BITS][:PORT][@COMM], [V6ADDR]:PORT, :PORT\n";

enum { OPT_CIDR = 1000, OPT_DENY, OPT_FLOW_MS, OPT_DENY_ATTACH };

static const struct argp_option options[] = {
	{ "port", 'P', "PORT", 0, "only connections with this local or remote port (repeatable)", 0 },
	{ "cidr", OPT_CIDR, "PREFIX", 0, "only peers in this address prefix (repeatable)", 0 },
	{ "deny", OPT_DENY, "RULE", 0, "deny connect/sendmsg matching RULE with EPERM (repeatable)", 0 },
	{ "deny-attach", OPT_DENY_ATTACH, NULL, 0, "attach the deny programs even without a rule", 0 },
	{ "flow-interval", OPT_FLOW_MS, "MS", 0, "UDP flow byte-count report interval (default 1000)", 0 },
	{ 0 },
};

static void init(void *args)
{
	struct trace_net_args *a = args;

	a->cfg = vg_net_cfg_default;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state, void *args)
{
	struct vg_net_cfg *c = &((struct trace_net_args *)args)->cfg;
	uint32_t v;

	switch (key) {
	case 'P':
		if (vg_parse_u32(arg, &v) || v == 0 || v > 65535)
			argp_error(state, "invalid --port '%s'", arg);
		if (c->n_ports == VG_NET_MAX_PORTS)
			argp_error(state, "at most %d --port", VG_NET_MAX_PORTS);
		c->ports[c->n_ports++] = v;
		break;
	case OPT_CIDR:
		if (c->n_cidrs == VG_NET_MAX_CIDRS)
			argp_error(state, "at most %d --cidr", VG_NET_MAX_CIDRS);
		if (vg_net_parse_prefix(arg, &c->cidrs[c->n_cidrs]))
			argp_error(state, "invalid --cidr '%s' (e.g. 10.0.0.0/8, ::1)", arg);
		c->n_cidrs++;
		break;
	case OPT_DENY:
		if (c->n_deny == VG_NET_MAX_DENY)
			argp_error(state, "at most %d --deny", VG_NET_MAX_DENY);
		if (vg_net_parse_deny(arg, &c->deny[c->n_deny]))
			argp_error(state, "invalid --deny '%s' (e.g. 127.0.0.1:4444, 10.0.0.0/8, [::1]:80, :53)",
				   arg);
		c->n_deny++;
		break;
	case OPT_DENY_ATTACH:
		c->deny_attach = true;
		break;
	case OPT_FLOW_MS:
		if (vg_parse_u32(arg, &v) || v < 10)
			argp_error(state, "invalid --flow-interval '%s' (milliseconds, >= 10)", arg);
		c->flow_report_ms = v;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct vg_trace_cmd vg_trace_net = {
	.name = "net",
	.sensor = &vg_net_sensor,
	.process_context = true,
	.first_type = VG_EV_NET_FIRST,
	.last_type = VG_EV_NET_LAST,
	.doc = doc,
	.options = options,
	VG_TRACE_ARGS(struct trace_net_args, cfg, cfg.task),
	.init = init,
	.parse = parse_opt,
};
