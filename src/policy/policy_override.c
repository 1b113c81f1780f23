// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the tuning syntax (policy_override.h): appends and replacements
 * of lists and macros, rule overrides and exceptions. A change names what
 * it changes; a name that does not exist yet is an error at file:line:col,
 * never a silent new definition.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "policy/policy_diag.h"
#include "policy/policy_merge.h"
#include "policy/policy_override.h"
#include "policy/policy_parse.h"

/* Fields of one exception: as many as a throttle key. */
#define MAX_EXC_FIELDS 16

const char *vg_yaml_redefine_hint(char *buf, size_t size, struct pos first, const char *how)
{
	snprintf(buf, size, "first defined at %s:%d:%d; to change it, write %s", first.file,
		 first.line, first.col, how);
	return buf;
}

static const char *suggest(const struct vg_strmap *m, const char *s)
{
	const char *best = NULL;
	unsigned best_d = strlen(s) / 3 + 2;
	size_t i;

	for (i = 0; i < m->cap; i++) {
		unsigned d;

		if (!m->slots[i].key)
			continue;
		d = vg_field_distance(s, strlen(s), m->slots[i].key, m->slots[i].len);
		if (d < best_d)
			best_d = d, best = m->slots[i].key;
	}
	return best;
}

/* The definition named by @k in @m; else reports it as undefined and returns NULL. */
static void *target(struct ydoc *y, const struct vg_strmap *m, const yaml_node_t *k,
		    const char *what)
{
	struct vg_strmap_slot *slot = vg_strmap_get((struct vg_strmap *)m, scalar_str(k),
						  strlen(scalar_str(k)), false);
	const char *sug;
	char hint[200];

	if (slot)
		return slot->val;
	sug = suggest(m, scalar_str(k));
	if (sug)
		snprintf(hint, sizeof(hint), "did you mean '%s'?", sug);
	else
		snprintf(hint, sizeof(hint), "a change applies to a %s defined before it "
			 "(the built-in default, an earlier file, or earlier in this one)", what);
	vg_diag_at(y->p, true, node_pos(y, k), hint, "cannot change undefined %s '%s'", what,
		   scalar_str(k));
	return NULL;
}

/* {append: V} or {replace: V}: the value node and which, or NULL after reporting. */
static yaml_node_t *change_of(struct ydoc *y, yaml_node_t *v, const char *what, bool *replace)
{
	yaml_node_pair_t *pr = v->data.mapping.pairs.start;
	yaml_node_t *k = pr < v->data.mapping.pairs.top ? yaml_document_get_node(y->doc, pr->key) : NULL;
	char msg[120];

	snprintf(msg, sizeof(msg), "a change to a %s is {append: ...} or {replace: ...}", what);
	if (v->data.mapping.pairs.top - pr != 1 || !is_scalar(k) ||
	    (strcmp(scalar_str(k), "append") && strcmp(scalar_str(k), "replace"))) {
		vg_diag_at(y->p, true, node_pos(y, k ? k : v), "one key: append or replace", "%s", msg);
		return NULL;
	}
	*replace = !strcmp(scalar_str(k), "replace");
	return yaml_document_get_node(y->doc, pr->value);
}

int vg_yaml_list_change(struct ydoc *y, yaml_node_t *k, yaml_node_t *v)
{
	struct list_def *l = target(y, &y->p->lists, k, "list");
	yaml_node_item_t *it;
	struct src_scalar *items;
	bool replace;
	size_t n = 0;

	if (!l || !(v = change_of(y, v, "list", &replace)))
		return 0;
	if (!expect(y, v, YAML_SEQUENCE_NODE, "list items are a sequence: [a, b]"))
		return 0;
	items = vg_arena_alloc(&y->p->arena, (v->data.sequence.items.top -
					    v->data.sequence.items.start + 1) * sizeof(*items));
	if (!items)
		return -ENOMEM;
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *e = yaml_document_get_node(y->doc, *it);

		if (!expect(y, e, YAML_SCALAR_NODE, "list items are strings or numbers"))
			continue;
		if (to_scalar(y, e, &items[n++]))
			return -ENOMEM;
	}
	return vg_merge_list(y->p, l, items, n, replace, node_pos(y, k));
}

