// SPDX-License-Identifier: GPL-2.0
/*
 * Conditions: a syntax tree (policy_parse.c) type-checked into matcher
 * nodes, macros expanded and lists resolved within policy_limits.h.
 * policy_node_eval.c evaluates the nodes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "policy/policy_diag.h"
#include "policy/policy_expr.h"
#include "policy/policy_limits.h"
#include "policy/policy_parse.h"

/* ---- compile ---- */

struct lit {
	const char *s;
	size_t len;
	const struct src_scalar *src;
	size_t off;
};

struct lits {
	struct lit *v;
	size_t n, cap;
};

static int lits_push(struct lits *l, const char *s, size_t len, const struct src_scalar *src,
		     size_t off)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct lit *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = (struct lit){ s, len, src, off };
	return 0;
}

static const char *suggest_name(const struct vg_strmap *m, const char *s, size_t len)
{
	const char *best = NULL;
	unsigned best_d = len / 3 + 2;
	size_t i;

	for (i = 0; i < m->cap; i++) {
		unsigned d;

		if (!m->slots[i].key)
			continue;
		d = vg_field_distance(s, len, m->slots[i].key, m->slots[i].len);
		if (d < best_d)
			best_d = d, best = m->slots[i].key;
	}
	return best;
}

/* Values of one comparison so far: -E2BIG or -EFBIG once the next would pass a bound. */
static int items_room(const struct vg_policy *p, const struct lits *out)
{
	if (out->n >= VG_POLICY_MAX_LIST_ITEMS)
		return -E2BIG;
	if (p->total_items + out->n >= VG_POLICY_MAX_TOTAL_ITEMS)
		return -EFBIG;
	return 0;
}

/*
 * Appends the items of list @l, nested lists expanded; cycles and nesting
 * reported at @pos. Stops at the first value past a bound (items_room()),
 * so a few bytes of lists naming lists cannot expand to gigabytes.
 */
static int expand_list(struct vg_policy *p, struct list_def *l, struct lits *out, struct pos pos,
		       const char *via, unsigned depth)
{
	size_t i;
	int err = 0;

	if (l->state == 1) {
		vg_diag_at(p, true, pos, "a list may not contain itself, directly or not",
			"list cycle: '%s' contains '%s'", via, l->name);
		return -ELOOP;
	}
	if (depth == VG_POLICY_MAX_LIST_DEPTH) {
		vg_diag_at(p, true, pos, "flatten the lists", "lists nest deeper than %d levels ('%s' in '%s')",
			VG_POLICY_MAX_LIST_DEPTH, l->name, via);
		return -ELOOP;
	}
	l->state = 1;
	for (i = 0; i < l->n_items && !err; i++) {
		const struct src_scalar *it = &l->items[i];
		struct vg_strmap_slot *sub = it->style == SC_PLAIN ?
			vg_strmap_get(&p->lists, it->val, it->len, false) : NULL;

		if (sub)
			err = expand_list(p, sub->val, out, vg_scalar_pos(it, 0), l->name, depth + 1);
		else if (!(err = items_room(p, out)))
			err = lits_push(out, it->val, it->len, it, 0);
	}
	l->state = 0;
	return err;
}

bool vg_rule_field_usable(struct vg_policy *p, const struct vg_rule *r, const struct vg_field *f,
		  struct pos pos)
{
	vg_kinds_t missing = r->kinds & ~f->kinds;
	char kinds[512], hint[600];

	if (!missing)
		return true;
	vg_field_kinds_format(f->kinds, kinds, sizeof(kinds));
	snprintf(hint, sizeof(hint), "'%s' exists for: %s", f->name, kinds);
	vg_diag_at(p, true, pos, hint, "field '%s' is not available for event '%s'", f->name,
		vg_field_kind_name(__builtin_ctzll(missing)));
	return false;
}

static struct node *new_node(struct vg_policy *p, enum node_kind k)
{
	struct node *n = vg_arena_alloc(&p->arena, sizeof(*n));

