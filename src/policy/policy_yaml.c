// SPDX-License-Identifier: GPL-2.0
/* YAML policy documents (libyaml document API) into lists, macros and raw rules. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "lib/parse_num.h"
#include "policy/policy_diag.h"
#include "policy/policy_merge.h"
#include "policy/policy_model.h"
#include "policy/policy_override.h"
#include "policy/policy_sequence.h"
#include "policy/policy_threshold.h"
#include "policy/policy_parse.h"
#include "policy/policy_ydoc.h"
#include "policy/policy_yaml.h"

static bool is_ident(const char *s)
{
	if (!*s || !(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return false;
	for (; *s; s++)
		if (!(*s == '_' || *s == '-' || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

static bool check_name(struct ydoc *y, const yaml_node_t *k, const char *what)
{
	if (is_ident(scalar_str(k)))
		return true;
	vg_diag_at(y->p, true, node_pos(y, k), "letters, digits, '_' and '-', not starting with a digit",
		"bad %s name '%s'", what, scalar_str(k));
	return false;
}

static int load_lists(struct ydoc *y, const yaml_node_t *map)
{
	yaml_node_pair_t *pr;

	if (!expect(y, map, YAML_MAPPING_NODE, "'lists' is a mapping of name: [items]"))
		return 0;
	for (pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, pr->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, pr->value);
		struct vg_strmap_slot *slot;
		struct list_def *l;
		yaml_node_item_t *it;
		char hint[600];
		size_t i = 0;

		if (!expect(y, k, YAML_SCALAR_NODE, "a list name is a string") ||
		    !check_name(y, k, "list"))
			continue;
		if (v && v->type == YAML_MAPPING_NODE) {
			if (vg_yaml_list_change(y, k, v))
				return -ENOMEM;
			continue;
		}
		if (!expect(y, v, YAML_SEQUENCE_NODE, "a list is a sequence: [a, b, c]"))
			continue;
		slot = vg_strmap_get(&y->p->lists, scalar_str(k), strlen(scalar_str(k)), true);
		if (!slot)
			return -ENOMEM;
		if (slot->val) {
			vg_yaml_redefine_hint(hint, sizeof(hint), ((struct list_def *)slot->val)->pos,
					      "NAME: {append: [...]} or {replace: [...]}");
			vg_diag_at(y->p, true, node_pos(y, k), hint, "list '%s' is already defined",
				scalar_str(k));
			continue;
		}
		l = vg_arena_alloc(&y->p->arena, sizeof(*l));
		if (!l || !(l->name = vg_arena_strndup(&y->p->arena, scalar_str(k), strlen(scalar_str(k)))))
			return -ENOMEM;
		slot->key = l->name;
		slot->val = l;
		l->pos = node_pos(y, k);
		l->items = vg_arena_alloc(&y->p->arena,
				       (v->data.sequence.items.top - v->data.sequence.items.start + 1) *
				       sizeof(*l->items));
		if (!l->items)
			return -ENOMEM;
		for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
			yaml_node_t *e = yaml_document_get_node(y->doc, *it);

			if (!expect(y, e, YAML_SCALAR_NODE, "list items are strings or numbers"))
				continue;
			if (to_scalar(y, e, &l->items[i]))
				return -ENOMEM;
			i++;
		}
		l->n_items = i;
		l->cap = v->data.sequence.items.top - v->data.sequence.items.start + 1;
	}
	return 0;
}

static int load_macros(struct ydoc *y, const yaml_node_t *map)
{
	yaml_node_pair_t *pr;

	if (!expect(y, map, YAML_MAPPING_NODE, "'macros' is a mapping of name: condition"))
		return 0;
	for (pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, pr->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, pr->value);
		struct vg_strmap_slot *slot;
		struct macro_def *m;
		char hint[600];

		if (!expect(y, k, YAML_SCALAR_NODE, "a macro name is a string") ||
		    !check_name(y, k, "macro"))
			continue;
		if (v && v->type == YAML_MAPPING_NODE) {
			if (vg_yaml_macro_change(y, k, v))
				return -ENOMEM;
			continue;
		}
		if (!expect(y, v, YAML_SCALAR_NODE, "a macro is a condition string"))
			continue;
		slot = vg_strmap_get(&y->p->macros, scalar_str(k), strlen(scalar_str(k)), true);
		if (!slot)
			return -ENOMEM;
		if (slot->val) {
			vg_yaml_redefine_hint(hint, sizeof(hint), ((struct macro_def *)slot->val)->pos,
					      "NAME: {append: and|or COND} or {replace: COND}");
			vg_diag_at(y->p, true, node_pos(y, k), hint, "macro '%s' is already defined",
				scalar_str(k));
			continue;
		}
		m = vg_arena_alloc(&y->p->arena, sizeof(*m));
		if (!m || !(m->name = vg_arena_strndup(&y->p->arena, scalar_str(k), strlen(scalar_str(k)))))
			return -ENOMEM;
		slot->key = m->name;
		slot->val = m;
		m->pos = node_pos(y, k);
		if (to_scalar(y, v, &m->cond))
			return -ENOMEM;
		m->ast = vg_expr_parse(y->p, &m->cond);
	}
	return 0;
}

/* "90", "90s", "500ms", "5m", "1h" into ns; zero is refused. */
static int parse_duration(const char *s, uint64_t *ns)
{
	uint64_t ms;

	if (vg_parse_duration_ms(s, &ms) || !ms || ms > UINT64_MAX / 1000000)
		return -EINVAL;
	*ns = ms * 1000000;
	return 0;
}