int vg_yaml_macro_change(struct ydoc *y, yaml_node_t *k, yaml_node_t *v)
{
	struct macro_def *m = target(y, &y->p->macros, k, "macro");
	struct src_scalar cond;
	bool replace;

	if (!m || !(v = change_of(y, v, "macro", &replace)))
		return 0;
	if (!expect(y, v, YAML_SCALAR_NODE, "a macro's change is a condition string"))
		return 0;
	if (to_scalar(y, v, &cond))
		return -ENOMEM;
	return vg_merge_macro(y->p, m, &cond, replace, node_pos(y, k));
}

static const char *const patch_keys[] = { "name", "description", "event", "condition",
					  "severity", "tags", "output", "action", "mode",
					  "throttle", "threshold", "enabled" };
#define N_PATCH_KEYS (sizeof(patch_keys) / sizeof(patch_keys[0]))
#define GIVEN(rp, key) ((rp)->given & (1u << key_index(key)))

static unsigned key_index(const char *key)
{
	unsigned i;

	for (i = 0; i < N_PATCH_KEYS; i++)
		if (!strcmp(key, patch_keys[i]))
			return i;
	return N_PATCH_KEYS;	/* not a rule key: bit N is never asked */
}

/* One scalar or a sequence of scalars into @out (at most @max). Count, or -1 after reporting. */
static int scalars(struct ydoc *y, yaml_node_t *v, struct src_scalar *out, size_t max,
		   const char *what)
{
	yaml_node_item_t *it;
	int n = 0;

	if (is_scalar(v))
		return to_scalar(y, v, out) ? -ENOMEM : 1;
	if (!expect(y, v, YAML_SEQUENCE_NODE, what))
		return -1;
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *e = yaml_document_get_node(y->doc, *it);

		if ((size_t)n == max) {
			vg_diag_at(y->p, true, node_pos(y, e), "split it into several exceptions",
				   "more than %zu %s", max, "fields");
			return -1;
		}
		if (!expect(y, e, YAML_SCALAR_NODE, what))
			return -1;
		if (to_scalar(y, e, &out[n++]))
			return -ENOMEM;
	}
	return n;
}

/* One value of a tuple: a scalar, or a sequence of them (any of which matches). */
static int exc_value(struct ydoc *y, yaml_node_t *v, struct exc_value *out)
{
	size_t n = v && v->type == YAML_SEQUENCE_NODE ?
		   (size_t)(v->data.sequence.items.top - v->data.sequence.items.start) : 1;
	int got;

	out->items = vg_arena_alloc(&y->p->arena, (n + 1) * sizeof(*out->items));
	if (!out->items)
		return -ENOMEM;
	out->seq = v && v->type == YAML_SEQUENCE_NODE;
	got = scalars(y, v, out->items, n, "a value is a string or a list of strings");
	if (got == -ENOMEM)
		return got;
	out->n_items = got < 0 ? 0 : (size_t)got;
	if (!out->seq && got < 0)
		out->seq = true;	/* reported: an empty set, never matched */
	else if (!got)
		vg_diag_at(y->p, false, node_pos(y, v), "an empty list matches nothing",
			   "this tuple of exception values excepts nothing");
	return 0;
}

static int exc_comps(struct ydoc *y, struct rule_exception *e, yaml_node_t *v)
{
	struct src_scalar s[MAX_EXC_FIELDS];
	int n = v ? scalars(y, v, s, MAX_EXC_FIELDS, "comps are operators: [=, startswith]") : 0;
	size_t i;
	int o;

	if (n < 0)
		return n == -ENOMEM ? n : 0;
	if (v && (size_t)n != e->n_fields) {
		vg_diag_at(y->p, true, node_pos(y, v), "one operator per field",
			   "exception '%s' has %zu fields and %d comps", e->name, e->n_fields, n);
		return 0;
	}
	for (i = 0; i < e->n_fields; i++) {
		e->comps[i] = OP_EQ;
		for (o = 0; v && o < OP_MAX && strcmp(s[i].val, vg_op_names[o]); o++)
			;
		if (v && o == OP_MAX)
			vg_diag_at(y->p, true, vg_scalar_pos(&s[i], 0),
				   "=, !=, <, <=, >, >=, in, startswith, endswith, contains, glob or cidr",
				   "unknown comp '%s'", s[i].val);
		else if (v)
			e->comps[i] = o;
	}
	return 0;
}

