// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel share of a policy as plain data: per record type whether it
 * is sent, per sensor the values its pre-filter may require, and the rules
 * a hook or guard decides alone. Which sensor owns which map is the
 * sensors' business: nothing here names one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "event/decode.h"
#include "event/fields.h"
#include "policy/policy_filter.h"
#include "policy/policy_kernel.h"
#include "policy/policy_spec.h"
#include "policy/policy_storm.h"

/*
 * With only alerts printed, a record type no rule can match is turned off,
 * so it never crosses the ring buffer. Process records feed the cache and
 * deny records are alerts: those always flow, past the pre-filter too.
 * Fork and exit records no rule reads only feed the cache: they go in
 * without waking the agent (VG_TYPE_QUIET), which takes them with the
 * next record that does or on its own within a fraction of a second.
 * Exec records too, unless a rule kills from user space on one: an exec
 * alert then waits at most VG_PIPELINE_POLL_MS (100 ms), and a host that
 * execs a lot no longer wakes the agent (two context switches, most of
 * its CPU per exec) and raises an interrupt in the kernel for each exec.
 */
static void spec_types(const struct vg_prefilter *pf, bool every_event, bool exec_quiet,
		       uint8_t *types)
{
	vg_kinds_t kinds = 0;
	uint16_t t;
	int s, k;

	for (s = 0; s < VG_SENSOR_MAX; s++)
		kinds |= pf->sensor[s].kinds;
	types[0] = VG_SPEC_TYPE_NONE;
	for (t = 1; t < VG_EV_TYPE_MAX; t++) {
		const struct vg_record_desc *d = vg_record_desc(t);

		types[t] = VG_TYPE_FILTERED;
		if (!d) {
			types[t] = VG_SPEC_TYPE_NONE;
		} else if (t == VG_EV_EXEC || t == VG_EV_FORK || t == VG_EV_EXIT ||
			   t == VG_EV_NET_DENY) {
			types[t] = VG_TYPE_ALWAYS;
			if ((t == VG_EV_FORK && !(kinds & VG_KB(VG_K_FORK))) ||
			    (t == VG_EV_EXIT && !(kinds & VG_KB(VG_K_EXIT))) ||
			    (t == VG_EV_EXEC && exec_quiet))
				types[t] |= VG_TYPE_QUIET;
		} else if (!every_event) {
			k = vg_field_kind_lookup(d->kind, strlen(d->kind));
			if (!(k >= 0 && (kinds & VG_KB(k))))
				types[t] = VG_TYPE_OFF;
			else if (vg_prefilter_actor_exempt(k))
				types[t] = VG_TYPE_ALWAYS;	/* past the process filter */
			/* Names resolved by DNS serve every connection rule, whoever asked. */
			if (t == VG_EV_NET_DNS && (kinds & VG_KB(VG_K_CONNECT)))
				types[t] = VG_TYPE_ALWAYS;
		}
	}
}

static const struct {
	const char *name;
	enum vg_spec_field field;
} spec_fields[] = {
	{ "process.user.id", VG_SPEC_UID },
	{ "process.cgroup.id", VG_SPEC_CGROUP },
	{ "file.path", VG_SPEC_FILE_PATH },
	{ "destination.port", VG_SPEC_PEER_PORT },
	{ "source.port", VG_SPEC_LOCAL_PORT },
	{ "destination.address", VG_SPEC_PEER_ADDR },
	{ "process.executable.name", VG_SPEC_EXE_NAME },
};