	if (n)
		n->kind = k;
	return n;
}

static bool list_op(enum op op)
{
	return op == OP_IN || op == OP_STARTS || op == OP_ENDS || op == OP_CONTAINS ||
	       op == OP_GLOB || op == OP_CIDR;
}

/* fnmatch accepts anything; catch what is surely a typo. */
static bool glob_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\\') {
			if (++i == len)
				return false;
		} else if (s[i] == '[') {
			size_t j = i + 1;

			if (j < len && (s[j] == '!' || s[j] == '^'))
				j++;
			if (j < len && s[j] == ']')
				j++;
			while (j < len && s[j] != ']')
				j++;
			if (j == len)
				return false;
			i = j;
		}
	}
	return true;
}

static int parse_num(const char *s, size_t len, bool is_unsigned, int64_t *out)
{
	char buf[32], *end;

	if (!len || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	if (is_unsigned) {
		unsigned long long u;

		if (buf[0] == '-')
			return -ERANGE;
		u = strtoull(buf, &end, 0);
		*out = (int64_t)u;
	} else {
		*out = strtoll(buf, &end, 0);
	}
	return errno || *end ? -EINVAL : 0;
}

static struct node *compile_ast(struct vg_policy *p, struct vg_rule *r, const struct ast *a,
				const struct src_scalar *s);

/* One term of an and/or chain; a macro that is itself such a chain joins this one. */
static int add_chain_term(struct vg_policy *p, struct vg_rule *r, const struct ast *a,
			  const struct src_scalar *s, enum ast_kind k, struct vg_ptrvec *kids)
{
	struct node *n = compile_ast(p, r, a, s);
	size_t i;

	if (!n)
		return -EINVAL;
	/* The index and the pre-filter look at top-level conjuncts only. */
	if ((k == AST_AND && n->kind == N_AND) || (k == AST_OR && n->kind == N_OR)) {
		for (i = 0; i < n->n_kids; i++)
			if (vg_ptrvec_push(kids, n->kids[i]))
				return -ENOMEM;
		return 0;
	}
	return vg_ptrvec_push(kids, n);
}

/*
 * The terms of a chain of one operator, left to right, with an explicit
 * stack: a chain of a thousand 'and's must not be a thousand C frames.
 * Goes on after a bad term so that one run reports every error.
 */
static int collect_chain(struct vg_policy *p, struct vg_rule *r, const struct ast *a,
			 const struct src_scalar *s, enum ast_kind k, struct vg_ptrvec *kids)
{
	struct vg_ptrvec right = { 0 };	/* right-hand sides still to visit */
	int err = 0, e;

	for (;;) {
		for (; a->kind == k; a = a->l)
			if (vg_ptrvec_push(&right, a->r)) {
				err = -ENOMEM;
				goto out;
			}
		e = add_chain_term(p, r, a, s, k, kids);
		if (e && !err)
			err = e;
		if (err == -ENOMEM || p->over_limit || !right.n)
			break;
		a = right.v[--right.n];
	}
out:
	vg_ptrvec_free(&right);
	return err;
}

/*
 * Reports a bound of policy_limits.h and stops the rule (or, for a bound on
 * the whole policy, the compile). Inside macros the error points where the
 * rule names the outermost one: that is the line its author can change.
 */
static struct node *bound_hit(struct vg_policy *p, const struct src_scalar *s, size_t off,
			      bool policy_wide, const char *hint, const char *fmt, ...)
{
	char msg[300], via[200] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->n_macro_stack)
		snprintf(via, sizeof(via), ", through macro '%s'", p->macro_stack[0]);
	vg_diag_at(p, true, p->n_macro_stack ? p->macro_use : vg_scalar_pos(s, off), hint,
		"rule '%s': %s%s", p->cur_rule ? p->cur_rule->name : "?", msg, via);
	p->over_limit = true;
	p->over_policy_limit |= policy_wide;
	return NULL;
}

