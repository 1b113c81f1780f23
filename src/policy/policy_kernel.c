// SPDX-License-Identifier: GPL-2.0
/*
 * The rules the kernel decides on its own, as neutral data: exec kills (the
 * keys of an exec hook's path trie), deny rules a cgroup hook or a
 * permission hook can decide, and the executable filters of the sensors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/log.h"
#include "policy/policy_filter.h"
#include "policy/policy_kernel.h"
#include "policy/policy_model.h"
#include "policy/policy_shed.h"

/* One path of one kernel rule, before the keys are resolved. */
struct exec_cand {
	const char *path;
	bool prefix;
	const struct vg_kernel_rule *k;
};

/* Whether every exec that matches @e's key also matches @c. */
static bool covers(const struct exec_cand *c, const struct exec_cand *e)
{
	size_t n = strlen(c->path);

	if (c->prefix)
		return !strncmp(e->path, c->path, n);
	return !e->prefix && !strcmp(e->path, c->path);
}

/* Adds @k's ids to @v's; false if they do not fit or are of another kind. */
static bool add_ids(struct vg_exec_kill *v, const struct vg_kernel_rule *k)
{
	size_t i, j;

	if (v->id_kind != VG_IDS_ANY && v->id_kind != k->id_kind)
		return false;	/* "uid A or cgroup X" is not one set */
	v->id_kind = k->id_kind;
	for (i = 0; i < k->n_ids; i++) {
		for (j = 0; j < v->n_ids && v->ids[j] != k->ids[i]; j++)
			;
		if (j < v->n_ids)
			continue;
		if (v->n_ids == VG_PATH_RULE_IDS)
			return false;
		v->ids[v->n_ids++] = k->ids[i];
	}
	return true;
}

/* @v reports @k's rule for the ids gathered in @set. */
static void take_ids(struct vg_exec_kill *v, const struct vg_kernel_rule *k,
		     const struct vg_exec_kill *set)
{
	v->rule_index = k->rule_index;
	v->id_kind = set->id_kind;
	memcpy(v->ids, set->ids, sizeof(v->ids));
	v->n_ids = set->n_ids;
}

/*
 * The value of key @e: the hook sees only the longest matching key, so it
 * must answer for every rule whose paths cover it. An enforcing rule on
 * the path alone kills every process; else the enforcing rules' uids or
 * cgroups (their union, one kind) are killed and any other process gets an
 * audit rule on the path alone as fallback; else audit rules report "would
 * have". What cannot be said in one value (too many ids, both kinds) is
 * left to user space, which kills any process the hook did not. False:
 * nothing to install for @e.
 */
static bool resolve(const struct exec_cand *c, size_t n, const struct exec_cand *e,
		    struct vg_exec_kill *v)
{
	const struct vg_kernel_rule *any_kill = NULL, *any_audit = NULL, *first_kill = NULL;
	const struct vg_kernel_rule *first_audit = NULL;
	struct vg_exec_kill kills = { 0 }, audits = { 0 };
	bool kills_fit = true, audits_fit = true;
	size_t i;

	memset(v, 0, sizeof(*v));
	v->path = e->path;
	v->prefix = e->prefix;
	v->own_rule = e->k->rule_index;
	for (i = 0; i < n; i++) {
		const struct vg_kernel_rule *k = c[i].k;

		if (!covers(&c[i], e))
			continue;
		if (!k->audit && !k->n_ids && !any_kill)
			any_kill = k;
		else if (k->audit && !k->n_ids && !any_audit)
			any_audit = k;
		else if (!k->audit && k->n_ids) {
			first_kill = first_kill ? first_kill : k;
			kills_fit = kills_fit && add_ids(&kills, k);
		} else if (k->audit && k->n_ids) {
			first_audit = first_audit ? first_audit : k;
			audits_fit = audits_fit && add_ids(&audits, k);
		}
	}
	if (any_kill) {
		v->rule_index = any_kill->rule_index;
		return true;
	}
	if (first_kill && kills_fit) {
		take_ids(v, first_kill, &kills);
		if (any_audit) {
			v->has_fallback = true;
			v->fallback_rule = any_audit->rule_index;
			v->fallback_audit = true;
		}
		return true;
	}
	v->audit = true;
	if (any_audit) {
		v->rule_index = any_audit->rule_index;
		return true;
	}
	if (first_audit && audits_fit) {
		take_ids(v, first_audit, &audits);
		return true;
	}
	return false;
}

