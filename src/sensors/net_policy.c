// SPDX-License-Identifier: GPL-2.0
/*
 * The net sensor's share of a policy: the deny rules its cgroup
 * connect/sendmsg hooks decide, its port and address pre-filter, its record
 * types and process pre-filter.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "lib/log.h"
#include "sensors/sensor_net.h"
#include "sensors/sensor_prefilter.h"
#include "sensors/storm_flush.h"

/* A policy CIDR (v4-mapped, 128-bit prefix) as the sensor's prefix. */
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

/* One rule becomes (ports x CIDRs) entries of the deny trie. */
static int put_deny(struct vg_sensor *s, const struct vg_net_deny_spec *spec)
{
	size_t np = spec->n_ports ? spec->n_ports : 1, nc = spec->n_cidrs ? spec->n_cidrs : 1;
	size_t i, k;
	int err;

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
			err = vg_net_deny_add(s, &r, spec->rule_id);
			if (err)
				return err;
		}
	}
	return 0;
}

static int apply_denies(struct vg_sensor *s, const struct vg_kernel_spec *spec,
			struct vg_rule_set *decided)
{
	size_t i;
	int err = vg_net_deny_clear(s);

	for (i = 0; !err && i < spec->n_net_denies; i++) {
		const struct vg_net_deny_spec *d = &spec->net_denies[i];

		if (d->audit)
			continue;	/* audit: user space reports "would have denied" */
		err = put_deny(s, d);
		if (!err)
			err = vg_net_want_deny(s);
		if (!err)
			vg_rule_set_add(decided, d->rule_id);
	}
	return err;
}

/*
 * The port, address and name filter last applied, kept so that the
 * overhead budget can shed entries and give them back (vg_net_shed_entries):
 * per entry, the tier that may shed it (0: never). Everything here is ours
 * (the policy's strings die with it). One net sensor per agent.
 */
struct kept_set {
	bool on;
	size_t n;
	uint16_t *ports;		/* a port set's entries, */
	struct vg_net_prefix *cidrs;	/* or an address set's, */
	char **names;			/* or a name set's (exact, then prefixes from @n_exact) */
	size_t n_exact;
	uint8_t *tier;
};

enum { SET_PEER, SET_LOCAL, SET_CIDR, SET_NAME, N_SETS };

static struct {
	bool active;			/* a filter is set; else everything passes */
	struct kept_set set[N_SETS];
	uint64_t port_gate_ns;
	int shed;			/* entries of this tier and below are left out */
} cur;

static const char *const set_label[N_SETS] = { "port", "local-port", "address", "name" };

static uint8_t tier_at(const uint8_t *tier, size_t i)
{
	return tier ? tier[i] : 0;
}

static void kept_free(struct kept_set *k)
{
	size_t i;

	for (i = 0; k->names && i < k->n; i++)
		free(k->names[i]);
	free(k->names);
	free(k->ports);
	free(k->cidrs);
	free(k->tier);
	memset(k, 0, sizeof(*k));
}

/* A port set's values as ports: a number above 65535 is no record's port. */
static int keep_ports(struct kept_set *k, const struct vg_spec_values *v)
{
	size_t i;

	k->ports = malloc((v->n_nums + 1) * sizeof(*k->ports));
	k->tier = malloc(v->n_nums + 1);
	if (!k->ports || !k->tier)
		return -ENOMEM;
	for (i = 0; i < v->n_nums; i++)
		if (v->nums[i] <= 65535) {
			k->tier[k->n] = tier_at(v->num_tier, i);
			k->ports[k->n++] = (uint16_t)v->nums[i];
		}
	k->on = true;
	return 0;
}

