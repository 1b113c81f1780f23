// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel pre-filter contents: per sensor, the event kinds some rule needs
 * and, for each field the sensor can check in the kernel, the union of the
 * values the rules accept. A field is usable only if every rule of the
 * sensor constrains it in a top-level conjunct, else an event a rule wants
 * could be dropped.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "policy/policy_access.h"
#include "policy/policy_filter.h"
#include "policy/policy_model.h"
#include "policy/policy_port_gate.h"
#include "policy/policy_shed.h"

static const char *const sensor_dims[VG_SENSOR_MAX][VG_FILTER_MAX_DIMS] = {
	/* Process records feed the process cache: they always cross. */
	[VG_SENSOR_PROCESS] = { NULL },
	[VG_SENSOR_FILE] = { "file.path", "process.executable.path", "process.user.id",
			     "process.cgroup.id" },
	[VG_SENSOR_NETWORK] = { "destination.port", "destination.address", "source.port",
				"process.executable.path", "process.executable.name",
				"process.user.id", "process.cgroup.id" },
	[VG_SENSOR_PRIV] = { "process.executable.path", "process.user.id", "process.cgroup.id" },
};

static void conjuncts(const struct vg_rule *r, struct node *const **kids, size_t *n)
{
	if (r->cond->kind == N_AND) {
		*kids = r->cond->kids;
		*n = r->cond->n_kids;
	} else {
		*kids = &r->cond;
		*n = 1;
	}
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A string value of a dim and the access classes of the rules naming it. */
struct acc_val {
	const char *s;
	uint32_t access;
	int max_sev;		/* the most severe rule naming it */
};

static int by_val(const void *a, const void *b)
{
	return strcmp((*(const struct acc_val *const *)a)->s, (*(const struct acc_val *const *)b)->s);
}

bool vg_prefilter_leaf(const struct node *n)
{
	if (n->kind != N_CMP || !n->field->kernel)
		return false;
	switch (n->field->type) {
	case VG_FT_STR:
		return n->op == OP_EQ || n->op == OP_STARTS;
	case VG_FT_UINT:
	case VG_FT_INT:
		return n->op == OP_EQ;
	case VG_FT_IP:
		return n->op == OP_CIDR;
	default:
		return false;
	}
}

/*
 * The file sensor tests both names of a rename or link against the path
 * trie, so a rule may constrain file.paths (every name the event acts on),
 * or on those two kinds alone the new name (file.target_path), and keep
 * the filter: "moved into /etc/cron.d" is still a file.path prefix.
 */
static bool two_name_leaf(const struct vg_rule *r, const struct vg_field *f,
			  const struct node *n)
{
	const vg_kinds_t two = VG_KB(VG_K_RENAME) | VG_KB(VG_K_LINK);

	if (strcmp(f->name, "file.path") || n->kind != N_CMP ||
	    (n->op != OP_EQ && n->op != OP_STARTS))
		return false;
	return !strcmp(n->field->name, "file.paths") ||
	       (!(r->kinds & ~two) && !strcmp(n->field->name, "file.target_path"));
}

/* A glob pattern the kernel's name trie holds: a literal, or a literal and one final '*'. */
static bool name_pattern(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (strchr("*?[]\\", s[i]) && !(s[i] == '*' && i == len - 1 && i > 0))
			return false;
	return len > 0;
}

/*
 * process.executable.name = / in / glob (literals and "name*" patterns):
 * the network sensor looks the name of the executable's file up at the
 * hook (sensor_net_filter.bpf.h).
 */
static bool name_leaf(const struct node *n)
{
	size_t i;

	if (n->kind != N_CMP || strcmp(n->field->name, "process.executable.name"))
		return false;
	if (n->op == OP_EQ)
		return n->set.n > 0;
	if (n->op != OP_GLOB || !n->n_strs)
		return false;
	for (i = 0; i < n->n_strs; i++)
		if (!name_pattern(n->strs[i], n->lens[i]))
			return false;
	return true;
}

static const struct node *constraint(const struct vg_rule *r, const struct vg_field *f)
{
	struct node *const *kids;
	size_t n, i;

	conjuncts(r, &kids, &n);
	for (i = 0; i < n; i++)
		if (kids[i]->kind == N_CMP && ((kids[i]->field == f && vg_prefilter_leaf(kids[i])) ||
					       two_name_leaf(r, f, kids[i]) ||
					       (kids[i]->field == f && name_leaf(kids[i]))))
			return kids[i];
	return NULL;
}

/*
 * Whether rule @r asks for bind-mount accesses only (a top-level
 * file.mount.bind = 1): the kernel sends those whatever their path, so
 * the rule leaves the file.path dim as the other rules set it.
 */
static bool bind_rule(const struct vg_rule *r)
{
	struct node *const *kids;
	size_t n, i;

	conjuncts(r, &kids, &n);
	for (i = 0; i < n; i++)
		if (kids[i]->kind == N_CMP && !strcmp(kids[i]->field->name, "file.mount.bind") &&
		    kids[i]->op == OP_EQ && kids[i]->n_nums == 1 && kids[i]->nums[0] == 1)
			return true;
	return false;
}

/* Whether condition @n reads a file.mount.* field anywhere (depth bounded by the parser). */
static bool reads_bind(const struct node *n)
{
	size_t i;

	if (n->kind == N_CMP)
		return !strncmp(n->field->name, "file.mount.", 11);
	for (i = 0; i < n->n_kids; i++)
		if (reads_bind(n->kids[i]))
			return true;
	return false;
}

struct acc {
	struct vg_strmap exact, prefix;
	struct vg_ptrvec ex, pre;
	uint64_t nums[1024];
	int num_sev[1024];	/* the most severe rule naming each, as acc_val.max_sev */
	size_t n_nums;
	struct vg_cidr cidrs[256];
	int cidr_sev[256];
	size_t n_cidrs;
};

static int acc_str(struct vg_policy *p, struct vg_strmap *m, struct vg_ptrvec *out, const char *s,
		   size_t len, uint32_t access, int sev)
{
	struct vg_strmap_slot *sl = vg_strmap_get(m, s, len, true);
	struct acc_val *v;

	if (!sl)
		return -ENOMEM;
	if (sl->val) {
		v = sl->val;
		v->access |= access;
		if (sev > v->max_sev)
			v->max_sev = sev;
		return 0;
	}
	v = vg_arena_alloc(&p->arena, sizeof(*v));
	if (!v || !(v->s = vg_arena_strndup(&p->arena, s, len)))
		return -ENOMEM;
	v->access = access;
	v->max_sev = sev;
	sl->val = v;
	return vg_ptrvec_push(out, v);
}

/*
 * Adds @c's values to @a, each with the access classes rule @r can match
 * there and @r's severity (the most severe rule per value sets its shed tier).
 */
static int acc_node(struct vg_policy *p, struct acc *a, const struct node *c,
		    const struct vg_rule *r)
{
	size_t i, j;
	int err = 0;

	bool str = c->field->type == VG_FT_STR || c->field->type == VG_FT_STRLIST;

	if (c->op == OP_GLOB) {	/* name patterns (name_leaf): "x" exact, "x*" a prefix */
		for (i = 0; i < c->n_strs && !err; i++) {
			bool pre = c->strs[i][c->lens[i] - 1] == '*';

			err = acc_str(p, pre ? &a->prefix : &a->exact, pre ? &a->pre : &a->ex,
				      c->strs[i], c->lens[i] - pre, 0, (int)r->severity);
		}
	} else if (str && c->op == OP_EQ) {
		for (i = 0; i < c->set.cap && !err; i++)
			if (c->set.slots[i].key)
				err = acc_str(p, &a->exact, &a->ex, c->set.slots[i].key,
					      c->set.slots[i].len,
					      vg_rule_file_access_at(r, c->set.slots[i].key,
								     c->set.slots[i].len),
					      (int)r->severity);
	} else if (str) {
		for (i = 0; i < c->n_strs && !err; i++)
			err = acc_str(p, &a->prefix, &a->pre, c->strs[i], c->lens[i],
				      vg_rule_file_access_at(r, c->strs[i], c->lens[i]),
				      (int)r->severity);
	} else if (c->field->type == VG_FT_IP) {
		for (i = 0; i < c->n_cidrs; i++) {
			for (j = 0; j < a->n_cidrs; j++)
				if (!memcmp(&a->cidrs[j], &c->cidrs[i], sizeof(c->cidrs[i])))
					break;
			if (j == a->n_cidrs) {
				if (a->n_cidrs == 256)
					return -E2BIG;
				a->cidr_sev[a->n_cidrs] = (int)r->severity;
				a->cidrs[a->n_cidrs++] = c->cidrs[i];
			} else if ((int)r->severity > a->cidr_sev[j]) {
				a->cidr_sev[j] = (int)r->severity;
			}
		}
	} else {
		for (i = 0; i < c->n_nums; i++) {
			for (j = 0; j < a->n_nums; j++)
				if (a->nums[j] == (uint64_t)c->nums[i])
					break;
			if (j == a->n_nums) {
				if (a->n_nums == 1024)
					return -E2BIG;
				a->num_sev[a->n_nums] = (int)r->severity;
				a->nums[a->n_nums++] = c->nums[i];
			} else if ((int)r->severity > a->num_sev[j]) {
				a->num_sev[j] = (int)r->severity;
			}
		}
	}
	return err;
}

bool vg_prefilter_actor_exempt(int kind)
{
	return kind == VG_K_SHELL_ON_SOCKET;
}

/*
 * The kinds whose records a dim filters. The net sensor's port and address
 * filter never holds back dns records (their names serve every connection
 * rule) nor deny records (alerts): rules only on those leave it alone. Its
 * process filter never holds back a shell on a socket
 * (vg_prefilter_actor_exempt).
 */
static vg_kinds_t dim_kinds(enum vg_sensor_id sid, const struct vg_field *f)
{
	if (sid == VG_SENSOR_NETWORK && (!strncmp(f->name, "destination.", 12) ||
					 !strncmp(f->name, "source.", 7)))
		return VG_KINDS_NET & ~(VG_KB(VG_K_DNS) | VG_KB(VG_K_DENY));
	if (sid == VG_SENSOR_NETWORK && !strncmp(f->name, "process.", 8))
		return VG_KINDS_NET & ~VG_KB(VG_K_SHELL_ON_SOCKET);
	return sid == VG_SENSOR_PROCESS ? VG_KINDS_PROC : sid == VG_SENSOR_FILE ? VG_KINDS_FILE :
	       sid == VG_SENSOR_NETWORK ? VG_KINDS_NET : VG_KINDS_PRIV;
}

/* Sorted string values (with their access classes and shed tiers) of @v. */
static int take_strs(struct vg_policy *p, struct vg_ptrvec *v, const char ***strs,
		     uint32_t **access, uint8_t **tier, size_t *n)
{
	size_t i;

	*strs = vg_arena_alloc(&p->arena, (v->n + 1) * sizeof(char *));
	*access = vg_arena_alloc(&p->arena, (v->n + 1) * sizeof(uint32_t));
	*tier = vg_arena_alloc(&p->arena, v->n + 1);
	if (!*strs || !*access || !*tier)
		return -ENOMEM;
	/* Sorted: stable explain output and diffable map contents. */
	if (v->n)	/* an empty vector has no array to sort */
		qsort(v->v, v->n, sizeof(*v->v), by_val);
	for (i = 0; i < v->n; i++) {
		const struct acc_val *x = v->v[i];

		(*strs)[i] = x->s;
		(*access)[i] = x->access;
		(*tier)[i] = vg_shed_tier_of(x->max_sev);
	}
	*n = v->n;
	return 0;
}

/* The accumulated values @a into dim @d. */
static int dim_values(struct vg_policy *p, struct acc *a, struct vg_filter_dim *d)
{
	int err = take_strs(p, &a->ex, &d->exact, &d->exact_access, &d->exact_tier, &d->n_exact);

	if (!err)
		err = take_strs(p, &a->pre, &d->prefixes, &d->prefix_access, &d->prefix_tier,
				&d->n_prefixes);
	if (err)
		return err;
	size_t i;

	d->nums = vg_arena_alloc(&p->arena, (a->n_nums + 1) * sizeof(uint64_t));
	d->cidrs = vg_arena_alloc(&p->arena, (a->n_cidrs + 1) * sizeof(struct vg_cidr));
	d->num_tier = vg_arena_alloc(&p->arena, a->n_nums + 1);
	d->cidr_tier = vg_arena_alloc(&p->arena, a->n_cidrs + 1);
	if (!d->nums || !d->cidrs || !d->num_tier || !d->cidr_tier)
		return -ENOMEM;
	memcpy(d->nums, a->nums, a->n_nums * sizeof(uint64_t));
	d->n_nums = a->n_nums;
	memcpy(d->cidrs, a->cidrs, a->n_cidrs * sizeof(struct vg_cidr));
	d->n_cidrs = a->n_cidrs;
	for (i = 0; i < a->n_nums; i++)
		d->num_tier[i] = vg_shed_tier_of(a->num_sev[i]);
	for (i = 0; i < a->n_cidrs; i++)
		d->cidr_tier[i] = vg_shed_tier_of(a->cidr_sev[i]);
	return 0;
}

static int build_dim(struct vg_policy *p, enum vg_sensor_id sid, struct vg_filter_dim *d)
{
	struct acc *a = calloc(1, sizeof(*a));
	vg_kinds_t kinds = dim_kinds(sid, d->field);
	size_t i;
	int err = 0;

	if (!a)
		return -ENOMEM;
	d->active = true;
	for (i = 0; i < p->matchers.n && !err; i++) {
		const struct vg_rule *r = p->matchers.v[i];
		const struct node *c;

		if (!(r->kinds & kinds))
			continue;
		/* The kernel counts its ports (policy_port_gate.h): its connects pass there. */
		if (sid == VG_SENSOR_NETWORK && r->port_gate)
			continue;
		/* Its paths have entries of their own (any_actor_paths()). */
		if (sid == VG_SENSOR_FILE && r->any_actor)
			continue;
		if (sid == VG_SENSOR_FILE && !strcmp(d->field->name, "file.path") &&
		    r->kinds == (r->kinds & VG_KB(VG_K_OPEN)) && bind_rule(r))
			continue;
		c = constraint(r, d->field);
		if (!c) {
			d->active = false;
			d->open_rule = r->name;
			break;
		}
		err = acc_node(p, a, c, r);
	}
	if (err == -E2BIG) {
		d->active = false;	/* too many values for a map: let everything through */
		d->open_rule = NULL;
		err = 0;
	}
	if (!err && d->active)
		err = dim_values(p, a, d);
	vg_strmap_free(&a->exact);
	vg_strmap_free(&a->prefix);
	vg_ptrvec_free(&a->ex);
	vg_ptrvec_free(&a->pre);
	free(a);
	return err;
}

/*
 * Whether the kernel can take the rule's action at the hook with the maps
 * sensors have: an exec kill whose whole condition is one exact or prefix
 * test of process.executable.path (absolute, within the map key).
 */
/* process.executable.path = / in / startswith, on keys the exec trie holds. */
static bool exe_cond_ok(const struct node *c)
{
	size_t i;

	if (c->kind != N_CMP || strcmp(c->field->name, "process.executable.path"))
		return false;
	if (c->op == OP_EQ) {
		if (!c->set.n)
			return false;
		for (i = 0; i < c->set.cap; i++)
			if (c->set.slots[i].key && (c->set.slots[i].len + 1 > VG_RULE_PATH_BYTES ||
						    c->set.slots[i].key[0] != '/'))
				return false;
		return true;
	}
	if (c->op != OP_STARTS || !c->n_strs)
		return false;
	for (i = 0; i < c->n_strs; i++)
		if (!c->lens[i] || c->lens[i] > VG_RULE_PATH_BYTES || c->strs[i][0] != '/')
			return false;
	return true;
}

/*
 * process.user.id or process.cgroup.id = N / in (...), as many as a trie
 * value holds; the kind it is, else VG_IDS_ANY.
 */
static enum vg_path_rule_ids ids_cond(const struct node *c)
{
	enum vg_path_rule_ids kind;
	size_t i;

	if (c->kind != N_CMP || c->op != OP_EQ || !c->n_nums || c->n_nums > VG_PATH_RULE_IDS)
		return VG_IDS_ANY;
	if (!strcmp(c->field->name, "process.user.id"))
		kind = VG_IDS_EUID;
	else if (!strcmp(c->field->name, "process.cgroup.id"))
		kind = VG_IDS_CGROUP;
	else
		return VG_IDS_ANY;
	for (i = 0; i < c->n_nums; i++)
		if (c->nums[i] < 0 || (kind == VG_IDS_EUID && c->nums[i] > UINT32_MAX))
			return VG_IDS_ANY;
	return kind;
}

/*
 * A kill rule the exec hook decides alone: a condition on the executable
 * path, optionally ANDed with one on the effective uid or the cgroup. Sets
 * @exe and @ids (NULL: any process) to the parts.
 */
static bool exec_kill_shape(const struct vg_rule *r, const struct node **exe,
			    const struct node **ids)
{
	const struct node *c = r->cond;
	size_t i;

	*exe = c;
	*ids = NULL;
	if (r->action != VG_ACT_KILL || r->kinds != VG_KB(VG_K_EXEC))
		return false;
	if (c->kind == N_AND && c->n_kids == 2) {
		for (i = 0; i < 2 && !*ids; i++) {
			if (ids_cond(c->kids[i]) != VG_IDS_ANY) {
				*ids = c->kids[i];
				*exe = c->kids[!i];
			}
		}
		if (!*ids)
			return false;
	}
	return exe_cond_ok(*exe);
}

static bool rule_kernel_decidable(const struct vg_rule *r)
{
	const struct node *exe, *ids;

	return exec_kill_shape(r, &exe, &ids);
}

static int add_kernel_rule(struct vg_policy *p, struct vg_ptrvec *out, const struct vg_rule *r)
{
	struct vg_kernel_rule *k = vg_arena_alloc(&p->arena, sizeof(*k));
	const struct node *c, *ids;
	size_t i, n = 0;

	if (!k)
		return -ENOMEM;
	memset(k, 0, sizeof(*k));
	exec_kill_shape(r, &c, &ids);
	k->rule = r->name;
	k->rule_index = r->index;
	k->action = r->action;
	k->audit = r->mode == VG_MODE_AUDIT;
	if (ids) {
		k->id_kind = ids_cond(ids);
		for (i = 0; i < ids->n_nums; i++)
			k->ids[i] = ids->nums[i];
		k->n_ids = ids->n_nums;
	}
	if (c->op == OP_EQ) {
		k->exact = vg_arena_alloc(&p->arena, c->set.n * sizeof(char *));
		if (!k->exact)
			return -ENOMEM;
		for (i = 0; i < c->set.cap; i++)
			if (c->set.slots[i].key &&
			    !(k->exact[n++] = vg_arena_strndup(&p->arena, c->set.slots[i].key,
							    c->set.slots[i].len)))
				return -ENOMEM;
		k->n_exact = n;
		qsort(k->exact, n, sizeof(char *), by_str);
	} else {
		k->prefixes = (const char **)c->strs;
		k->n_prefixes = c->n_strs;
	}
	return vg_ptrvec_push(out, k);
}

static const struct vg_field *file_path_field(void)
{
	return vg_field_lookup("file.path", sizeof("file.path") - 1);
}

/*
 * The accesses a rule named by vg_policy_watch_any_actor() has watched
 * for every process; 0 (compiled like any rule) unless it reads file
 * records only and constrains file.path at top level.
 */
static uint32_t any_actor_access(const struct vg_policy *p, const struct vg_rule *r)
{
	size_t i;

	for (i = 0; i < p->n_any_actor; i++)
		if (!strcmp(p->any_actor[i].rule, r->name))
			break;
	if (i == p->n_any_actor || !r->kinds || (r->kinds & ~VG_KINDS_FILE) ||
	    !constraint(r, file_path_field()))
		return 0;
	return p->any_actor[i].access;
}

static int push_watch(struct vg_policy *p, struct vg_ptrvec *out, const char *path, size_t len,
		      bool prefix, uint32_t access)
{
	struct vg_spec_watch *w = vg_arena_alloc(&p->arena, sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->path = vg_arena_strndup(&p->arena, path, len);
	w->prefix = prefix;
	w->access = access;
	return w->path ? vg_ptrvec_push(out, w) : -ENOMEM;
}

/* The file.path values of the any-actor rules, with their accesses. */
static int any_actor_paths(struct vg_policy *p, struct vg_sensor_filter *sf)
{
	struct vg_ptrvec v = { 0 };
	size_t i, k;
	int err = 0;

	for (i = 0; i < p->active.n && !err; i++) {
		const struct vg_rule *r = p->active.v[i];
		const struct node *c;

		if (!r->any_actor)
			continue;
		c = constraint(r, file_path_field());
		if (c->op == OP_STARTS) {
			for (k = 0; k < c->n_strs && !err; k++)
				err = push_watch(p, &v, c->strs[k], c->lens[k], true, r->any_actor);
		} else {
			for (k = 0; k < c->set.cap && !err; k++)
				if (c->set.slots[k].key)
					err = push_watch(p, &v, c->set.slots[k].key,
							 c->set.slots[k].len, false, r->any_actor);
		}
	}
	sf->any_actor = err ? NULL : vg_arena_alloc(&p->arena, (v.n + 1) * sizeof(*sf->any_actor));
	if (!err && !sf->any_actor)
		err = -ENOMEM;
	for (i = 0; !err && i < v.n; i++)
		sf->any_actor[i] = *(struct vg_spec_watch *)v.v[i];
	sf->n_any_actor = err ? 0 : v.n;
	vg_ptrvec_free(&v);
	return err;
}

int vg_prefilter_build(struct vg_policy *p)
{
	size_t i, d;
	int s, err;

	struct vg_ptrvec krules = { 0 };

	memset(&p->pre, 0, sizeof(p->pre));
	for (i = 0; i < p->active.n; i++) {
		struct vg_rule *r = p->active.v[i];

		r->kernel_decidable = rule_kernel_decidable(r);
		r->any_actor = any_actor_access(p, r);
		if (r->kernel_decidable && (err = add_kernel_rule(p, &krules, r))) {
			vg_ptrvec_free(&krules);
			return err;
		}
	}
	for (i = 0; i < p->matchers.n; i++) {
		const struct vg_rule *r = p->matchers.v[i];
		int k;

		for (k = 0; k < VG_K_MAX; k++)
			if (r->kinds & VG_KB(k))
				p->pre.sensor[vg_field_kind_sensor(k)].kinds |= VG_KB(k);
		/* Any rule that reads the flag needs the kernel to set it. */
		if ((r->kinds & VG_KB(VG_K_OPEN)) && reads_bind(r->cond))
			p->pre.sensor[VG_SENSOR_FILE].bind_mounts = true;
	}
	p->pre.kernel_rules = vg_arena_alloc(&p->arena, (krules.n + 1) * sizeof(*p->pre.kernel_rules));
	if (!p->pre.kernel_rules) {
		vg_ptrvec_free(&krules);
		return -ENOMEM;
	}
	for (i = 0; i < krules.n; i++)
		p->pre.kernel_rules[i] = *(struct vg_kernel_rule *)krules.v[i];
	p->pre.n_kernel_rules = krules.n;
	vg_ptrvec_free(&krules);
	err = any_actor_paths(p, &p->pre.sensor[VG_SENSOR_FILE]);
	if (err)
		return err;
	p->pre.sensor[VG_SENSOR_NETWORK].port_gate_ns = vg_port_gate_build(p);
	for (s = 0; s < VG_SENSOR_MAX; s++) {
		struct vg_sensor_filter *sf = &p->pre.sensor[s];

		sf->n_rules = 0;
		for (i = 0; i < p->active.n; i++)
			if (((struct vg_rule *)p->active.v[i])->kinds & sf->kinds)
				sf->n_rules++;
		if (!sf->kinds)
			continue;
		for (d = 0; d < VG_FILTER_MAX_DIMS && sensor_dims[s][d]; d++) {
			struct vg_filter_dim *dim = &sf->dims[sf->n_dims++];

			dim->field = vg_field_lookup(sensor_dims[s][d], strlen(sensor_dims[s][d]));
			if (!dim->field)
				return -EINVAL;
			err = build_dim(p, s, dim);
			if (err)
				return err;
		}
	}
	return 0;
}

const struct vg_prefilter *vg_policy_prefilter(const struct vg_policy *p)
{
	return p->compiled && !p->n_errors ? &p->pre : NULL;
}