/* A sensor's filter dims under the names of the contract; unused: nothing on. */
static void spec_sensor(const struct vg_sensor_filter *sf, struct vg_sensor_spec *out)
{
	size_t i, k;

	out->used = sf->kinds != 0;
	out->bind_mounts = sf->bind_mounts;
	out->any_actor = sf->any_actor;
	out->n_any_actor = sf->n_any_actor;
	out->port_gate_ns = sf->port_gate_ns;
	for (i = 0; out->used && i < sf->n_dims; i++) {
		const struct vg_filter_dim *d = &sf->dims[i];
		struct vg_spec_values *v;

		for (k = 0; k < sizeof(spec_fields) / sizeof(spec_fields[0]); k++)
			if (!strcmp(d->field->name, spec_fields[k].name))
				break;
		if (k == sizeof(spec_fields) / sizeof(spec_fields[0]) || !d->active)
			continue;
		v = &out->field[spec_fields[k].field];
		v->on = true;
		v->exact = d->exact;
		v->n_exact = d->n_exact;
		v->prefixes = d->prefixes;
		v->n_prefixes = d->n_prefixes;
		v->exact_access = d->exact_access;
		v->prefix_access = d->prefix_access;
		v->exact_tier = d->exact_tier;
		v->prefix_tier = d->prefix_tier;
		v->nums = d->nums;
		v->num_tier = d->num_tier;
		v->n_nums = d->n_nums;
		v->cidrs = d->cidrs;
		v->cidr_tier = d->cidr_tier;
		v->n_cidrs = d->n_cidrs;
	}
}

/* Room for one more @size-byte element in *@v (holding @n, for *@cap); NULL on ENOMEM. */
static void *grow(void **v, size_t n, size_t *cap, size_t size)
{
	if (n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		void *nv = realloc(*v, nc * size);

		if (!nv)
			return NULL;
		*v = nv;
		*cap = nc;
	}
	return (char *)*v + n * size;
}

struct spec_fill {
	const struct vg_policy *p;
	struct vg_kernel_spec *spec;
	size_t net_cap, deny_cap;
};

static int add_net_deny(void *ctx, const struct vg_net_deny_spec *d)
{
	struct spec_fill *f = ctx;
	struct vg_net_deny_spec *slot = grow((void **)&f->spec->net_denies, f->spec->n_net_denies,
					     &f->net_cap, sizeof(*slot));

	if (!slot)
		return -ENOMEM;
	*slot = *d;
	f->spec->n_net_denies++;
	return 0;
}

static int add_deny_target(void *ctx, const char *rule, const char *path, size_t len, bool prefix,
			   bool exec, uint32_t rule_id, bool audit)
{
	struct spec_fill *f = ctx;
	struct vg_deny_target *t = grow((void **)&f->spec->deny_targets, f->spec->n_deny_targets,
					&f->deny_cap, sizeof(*t));

	if (!t)
		return -ENOMEM;
	*t = (struct vg_deny_target){ .rule = rule, .path = path, .len = len, .prefix = prefix,
				      .exec = exec, .audit = audit, .rule_id = rule_id,
				      .writes_only = vg_policy_denies_writes_only(f->p, rule) };
	f->spec->n_deny_targets++;
	return 0;
}

int vg_policy_kernel_spec(const struct vg_policy *p, bool every_event, struct vg_kernel_spec *spec)
{
	const struct vg_prefilter *pf = vg_policy_prefilter(p);
	struct spec_fill fill = { p, spec, 0, 0 };
	int s, err = 0;

	memset(spec, 0, sizeof(*spec));
	if (!pf)
		return -EINVAL;
	spec->every_event = every_event;
	spec_types(pf, every_event, !vg_policy_kills_on_exec(p), spec->types);
	for (s = 0; s < VG_SENSOR_MAX; s++)
		spec_sensor(&pf->sensor[s], &spec->sensor[s]);
	if (!every_event)
		err = vg_policy_exe_filter(p, &spec->exe);
	if (!err)
		err = vg_policy_exec_kills(p, &spec->exec_kills, &spec->n_exec_kills);
	if (!err)
		err = vg_policy_net_deny_rules(p, add_net_deny, &fill);
	if (!err)
		err = vg_policy_file_deny_rules(p, add_deny_target, &fill);
	if (!err && !every_event)
		err = vg_policy_storm_spec(p, &spec->storm);
	if (err)
		vg_kernel_spec_free(spec);
	return err;
}