int vg_policy_exec_kills(const struct vg_policy *p, struct vg_exec_kill **out, size_t *n_out)
{
	const struct vg_prefilter *pf = vg_policy_prefilter(p);
	struct exec_cand *c;
	struct vg_exec_kill *v;
	size_t i, j, n = 0, n_v = 0, cap = 0;

	*out = NULL;
	*n_out = 0;
	if (!pf)
		return -EINVAL;
	for (i = 0; i < pf->n_kernel_rules; i++)
		cap += pf->kernel_rules[i].n_exact + pf->kernel_rules[i].n_prefixes;
	if (!cap)
		return 0;
	c = calloc(cap, sizeof(*c));
	v = calloc(cap, sizeof(*v));
	if (!c || !v) {
		free(c);
		free(v);
		return -ENOMEM;
	}
	for (i = 0; i < pf->n_kernel_rules; i++) {
		const struct vg_kernel_rule *k = &pf->kernel_rules[i];

		for (j = 0; j < k->n_exact + k->n_prefixes; j++) {
			c[n].prefix = j >= k->n_exact;
			c[n].path = c[n].prefix ? k->prefixes[j - k->n_exact] : k->exact[j];
			c[n].k = k;
			n++;
		}
	}
	for (i = 0; i < n; i++) {
		/* one value per key: the first candidate on it speaks for all */
		for (j = 0; j < i && !(c[j].prefix == c[i].prefix && !strcmp(c[j].path, c[i].path)); j++)
			;
		if (j == i && resolve(c, n, &c[i], &v[n_v]))
			n_v++;
	}
	free(c);
	*out = v;
	*n_out = n_v;
	return 0;
}

static const struct vg_field *exe_field(void)
{
	static const char name[] = "process.executable.path";

	return vg_field_lookup(name, sizeof(name) - 1);
}

static bool kills_on_exec(const struct vg_ptrvec *rules)
{
	size_t i;

	for (i = 0; i < rules->n; i++) {
		const struct vg_rule *r = rules->v[i];

		/* A kill the exec hook takes itself (kernel_decidable) waits for nothing. */
		if (r->action == VG_ACT_KILL && r->mode == VG_MODE_ENFORCE &&
		    !r->kernel_decidable && (r->kinds & VG_KB(VG_K_EXEC)))
			return true;
	}
	return false;
}

/* Active rules and a sequence's steps alike: either may end in a kill. */
bool vg_policy_kills_on_exec(const struct vg_policy *p)
{
	return kills_on_exec(&p->active) || kills_on_exec(&p->matchers);
}

/*
 * Deny rules a fanotify permission hook can decide alone: event open with a
 * condition only on file.path, or event exec with one only on
 * process.executable.path (=, in, startswith).
 */
bool vg_policy_denies_writes_only(const struct vg_policy *p, const char *rule)
{
	size_t i;

	for (i = 0; i < p->n_deny_writes; i++)
		if (!strcmp(p->deny_writes[i], rule))
			return true;
	return false;
}

int vg_policy_file_deny_rules(const struct vg_policy *p, vg_file_deny_cb cb, void *ctx)
{
	static const char fpath[] = "file.path";
	const struct vg_field *file_path = vg_field_lookup(fpath, sizeof(fpath) - 1);
	const struct vg_field *exe = exe_field();
	size_t i, k;
	int err;

	for (i = 0; i < p->active.n; i++) {
		const struct vg_rule *r = p->active.v[i];
		const struct node *n = r->cond;
		bool exec;

		if (r->action != VG_ACT_DENY || n->kind != N_CMP)
			continue;
		if (r->kinds == VG_KB(VG_K_OPEN) && n->field == file_path)
			exec = false;
		else if (r->kinds == VG_KB(VG_K_EXEC) && n->field == exe)
			exec = true;
		else
			continue;
		if (n->op == OP_STARTS) {
			for (k = 0; k < n->n_strs; k++) {
				err = cb(ctx, r->name, n->strs[k], n->lens[k], true, exec, r->index,
					 r->mode == VG_MODE_AUDIT);
				if (err)
					return err;
			}
		} else if (n->op == OP_EQ) {
			for (k = 0; k < n->set.cap; k++) {
				const struct vg_strmap_slot *s = &n->set.slots[k];

				if (!s->key)
					continue;
				err = cb(ctx, r->name, s->key, s->len, false, exec, r->index,
					 r->mode == VG_MODE_AUDIT);
				if (err)
					return err;
			}
		}
	}
	return 0;
}