static int pick(struct ydoc *y, const yaml_node_t *v, const char *what,
		const char *const *names, int n)
{
	char hint[200];
	size_t off = 0;
	int i;

	if (!expect(y, v, YAML_SCALAR_NODE, "expected a single word"))
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!strcmp(scalar_str(v), names[i]))
			return i;
	off = snprintf(hint, sizeof(hint), "one of");
	for (i = 0; i < n; i++)
		off += snprintf(hint + off, sizeof(hint) - off, "%s %s", i ? "," : "", names[i]);
	vg_diag_at(y->p, true, node_pos(y, v), hint, "unknown %s '%s'", what, scalar_str(v));
	return -EINVAL;
}

static int load_event(struct ydoc *y, struct vg_rule *r, yaml_node_t *v)
{
	yaml_node_item_t *it;
	yaml_node_t *one[1] = { v };
	yaml_node_t **list = one;
	size_t n = 1, i;
	yaml_node_t *tmp[64];

	if (v->type == YAML_SEQUENCE_NODE) {
		n = 0;
		for (it = v->data.sequence.items.start; it < v->data.sequence.items.top && n < 64;
		     it++)
			tmp[n++] = yaml_document_get_node(y->doc, *it);
		list = tmp;
		if (!n) {
			vg_diag_at(y->p, true, node_pos(y, v), NULL, "empty event list");
			return 0;
		}
	}
	for (i = 0; i < n; i++) {
		const yaml_node_t *e = list[i];
		int k;

		if (!expect(y, e, YAML_SCALAR_NODE, "an event is a name: exec, open, connect, ..."))
			continue;
		k = vg_field_kind_lookup(scalar_str(e), strlen(scalar_str(e)));
		if (k < 0) {
			const char *best = NULL;
			unsigned best_d = 3;
			char hint[120];

			for (k = 0; k < VG_K_MAX; k++) {
				const char *kn = vg_field_kind_name(k);
				unsigned d = vg_field_distance(scalar_str(e), strlen(scalar_str(e)), kn,
							     strlen(kn));

				if (d < best_d)
					best_d = d, best = kn;
			}
			snprintf(hint, sizeof(hint), "did you mean '%s'?", best ? best : "");
			vg_diag_at(y->p, true, node_pos(y, e),
				best ? hint : "see 'vigil policy fields' for event kinds",
				"unknown event '%s'", scalar_str(e));
			r->kinds = 0;
			return 0;
		}
		r->kinds |= VG_KB(k);
	}
	return 0;
}

/* key: FIELD or [FIELD, ...] of a throttle or threshold (@what), as source scalars. */
static int load_key_fields(struct ydoc *y, yaml_node_t *val, const char *what,
			   struct src_scalar **src, const struct vg_field ***fields, size_t *n_out)
{
	yaml_node_item_t *it;
	yaml_node_t *items[16];
	size_t n = 0, i;