static struct node *compile_ref(struct vg_policy *p, struct vg_rule *r, const struct ast *a,
				const struct src_scalar *s)
{
	struct vg_strmap_slot *slot = vg_strmap_get(&p->macros, a->field, a->field_len, false);
	struct macro_def *m;
	struct node *n;
	char hint[256];

	if (!slot) {
		const char *sug = suggest_name(&p->macros, a->field, a->field_len);

		if (vg_field_lookup(a->field, a->field_len))
			snprintf(hint, sizeof(hint), "'%.*s' is a field: compare it, e.g. %.*s = value",
				 (int)a->field_len, a->field, (int)a->field_len, a->field);
		else if (sug)
			snprintf(hint, sizeof(hint), "did you mean '%s'?", sug);
		else
			snprintf(hint, sizeof(hint), "define it under 'macros:'");
		vg_diag_at(p, true, vg_scalar_pos(s, a->off), hint, "undefined macro '%.*s'",
			(int)a->field_len, a->field);
		return NULL;
	}
	m = slot->val;
	if (m->visiting) {
		char chain[512];
		size_t i, off = 0;

		for (i = 0; i < p->n_macro_stack && off < sizeof(chain); i++)
			off += snprintf(chain + off, sizeof(chain) - off, "%s -> ", p->macro_stack[i]);
		if (off < sizeof(chain))
			snprintf(chain + off, sizeof(chain) - off, "%s", m->name);
		vg_diag_at(p, true, vg_scalar_pos(s, a->off), "a macro may not use itself, directly or not",
			"macro cycle: %s", chain);
		return NULL;
	}
	if (!m->ast)
		return NULL;	/* its syntax error is already reported */
	if (p->n_macro_stack == VG_POLICY_MAX_MACRO_DEPTH)
		return bound_hit(p, s, a->off, false, "flatten the chain of macros",
				 "macros nest deeper than %d levels", VG_POLICY_MAX_MACRO_DEPTH);
	if (!p->n_macro_stack)
		p->macro_use = vg_scalar_pos(s, a->off);
	m->visiting = true;
	p->macro_stack[p->n_macro_stack++] = m->name;
	n = compile_ast(p, r, m->ast, &m->cond);
	p->n_macro_stack--;
	m->visiting = false;
	return n;
}

#define OPB(op) (1u << (op))

/* Which operators apply to which field type, and what to say when one does not. */
static const struct {
	unsigned ops;
	const char *hint;
} type_ops[] = {
	[VG_FT_STR] = { OPB(OP_EQ) | OPB(OP_NE) | OPB(OP_IN) | OPB(OP_STARTS) | OPB(OP_ENDS) |
			OPB(OP_CONTAINS) | OPB(OP_GLOB),
			"use =, !=, in, startswith, endswith, contains or glob" },
	[VG_FT_INT] = { OPB(OP_EQ) | OPB(OP_NE) | OPB(OP_LT) | OPB(OP_LE) | OPB(OP_GT) |
			OPB(OP_GE) | OPB(OP_IN), "use =, !=, <, <=, >, >= or in" },
	[VG_FT_UINT] = { OPB(OP_EQ) | OPB(OP_NE) | OPB(OP_LT) | OPB(OP_LE) | OPB(OP_GT) |
			 OPB(OP_GE) | OPB(OP_IN), "use =, !=, <, <=, >, >= or in" },
	[VG_FT_IP] = { OPB(OP_EQ) | OPB(OP_NE) | OPB(OP_IN) | OPB(OP_CIDR),
		       "use =, !=, in or cidr" },
	[VG_FT_STRLIST] = { OPB(OP_EQ) | OPB(OP_NE) | OPB(OP_IN) | OPB(OP_STARTS) | OPB(OP_ENDS) |
			    OPB(OP_CONTAINS) | OPB(OP_GLOB),
			    "use =, !=, in, startswith, endswith, contains or glob" },
};

