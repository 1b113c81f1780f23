// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#include "agent/agent_policy.h"
#include "event/decode.h"
#include "event/fields.h"
#include "lib/log.h"
#include "policy/policy_kernel.h"
#include "lib/prom.h"
#include "sensors/sensor_file.h"
#include "sensors/sensor_net.h"
#include "sensors/sensor_prefilter.h"
#include "sensors/sensor_priv.h"
#include "sensors/sensor_process.h"
#include "lib/timefmt.h"

#define RELOAD_SETTLE_MS 100

/* Compiles a fresh policy from the configured paths (or the built-in one). */
static struct vg_policy *build_policy(struct vg_agent_policy *ap, bool report)
{
	struct vg_policy *p = vg_policy_new();
	const struct vg_diag *d;
	size_t i, n;
	int err = 0;

	if (!p)
		return NULL;
	if (ap->n_paths == 0)
		err = vg_policy_add_string(p, "builtin:default.yaml", vg_default_policy_yaml);
	for (i = 0; !err && i < ap->n_paths; i++)
		err = vg_policy_add_path(p, ap->paths[i]);
	if (!err)
		err = vg_policy_compile(p);
	d = vg_policy_diags(p, &n);
	/* Diagnostics are already "file:line:col: error: ..." lines. */
	for (i = 0; report && i < n; i++)
		fprintf(stderr, "%s\n", d[i].text);
	if (err || vg_policy_n_errors(p)) {
		if (!report && n)
			vg_err("policy reload failed, keeping the running policy: %s", d[0].text);
		else if (!report)
			vg_err("policy reload failed, keeping the running policy: %s", strerror(-err));
		vg_policy_free(p);
		return NULL;
	}
	return p;
}

static struct vg_sensor *process_sensor(struct vg_agent *a)
{
	int i;

	for (i = 0; i < a->n_sensors; i++)
		if (a->sensors[i].desc == &vg_process_sensor)
			return &a->sensors[i];
	return NULL;
}

static void mark_enforced(struct vg_agent_policy *ap, uint32_t id)
{
	if (id < VG_MAX_ENFORCED_RULES)
		ap->enforced[id / 8] |= 1u << (id % 8);
}

static bool is_enforced(const struct vg_agent_policy *ap, uint32_t id)
{
	return id < VG_MAX_ENFORCED_RULES && (ap->enforced[id / 8] & (1u << (id % 8)));
}

struct fan_collect {
	struct vg_agent_policy *ap;
	struct vg_fan_rule *v;
	size_t n, cap;
};