	if (is_scalar(val)) {
		items[n++] = val;
	} else if (val && val->type == YAML_SEQUENCE_NODE) {
		for (it = val->data.sequence.items.start;
		     it < val->data.sequence.items.top && n < 16; it++)
			items[n++] = yaml_document_get_node(y->doc, *it);
	} else {
		vg_diag_at(y->p, true, node_pos(y, val), NULL,
			   "%s key is a field or a list of fields", what);
		return 0;
	}
	*src = vg_arena_alloc(&y->p->arena, (n + 1) * sizeof(**src));
	*fields = vg_arena_alloc(&y->p->arena, (n + 1) * sizeof(**fields));
	if (!*src || !*fields)
		return -ENOMEM;
	*n_out = 0;
	for (i = 0; i < n; i++) {
		if (!expect(y, items[i], YAML_SCALAR_NODE, "a key is a field name"))
			continue;
		if (to_scalar(y, items[i], &(*src)[(*n_out)++]))
			return -ENOMEM;
	}
	return 0;
}

static int load_throttle(struct ydoc *y, struct vg_rule *r, yaml_node_t *v)
{
	yaml_node_pair_t *pr;

	if (!expect(y, v, YAML_MAPPING_NODE, "throttle is {count: N, per: 60s, key: [fields]}"))
		return 0;
	for (pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, pr->key);
		yaml_node_t *val = yaml_document_get_node(y->doc, pr->value);
		const char *key = is_scalar(k) ? scalar_str(k) : "";

		if (!strcmp(key, "count")) {
			if (!is_scalar(val) || vg_parse_u64(scalar_str(val), &r->thr_count) ||
			    !r->thr_count)
				vg_diag_at(y->p, true, node_pos(y, val), "e.g. count: 5",
					"throttle count must be a positive integer");
		} else if (!strcmp(key, "per")) {
			if (!is_scalar(val) || parse_duration(scalar_str(val), &r->thr_per_ns))
				vg_diag_at(y->p, true, node_pos(y, val), "e.g. 500ms, 60s, 5m, 1h",
					"bad throttle interval");
		} else if (!strcmp(key, "key")) {
			if (load_key_fields(y, val, "throttle", &r->thr_key_src, &r->thr_keys,
					    &r->n_thr_keys))
				return -ENOMEM;
		} else {
			vg_diag_at(y->p, true, node_pos(y, k), "throttle keys are count, per and key",
				"unknown throttle key '%s'", key);
		}
	}
	if (!r->thr_count || !r->thr_per_ns)
		vg_diag_at(y->p, true, node_pos(y, v), "e.g. throttle: {count: 5, per: 60s}",
			"throttle needs count and per");
	return 0;
}

/*
 * threshold: {count: N, per: D, key: FIELD(S), distinct: FIELD}: the rule
 * alerts once per window of D when N matches (or N distinct values of the
 * distinct field) share a key (policy_threshold.c).
 */
static int load_threshold(struct ydoc *y, struct vg_rule *r, yaml_node_t *v)
{
	yaml_node_pair_t *pr;

	if (!expect(y, v, YAML_MAPPING_NODE,
		    "threshold is {count: N, per: 5s, key: [fields], distinct: field}"))
		return 0;
	for (pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, pr->key);
		yaml_node_t *val = yaml_document_get_node(y->doc, pr->value);
		const char *key = is_scalar(k) ? scalar_str(k) : "";

		if (!strcmp(key, "count")) {
			if (!is_scalar(val) || vg_parse_u64(scalar_str(val), &r->thd_count) ||
			    !r->thd_count || r->thd_count > VG_THRESHOLD_MAX_COUNT)
				vg_diag_at(y->p, true, node_pos(y, val), "e.g. count: 20",
					   "threshold count must be 1 to %d", VG_THRESHOLD_MAX_COUNT);
		} else if (!strcmp(key, "per")) {
			if (!is_scalar(val) || parse_duration(scalar_str(val), &r->thd_per_ns))
				vg_diag_at(y->p, true, node_pos(y, val), "e.g. 500ms, 5s, 5m",
					   "bad threshold interval");
		} else if (!strcmp(key, "key")) {
			if (load_key_fields(y, val, "threshold", &r->thd_key_src, &r->thd_keys,
					    &r->n_thd_keys))
				return -ENOMEM;
		} else if (!strcmp(key, "distinct")) {
			if (!expect(y, val, YAML_SCALAR_NODE, "distinct is one field name"))
				continue;
			if (to_scalar(y, val, &r->thd_distinct_src))
				return -ENOMEM;
			r->has_thd_distinct = true;
		} else {
			vg_diag_at(y->p, true, node_pos(y, k),
				   "threshold keys are count, per, key and distinct",
				   "unknown threshold key '%s'", key);
		}
	}
	if (!r->thd_count || !r->thd_per_ns)
		vg_diag_at(y->p, true, node_pos(y, v), "e.g. threshold: {count: 20, per: 5s}",
			   "threshold needs count and per");
	return 0;
}