/* The comparison's field, if it exists, suits the rule and takes the operator and values. */
static const struct vg_field *cmp_field(struct vg_policy *p, struct vg_rule *r, const struct ast *a,
					const struct src_scalar *s)
{
	const struct vg_field *f = vg_field_lookup(a->field, a->field_len);
	enum op op = a->op;
	char hint[256];

	if (!f) {
		const char *sug = vg_field_suggest(a->field, a->field_len);

		if (sug)
			snprintf(hint, sizeof(hint), "did you mean '%s'?", sug);
		vg_diag_at(p, true, vg_scalar_pos(s, a->off), sug ? hint : "see 'vigil policy fields'",
			"unknown field '%.*s'", (int)a->field_len, a->field);
		return NULL;
	}
	if (!vg_rule_field_usable(p, r, f, vg_scalar_pos(s, a->off)))
		return NULL;
	if (!(type_ops[f->type].ops & OPB(op))) {
		vg_diag_at(p, true, vg_scalar_pos(s, a->op_off), type_ops[f->type].hint,
			"operator '%s' does not apply to '%s' (%s)", vg_op_names[op], f->name,
			vg_field_type_name(f->type));
		return NULL;
	}
	if (!list_op(op) && (a->list_syntax || a->n_ops != 1)) {
		vg_diag_at(p, true, vg_scalar_pos(s, a->op_off), "use 'in (a, b)' for several values",
			"operator '%s' takes one value", vg_op_names[op]);
		return NULL;
	}
	return f;
}

static int report_items_bound(struct vg_policy *p, struct pos pos, const char *list, int err)
{
	if (err == -E2BIG)
		vg_diag_at(p, true, pos, "split the values over several rules or lists",
			"list '%s' expands to more than %u values (limit for one comparison)", list,
			VG_POLICY_MAX_LIST_ITEMS);
	else
		vg_diag_at(p, true, pos, "the policy's lists, as used by its rules, are too large",
			"the policy's comparisons expand to more than %u values in all (limit)",
			VG_POLICY_MAX_TOTAL_ITEMS);
	p->over_limit = true;
	p->over_policy_limit = err == -EFBIG;
	return -EINVAL;
}

/* The operands as literals: unquoted words naming a list stand for its items. */
static int cmp_literals(struct vg_policy *p, const struct ast *a, const struct src_scalar *s,
			struct lits *lits)
{
	char hint[256];
	size_t i;

	for (i = 0; i < a->n_ops; i++) {
		const struct operand *o = &a->ops[i];
		struct vg_strmap_slot *ls = NULL;
		struct pos opos = vg_scalar_pos(s, o->off);

		if (!o->quoted && list_op(a->op))
			ls = vg_strmap_get(&p->lists, o->s, o->len, false);
		if (ls) {
			const char *name = ((struct list_def *)ls->val)->name;
			int err = expand_list(p, ls->val, lits, opos, name, 0);

			if (err == -E2BIG || err == -EFBIG)
				return report_items_bound(p, opos, name, err);
			if (err)
				return err == -ENOMEM ? err : -EINVAL;
		} else if (a->op == OP_IN && !a->list_syntax) {
			const char *sug = suggest_name(&p->lists, o->s, o->len);

			if (sug)
				snprintf(hint, sizeof(hint), "did you mean '%s'?", sug);
			vg_diag_at(p, true, opos, sug ? hint : "define it under 'lists:' or write in (a, b)",
				"undefined list '%.*s'", (int)o->len, o->s);
			return -EINVAL;
		} else if (lits_push(lits, o->s, o->len, s, o->off)) {
			return -ENOMEM;
		}
	}
	return 0;
}