static int collect_fan_rule(void *ctx, const char *rule, const char *path, size_t len, bool prefix,
			    bool exec, uint32_t rule_id, bool audit)
{
	struct fan_collect *c = ctx;
	struct vg_fan_rule *r;

	if (c->n == c->cap) {
		struct vg_fan_rule *nv = realloc(c->v, (c->cap = c->cap ? c->cap * 2 : 8) * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		c->v = nv;
	}
	r = &c->v[c->n];
	memset(r, 0, sizeof(*r));
	r->path = strndup(path, len);
	r->rule_name = strdup(rule);
	if (!r->path || !r->rule_name) {
		free(r->path);
		free(r->rule_name);
		return -ENOMEM;
	}
	r->len = len;
	r->prefix = prefix;
	r->exec = exec;		/* reading or copying the binary stays allowed */
	r->audit = audit;
	r->rule_id = rule_id;
	c->n++;
	mark_enforced(c->ap, rule_id);
	return 0;
}

static struct vg_sensor *find_sensor(struct vg_agent *a, const struct vg_sensor_desc *d)
{
	int i;

	for (i = 0; i < a->n_sensors; i++)
		if (a->sensors[i].desc == d)
			return &a->sensors[i];
	return NULL;
}

struct net_apply {
	struct vg_agent_policy *ap;
	struct vg_sensor *s;
};

/* A policy CIDR (v4-mapped, 128-bit prefix) as the net sensor's prefix. */
static void cidr_to_prefix(const struct vg_cidr *c, struct vg_net_prefix *out)
{
	memset(out, 0, sizeof(*out));
	if (c->net.v4) {
		out->family = AF_INET;
		out->bits = c->prefix > 96 ? c->prefix - 96 : 0;
		memcpy(out->addr, c->net.addr + 12, 4);
	} else {
		out->family = AF_INET6;
		out->bits = c->prefix;
		memcpy(out->addr, c->net.addr, 16);
	}
}

/* One policy rule becomes (ports x CIDRs) entries of the net sensor's deny trie. */
static int put_net_deny(void *ctx, const struct vg_net_deny_spec *spec)
{
	struct net_apply *na = ctx;
	size_t np = spec->n_ports ? spec->n_ports : 1, nc = spec->n_cidrs ? spec->n_cidrs : 1;
	size_t i, k;
	int err;

	if (spec->audit)
		return 0;	/* audit: user space reports "would have denied" */
	for (i = 0; i < np; i++) {
		for (k = 0; k < nc; k++) {
			struct vg_net_deny_rule r = { 0 };

			r.protocol = spec->any_transport ? 0 : spec->udp ? IPPROTO_UDP : IPPROTO_TCP;
			r.port = spec->n_ports ? (uint16_t)spec->ports[i] : 0;
			if (spec->n_cidrs)
				cidr_to_prefix(&spec->cidrs[k], &r.prefix);
			if (spec->comm)
				snprintf(r.comm, sizeof(r.comm), "%.*s", (int)spec->comm_len, spec->comm);
			r.kill = spec->kill;
			err = vg_net_deny_add(na->s, &r, spec->rule_id);
			if (err)
				return err;
		}
	}
	mark_enforced(na->ap, spec->rule_id);
	return 0;
}

static int apply_net_rules(struct vg_agent_policy *ap, struct vg_policy *p)
{
	struct net_apply na = { ap, find_sensor(ap->agent, &vg_net_sensor) };
	int err;

	if (!na.s)
		return 0;
	err = vg_net_deny_clear(na.s);
	if (err)
		return err;
	return vg_policy_net_deny_rules(p, put_net_deny, &na);
}

/* A port dim's values as ports: a number above 65535 is no record's port. */
static uint16_t *dim_ports(const struct vg_filter_dim *d, size_t *n)
{
	uint16_t *v = malloc((d->n_nums + 1) * sizeof(*v));
	size_t i;

	*n = 0;
	for (i = 0; v && i < d->n_nums; i++)
		if (d->nums[i] <= 65535)
			v[(*n)++] = (uint16_t)d->nums[i];
	return v;
}

/*
 * With only alerts printed, connection, UDP flow and shell records whose
 * peer port, peer address or local port no net rule accepts stay in the
 * kernel (the dims vg_prefilter_build made active: every net rule constrains
 * them). Printing every event turns the filter off.
 */
static int apply_net_filter(struct vg_agent_policy *ap, struct vg_policy *p)
{
	static bool warned;
	struct vg_sensor *s = find_sensor(ap->agent, &vg_net_sensor);
	const struct vg_sensor_filter *sf = &vg_policy_prefilter(p)->sensor[VG_SENSOR_NETWORK];
	struct vg_net_policy_filter f = { 0 };
	uint16_t *peer = NULL, *local = NULL;
	struct vg_net_prefix *cidrs = NULL;
	size_t i, k;
	int err;

	if (!s)
		return 0;
	if (ap->events_printed || !sf->kinds)
		return vg_net_policy_filter_set(s, NULL);
	for (i = 0; i < sf->n_dims; i++) {
		const struct vg_filter_dim *d = &sf->dims[i];

		if (!d->active)
			continue;
		if (!strcmp(d->field->name, "destination.port")) {
			peer = dim_ports(d, &f.n_peer_ports);
			f.peer_ports = peer;
			f.peer_ports_on = peer != NULL;
		} else if (!strcmp(d->field->name, "source.port")) {
			local = dim_ports(d, &f.n_local_ports);
			f.local_ports = local;
			f.local_ports_on = local != NULL;
		} else if (!strcmp(d->field->name, "destination.address")) {
			if (d->n_cidrs > VG_NET_PF_MAX_CIDRS) {
				if (!warned)
					vg_warn("the policy's %zu destination.address prefixes do not fit "
						"the kernel filter (%d): not filtering on them",
						d->n_cidrs, VG_NET_PF_MAX_CIDRS);
				warned = true;
				continue;
			}
			cidrs = calloc(d->n_cidrs + 1, sizeof(*cidrs));
			for (k = 0; cidrs && k < d->n_cidrs; k++)
				cidr_to_prefix(&d->cidrs[k], &cidrs[k]);
			f.peer_cidrs = cidrs;
			f.n_peer_cidrs = d->n_cidrs;
			f.peer_cidrs_on = cidrs != NULL;
		}
	}
	/* Out of memory for a set: that dim stays off, which only lets more through. */
	err = vg_net_policy_filter_set(s, &f);
	free(peer);
	free(local);
	free(cidrs);
	return err;
}

/*
 * The file sensor's watch set is what the policy's file rules can match:
 * their exact paths and prefixes, or everything when some file rule leaves
 * the path open. Opens outside it never leave the kernel.
 */
static int apply_file_watch(struct vg_agent_policy *ap, struct vg_policy *p)
{
	static const struct vg_file_watch everything = { "/", VG_FACC_ALL };
	struct vg_sensor *s = find_sensor(ap->agent, &vg_file_sensor);
	const struct vg_sensor_filter *sf = &vg_policy_prefilter(p)->sensor[VG_SENSOR_FILE];
	const struct vg_filter_dim *dim = NULL;
	struct vg_file_watch *w;
	struct vg_file_cfg cfg;
	char **owned;
	size_t n = 0, n_owned = 0, cap, i;
	int err;

	if (!s)
		return 0;
	for (i = 0; i < sf->n_dims; i++)
		if (!strcmp(sf->dims[i].field->name, "file.path"))
			dim = &sf->dims[i];
	cap = vg_file_default_watch_len + 1 + (dim ? dim->n_exact + dim->n_prefixes : 0);
	w = calloc(cap, sizeof(*w));
	owned = calloc(cap, sizeof(*owned));
	if (!w || !owned) {
		free(w);
		free(owned);
		return -ENOMEM;
	}
	if (ap->events_printed)
		for (i = 0; i < vg_file_default_watch_len; i++)
			w[n++] = vg_file_default_watch[i];
	if (sf->kinds && (!dim || !dim->active)) {
		w[n++] = everything;
	} else if (sf->kinds) {
		for (i = 0; i < dim->n_exact; i++)
			w[n++] = (struct vg_file_watch){ dim->exact[i], VG_FACC_ALL };
		/* A prefix not ending in '/' is a byte prefix for the sensor. */
		for (i = 0; i < dim->n_prefixes; i++) {
			const char *pre = dim->prefixes[i];
			size_t len = strlen(pre);

			if (len && pre[len - 1] == '/') {
				w[n++] = (struct vg_file_watch){ pre, VG_FACC_ALL };
			} else if (asprintf(&owned[n_owned], "%s*", pre) >= 0) {
				w[n++] = (struct vg_file_watch){ owned[n_owned++], VG_FACC_ALL };
			}
		}
	}
	vg_file_cfg_init(&cfg);
	cfg.watch = n ? w : &everything;
	cfg.n_watch = n;
	err = vg_file_watch_apply(s, &cfg);
	if (err && n) {
		vg_warn("the policy's file paths do not fit the kernel watch set: watching every path");
		cfg.watch = &everything;
		cfg.n_watch = 1;
		err = vg_file_watch_apply(s, &cfg);
	}
	for (i = 0; i < n_owned; i++)
		free(owned[i]);
	free(owned);
	free(w);
	return err;
}

/*
 * With only alerts printed, a record type no rule can match is turned off
 * in the sensors, so it never crosses the ring buffer. Process records
 * feed the cache and deny records are alerts: those always flow, past the
 * policy's process filter too.
 */
static int apply_wanted_types(struct vg_agent_policy *ap, struct vg_policy *p)
{
	const struct vg_prefilter *pf = vg_policy_prefilter(p);
	vg_kinds_t kinds = 0;
	int s, i, err;
	__u16 t;

	for (s = 0; s < VG_SENSOR_MAX; s++)
		kinds |= pf->sensor[s].kinds;
	for (t = 1; t < VG_EV_TYPE_MAX; t++) {
		const struct vg_record_desc *d = vg_record_desc(t);
		__u8 sw = VG_TYPE_FILTERED;
		int k;

		if (!d)
			continue;
		if (t == VG_EV_EXEC || t == VG_EV_FORK || t == VG_EV_EXIT || t == VG_EV_NET_DENY) {
			sw = VG_TYPE_ALWAYS;
		} else if (!ap->events_printed) {
			k = vg_field_kind_lookup(d->kind, strlen(d->kind));
			if (!(k >= 0 && (kinds & VG_KB(k))))
				sw = VG_TYPE_OFF;
			/* Names resolved by DNS serve every connection rule, whoever asked. */
			if (t == VG_EV_NET_DNS && (kinds & VG_KB(VG_K_CONNECT)))
				sw = VG_TYPE_ALWAYS;
		}
		for (i = 0; i < ap->agent->n_sensors; i++) {
			err = vg_sensor_set_type_switch(&ap->agent->sensors[i], t, sw);
			if (err && err != -ENOENT)
				return err;
		}
	}
	return 0;
}

/*
 * The policy's filter on the acting process (effective uid, cgroup,
 * executable) in every sensor but the process sensor, whose records feed
 * the cache. Only with alerts alone printed: printed events are all wanted.
 */
static int apply_process_filters(struct vg_agent_policy *ap, struct vg_policy *p)
{
	static const struct {
		const struct vg_sensor_desc *desc;
		enum vg_sensor_id sid;
	} sensors[] = {
		{ &vg_file_sensor, VG_SENSOR_FILE },
		{ &vg_net_sensor, VG_SENSOR_NETWORK },
		{ &vg_priv_sensor, VG_SENSOR_PRIV },
	};
	struct vg_sensor *ps = process_sensor(ap->agent);
	struct vg_exe_filter f = { 0 };
	size_t i;
	int err = 0;

	/* Off everywhere first: while the maps change, everything passes. */
	for (i = 0; i < sizeof(sensors) / sizeof(sensors[0]); i++) {
		struct vg_sensor *s = find_sensor(ap->agent, sensors[i].desc);

		if (s && (err = vg_pf_off(s)))
			return err;
	}
	if (!ap->events_printed && ps) {
		err = vg_policy_exe_filter(p, &f);
		if (err)
			return err;
	}
	if (++ap->filter_gen == 0)
		ap->filter_gen = 1;
	if (ps)
		err = vg_pf_exe_load(ps, &f, ap->filter_gen);
	for (i = 0; !err && !ap->events_printed && i < sizeof(sensors) / sizeof(sensors[0]); i++) {
		struct vg_sensor *s = find_sensor(ap->agent, sensors[i].desc);
		const struct vg_filter_dim *uid, *cg;
		struct vg_pf_spec spec = { 0 };

		if (!s)
			continue;
		uid = vg_policy_filter_dim(p, sensors[i].sid, "process.user.id");
		cg = vg_policy_filter_dim(p, sensors[i].sid, "process.cgroup.id");
		if (uid) {
			spec.uids = uid->nums;
			spec.n_uids = uid->n_nums;
		}
		if (cg) {
			spec.cgroups = cg->nums;
			spec.n_cgroups = cg->n_nums;
		}
		spec.exe_bit = 1u << sensors[i].sid;
		spec.exe = f.sensors & spec.exe_bit;
		spec.gen = ap->filter_gen;
		err = vg_pf_set(s, &spec);
	}
	vg_policy_exe_filter_free(&f);
	return err;
}

/* Deny rules on files and executables go to the fanotify guard. */
static int apply_fan_rules(struct vg_agent_policy *ap, struct vg_policy *p)
{
	struct fan_collect c = { ap, NULL, 0, 0 };
	int err = vg_policy_file_deny_rules(p, collect_fan_rule, &c);

	if (err) {
		vg_fan_rules_free(c.v, c.n);
		return err;
	}
	if (!c.n && !ap->fan_started)
		return 0;
	if (!ap->fan_started) {
		err = vg_fan_guard_init(&ap->fan);
		if (!err)
			err = vg_fan_guard_start(&ap->fan);
		if (err) {
			vg_fan_rules_free(c.v, c.n);
			return err;
		}
		atomic_store(&ap->fan_started, true);
	}
	return vg_fan_guard_set_rules(&ap->fan, c.v, c.n);
}

static void report_fan(struct vg_agent_policy *ap, uint64_t upto);

/* Loads the kernel-enforced part of @p into the sensors' maps. */
static int apply_kernel_rules(struct vg_agent_policy *ap, struct vg_policy *p)
{
	struct vg_sensor *ps = process_sensor(ap->agent);
	int err;

	memset(ap->enforced, 0, sizeof(ap->enforced));
	err = apply_fan_rules(ap, p);
	if (!err)
		err = apply_net_rules(ap, p);
	if (!err)
		err = apply_net_filter(ap, p);
	if (!err)
		err = apply_file_watch(ap, p);
	if (!err)
		err = apply_wanted_types(ap, p);
	if (!err)
		err = apply_process_filters(ap, p);
	if (err)
		return err;
	if (!ps)
		return 0;
	return vg_policy_install_exec_kills(p, ps);
}

/* /proc/PID/stat start time (ticks) equals the record's: same process. */
static bool same_process(uint32_t tgid, uint64_t start_ns)
{
	char path[64], buf[1024];
	unsigned long long ticks = 0;
	const char *p;
	long hz = sysconf(_SC_CLK_TCK);
	ssize_t n;
	int fd, field;

	snprintf(path, sizeof(path), "/proc/%u/stat", tgid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	for (field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &ticks) != 1 || hz <= 0)
		return false;
	return ticks == start_ns / (1000000000ULL / hz);
}

/* Takes the rule's action; returns the outcome for the alert. */
static const char *take_action(struct vg_agent_policy *ap, struct vg_alert *al, const struct vg_hdr *h)
{
	bool audit = al->mode == VG_MODE_AUDIT;

	switch (al->action) {
	case VG_ACT_ALERT:
		return "alerted";
	case VG_ACT_KILL:
		if (h->flags & VG_HF_KILLED) {
			ap->kills_kernel++;
			return "killed in kernel";
		}
		if (audit)
			return "would have killed";
		/* Never a reused pid: the start time must still match. */
		if (!same_process(h->tgid, h->start_time_ns)) {
			ap->kill_failed++;
			return "kill skipped: process already gone";
		}
		if (kill(h->tgid, SIGKILL) < 0) {
			ap->kill_failed++;
			return "kill failed";
		}
		al->action_latency_ns = vg_boot_now_ns() - h->ts_boot_ns;
		ap->kills_user++;
		return "killed by agent";
	case VG_ACT_DENY:
		if (audit)
			return "would have denied";
		return "alerted (no deny hook for this event kind)";
	}
	return "alerted";
}

struct alert_ctx {
	struct vg_agent_policy *ap;
	const struct vg_event_ctx *ev;
	const char *action_by;		/* NULL: the engine; else who decided and acted */
};

static void write_alert_json(struct vg_agent_policy *ap, const struct vg_alert *al,
			     const struct vg_event_ctx *ev, const char *action_by)
{
	struct vg_buf event = { 0 };
	struct vg_json j;
	char ts[48];
	size_t i;

	vg_event_to_json(&event, ev);
	vg_buf_reset(&ap->line);
	vg_json_init(&j, &ap->line);
	vg_json_obj_begin(&j);
	vg_format_rfc3339(vg_boot_to_realtime_ns(ev->rec->ts_boot_ns), ts, sizeof(ts));
	vg_json_key(&j, "@timestamp");
	vg_json_cstr(&j, ts);
	vg_json_key(&j, "kind");
	vg_json_cstr(&j, "alert");
	vg_json_key(&j, "rule");
	vg_json_cstr(&j, al->rule_name);
	vg_json_key(&j, "severity");
	vg_json_cstr(&j, vg_policy_severity_name(al->severity));
	vg_json_key(&j, "tags");
	vg_json_arr_begin(&j);
	for (i = 0; i < al->n_tags; i++)
		vg_json_cstr(&j, al->tags[i]);
	vg_json_arr_end(&j);
	vg_json_key(&j, "message");
	vg_json_cstr(&j, al->message);
	vg_json_key(&j, "mode");
	vg_json_cstr(&j, vg_policy_mode_name(al->mode));
	vg_json_key(&j, "action");
	vg_json_cstr(&j, vg_policy_action_name(al->action));
	vg_json_key(&j, "outcome");
	vg_json_cstr(&j, al->outcome);
	if (action_by) {
		vg_json_key(&j, "action_by");
		vg_json_cstr(&j, action_by);
	}
	vg_json_key(&j, "action_latency_ns");
	vg_json_u64(&j, al->action_latency_ns);
	vg_json_key(&j, "kernel_decidable");
	vg_json_bool(&j, al->kernel_decidable);
	vg_json_key(&j, "suppressed");
	vg_json_u64(&j, al->suppressed);
	vg_json_key(&j, "policy_generation");
	vg_json_u64(&j, ap->generation);
	vg_json_key(&j, "event");
	vg_json_raw(&j, event.data ? event.data : "null", event.data ? event.len : 4);
	vg_json_obj_end(&j);
	vg_buf_free(&event);
}

static void write_alert_text(struct vg_agent_policy *ap, const struct vg_alert *al)
{
	vg_buf_reset(&ap->line);
	vg_buf_printf(&ap->line, "ALERT [%s] %s: %s (%s%s)", vg_policy_severity_name(al->severity),
		      al->rule_name, al->message, al->outcome,
		      al->suppressed ? ", more suppressed" : "");
}

static int on_alert(struct vg_alert *al, struct vg_event_view *v, void *arg)
{
	struct alert_ctx *c = arg;
	struct vg_agent_policy *ap = c->ap;
	struct vg_agent *a = ap->agent;

	(void)v;
	/*
	 * A kernel hook or the fanotify guard decided and reports this one
	 * (the guard through report_fan, in audit mode too): not twice.
	 */
	if (!c->action_by && (al->action == VG_ACT_DENY || al->action == VG_ACT_KILL) &&
	    is_enforced(ap, vg_policy_rule_id(al->rule)))
		return 0;
	if (c->action_by && !strcmp(c->action_by, "kernel"))
		al->kernel_decidable = true;
	if (!al->outcome)	/* the engine already knows when the hook acted */
		al->outcome = take_action(ap, al, c->ev->rec);
	else if (c->ev->rec->flags & VG_HF_KILLED)
		ap->kills_kernel++;
	ap->alerts++;
	vg_alert_counts_add(&ap->counts, al->rule_name, vg_policy_severity_name(al->severity),
			    al->outcome, al->suppressed);
	if (a->opts.json)
		write_alert_json(ap, al, c->ev, c->action_by);
	else
		write_alert_text(ap, al);
	vg_buf_append(&ap->line, "\n", 1);
	if (fwrite(ap->line.data, 1, ap->line.len, a->opts.out) != ap->line.len)
		a->write_errors++;
	return 0;
}

/* Worker thread: take a freshly compiled policy between two events. */
static void swap_pending(struct vg_agent_policy *ap)
{
	struct vg_policy *next = atomic_exchange(&ap->pending, NULL);

	if (!next)
		return;
	if (apply_kernel_rules(ap, next) < 0) {
		vg_err("policy reload: kernel rules could not be loaded, keeping the running policy");
		apply_kernel_rules(ap, ap->cur);
		vg_policy_free(next);
		atomic_fetch_add(&ap->reload_failed, 1);
		return;
	}
	vg_policy_adopt_throttle(next, ap->cur);
	vg_policy_free(ap->cur);
	ap->cur = next;
	ap->generation++;
	ap->n_rules = vg_policy_n_rules(next);
	atomic_fetch_add(&ap->reload_ok, 1);
	vg_info("policy reloaded: %zu rules (generation %" PRIu64 ")", vg_policy_n_rules(next),
		ap->generation);
}

/*
 * The net sensor denied a connection (and, for a kill rule, sent SIGKILL
 * as the call returned) for one of our rules: the rule's alert, from the
 * deny record.
 */
static void report_net_deny(struct vg_agent_policy *ap, const struct vg_event_ctx *ev)
{
	static struct vg_event_view view;	/* large; worker thread only */
	const struct vg_net_deny *d = (const void *)ev->rec;
	struct alert_ctx c = { ap, ev, "kernel" };

	if (vg_field_view_record(&view, ev->rec, ev->size, ev->proc, ev->ancestors,
			       ev->n_ancestors) < 0)
		return;
	vg_policy_alert_rule(ap->cur, d->rule_id, &view, ev->rec->ts_boot_ns,
			  (ev->rec->flags & VG_HF_KILLED) ? "killed in kernel" : "denied in kernel",
			  on_alert, &c);
}

/*
 * A fanotify decision as the record the sensor would have sent for it, so
 * that its alert goes the engine's way: severity, tags, the rule's own
 * message, the process with its ancestry. The pid's newest process in the
 * cache stands for it (fanotify gives no start time).
 */
static size_t fan_record(const struct vg_fan_report *r, const struct vg_proc *p, void *buf,
			 size_t size)
{
	size_t len = strnlen(r->path, sizeof(r->path));
	struct vg_hdr *h = buf;
	size_t fixed = r->exec ? sizeof(struct vg_exec) : sizeof(struct vg_file);
	__u8 *tail = (__u8 *)buf + fixed;

	if (fixed + len > size)
		len = size - fixed;
	memset(buf, 0, fixed);
	h->type = r->exec ? VG_EV_EXEC : VG_EV_FILE_OPEN;
	h->version = VG_ABI_VERSION;
	h->size = fixed + len;
	h->ts_boot_ns = r->boot_ns;
	h->pid = h->tgid = r->pid;
	if (p) {
		h->start_time_ns = p->start_ns;
		h->euid = p->euid;
		memcpy(h->comm, p->comm, sizeof(h->comm));
	}
	memcpy(tail, r->path, len);
	if (r->exec) {
		struct vg_exec *e = buf;

		if (p) {
			e->ppid = p->ppid;
			e->parent_start_time_ns = p->parent_start_ns;
			e->uid = p->uid;
			e->euid = p->euid;
			e->gid = p->gid;
			e->egid = p->egid;
		}
		e->filename.len = e->exe.len = len;
	} else {
		struct vg_file *f = buf;

		f->ret = r->outcome == VG_FAN_DENIED ? -EPERM : 0;
		f->syscall = VG_FSC_OPENAT;
		f->dirfd = VG_FILE_AT_FDCWD;
		f->uid = f->gid = (__u32)-1;
		f->path.len = len;
	}
	return h->size;
}

static void report_one_fan(struct vg_agent_policy *ap, const struct vg_fan_report *r)
{
	static _Alignas(8) __u8 rec[sizeof(struct vg_exec) + sizeof(r->path)];
	static struct vg_event_view view;	/* large; worker thread only */
	struct vg_agent *a = ap->agent;
	const struct vg_proc *p = vg_proc_cache_newest(a->cache, r->pid);
	struct vg_event_ctx ev;
	struct alert_ctx c = { ap, &ev, "fanotify" };
	size_t size = fan_record(r, p, rec, sizeof(rec));

	vg_event_ctx_fill(&ev, a->cache, rec, size);
	if (vg_field_view_record(&view, ev.rec, size, ev.proc, ev.ancestors, ev.n_ancestors) < 0)
		return;
	vg_policy_alert_rule(ap->cur, r->rule_id, &view, r->boot_ns,
			  vg_fan_outcome_str(r->outcome), on_alert, &c);
}

/*
 * Denials the fanotify guard made (or would have made), reported as
 * alerts once the records made before them (the caller's fork or exec)
 * have reached the process cache: those up to @upto, the time of the event
 * being handled, or all of them when the queue is idle or full.
 */
static void report_fan(struct vg_agent_policy *ap, uint64_t upto)
{
	size_t i, kept = 0;
	bool full;

	if (!ap->fan_started)
		return;
	ap->n_fan_pending += vg_fan_guard_take_reports(&ap->fan, ap->fan_pending + ap->n_fan_pending,
						       VG_FAN_PENDING - ap->n_fan_pending);
	full = ap->n_fan_pending == VG_FAN_PENDING;
	for (i = 0; i < ap->n_fan_pending; i++) {
		if (full || ap->fan_pending[i].boot_ns <= upto)
			report_one_fan(ap, &ap->fan_pending[i]);
		else
			ap->fan_pending[kept++] = ap->fan_pending[i];
	}
	ap->n_fan_pending = kept;
}

static void on_event(struct vg_agent *a, const struct vg_event_ctx *ev)
{
	struct vg_agent_policy *ap = a->hook_arg;
	static struct vg_event_view view;	/* large; worker thread only */
	struct alert_ctx c = { ap, ev, NULL };

	swap_pending(ap);
	report_fan(ap, ev->rec->ts_boot_ns);
	if (ev->rec->type == VG_EV_NET_DENY)
		report_net_deny(ap, ev);
	if (vg_field_view_record(&view, ev->rec, ev->size, ev->proc, ev->ancestors,
			       ev->n_ancestors) < 0)
		return;
	vg_policy_eval(ap->cur, &view, ev->rec->ts_boot_ns, on_alert, &c);
}

static void on_idle(struct vg_agent *a)
{
	swap_pending(a->hook_arg);
	report_fan(a->hook_arg, UINT64_MAX);
}

int vg_agent_policy_init(struct vg_agent_policy *ap, struct vg_agent *a,
			 const char *const *paths, size_t n_paths)
{
	memset(ap, 0, sizeof(*ap));
	vg_alert_counts_init(&ap->counts);
	ap->agent = a;
	ap->paths = paths;
	ap->n_paths = n_paths;
	ap->wake_fd = ap->inotify_fd = -1;
	ap->cur = build_policy(ap, true);
	if (!ap->cur)
		return -EINVAL;
	ap->generation = 1;
	ap->n_rules = vg_policy_n_rules(ap->cur);
	vg_info("policy: %zu rules from %s", vg_policy_n_rules(ap->cur),
		n_paths ? paths[0] : "the built-in default");
	return 0;
}

/* Watches each policy path's directory: editors replace files by rename. */
static void watch_paths(struct vg_agent_policy *ap)
{
	size_t i;

	ap->inotify_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (ap->inotify_fd < 0)
		return;
	for (i = 0; i < ap->n_paths; i++) {
		struct stat st;
		char dir[4096];

		snprintf(dir, sizeof(dir), "%s", ap->paths[i]);
		if (stat(ap->paths[i], &st) < 0 || !S_ISDIR(st.st_mode)) {
			/* dirname() works in place or returns "."; never snprintf a string onto itself. */
			const char *d = dirname(dir);

			memmove(dir, d, strlen(d) + 1);
		}
		if (inotify_add_watch(ap->inotify_fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO |
				      IN_CREATE | IN_DELETE | IN_MOVED_FROM) < 0)
			vg_warn("cannot watch %s for policy changes: %s", dir, strerror(errno));
	}
}

static void *reload_main(void *arg)
{
	struct vg_agent_policy *ap = arg;
	struct pollfd fds[2] = { { ap->wake_fd, POLLIN, 0 }, { ap->inotify_fd, POLLIN, 0 } };
	char buf[4096];

	while (!atomic_load(&ap->stop)) {
		struct vg_policy *p, *old;
		int n = poll(fds, ap->inotify_fd >= 0 ? 2 : 1, 500);

		if (n <= 0)
			continue;
		/* Let a burst of writes settle, then drain both sources. */
		usleep(RELOAD_SETTLE_MS * 1000);
		while (read(ap->wake_fd, buf, sizeof(buf)) > 0)
			;
		while (ap->inotify_fd >= 0 && read(ap->inotify_fd, buf, sizeof(buf)) > 0)
			;
		if (atomic_load(&ap->stop))
			break;
		p = build_policy(ap, false);
		if (!p) {
			atomic_fetch_add(&ap->reload_failed, 1);
			continue;
		}
		old = atomic_exchange(&ap->pending, p);
		vg_policy_free(old);	/* superseded before the worker took it */
	}
	return NULL;
}

int vg_agent_policy_start(struct vg_agent_policy *ap)
{
	int err;

	err = apply_kernel_rules(ap, ap->cur);
	if (err)
		return err;
	ap->agent->hook = on_event;
	ap->agent->idle_hook = on_idle;
	ap->agent->hook_arg = ap;
	ap->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ap->wake_fd < 0)
		return -errno;
	if (ap->n_paths)
		watch_paths(ap);
	err = pthread_create(&ap->reload_thread, NULL, reload_main, ap);
	if (err)
		return -err;
	ap->thread_started = true;
	return 0;
}