static const char *const rule_keys[] = { "name", "description", "event", "condition", "severity",
					 "tags", "output", "action", "mode", "throttle", "threshold",
					 "sequence", "enabled", "override", "append", "exceptions" };
#define N_RULE_KEYS (sizeof(rule_keys) / sizeof(rule_keys[0]))

static int load_tags(struct ydoc *y, struct vg_rule *r, yaml_node_t *val)
{
	struct vg_policy *p = y->p;
	yaml_node_item_t *it;

	if (!expect(y, val, YAML_SEQUENCE_NODE, "tags are a list: [T1059, shell]"))
		return 0;
	r->tags = vg_arena_alloc(&p->arena, (val->data.sequence.items.top -
					  val->data.sequence.items.start + 1) * sizeof(*r->tags));
	if (!r->tags)
		return -ENOMEM;
	for (it = val->data.sequence.items.start; it < val->data.sequence.items.top; it++) {
		yaml_node_t *t = yaml_document_get_node(y->doc, *it);

		if (expect(y, t, YAML_SCALAR_NODE, "a tag is a word"))
			r->tags[r->n_tags++] = vg_arena_strndup(&p->arena, scalar_str(t),
							     strlen(scalar_str(t)));
	}
	return 0;
}

static void unknown_rule_key(struct ydoc *y, yaml_node_t *k, const char *key)
{
	const char *best = NULL;
	unsigned best_d = 3;
	char hint[600];
	size_t i;

	for (i = 0; i < N_RULE_KEYS; i++) {
		unsigned d = vg_field_distance(key, strlen(key), rule_keys[i], strlen(rule_keys[i]));

		if (d < best_d)
			best_d = d, best = rule_keys[i];
	}
	if (best)
		snprintf(hint, sizeof(hint), "did you mean '%s'?", best);
	else
		snprintf(hint, sizeof(hint), "rule keys are name, description, event, "
			 "condition, severity, tags, output, action, mode, throttle, enabled, "
			 "override, append, exceptions");
	vg_diag_at(y->p, true, node_pos(y, k), hint, "unknown rule key '%s'", key);
}

/* A string kept with its source position (condition, output); 0 or -ENOMEM. */
static int load_src(struct ydoc *y, yaml_node_t *val, const char *hint, struct src_scalar *out,
		    bool *has)
{
	if (!expect(y, val, YAML_SCALAR_NODE, hint))
		return 0;
	if (to_scalar(y, val, out))
		return -ENOMEM;
	*has = true;
	return 0;
}

static int load_sequence(struct ydoc *y, struct vg_rule *r, yaml_node_t *v);