/* The peer address set as prefixes; stays off when too many for the kernel filter. */
static int keep_cidrs(struct kept_set *k, const struct vg_spec_values *v)
{
	static bool warned;
	size_t i;

	if (v->n_cidrs > VG_NET_PF_MAX_CIDRS) {
		if (!warned)
			vg_warn("the policy's %zu destination.address prefixes do not fit "
				"the kernel filter (%d): not filtering on them",
				v->n_cidrs, VG_NET_PF_MAX_CIDRS);
		warned = true;
		return 0;
	}
	k->cidrs = calloc(v->n_cidrs + 1, sizeof(*k->cidrs));
	k->tier = malloc(v->n_cidrs + 1);
	if (!k->cidrs || !k->tier)
		return -ENOMEM;
	for (i = 0; i < v->n_cidrs; i++) {
		cidr_to_prefix(&v->cidrs[i], &k->cidrs[i]);
		k->tier[i] = tier_at(v->cidr_tier, i);
	}
	k->n = v->n_cidrs;
	k->on = true;
	return 0;
}

/* The executable-name set, unless some name does not fit the kernel's trie (then off). */
static int keep_names(struct kept_set *k, const struct vg_spec_values *v)
{
	size_t i, n = v->n_exact + v->n_prefixes;

	for (i = 0; i < n; i++)
		if (!vg_net_name_fits(i < v->n_exact ? v->exact[i] : v->prefixes[i - v->n_exact],
				      i >= v->n_exact))
			return 0;
	k->names = calloc(n + 1, sizeof(*k->names));
	k->tier = malloc(n + 1);
	if (!k->names || !k->tier)
		return -ENOMEM;
	for (k->n = 0; k->n < n; k->n++) {
		bool pre = k->n >= v->n_exact;

		k->names[k->n] = strdup(pre ? v->prefixes[k->n - v->n_exact] : v->exact[k->n]);
		if (!k->names[k->n])
			return -ENOMEM;
		k->tier[k->n] = pre ? tier_at(v->prefix_tier, k->n - v->n_exact) :
				      tier_at(v->exact_tier, k->n);
	}
	k->n_exact = v->n_exact;
	k->on = true;
	return 0;
}

static bool shed_now(const struct kept_set *k, size_t i)
{
	return k->tier[i] && k->tier[i] <= cur.shed;
}

/* The entries of @k not shed now, into @out (room for k->n): how many. */
static size_t kept_entries(const struct kept_set *k, void *out, size_t size)
{
	const char *src = k->ports ? (const char *)k->ports : k->cidrs ? (const char *)k->cidrs :
			  (const char *)k->names;
	size_t i, n = 0;

	for (i = 0; i < k->n; i++)
		if (!shed_now(k, i))
			memcpy((char *)out + size * n++, src + size * i, size);
	return n;
}

/* The kept filter into the kernel, less the entries shed now. */
static int apply_kept(struct vg_sensor *s)
{
	const struct kept_set *pp = &cur.set[SET_PEER], *lp = &cur.set[SET_LOCAL];
	const struct kept_set *cs = &cur.set[SET_CIDR], *ns = &cur.set[SET_NAME];
	uint16_t *peer = calloc(pp->n + 1, sizeof(*peer)), *local = calloc(lp->n + 1, sizeof(*local));
	struct vg_net_prefix *cidrs = calloc(cs->n + 1, sizeof(*cidrs));
	const char **names = calloc(ns->n + 1, sizeof(*names));
	struct vg_net_policy_filter f = { 0 };
	size_t i;
	int err = -ENOMEM;

	if (!cur.active) {
		err = vg_net_policy_filter_set(s, NULL);
		goto out;
	}
	if (!peer || !local || !cidrs || !names)
		goto out;
	f.peer_ports_on = pp->on;
	f.peer_ports = peer;
	f.n_peer_ports = kept_entries(pp, peer, sizeof(*peer));
	f.local_ports_on = lp->on;
	f.local_ports = local;
	f.n_local_ports = kept_entries(lp, local, sizeof(*local));
	f.peer_cidrs_on = cs->on;
	f.peer_cidrs = cidrs;
	f.n_peer_cidrs = kept_entries(cs, cidrs, sizeof(*cidrs));
	f.names_on = ns->on;
	for (i = 0; i < ns->n; i++)	/* exact names first, then prefixes */
		if (!shed_now(ns, i))
			names[i < ns->n_exact ? f.n_names++ : ns->n_exact + f.n_name_prefixes++] =
				ns->names[i];
	f.names = names;
	f.name_prefixes = names + ns->n_exact;
	f.port_gate_ns = cur.port_gate_ns;
	err = vg_net_policy_filter_set(s, &f);
out:
	free(peer);
	free(local);
	free(cidrs);
	free(names);
	return err;
}