void vg_agent_policy_request_reload(struct vg_agent_policy *ap)
{
	uint64_t one = 1;

	if (ap->wake_fd >= 0 && write(ap->wake_fd, &one, sizeof(one)) < 0)
		vg_warn("cannot request a policy reload: %s", strerror(errno));
}

void vg_agent_policy_fini(struct vg_agent_policy *ap)
{
	if (ap->thread_started) {
		atomic_store(&ap->stop, true);
		vg_agent_policy_request_reload(ap);
		pthread_join(ap->reload_thread, NULL);
	}
	if (ap->fan_started) {
		struct vg_fan_stats st;

		vg_fan_guard_get_stats(&ap->fan, &st);
		vg_info("fanotify guard: %" PRIu64 " permission events, %" PRIu64 " denied, %" PRIu64
			" would deny, %" PRIu64 " allowed by the watchdog, %" PRIu64 " reports dropped, %"
			PRIu64 " directories marked",
			st.events, st.denied, st.would_deny, st.watchdog_allowed, st.reports_dropped,
			st.marks.dirs);
		vg_fan_guard_fini(&ap->fan);
	}
	if (ap->wake_fd >= 0)
		close(ap->wake_fd);
	if (ap->inotify_fd >= 0)
		close(ap->inotify_fd);
	vg_policy_free(atomic_exchange(&ap->pending, NULL));
	vg_policy_free(ap->cur);
	vg_buf_free(&ap->line);
	if (ap->agent)
		vg_alert_counts_fini(&ap->counts);
	memset(ap, 0, sizeof(*ap));
}