/* One key of a rule; the name and event nodes are kept for the checks after all keys. */
static int load_rule_key(struct ydoc *y, struct vg_rule *r, yaml_node_t *k, yaml_node_t *val,
			 yaml_node_t **name, yaml_node_t **event)
{
	static const char *const sev[] = { "info", "low", "medium", "high", "critical" };
	static const char *const act[] = { "alert", "kill", "deny" };
	static const char *const mode[] = { "enforce", "audit" };
	static const char *const yesno[] = { "false", "true", "no", "yes" };
	struct vg_policy *p = y->p;
	const char *key = scalar_str(k);
	int v;

	if (!strcmp(key, "name")) {
		if (expect(y, val, YAML_SCALAR_NODE, "a rule name is a string"))
			*name = val;
	} else if (!strcmp(key, "description")) {
		if (expect(y, val, YAML_SCALAR_NODE, "a description is a string"))
			r->description = vg_arena_strndup(&p->arena, scalar_str(val),
						       strlen(scalar_str(val)));
	} else if (!strcmp(key, "event")) {
		*event = val;
		return load_event(y, r, val);
	} else if (!strcmp(key, "condition")) {
		return load_src(y, val, "a condition is a string", &r->cond_src, &r->has_cond);
	} else if (!strcmp(key, "severity")) {
		if ((v = pick(y, val, "severity", sev, 5)) >= 0)
			r->severity = v;
	} else if (!strcmp(key, "tags")) {
		return load_tags(y, r, val);
	} else if (!strcmp(key, "output")) {
		return load_src(y, val, "output is a template string", &r->out_src, &r->has_out);
	} else if (!strcmp(key, "action")) {
		if ((v = pick(y, val, "action", act, 3)) >= 0)
			r->action = v;
		r->act_pos = node_pos(y, val);
	} else if (!strcmp(key, "mode")) {
		if ((v = pick(y, val, "mode", mode, 2)) >= 0)
			r->mode = v;
	} else if (!strcmp(key, "throttle")) {
		return load_throttle(y, r, val);
	} else if (!strcmp(key, "threshold")) {
		return load_threshold(y, r, val);
	} else if (!strcmp(key, "sequence")) {
		return load_sequence(y, r, val);
	} else if (!strcmp(key, "enabled")) {
		if ((v = pick(y, val, "boolean", yesno, 4)) >= 0)
			r->enabled = v & 1;
	} else {
		unknown_rule_key(y, k, key);
	}
	return 0;
}

/* One step of a sequence: {event, condition, key} (policy_sequence.h). */
static int load_step(struct ydoc *y, struct vg_rule *r, yaml_node_t *m)
{
	yaml_node_t *name = NULL, *event = NULL;
	yaml_node_pair_t *pr;
	struct vg_rule *st;

	if (!expect(y, m, YAML_MAPPING_NODE, "a step is {event: E, condition: C, key: [fields]}"))
		return 0;
	if (vg_sequence_add_step(y->p, r, node_pos(y, m), &st))
		return -ENOMEM;
	for (pr = m->data.mapping.pairs.start; st && pr < m->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, pr->key);
		yaml_node_t *val = yaml_document_get_node(y->doc, pr->value);
		const char *key = is_scalar(k) ? scalar_str(k) : "";
		int err = 0;

		if (!strcmp(key, "event") || !strcmp(key, "condition"))
			err = load_rule_key(y, st, k, val, &name, &event);
		else if (!strcmp(key, "key"))
			err = load_key_fields(y, val, "sequence", &st->seq_key_src, &st->seq_keys,
					      &st->n_seq_keys);
		else
			vg_diag_at(y->p, true, node_pos(y, k), "step keys are event, condition and key",
				   "unknown step key '%s'", key);
		if (err)
			return err;
	}
	if (st)
		r->kinds |= st->kinds;
	return 0;
}

/* sequence: {within: D, key: FIELD(S), steps: [step, ...]} (policy_sequence.h). */
static int load_sequence(struct ydoc *y, struct vg_rule *r, yaml_node_t *v)
{
	yaml_node_pair_t *pr;
	yaml_node_item_t *it;
	int err = 0;

	if (!expect(y, v, YAML_MAPPING_NODE, "sequence is {within: 60s, key: [fields], steps: [...]}"))
		return 0;
	for (pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top && !err; pr++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, pr->key);
		yaml_node_t *val = yaml_document_get_node(y->doc, pr->value);
		const char *key = is_scalar(k) ? scalar_str(k) : "";

		if (!strcmp(key, "within")) {
			if (!is_scalar(val) || parse_duration(scalar_str(val), &r->seq_within_ns))
				vg_diag_at(y->p, true, node_pos(y, val), "e.g. 500ms, 60s, 5m",
					   "bad sequence window");
		} else if (!strcmp(key, "key")) {
			err = load_key_fields(y, val, "sequence", &r->seq_key_src, &r->seq_keys,
					      &r->n_seq_keys);
		} else if (!strcmp(key, "steps")) {
			if (!expect(y, val, YAML_SEQUENCE_NODE, "steps are a list: [{event: open}, ...]"))
				continue;
			for (it = val->data.sequence.items.start;
			     it < val->data.sequence.items.top && !err; it++)
				err = load_step(y, r, yaml_document_get_node(y->doc, *it));
		} else {
			vg_diag_at(y->p, true, node_pos(y, k), "sequence keys are within, key and steps",
				   "unknown sequence key '%s'", key);
		}
	}
	return err;
}

