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

/* A port set's values as ports: a number above 65535 is no record's port. */
static uint16_t *spec_ports(const struct vg_spec_values *v, size_t *n)
{
	uint16_t *p = malloc((v->n_nums + 1) * sizeof(*p));
	size_t i;

	*n = 0;
	for (i = 0; p && i < v->n_nums; i++)
		if (v->nums[i] <= 65535)
			p[(*n)++] = (uint16_t)v->nums[i];
	return p;
}

/* The peer address set as prefixes; NULL when off or too many for the kernel filter. */
static struct vg_net_prefix *spec_prefixes(const struct vg_spec_values *v)
{
	static bool warned;
	struct vg_net_prefix *p;
	size_t k;

	if (!v->on)
		return NULL;
	if (v->n_cidrs > VG_NET_PF_MAX_CIDRS) {
		if (!warned)
			vg_warn("the policy's %zu destination.address prefixes do not fit "
				"the kernel filter (%d): not filtering on them",
				v->n_cidrs, VG_NET_PF_MAX_CIDRS);
		warned = true;
		return NULL;
	}
	p = calloc(v->n_cidrs + 1, sizeof(*p));
	for (k = 0; p && k < v->n_cidrs; k++)
		cidr_to_prefix(&v->cidrs[k], &p[k]);
	return p;
}

/* The executable-name set, unless some name does not fit the kernel's trie (then off). */
static void names_filter(const struct vg_spec_values *v, struct vg_net_policy_filter *f)
{
	size_t i;

	if (!v->on)
		return;
	for (i = 0; i < v->n_exact; i++)
		if (!vg_net_name_fits(v->exact[i], false))
			return;
	for (i = 0; i < v->n_prefixes; i++)
		if (!vg_net_name_fits(v->prefixes[i], true))
			return;
	f->names_on = true;
	f->names = v->exact;
	f->n_names = v->n_exact;
	f->name_prefixes = v->prefixes;
	f->n_name_prefixes = v->n_prefixes;
}

/*
 * With only alerts printed, connection, UDP flow and shell records whose
 * peer port, peer address or local port no net rule accepts stay in the
 * kernel (the fields every net rule constrains). Printing every event
 * turns the filter off.
 */
static int apply_filter(struct vg_sensor *s, const struct vg_kernel_spec *spec)
{
	const struct vg_sensor_spec *ns = &spec->sensor[VG_SENSOR_NETWORK];
	const struct vg_spec_values *peer = &ns->field[VG_SPEC_PEER_PORT];
	const struct vg_spec_values *local = &ns->field[VG_SPEC_LOCAL_PORT];
	struct vg_net_policy_filter f = { 0 };
	uint16_t *peer_ports = NULL, *local_ports = NULL;
	struct vg_net_prefix *cidrs;
	int err;

	if (spec->every_event || !ns->used)
		return vg_net_policy_filter_set(s, NULL);
	if (peer->on) {
		f.peer_ports = peer_ports = spec_ports(peer, &f.n_peer_ports);
		f.peer_ports_on = peer_ports != NULL;
	}
	if (local->on) {
		f.local_ports = local_ports = spec_ports(local, &f.n_local_ports);
		f.local_ports_on = local_ports != NULL;
	}
	names_filter(&ns->field[VG_SPEC_EXE_NAME], &f);
	f.port_gate_ns = ns->port_gate_ns;
	cidrs = spec_prefixes(&ns->field[VG_SPEC_PEER_ADDR]);
	f.peer_cidrs = cidrs;
	f.n_peer_cidrs = cidrs ? ns->field[VG_SPEC_PEER_ADDR].n_cidrs : 0;
	f.peer_cidrs_on = cidrs != NULL;
	/* Out of memory for a set: that one stays off, which only lets more through. */
	err = vg_net_policy_filter_set(s, &f);
	free(peer_ports);
	free(local_ports);
	free(cidrs);
	return err;
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