static void fan_metrics(struct vg_agent_policy *ap, struct vg_buf *out)
{
	struct vg_fan_stats st;

	if (!atomic_load(&ap->fan_started))
		return;
	vg_fan_guard_get_stats(&ap->fan, &st);
	vg_prom_one(out, "vigil_fanotify_permission_events_total", "counter",
		    "Opens and executions of watched paths the fanotify guard was asked about.",
		    st.events);
	vg_prom_one(out, "vigil_fanotify_denied_total", "counter",
		    "Opens and executions the fanotify guard refused (EPERM).", st.denied);
	vg_prom_one(out, "vigil_fanotify_would_deny_total", "counter",
		    "Opens and executions an audit-mode deny rule let through.", st.would_deny);
	vg_prom_one(out, "vigil_fanotify_watchdog_allowed_total", "counter",
		    "Permission events the watchdog answered \"allow\" because the agent was too late.",
		    st.watchdog_allowed);
	vg_prom_one(out, "vigil_fanotify_reports_dropped_total", "counter",
		    "Guard decisions not reported as alerts: the report queue was full.",
		    st.reports_dropped);
	vg_prom_one(out, "vigil_fanotify_answer_errors_total", "counter",
		    "Answers the kernel refused.", st.errors);
	vg_prom_one(out, "vigil_fanotify_marked_directories", "gauge",
		    "Directories marked for deny rules on path prefixes.", st.marks.dirs);
}