/* A rule with all its keys read: named, with an event, unique; then it is kept. */
static int add_rule(struct ydoc *y, struct vg_rule *r, yaml_node_t *name, yaml_node_t *event)
{
	struct vg_policy *p = y->p;
	struct vg_strmap_slot *slot;
	char hint[600];

	if (!name || !*scalar_str(name)) {
		vg_diag_at(p, true, r->pos, "add name: <unique name>", "rule without a name");
		return 0;
	}
	r->name = vg_arena_strndup(&p->arena, scalar_str(name), strlen(scalar_str(name)));
	if (!r->name)
		return -ENOMEM;
	r->pos = node_pos(y, name);
	if (!event && !r->n_steps)
		vg_diag_at(p, true, r->pos, "add event: exec (or a list of kinds)",
			"rule '%s' has no event", r->name);
	if (event && r->n_steps)
		vg_diag_at(p, true, node_pos(y, event), "give each step its event",
			   "rule '%s': a sequence rule takes its events from its steps", r->name);
	if (!r->description)
		r->description = "";
	slot = vg_strmap_get(&p->rule_names, r->name, strlen(r->name), true);
	if (!slot)
		return -ENOMEM;
	if (slot->val) {
		vg_yaml_redefine_hint(hint, sizeof(hint), ((struct vg_rule *)slot->val)->pos,
				      "'- override: NAME' with the keys to change");
		vg_diag_at(p, true, r->pos, hint, "duplicate rule name '%s'", r->name);
		return 0;
	}
	slot->val = r;
	return vg_ptrvec_push(&p->rules, r);
}

static int load_rule(struct ydoc *y, yaml_node_t *map)
{
	yaml_node_t *name = NULL, *event = NULL;
	struct rule_patch rp = { 0 };
	yaml_node_pair_t *pr;
	struct vg_rule *r;
	int err;

	if (!expect(y, map, YAML_MAPPING_NODE, "a rule is a mapping (name:, event:, condition:, ...)"))
		return 0;
	r = vg_arena_alloc(&y->p->arena, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->severity = VG_SEV_MEDIUM;
	r->enabled = true;
	r->pos = node_pos(y, map);
	for (pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, pr->key);
		yaml_node_t *val = yaml_document_get_node(y->doc, pr->value);

		if (!expect(y, k, YAML_SCALAR_NODE, "rule keys are words"))
			continue;
		err = vg_yaml_patch_key(y, &rp, k, val);
		if (!err)
			err = load_rule_key(y, r, k, val, &name, &event);
		if (err < 0)
			return err;
	}
	if (rp.target)
		return vg_yaml_override(y, r, &rp, name, event);
	if (rp.has_app)
		vg_diag_at(y->p, true, vg_scalar_pos(&rp.app, 0), "write '- override: NAME' to change a rule",
			   "append changes an existing rule: this entry has no override");
	err = add_rule(y, r, name, event);
	return err || !rp.excs || !r->name ? err : vg_merge_exceptions(y->p, r, rp.excs);
}

/*
 * Refuses a node used twice (an alias of an anchor): a few bytes of
 * aliases to one large list would make the loader copy it again for each.
 * libyaml shares aliased nodes, so an alias is a node with two parents.
 */