/* =, != and in on strings: one hash set. */
static int cmp_str_set(struct vg_policy *p, struct node *cmp, const struct lits *lits)
{
	size_t i;

	cmp->op = OP_EQ;
	for (i = 0; i < lits->n; i++) {
		struct vg_strmap_slot *sl = vg_strmap_get(&cmp->set, lits->v[i].s, lits->v[i].len, true);

		if (!sl)
			return -ENOMEM;
		sl->val = (void *)1;
	}
	return vg_ptrvec_push(&p->node_sets, &cmp->set);
}

/* startswith, endswith, contains, glob: the strings with their lengths. */
static int cmp_strs(struct vg_policy *p, struct node *cmp, const struct lits *lits)
{
	const struct lit *l = lits->v;
	bool ok = true;
	size_t i;

	cmp->strs = vg_arena_alloc(&p->arena, (lits->n + 1) * sizeof(*cmp->strs));
	cmp->lens = vg_arena_alloc(&p->arena, (lits->n + 1) * sizeof(*cmp->lens));
	if (!cmp->strs || !cmp->lens)
		return -ENOMEM;
	for (i = 0; i < lits->n; i++) {
		if (cmp->op == OP_GLOB && !glob_ok(l[i].s, l[i].len)) {
			vg_diag_at(p, true, vg_scalar_pos(l[i].src, l[i].off),
				"close '[' with ']', or escape it as '\\['",
				"bad glob '%.*s'", (int)l[i].len, l[i].s);
			ok = false;
		}
		cmp->strs[i] = vg_arena_strndup(&p->arena, l[i].s, l[i].len);
		cmp->lens[i] = l[i].len;
		if (!cmp->strs[i])
			return -ENOMEM;
	}
	cmp->n_strs = lits->n;
	return ok ? 0 : -EINVAL;
}

static int cmp_nums(struct vg_policy *p, struct node *cmp, const struct lits *lits)
{
	const struct vg_field *f = cmp->field;
	const struct lit *l = lits->v;
	char hint[256];
	bool ok = true;
	size_t i;

	cmp->nums = vg_arena_alloc(&p->arena, (lits->n + 1) * sizeof(*cmp->nums));
	if (!cmp->nums)
		return -ENOMEM;
	for (i = 0; i < lits->n; i++) {
		int e = parse_num(l[i].s, l[i].len, f->type == VG_FT_UINT, &cmp->nums[i]);

		if (!e)
			continue;
		snprintf(hint, sizeof(hint), "'%s' is %s", f->name,
			 e == -ERANGE ? "unsigned" : f->type == VG_FT_UINT ?
			 "a uint: write a number like 0, 1000 or 0x1f" :
			 "an int: write a number like -1 or 42");
		vg_diag_at(p, true, vg_scalar_pos(l[i].src, l[i].off), hint,
			"'%.*s' is not a%s number", (int)l[i].len, l[i].s,
			e == -ERANGE ? " non-negative" : "");
		ok = false;
	}
	cmp->n_nums = lits->n;
	return ok ? 0 : -EINVAL;
}

static int cmp_cidrs(struct vg_policy *p, struct node *cmp, const struct lits *lits)
{
	const struct lit *l = lits->v;
	bool ok = true;
	size_t i;

	cmp->cidrs = vg_arena_alloc(&p->arena, (lits->n + 1) * sizeof(*cmp->cidrs));
	if (!cmp->cidrs)
		return -ENOMEM;
	for (i = 0; i < lits->n; i++) {
		struct vg_cidr *c = &cmp->cidrs[i];

		if (vg_field_parse_cidr(l[i].s, l[i].len, &c->net, &c->prefix)) {
			vg_diag_at(p, true, vg_scalar_pos(l[i].src, l[i].off),
				"e.g. 10.0.0.0/8, 192.168.1.7 or fd00::/8 (no host bits set)",
				"bad CIDR '%.*s'", (int)l[i].len, l[i].s);
			ok = false;
		}
	}
	cmp->n_cidrs = lits->n;
	return ok ? 0 : -EINVAL;
}