void vg_agent_policy_metrics(struct vg_agent_policy *ap, struct vg_buf *out)
{
	struct vg_prom_label ok[] = { { "result", "ok" } }, failed[] = { { "result", "failed" } };
	struct vg_prom_label by_kernel[] = { { "by", "kernel" }, { "result", "ok" } };
	struct vg_prom_label by_agent[] = { { "by", "agent" }, { "result", "ok" } };
	struct vg_prom_label agent_failed[] = { { "by", "agent" }, { "result", "failed" } };

	vg_prom_one(out, "vigil_policy_generation", "gauge",
		    "The policy in use: 1 at start, +1 per successful reload.", ap->generation);
	vg_prom_one(out, "vigil_policy_rules", "gauge", "Rules in the policy in use.", ap->n_rules);
	vg_prom_family(out, "vigil_policy_reloads_total", "counter",
		       "Policy reloads, by result; a failed one leaves the running policy in place.");
	vg_prom_sample(out, "vigil_policy_reloads_total", ok, 1, ap->reload_ok);
	vg_prom_sample(out, "vigil_policy_reloads_total", failed, 1, ap->reload_failed);
	vg_alert_counts_render(&ap->counts, out);
	vg_prom_family(out, "vigil_kills_total", "counter",
		       "SIGKILLs by kill rules: sent from the kernel hook or by the agent.");
	vg_prom_sample(out, "vigil_kills_total", by_kernel, 2, ap->kills_kernel);
	vg_prom_sample(out, "vigil_kills_total", by_agent, 2, ap->kills_user);
	vg_prom_sample(out, "vigil_kills_total", agent_failed, 2, ap->kill_failed);
	fan_metrics(ap, out);
}