static const struct vg_field *field_named(const char *name)
{
	return vg_field_lookup(name, strlen(name));
}

/* One conjunct of a net deny rule, or false when the kernel cannot check it. */
static bool net_leaf(const struct node *n, struct vg_net_deny_spec *spec)
{
	if (n->kind != N_CMP)
		return false;
	if (n->field == field_named("destination.port") && n->op == OP_EQ && n->n_nums) {
		spec->ports = n->nums;
		spec->n_ports = n->n_nums;
		return true;
	}
	if (n->field == field_named("destination.address") &&
	    (n->op == OP_CIDR || n->op == OP_EQ) && n->n_cidrs) {
		spec->cidrs = n->cidrs;
		spec->n_cidrs = n->n_cidrs;
		return true;
	}
	if (n->field == field_named("process.name") && n->op == OP_EQ && n->set.n == 1) {
		size_t k;

		for (k = 0; k < n->set.cap; k++)
			if (n->set.slots[k].key) {
				spec->comm = n->set.slots[k].key;
				spec->comm_len = n->set.slots[k].len;
			}
		return true;
	}
	if (n->field == field_named("network.transport") && n->op == OP_EQ && n->set.n == 1) {
		size_t k;

		for (k = 0; k < n->set.cap; k++)
			if (n->set.slots[k].key)
				spec->udp = n->set.slots[k].len == 3 && !memcmp(n->set.slots[k].key, "udp", 3);
		spec->transport_set = true;
		return true;
	}
	return false;
}

/*
 * Deny rules the cgroup connect/sendmsg hooks decide alone: event connect
 * (or udp_flow), action deny, a conjunction of destination.port =,
 * destination.address cidr/=, process.name =, network.transport =.
 */
int vg_policy_net_deny_rules(const struct vg_policy *p, vg_net_deny_cb cb, void *ctx)
{
	vg_kinds_t net_kinds = VG_KB(VG_K_CONNECT) | VG_KB(VG_K_UDP_FLOW);
	size_t i, k;
	int err;

	for (i = 0; i < p->active.n; i++) {
		const struct vg_rule *r = p->active.v[i];
		struct vg_net_deny_spec spec = { 0 };
		struct node *const *kids;
		struct node *one;
		size_t n;
		bool ok = true;

		if ((r->action != VG_ACT_DENY && r->action != VG_ACT_KILL) || !(r->kinds & net_kinds) ||
		    (r->kinds & ~net_kinds))
			continue;
		if (r->cond->kind == N_AND) {
			kids = r->cond->kids;
			n = r->cond->n_kids;
		} else {
			one = r->cond;
			kids = &one;
			n = 1;
		}
		for (k = 0; k < n && ok; k++)
			ok = net_leaf(kids[k], &spec);
		if (!ok || (!spec.n_ports && !spec.n_cidrs))
			continue;
		spec.rule = r->name;
		spec.rule_id = r->index;
		spec.audit = r->mode == VG_MODE_AUDIT;
		spec.kill = r->action == VG_ACT_KILL;
		if (!spec.transport_set)
			spec.any_transport = true;
		err = cb(ctx, &spec);
		if (err)
			return err;
	}
	return 0;
}

const struct vg_filter_dim *vg_policy_filter_dim(const struct vg_policy *p, enum vg_sensor_id sid,
					      const char *field)
{
	const struct vg_prefilter *pf = vg_policy_prefilter(p);
	size_t i;

	if (!pf || sid >= VG_SENSOR_MAX || !pf->sensor[sid].kinds)
		return NULL;
	for (i = 0; i < pf->sensor[sid].n_dims; i++) {
		const struct vg_filter_dim *d = &pf->sensor[sid].dims[i];

		if (d->active && !strcmp(d->field->name, field))
			return d;
	}
	return NULL;
}

static bool starts_with(const char *s, const char *pre)
{
	return !strncmp(s, pre, strlen(pre));
}