/* The values of @cmp, held the way its field type and operator match them. */
static int cmp_values(struct vg_policy *p, struct node *cmp, enum op op, const struct lits *lits)
{
	bool is_str = cmp->field->type == VG_FT_STR || cmp->field->type == VG_FT_STRLIST;

	if (is_str && (op == OP_EQ || op == OP_NE || op == OP_IN))
		return cmp_str_set(p, cmp, lits);
	if (is_str) {
		cmp->op = op;
		return cmp_strs(p, cmp, lits);
	}
	if (cmp->field->type == VG_FT_INT || cmp->field->type == VG_FT_UINT) {
		cmp->op = op == OP_NE || op == OP_IN ? OP_EQ : op;
		return cmp_nums(p, cmp, lits);
	}
	cmp->op = OP_CIDR;
	return cmp_cidrs(p, cmp, lits);
}

/* != is a negated =. */
static struct node *negate(struct vg_policy *p, struct node *cmp)
{
	struct node *n = new_node(p, N_NOT);

	if (n && !(n->kids = vg_arena_alloc(&p->arena, sizeof(*n->kids))))
		return NULL;
	if (n) {
		n->kids[0] = cmp;
		n->n_kids = 1;
	}
	return n;
}

static struct node *compile_cmp(struct vg_policy *p, struct vg_rule *r, const struct ast *a,
				const struct src_scalar *s)
{
	const struct vg_field *f = cmp_field(p, r, a, s);
	struct lits lits = { 0 };
	struct node *n = NULL, *cmp;

	if (!f || cmp_literals(p, a, s, &lits))
		goto out;
	p->total_items += lits.n;
	cmp = new_node(p, N_CMP);
	if (!cmp)
		goto out;
	cmp->field = f;
	if (!lits.n)
		vg_diag_at(p, false, vg_scalar_pos(s, a->op_off), "an empty list matches nothing",
			"'%s %s' with no values is always false", f->name, vg_op_names[a->op]);
	if (cmp_values(p, cmp, a->op, &lits))
		goto out;
	n = a->op == OP_NE ? negate(p, cmp) : cmp;
out:
	free(lits.v);
	return n;
}

static struct node *compile_ast(struct vg_policy *p, struct vg_rule *r, const struct ast *a,
				const struct src_scalar *s)
{
	struct vg_ptrvec kids = { 0 };
	struct node *n = NULL, *kid;
	int err;

	if (p->over_limit)
		return NULL;
	if (++p->rule_terms > VG_POLICY_MAX_RULE_TERMS)
		return bound_hit(p, s, a->off, false, "a macro used twice inside a macro used twice doubles each time",
				 "condition expands to more than %d terms", VG_POLICY_MAX_RULE_TERMS);
	if (++p->total_terms > VG_POLICY_MAX_TOTAL_TERMS)
		return bound_hit(p, s, a->off, true, "the policy's conditions, macros expanded, are too large",
				 "the policy's conditions expand to more than %u terms in all",
				 VG_POLICY_MAX_TOTAL_TERMS);
	if (p->depth == VG_POLICY_MAX_EXPANDED_DEPTH)
		return bound_hit(p, s, a->off, false, "flatten it, or use fewer levels of macros",
				 "condition nests deeper than %d levels once macros are expanded",
				 VG_POLICY_MAX_EXPANDED_DEPTH);
	p->depth++;
	switch (a->kind) {
	case AST_AND:
	case AST_OR:
		err = collect_chain(p, r, a, s, a->kind, &kids);
		if (err)
			break;
		n = new_node(p, a->kind == AST_AND ? N_AND : N_OR);
		if (!n || !(n->kids = vg_arena_alloc(&p->arena, kids.n * sizeof(*n->kids)))) {
			n = NULL;
			break;
		}
		memcpy(n->kids, kids.v, kids.n * sizeof(*n->kids));
		n->n_kids = kids.n;
		break;
	case AST_NOT:
		kid = compile_ast(p, r, a->l, s);
		if (!kid)
			break;
		n = new_node(p, N_NOT);
		if (!n || !(n->kids = vg_arena_alloc(&p->arena, sizeof(*n->kids)))) {
			n = NULL;
			break;
		}
		n->kids[0] = kid;
		n->n_kids = 1;
		break;
	case AST_CMP:
		n = compile_cmp(p, r, a, s);
		break;
	case AST_REF:
		n = compile_ref(p, r, a, s);
		break;
	case AST_SCOPE:
		n = compile_ast(p, r, a->l, a->src);
		break;
	}
	p->depth--;
	vg_ptrvec_free(&kids);
	return n;
}