/*
 * With only alerts printed, connection, UDP flow and shell records whose
 * peer port, peer address or local port no net rule accepts stay in the
 * kernel (the fields every net rule constrains). Printing every event
 * turns the filter off. Out of memory for a set: that one stays off, which
 * only lets more through.
 */
static int apply_filter(struct vg_sensor *s, const struct vg_kernel_spec *spec)
{
	const struct vg_sensor_spec *ns = &spec->sensor[VG_SENSOR_NETWORK];
	int i, err = 0;

	for (i = 0; i < N_SETS; i++)
		kept_free(&cur.set[i]);
	cur.active = !spec->every_event && ns->used;
	cur.port_gate_ns = ns->port_gate_ns;
	if (cur.active && ns->field[VG_SPEC_PEER_PORT].on)
		err = keep_ports(&cur.set[SET_PEER], &ns->field[VG_SPEC_PEER_PORT]);
	if (!err && cur.active && ns->field[VG_SPEC_LOCAL_PORT].on)
		err = keep_ports(&cur.set[SET_LOCAL], &ns->field[VG_SPEC_LOCAL_PORT]);
	if (!err && cur.active && ns->field[VG_SPEC_PEER_ADDR].on)
		err = keep_cidrs(&cur.set[SET_CIDR], &ns->field[VG_SPEC_PEER_ADDR]);
	if (!err && cur.active && ns->field[VG_SPEC_EXE_NAME].on)
		err = keep_names(&cur.set[SET_NAME], &ns->field[VG_SPEC_EXE_NAME]);
	for (i = 0; err && i < N_SETS; i++)
		kept_free(&cur.set[i]);
	return apply_kept(s);
}

/* Appends " LABEL:ENTRY" of entry @i of set @k to @names. */
static size_t name_entry(const struct kept_set *k, int set, size_t i, char *names, size_t size,
			 size_t off)
{
	char addr[VG_NET_ADDR_STRLEN];
	const char *sep = off ? "," : "";

	if (off >= size)
		return off;
	if (k->ports)
		return off + snprintf(names + off, size - off, "%snet-%s:%u", sep, set_label[set],
				      k->ports[i]);
	if (k->cidrs)
		return off + snprintf(names + off, size - off, "%snet-%s:%s/%u", sep,
				      set_label[set], vg_net_format_addr(k->cidrs[i].family,
				      k->cidrs[i].addr, addr, sizeof(addr)), k->cidrs[i].bits);
	return off + snprintf(names + off, size - off, "%snet-%s:%s%s", sep, set_label[set],
			      k->names[i], i >= k->n_exact ? "*" : "");
}

int vg_net_shed_entries(struct vg_sensor *s, int level, char *names, size_t size)
{
	int changed = level > cur.shed ? level : cur.shed, n = 0, set, err;
	size_t i, off = strlen(names);

	if (!cur.active || level == cur.shed)
		return 0;
	cur.shed = level;
	for (set = 0; set < N_SETS; set++)
		for (i = 0; i < cur.set[set].n; i++)
			if (cur.set[set].tier[i] == changed) {
				n++;
				off = name_entry(&cur.set[set], set, i, names, size, off);
			}
	err = apply_kept(s);
	return err ? err : n;
}

int vg_net_apply_policy(struct vg_sensor *s, const struct vg_kernel_spec *spec,
			struct vg_rule_set *decided)
{
	int err = apply_denies(s, spec, decided);

	if (!err)
		err = apply_filter(s, spec);
	if (!err)
		err = vg_storm_rec_apply(s, &spec->storm, spec->every_event);
	return err ? err : vg_pf_apply(s, VG_SENSOR_NETWORK, spec);
}