/* Whether every path of @d fits a vg_path_rule_key the way the process sensor builds them. */
static bool exe_dim_fits(const struct vg_filter_dim *d)
{
	size_t i;

	for (i = 0; i < d->n_exact; i++)
		if (strlen(d->exact[i]) + 1 > VG_RULE_PATH_BYTES)
			return false;
	for (i = 0; i < d->n_prefixes; i++)
		if (strlen(d->prefixes[i]) > VG_RULE_PATH_BYTES)
			return false;
	return true;
}

/* Whether value @i of @tier is one the overhead budget sheds at level @shed (0: none). */
static bool shed_at(const uint8_t *tier, size_t i, int shed)
{
	return tier && tier[i] && tier[i] <= shed;
}

/*
 * Sensors (bits) whose exe filter accepts @path, exactly or by prefix
 * (@exact_too), counting only the values the budget's level @shed keeps.
 */
static uint32_t bits_for(const struct vg_exe_filter *f, const struct vg_filter_dim *dims[],
			 const char *path, bool exact_too, int shed)
{
	uint32_t bits = 0;
	size_t i;
	int s;

	for (s = 0; s < VG_SENSOR_MAX; s++) {
		const struct vg_filter_dim *d = dims[s];

		if (!(f->sensors & (1u << s)))
			continue;
		for (i = 0; exact_too && i < d->n_exact && !(bits & (1u << s)); i++)
			if (!shed_at(d->exact_tier, i, shed) && !strcmp(path, d->exact[i]))
				bits |= 1u << s;
		for (i = 0; i < d->n_prefixes && !(bits & (1u << s)); i++)
			if (!shed_at(d->prefix_tier, i, shed) && starts_with(path, d->prefixes[i]))
				bits |= 1u << s;
	}
	return bits;
}

_Static_assert(VG_SHED_TIERS == sizeof(((struct vg_exe_filter_entry *)0)->shed_bits) /
	       sizeof(uint32_t), "one shed_bits per overhead tier");

int vg_policy_exe_filter(const struct vg_policy *p, struct vg_exe_filter *f)
{
	const struct vg_filter_dim *dims[VG_SENSOR_MAX] = { 0 };
	size_t i, cap = 0;
	int s;

	memset(f, 0, sizeof(*f));
	/* Process records always cross (they feed the cache): no filter there. */
	for (s = VG_SENSOR_PROCESS + 1; s < VG_SENSOR_MAX; s++) {
		dims[s] = vg_policy_filter_dim(p, s, "process.executable.path");
		if (dims[s] && exe_dim_fits(dims[s])) {
			f->sensors |= 1u << s;
			cap += dims[s]->n_exact + dims[s]->n_prefixes;
		}
	}
	if (cap > VG_EXE_FILTER_ENTRIES) {
		vg_warn("policy: %zu executable paths do not fit the kernel filter (%d): "
			"records are filtered by executable in user space only", cap,
			VG_EXE_FILTER_ENTRIES);
		f->sensors = 0;
		return 0;
	}
	if (!cap)
		return 0;
	f->v = calloc(cap, sizeof(*f->v));
	if (!f->v)
		return -ENOMEM;
	for (s = 0; s < VG_SENSOR_MAX; s++) {
		const struct vg_filter_dim *d = dims[s];
		size_t k;

		if (!(f->sensors & (1u << s)))
			continue;
		for (k = 0; k < d->n_exact + d->n_prefixes; k++) {
			bool prefix = k >= d->n_exact;
			const char *path = prefix ? d->prefixes[k - d->n_exact] : d->exact[k];

			for (i = 0; i < f->n; i++)
				if (f->v[i].prefix == prefix && !strcmp(f->v[i].path, path))
					break;
			if (i < f->n)
				continue;	/* another sensor's entry already */
			f->v[f->n].path = path;
			f->v[f->n].prefix = prefix;
			f->v[f->n].bits = bits_for(f, dims, path, !prefix, 0);
			for (i = 0; i < VG_SHED_TIERS; i++)
				f->v[f->n].shed_bits[i] = bits_for(f, dims, path, !prefix,
								   (int)i + 1);
			f->n++;
		}
	}
	return 0;
}

void vg_policy_exe_filter_free(struct vg_exe_filter *f)
{
	free(f->v);
	memset(f, 0, sizeof(*f));
}