/* ---- can-never-match warnings ---- */

static bool sets_disjoint(const struct vg_strmap *a, const struct vg_strmap *b)
{
	size_t i;

	for (i = 0; i < a->cap; i++)
		if (a->slots[i].key && vg_strmap_get((struct vg_strmap *)b, a->slots[i].key,
						  a->slots[i].len, false))
			return false;
	return true;
}

static bool nums_disjoint(const struct node *a, const struct node *b)
{
	size_t i, j;

	for (i = 0; i < a->n_nums; i++)
		for (j = 0; j < b->n_nums; j++)
			if (a->nums[i] == b->nums[j])
				return false;
	return true;
}

static void warn_never(struct vg_policy *p, struct vg_rule *r)
{
	struct node *const *kids = &r->cond;
	size_t n = 1, i, j;
	struct pos pos = vg_scalar_pos(&r->cond_src, 0);

	if (r->cond->kind == N_AND) {
		kids = r->cond->kids;
		n = r->cond->n_kids;
	}
	for (i = 0; i < n; i++) {
		const struct node *a = kids[i];
		vg_kinds_t k = 0;
		int kk;

		if (a->kind != N_CMP || a->op != OP_EQ)
			continue;
		if (!strcmp(a->field->name, "event.action")) {
			for (kk = 0; kk < VG_K_MAX; kk++)
				if (vg_strmap_get((struct vg_strmap *)&a->set, vg_field_kind_name(kk),
					       strlen(vg_field_kind_name(kk)), false))
					k |= VG_KB(kk);
			if (!(k & r->kinds)) {
				vg_diag_at(p, false, pos, "compare event.action with the rule's events",
					"rule '%s' can never match: event.action is never one of its values here",
					r->name);
				return;
			}
		}
		/* Rules see events: event.kind is "event" (policies written before it was event.action) */
		if (!strcmp(a->field->name, "event.kind") &&
		    !vg_strmap_get((struct vg_strmap *)&a->set, "event", 5, false)) {
			vg_diag_at(p, false, pos, "what happened (exec, open, ...) is event.action",
				"rule '%s' can never match: event.kind is 'event' for every event a rule sees",
				r->name);
			return;
		}
		if (a->field->type == VG_FT_STRLIST)
			continue;
		for (j = i + 1; j < n; j++) {
			const struct node *b = kids[j];
			bool dis;

			if (b->kind != N_CMP || b->op != OP_EQ || b->field != a->field)
				continue;
			dis = a->field->type == VG_FT_STR ? sets_disjoint(&a->set, &b->set) :
			      a->field->type == VG_FT_IP ? false : nums_disjoint(a, b);
			if (dis) {
				vg_diag_at(p, false, pos, "one value cannot equal two different ones; did you mean 'or'?",
					"rule '%s' can never match: '%s' is compared for equality with values that exclude each other",
					r->name, a->field->name);
				return;
			}
		}
	}
}

struct node *vg_expr_compile(struct vg_policy *p, struct vg_rule *r, struct ast *a)
{
	if (!a)
		return NULL;
	p->n_macro_stack = 0;
	p->depth = 0;
	p->rule_terms = 0;
	p->over_limit = false;
	r->cond = compile_ast(p, r, a, &r->cond_src);
	if (r->cond)
		warn_never(p, r);
	return r->cond;
}