static int refuse_aliases(struct ydoc *y)
{
	yaml_node_t *base = y->doc->nodes.start, *n;
	size_t count = y->doc->nodes.top - base;
	unsigned char *used = calloc(count + 1, 1);
	int err = 0;

	if (!used)
		return -ENOMEM;
	for (n = base; n < y->doc->nodes.top && !err; n++) {
		yaml_node_item_t *it;
		yaml_node_pair_t *pr;
		int ids[2];
		size_t k;

		if (n->type == YAML_SEQUENCE_NODE) {
			for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
				if (used[*it]++)
					err = *it;
		} else if (n->type == YAML_MAPPING_NODE) {
			for (pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
				ids[0] = pr->key, ids[1] = pr->value;
				for (k = 0; k < 2; k++)
					if (used[ids[k]]++)
						err = ids[k];
			}
		}
	}
	free(used);
	if (err > 0)
		vg_diag_at(y->p, true, node_pos(y, yaml_document_get_node(y->doc, err)),
			"write the values out, or use a named list or macro",
			"YAML anchors and aliases are not allowed in a policy (this node is used twice)");
	return err > 0 ? 1 : err;
}

static int load_root(struct ydoc *y, yaml_node_t *root)
{
	yaml_node_pair_t *pr;
	int err = 0;

	if (root->type == YAML_SCALAR_NODE && !root->data.scalar.length)
		return 0;	/* an empty document */
	if (!expect(y, root, YAML_MAPPING_NODE,
		    "a policy is a mapping with 'rules', 'lists' and 'macros'"))
		return 0;
	/* Lists and macros first so rules of the same file can use them in any order. */
	for (int pass = 0; pass < 2 && !err; pass++) {
		for (pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top && !err;
		     pr++) {
			yaml_node_t *k = yaml_document_get_node(y->doc, pr->key);
			yaml_node_t *v = yaml_document_get_node(y->doc, pr->value);
			const char *key = is_scalar(k) ? scalar_str(k) : "";
			yaml_node_item_t *it;

			if (!strcmp(key, "lists")) {
				if (!pass)
					err = load_lists(y, v);
			} else if (!strcmp(key, "macros")) {
				if (!pass)
					err = load_macros(y, v);
			} else if (!strcmp(key, "rules")) {
				if (!pass)
					continue;
				if (!expect(y, v, YAML_SEQUENCE_NODE, "'rules' is a list of rules"))
					continue;
				for (it = v->data.sequence.items.start;
				     it < v->data.sequence.items.top && !err; it++)
					err = load_rule(y, yaml_document_get_node(y->doc, *it));
			} else if (!pass) {
				vg_diag_at(y->p, true, node_pos(y, k), "expected rules, lists or macros",
					"unknown top-level key '%s'", key);
			}
		}
	}
	return err;
}

static struct pos offset_pos(const char *name, const char *text, size_t len, size_t off)
{
	struct pos pos = { name, 1, 1 };
	size_t i;

	for (i = 0; i < off && i < len; i++) {
		if (text[i] == '\n')
			pos.line++, pos.col = 1;
		else if (((unsigned char)text[i] & 0xc0) != 0x80)
			pos.col++;
	}
	return pos;
}

int vg_yaml_load(struct vg_policy *p, const char *name, const char *text, size_t len)
{
	struct ydoc y = { .p = p, .file = name, .src = text, .len = len };
	yaml_parser_t parser;
	yaml_document_t doc;
	int err = 0;

	if (vg_ydoc_index_chars(&y))
		return -ENOMEM;
	if (!yaml_parser_initialize(&parser)) {
		free(y.step_bytes);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	for (;;) {
		yaml_node_t *root;

		if (!yaml_parser_load(&parser, &doc)) {
			struct pos pos = { name, (int)parser.problem_mark.line + 1,
					   (int)parser.problem_mark.column + 1 };

			/* Bad bytes (invalid UTF-8, NUL) are reported by offset, not mark. */
			if (parser.error == YAML_MEMORY_ERROR) {
				err = -ENOMEM;
				break;
			}
			if (parser.error == YAML_READER_ERROR)
				pos = offset_pos(name, text, len, parser.problem_offset);
			vg_diag_at(p, true, pos, parser.context, "YAML: %s",
				parser.problem ? parser.problem : "syntax error");
			break;
		}
		root = yaml_document_get_root_node(&doc);
		if (!root) {
			yaml_document_delete(&doc);
			break;
		}
		y.doc = &doc;
		err = refuse_aliases(&y);
		if (!err)
			err = load_root(&y, root);
		else if (err > 0)
			err = 0;	/* reported; the next document may still be read */
		yaml_document_delete(&doc);
		if (err)
			break;
	}
	yaml_parser_delete(&parser);
	free(y.step_bytes);
	return err;
}