static int exc_values(struct ydoc *y, struct rule_exception *e, yaml_node_t *v, bool one_field)
{
	yaml_node_item_t *it;
	size_t t = 0, j;

	if (!expect(y, v, YAML_SEQUENCE_NODE, "values are a list of tuples: [[a, b], [c, d]]"))
		return 0;
	e->values = vg_arena_alloc(&y->p->arena, ((v->data.sequence.items.top -
						   v->data.sequence.items.start) * e->n_fields + 1) *
				   sizeof(*e->values));
	if (!e->values)
		return -ENOMEM;
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *tup = yaml_document_get_node(y->doc, *it);
		yaml_node_item_t *f;

		if (one_field) {
			if (exc_value(y, tup, &e->values[t++]))
				return -ENOMEM;
			continue;
		}
		if (!expect(y, tup, YAML_SEQUENCE_NODE, "a tuple is a list: one value per field"))
			continue;
		if ((size_t)(tup->data.sequence.items.top - tup->data.sequence.items.start) !=
		    e->n_fields) {
			vg_diag_at(y->p, true, node_pos(y, tup), "one value per field, in order",
				   "exception '%s' has %zu fields: this tuple has %d values", e->name,
				   e->n_fields, (int)(tup->data.sequence.items.top -
						      tup->data.sequence.items.start));
			continue;
		}
		for (f = tup->data.sequence.items.start, j = 0; j < e->n_fields; f++, j++)
			if (exc_value(y, yaml_document_get_node(y->doc, *f),
				      &e->values[t * e->n_fields + j]))
				return -ENOMEM;
		t++;
	}
	e->n_tuples = t;
	return 0;
}

/* One exception: {name, fields, comps, values}; NULL after reporting (or out of memory: *err). */
static struct rule_exception *load_exception(struct ydoc *y, yaml_node_t *map, int *err)
{
	struct rule_exception *e = vg_arena_alloc(&y->p->arena, sizeof(*e));
	yaml_node_t *fields = NULL, *comps = NULL, *values = NULL;
	yaml_node_pair_t *pr;
	int n;

	*err = -ENOMEM;
	if (!e)
		return NULL;
	*err = 0;
	memset(e, 0, sizeof(*e));
	e->pos = node_pos(y, map);
	if (!expect(y, map, YAML_MAPPING_NODE, "an exception is {name:, fields:, comps:, values:}"))
		return NULL;
	for (pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, pr->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, pr->value);
		const char *key = is_scalar(k) ? scalar_str(k) : "";

		if (!strcmp(key, "name") && expect(y, v, YAML_SCALAR_NODE, "a name is a string"))
			e->name = vg_arena_strndup(&y->p->arena, scalar_str(v), strlen(scalar_str(v)));
		else if (!strcmp(key, "fields"))
			fields = v;
		else if (!strcmp(key, "comps"))
			comps = v;
		else if (!strcmp(key, "values"))
			values = v;
		else if (strcmp(key, "name"))
			vg_diag_at(y->p, true, node_pos(y, k), "exception keys are name, fields, comps and values",
				   "unknown exception key '%s'", key);
	}
	if (!e->name || !fields || !values) {
		vg_diag_at(y->p, true, e->pos, "e.g. {name: ci, fields: [process.executable.path], values: [[/usr/bin/make]]}",
			   "an exception needs name, fields and values");
		return NULL;
	}
	e->fields = vg_arena_alloc(&y->p->arena, MAX_EXC_FIELDS * sizeof(*e->fields));
	e->comps = vg_arena_alloc(&y->p->arena, MAX_EXC_FIELDS * sizeof(*e->comps));
	if (!e->fields || !e->comps || !e->name)
		return *err = -ENOMEM, NULL;
	n = scalars(y, fields, e->fields, MAX_EXC_FIELDS, "fields are field names");
	if (n <= 0)
		return *err = n == -ENOMEM ? n : 0, NULL;
	e->n_fields = n;
	if ((*err = exc_comps(y, e, comps)) || (*err = exc_values(y, e, values, is_scalar(fields))))
		return NULL;
	return e;
}

static int load_exceptions(struct ydoc *y, struct rule_patch *rp, yaml_node_t *v)
{
	yaml_node_item_t *it;
	int err = 0;

	if (!expect(y, v, YAML_SEQUENCE_NODE, "exceptions are a list of {name, fields, comps, values}"))
		return 0;
	if (!rp->tail)
		rp->tail = &rp->excs;
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top && !err; it++) {
		struct rule_exception *e = load_exception(y, yaml_document_get_node(y->doc, *it), &err);

		if (e) {
			*rp->tail = e;
			rp->tail = &e->next;
		}
	}
	return err;
}

