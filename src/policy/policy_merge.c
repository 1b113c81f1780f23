// SPDX-License-Identifier: GPL-2.0
/*
 * Tuning from a later file, applied to the definitions already loaded.
 * Conditions are joined as syntax trees, not as text: each part keeps
 * the scalar it came from (AST_SCOPE), so a diagnostic in an append or
 * an exception points into the file that wrote it, and every part is
 * compiled and counted against policy_limits.h like any condition.
 * Appends of one operator build a left-deep chain, which the compiler
 * walks without recursion; each append is O(1), never a copy of what
 * came before.
 */
#include <errno.h>
#include <string.h>
#include "policy/policy_diag.h"
#include "policy/policy_expr.h"
#include "policy/policy_kernel.h"
#include "policy/policy_merge.h"
#include "policy/policy_parse.h"

struct change *vg_merge_note(struct vg_policy *p, struct change **head, struct pos pos,
			     const char *what)
{
	struct change *c = vg_arena_alloc(&p->arena, sizeof(*c));

	if (!c)
		return NULL;
	memset(c, 0, sizeof(*c));
	c->pos = pos;
	c->what = what;
	c->next = *head;
	*head = c;
	return c;
}

int vg_merge_list(struct vg_policy *p, struct list_def *l, const struct src_scalar *items,
		  size_t n, bool replace, struct pos pos)
{
	if (!vg_merge_note(p, &l->changes, pos, replace ? "replace" : "append"))
		return -ENOMEM;
	if (replace)
		l->n_items = 0;
	if (l->n_items + n > l->cap) {
		/* Doubling: a chain of one-item appends stays linear. */
		size_t cap = l->cap * 2 > l->n_items + n ? l->cap * 2 : l->n_items + n;
		struct src_scalar *v = vg_arena_alloc(&p->arena, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		memcpy(v, l->items, l->n_items * sizeof(*v));
		l->items = v;
		l->cap = cap;
	}
	memcpy(l->items + l->n_items, items, n * sizeof(*items));
	l->n_items += n;
	return 0;
}

static struct ast *new_ast(struct vg_policy *p, enum ast_kind k, struct ast *l, struct ast *r)
{
	struct ast *a = vg_arena_alloc(&p->arena, sizeof(*a));

	if (a) {
		memset(a, 0, sizeof(*a));
		a->kind = k;
		a->l = l;
		a->r = r;
	}
	return a;
}

/*
 * @a, whose offsets are in @s, as a part of a tree made of other scalars;
 * its text starts at @off of @s (policy_show.c prints it from there).
 */
static struct ast *scope_at(struct vg_policy *p, struct ast *a, const struct src_scalar *s,
			    size_t off)
{
	struct src_scalar *copy = vg_arena_alloc(&p->arena, sizeof(*copy));
	struct ast *sc = copy ? new_ast(p, AST_SCOPE, a, NULL) : NULL;

	if (!sc)
		return NULL;
	*copy = *s;
	sc->src = copy;
	sc->off = off;
	return sc;
}

static struct ast *scope(struct vg_policy *p, struct ast *a, const struct src_scalar *s)
{
	return scope_at(p, a, s, 0);
}

/*
 * @base (NULL: no condition, true) joined with the append @cond. Sets
 * *@out (NULL when a syntax error was reported). 0 or -ENOMEM.
 */
static int join_append(struct vg_policy *p, struct ast *base, const struct src_scalar *cond,
		       struct change *c, struct ast **out)
{
	enum ast_kind join;
	size_t rest = 0;
	struct ast *tail = vg_expr_parse_tail(p, cond, &join, &rest);
	struct ast *sc;

	*out = NULL;
	if (!tail)
		return 0;
	c->cond = cond;
	c->rest = rest;
	c->join = join;
	sc = scope_at(p, tail, cond, rest);
	if (!sc)
		return -ENOMEM;
	if (!base) {
		*out = join == AST_AND ? sc : NULL;	/* true or X is true */
		return 0;
	}
	*out = new_ast(p, join, base, sc);
	return *out ? 0 : -ENOMEM;
}

static const struct src_scalar *copy_scalar(struct vg_policy *p, const struct src_scalar *s)
{
	struct src_scalar *c = vg_arena_alloc(&p->arena, sizeof(*c));

	if (c)
		*c = *s;
	return c;
}

int vg_merge_macro(struct vg_policy *p, struct macro_def *m, const struct src_scalar *cond,
		   bool replace, struct pos pos)
{
	struct change *c = vg_merge_note(p, &m->changes, pos, replace ? "replace" : "append");
	const struct src_scalar *s = c ? copy_scalar(p, cond) : NULL;
	struct ast *base;

	if (!s)
		return -ENOMEM;
	if (replace) {
		c->cond = s;
		c->join = AST_REF;
		m->cond = *cond;
		m->ast = vg_expr_parse(p, &m->cond);
		m->composed = false;
		return 0;
	}
	if (!m->ast)
		return 0;	/* its syntax error is reported; the append would not add to it */
	base = m->composed ? m->ast : scope(p, m->ast, &m->cond);
	if (!base || join_append(p, base, s, c, &m->ast))
		return -ENOMEM;
	m->composed = m->ast != NULL;
	return 0;
}

int vg_merge_rule_cond(struct vg_policy *p, struct vg_rule *r, const struct src_scalar *cond,
		       bool replace, struct pos pos)
{
	struct change *c = vg_merge_note(p, &r->changes, pos, replace ? "condition" : "append");
	const struct src_scalar *s = c ? copy_scalar(p, cond) : NULL;
	struct ast *base = NULL, *joined;

	if (!s)
		return -ENOMEM;
	if (replace) {
		c->cond = s;
		c->join = AST_REF;
		r->cond_src = *cond;
		r->has_cond = true;
		r->cond_ast = NULL;
		r->cond_bad = false;
		return 0;
	}
	if (r->cond_bad)
		return 0;
	if (r->cond_ast) {
		base = r->cond_ast;
	} else if (r->has_cond) {
		base = vg_expr_parse(p, &r->cond_src);
		if (!base) {
			r->cond_bad = true;	/* reported now: compiling must not report it again */
			return 0;
		}
		base = scope(p, base, &r->cond_src);
		if (!base)
			return -ENOMEM;
	}
	if (join_append(p, base, s, c, &joined))
		return -ENOMEM;
	if (!joined && !c->cond) {
		r->cond_bad = true;	/* the append's syntax error is reported */
		return 0;
	}
	if (joined && !r->has_cond) {
		r->cond_src = *cond;	/* positions of the whole for the compiler */
		r->has_cond = true;
	}
	if (joined)
		r->cond_ast = joined;
	return 0;
}

/* field COMP value, the value's offsets in its own scalar. */
static struct ast *cmp_ast(struct vg_policy *p, const struct src_scalar *field, enum op op,
			   const struct src_scalar *v, bool list_syntax)
{
	struct ast *a = new_ast(p, AST_CMP, NULL, NULL);
	struct operand *o = vg_arena_alloc(&p->arena, sizeof(*o));

	if (!a || !o)
		return NULL;
	memset(o, 0, sizeof(*o));
	o->s = v->val;
	o->len = v->len;
	o->quoted = v->style != SC_PLAIN;
	a->field = field->val;
	a->field_len = field->len;
	a->op = op;
	a->ops = o;
	a->n_ops = 1;
	a->list_syntax = list_syntax;
	return scope(p, a, v);
}

/* One field of one tuple: a sequence of values is any of them. */
static struct ast *value_ast(struct vg_policy *p, const struct src_scalar *field, enum op op,
			     const struct exc_value *v)
{
	struct ast *any = NULL, *c;
	size_t i;

	if (!v->seq)
		return cmp_ast(p, field, op, &v->items[0], false);
	for (i = 0; i < v->n_items; i++) {
		c = cmp_ast(p, field, op, &v->items[i], op == OP_IN);
		if (!c)
			return NULL;
		any = any ? new_ast(p, AST_OR, any, c) : c;
		if (!any)
			return NULL;
	}
	return any;
}

static int exception_ast(struct vg_policy *p, struct rule_exception *e)
{
	struct ast *any = NULL, *all, *c;
	size_t t, j;

	for (t = 0; t < e->n_tuples; t++) {
		all = NULL;
		for (j = 0; j < e->n_fields; j++) {
			const struct exc_value *v = &e->values[t * e->n_fields + j];

			if (v->seq && !v->n_items) {
				all = NULL;	/* an empty list matches nothing: so does the tuple */
				break;
			}
			c = value_ast(p, &e->fields[j], e->comps[j], v);
			if (!c || !(all = all ? new_ast(p, AST_AND, all, c) : c))
				return -ENOMEM;
		}
		if (all && !(any = any ? new_ast(p, AST_OR, any, all) : all))
			return -ENOMEM;
	}
	e->ast = any;
	return 0;
}

/* Whether @a and @b compare the same fields the same way. */
static bool same_shape(const struct rule_exception *a, const struct rule_exception *b)
{
	size_t j;

	if (a->n_fields != b->n_fields)
		return false;
	for (j = 0; j < a->n_fields; j++)
		if (strcmp(a->fields[j].val, b->fields[j].val) || a->comps[j] != b->comps[j])
			return false;
	return true;
}

/*
 * An exception named like one the rule has adds its tuples to it (Falco's
 * "exceptions: append"): kept as one more entry, since not (A) and not (B)
 * is not (A or B). Its fields and comps must be the same.
 */
static bool appendable(struct vg_policy *p, const struct vg_rule *r, const struct rule_exception *e,
		       const char **what)
{
	const struct rule_exception *o;
	char hint[300];

	*what = "exception";
	for (o = r->excs; o; o = o->next) {
		if (strcmp(o->name, e->name))
			continue;
		if (same_shape(o, e)) {
			*what = "exception values";
			return true;
		}
		snprintf(hint, sizeof(hint), "first at %s:%d:%d: same fields and comps to add values "
			 "to it, or another name", o->pos.file, o->pos.line, o->pos.col);
		vg_diag_at(p, true, e->pos, hint,
			   "rule '%s' already has an exception '%s' with other fields or comps",
			   r->name, e->name);
		return false;
	}
	return true;
}

int vg_merge_exceptions(struct vg_policy *p, struct vg_rule *r, struct rule_exception *e)
{
	struct rule_exception *next;
	const char *what;
	char hint[300];
	size_t j;

	for (; e; e = next) {
		bool ok;

		next = e->next;
		e->next = NULL;
		ok = appendable(p, r, e, &what);
		for (j = 0; j < e->n_fields && ok; j++) {
			const struct src_scalar *fs = &e->fields[j];
			const struct vg_field *f = vg_field_lookup(fs->val, fs->len);
			const char *sug = f ? NULL : vg_field_suggest(fs->val, fs->len);

			snprintf(hint, sizeof(hint), "did you mean '%s'?", sug ? sug : "");
			if (!f)
				vg_diag_at(p, true, vg_scalar_pos(fs, 0),
					   sug ? hint : "see 'vigil policy fields'",
					   "unknown field '%s' in exception '%s'", fs->val, e->name);
			ok = f && vg_rule_field_usable(p, r, f, vg_scalar_pos(fs, 0));
		}
		if (!ok)
			continue;
		if (exception_ast(p, e))
			return -ENOMEM;
		if (!e->ast) {
			vg_diag_at(p, false, e->pos, "add values: [[...]]",
				   "exception '%s' of rule '%s' has no values: it excepts nothing",
				   e->name, r->name);
			continue;
		}
		if (!r->excs_tail)
			r->excs_tail = &r->excs;
		*r->excs_tail = e;
		r->excs_tail = &e->next;
		if (!vg_merge_note(p, &r->changes, e->pos, what))
			return -ENOMEM;
	}
	return 0;
}

struct ast *vg_merge_rule_ast(struct vg_policy *p, struct vg_rule *r)
{
	struct ast *a = NULL, *not;
	const struct rule_exception *e;

	if (r->cond_bad)
		return NULL;
	if (r->cond_ast)
		a = r->cond_ast;
	else if (r->has_cond && !(a = vg_expr_parse(p, &r->cond_src)))
		return NULL;
	for (e = r->excs; e; e = e->next) {
		not = new_ast(p, AST_NOT, e->ast, NULL);
		if (!not || !(a = a ? new_ast(p, AST_AND, a, not) : not))
			return NULL;
	}
	if (a && !r->has_cond)
		r->cond_src = r->excs->fields[0];	/* positions of the whole for the compiler */
	return a;
}

struct enforced {
	uint32_t id;
	bool found;
};

static int net_rule_cb(void *ctx, const struct vg_net_deny_spec *spec)
{
	struct enforced *f = ctx;

	f->found |= spec->rule_id == f->id;
	return 0;
}

static int file_rule_cb(void *ctx, const char *rule, const char *path, size_t len, bool prefix,
			bool exec, uint32_t rule_id, bool audit)
{
	struct enforced *f = ctx;

	(void)rule, (void)path, (void)len, (void)prefix, (void)exec, (void)audit;
	f->found |= rule_id == f->id;
	return 0;
}

int vg_merge_check_actions(struct vg_policy *p)
{
	size_t i;
	int err;

	for (i = 0; i < p->active.n; i++) {
		const struct vg_rule *r = p->active.v[i];
		struct enforced f = { r->index, false };

		if (!r->excs || r->mode == VG_MODE_AUDIT || r->kernel_decidable ||
		    (r->action != VG_ACT_DENY && r->action != VG_ACT_KILL))
			continue;
		if ((err = vg_policy_net_deny_rules(p, net_rule_cb, &f)) ||
		    (err = vg_policy_file_deny_rules(p, file_rule_cb, &f)))
			return err;
		if (f.found)
			continue;
		if (r->action == VG_ACT_DENY)
			vg_diag_at(p, true, r->excs->pos,
				   "narrow the rule's own path, port or address instead, or override "
				   "its action to alert",
				   "rule '%s': with exception '%s' its deny could no longer be enforced "
				   "(only a rule on paths, executables, ports or addresses alone is denied "
				   "before it happens)", r->name, r->excs->name);
		else
			vg_diag_at(p, false, r->excs->pos, "see 'vigil policy explain'",
				   "rule '%s': with exception '%s' its kill is decided in user space, "
				   "after the event, not in the kernel hook", r->name, r->excs->name);
	}
	return p->n_errors ? -EINVAL : 0;
}