int vg_yaml_patch_key(struct ydoc *y, struct rule_patch *rp, yaml_node_t *k, yaml_node_t *val)
{
	const char *key = scalar_str(k);
	int err;

	rp->given |= 1u << key_index(key);
	if (!strcmp(key, "override")) {
		if (expect(y, val, YAML_SCALAR_NODE, "override names the rule to change"))
			rp->target = val;
	} else if (!strcmp(key, "append")) {
		if (!expect(y, val, YAML_SCALAR_NODE, "append is a condition: and|or COND"))
			return 1;
		if (to_scalar(y, val, &rp->app))
			return -ENOMEM;
		rp->has_app = true;
	} else if (!strcmp(key, "exceptions")) {
		err = load_exceptions(y, rp, val);
		return err ? err : 1;
	} else {
		return 0;
	}
	return 1;
}

/* Copies the keys an override gives from @r, its entry, to @t, the rule it changes. */
static int apply(struct vg_policy *p, struct vg_rule *t, const struct vg_rule *r,
		 const struct rule_patch *rp, struct pos pos)
{
	static const char *const notes[] = { "description", "severity", "tags", "output", "action",
					     "mode", "throttle", "threshold", "enabled" };
	size_t i;

	if (GIVEN(rp, "condition") && r->has_cond &&
	    vg_merge_rule_cond(p, t, &r->cond_src, true, pos))
		return -ENOMEM;
	if (GIVEN(rp, "description"))
		t->description = r->description;
	if (GIVEN(rp, "severity"))
		t->severity = r->severity;
	if (GIVEN(rp, "tags"))
		t->tags = r->tags, t->n_tags = r->n_tags;
	if (GIVEN(rp, "output") && r->has_out)
		t->out_src = r->out_src, t->has_out = true;
	if (GIVEN(rp, "action"))
		t->action = r->action, t->act_pos = r->act_pos;
	if (GIVEN(rp, "mode"))
		t->mode = r->mode;
	if (GIVEN(rp, "throttle")) {
		t->thr_count = r->thr_count, t->thr_per_ns = r->thr_per_ns;
		t->thr_key_src = r->thr_key_src, t->thr_keys = r->thr_keys;
		t->n_thr_keys = r->n_thr_keys;
	}
	if (GIVEN(rp, "threshold")) {
		t->thd_count = r->thd_count, t->thd_per_ns = r->thd_per_ns;
		t->thd_key_src = r->thd_key_src, t->thd_keys = r->thd_keys;
		t->n_thd_keys = r->n_thd_keys, t->thd_distinct_src = r->thd_distinct_src;
		t->has_thd_distinct = r->has_thd_distinct;
	}
	if (GIVEN(rp, "enabled"))
		t->enabled = r->enabled;
	for (i = 0; i < sizeof(notes) / sizeof(notes[0]); i++)
		if (GIVEN(rp, notes[i]) && !vg_merge_note(p, &t->changes, pos, notes[i]))
			return -ENOMEM;
	if (rp->has_app && vg_merge_rule_cond(p, t, &rp->app, false, vg_scalar_pos(&rp->app, 0)))
		return -ENOMEM;
	return rp->excs ? vg_merge_exceptions(p, t, rp->excs) : 0;
}

int vg_yaml_override(struct ydoc *y, struct vg_rule *r, struct rule_patch *rp, yaml_node_t *name,
		     yaml_node_t *event)
{
	struct vg_policy *p = y->p;
	struct vg_rule *t;

	if (name) {
		vg_diag_at(p, true, node_pos(y, name), "drop name: to change the rule override names",
			   "a rule entry has name: (a new rule) or override: (a change), not both");
		return 0;
	}
	if (event) {
		vg_diag_at(p, true, node_pos(y, event),
			   "disable it (enabled: false) and define a new rule with its own name",
			   "an override cannot change a rule's event");
		return 0;
	}
	t = target(y, &p->rule_names, rp->target, "rule");
	if (!t)
		return 0;
	if (!(rp->given & ~(1u << N_PATCH_KEYS)) && !rp->has_app && !rp->excs)
		vg_diag_at(p, false, node_pos(y, rp->target), "give the keys to change",
			   "override of rule '%s' changes nothing", t->name);
	return apply(p, t, r, rp, node_pos(y, rp->target));
}
