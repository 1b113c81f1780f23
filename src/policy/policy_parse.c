// SPDX-License-Identifier: GPL-2.0
/*
 * Conditions: a recursive-descent parser into a syntax tree, the
 * compiler (policy_expr.c) checks and compiles.
 *
 *   expr    := and ('or' and)*
 *   and     := unary ('and' unary)*
 *   unary   := 'not' unary | '(' expr ')' | MACRO | FIELD op operand
 *   op      := = | != | < | <= | > | >= | in | startswith | endswith | contains | glob | cidr
 *   operand := value | '(' [value (',' value)*] ')' | LIST
 *   value   := "string" | 'string' | bare word or number
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "policy/policy_diag.h"
#include "policy/policy_limits.h"
#include "policy/policy_parse.h"

const char *const vg_op_names[OP_MAX] = { "=", "!=", "<", "<=", ">", ">=", "in", "startswith",
				       "endswith", "contains", "glob", "cidr" };

/* ---- lexer ---- */

enum tok_kind { T_END, T_LPAREN, T_RPAREN, T_COMMA, T_OP, T_WORD, T_STRING, T_BAD };

struct tok {
	enum tok_kind kind;
	size_t off, len;	/* in the condition */
	enum op op;		/* T_OP, and T_WORD keywords that are operators (op_kw) */
	bool op_kw;
};

/* The parser recurses on nesting: the bounds (policy_limits.h) are checked first. */
#define MAX_NESTING VG_POLICY_MAX_NESTING
#define MAX_TERMS VG_POLICY_MAX_TERMS

struct parser {
	struct vg_policy *p;
	const struct src_scalar *s;
	size_t pos;
	struct tok t;		/* current token */
	bool failed;
	unsigned nesting;	/* '(' and 'not' open around the current token */
	size_t terms;		/* syntax tree nodes made so far */
};

static bool word_char(char c)
{
	return c && !strchr(" \t\r\n(),=!<>\"'", c);
}

static void next(struct parser *ps)
{
	const char *v = ps->s->val;
	size_t n = ps->s->len, i = ps->pos;
	struct tok *t = &ps->t;
	int o;

	while (i < n && strchr(" \t\r\n", v[i]))
		i++;
	memset(t, 0, sizeof(*t));
	t->off = i;
	if (i >= n) {
		t->kind = T_END;
	} else if (v[i] == '(' || v[i] == ')' || v[i] == ',') {
		t->kind = v[i] == '(' ? T_LPAREN : v[i] == ')' ? T_RPAREN : T_COMMA;
		t->len = 1;
	} else if (v[i] == '"' || v[i] == '\'') {
		size_t j = i + 1;

		while (j < n && v[j] != v[i])
			j += (v[j] == '\\' && j + 1 < n) ? 2 : 1;
		t->kind = j < n ? T_STRING : T_BAD;
		t->len = j < n ? j + 1 - i : n - i;
	} else if (strchr("=!<>", v[i])) {
		bool eq2 = i + 1 < n && v[i + 1] == '=';

		t->kind = T_OP;
		t->len = eq2 ? 2 : 1;
		switch (v[i]) {
		case '=': t->op = OP_EQ; break;
		case '!': t->op = OP_NE; if (!eq2) t->kind = T_BAD; break;
		case '<': t->op = eq2 ? OP_LE : OP_LT; break;
		case '>': t->op = eq2 ? OP_GE : OP_GT; break;
		}
		if (v[i] == '=' && eq2)
			t->op = OP_EQ;	/* "==" reads as "=" */
	} else {
		size_t j = i;

		while (j < n && word_char(v[j]))
			j++;
		t->kind = T_WORD;
		t->len = j - i;
		for (o = OP_IN; o < OP_MAX; o++)
			if (strlen(vg_op_names[o]) == t->len && !memcmp(v + i, vg_op_names[o], t->len)) {
				t->op = o;
				t->op_kw = true;
			}
	}
	ps->pos = t->off + t->len;
}

static bool is_kw(const struct parser *ps, const char *kw)
{
	return ps->t.kind == T_WORD && strlen(kw) == ps->t.len &&
	       !memcmp(ps->s->val + ps->t.off, kw, ps->t.len);
}

static bool at_reserved(const struct parser *ps)
{
	return is_kw(ps, "and") || is_kw(ps, "or") || is_kw(ps, "not") || ps->t.op_kw;
}

static void *fail(struct parser *ps, size_t off, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void *fail(struct parser *ps, size_t off, const char *hint, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (ps->failed)
		return NULL;
	ps->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vg_diag_at(ps->p, true, vg_scalar_pos(ps->s, off), hint, "%s", msg);
	return NULL;
}

static const char *tok_desc(const struct parser *ps, char *buf, size_t size)
{
	if (ps->t.kind == T_END)
		return "the end of the condition";
	snprintf(buf, size, "'%.*s'", (int)(ps->t.len > 40 ? 40 : ps->t.len), ps->s->val + ps->t.off);
	return buf;
}

static struct ast *new_ast(struct parser *ps, enum ast_kind k, size_t off)
{
	struct ast *a;

	if (++ps->terms > MAX_TERMS)
		return fail(ps, off, "split it into macros or rules, or put values in a list",
			    "condition has more than %d terms", MAX_TERMS);
	a = vg_arena_alloc(&ps->p->arena, sizeof(*a));
	if (!a)
		return fail(ps, off, NULL, "out of memory");
	a->kind = k;
	a->off = off;
	return a;
}

/* A value token into an operand; quoted strings are unescaped into the arena. */
static bool take_value(struct parser *ps, struct operand *o)
{
	const char *v = ps->s->val + ps->t.off;
	char buf[64];
	size_t i, n = 0;

	if (ps->t.kind == T_BAD)
		return fail(ps, ps->t.off, "close the string with the same quote", "unterminated string"),
		       false;
	if (ps->t.kind != T_STRING && (ps->t.kind != T_WORD || at_reserved(ps))) {
		fail(ps, ps->t.off, "quote values that contain spaces or ( ) , = ! < >",
		     "expected a value, found %s", tok_desc(ps, buf, sizeof(buf)));
		return false;
	}
	memset(o, 0, sizeof(*o));
	o->off = ps->t.off;
	o->s = v;
	o->len = ps->t.len;
	if (ps->t.kind == T_STRING) {
		o->quoted = true;
		o->unq = vg_arena_alloc(&ps->p->arena, ps->t.len);
		if (!o->unq)
			return false;
		for (i = 1; i + 1 < ps->t.len; i++) {
			char c = v[i];

			if (c == '\\' && i + 2 < ps->t.len) {
				c = v[++i];
				c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
			}
			o->unq[n++] = c;
		}
		o->s = o->unq;
		o->len = n;
	}
	next(ps);
	return true;
}

static struct ast *parse_or(struct parser *ps);

static struct ast *parse_cmp(struct parser *ps)
{
	struct ast *a = new_ast(ps, AST_CMP, ps->t.off);
	struct operand ops[256];
	char buf[64];

	if (!a)
		return NULL;
	a->field = ps->s->val + ps->t.off;
	a->field_len = ps->t.len;
	next(ps);
	a->op = ps->t.op;
	a->op_off = ps->t.off;
	next(ps);
	if (ps->t.kind == T_LPAREN) {
		size_t open = ps->t.off;

		a->list_syntax = true;
		next(ps);
		while (ps->t.kind != T_RPAREN) {
			if (a->n_ops == 256)
				return fail(ps, ps->t.off, "use a named list", "more than 256 values");
			if (!take_value(ps, &ops[a->n_ops++]))
				return NULL;
			if (ps->t.kind == T_COMMA)
				next(ps);
			else if (ps->t.kind != T_RPAREN)
				return fail(ps, ps->t.kind == T_END ? open : ps->t.off,
					    ps->t.kind == T_END ? "close it with ')'" :
					    "separate values with ','",
					    ps->t.kind == T_END ? "unclosed '('" :
					    "expected ',' or ')', found %s", tok_desc(ps, buf, sizeof(buf)));
		}
		next(ps);
	} else {
		if (!take_value(ps, &ops[0]))
			return NULL;
		a->n_ops = 1;
	}
	if (a->n_ops) {
		a->ops = vg_arena_alloc(&ps->p->arena, a->n_ops * sizeof(*a->ops));
		if (!a->ops)
			return NULL;
		memcpy(a->ops, ops, a->n_ops * sizeof(*ops));
	}
	return a;
}

static struct ast *parse_unary(struct parser *ps);

/* 'not' X or '(' X ')' around the current token, the nesting bound checked first. */
static struct ast *parse_nested(struct parser *ps, bool is_not)
{
	struct ast *a, *inner;
	size_t off = ps->t.off;

	if (ps->nesting == MAX_NESTING)
		return fail(ps, off, "flatten it, or name its parts as macros",
			    "condition nests deeper than %d levels", MAX_NESTING);
	next(ps);
	ps->nesting++;
	if (is_not) {
		a = new_ast(ps, AST_NOT, off);
		inner = a ? parse_unary(ps) : NULL;
		if (a)
			a->l = inner;
	} else {
		a = inner = parse_or(ps);
	}
	ps->nesting--;
	return inner ? a : NULL;
}

static struct ast *parse_unary(struct parser *ps)
{
	struct ast *a;
	size_t off = ps->t.off;
	char buf[64];

	if (is_kw(ps, "not"))
		return parse_nested(ps, true);
	if (ps->t.kind == T_LPAREN) {
		a = parse_nested(ps, false);
		if (!a)
			return NULL;
		if (ps->t.kind != T_RPAREN)
			return fail(ps, ps->t.kind == T_END ? off : ps->t.off,
				    ps->t.kind == T_END ? "close it with ')'" : "join conditions with 'and' or 'or'",
				    ps->t.kind == T_END ? "unclosed '('" : "expected ')', found %s",
				    tok_desc(ps, buf, sizeof(buf)));
		next(ps);
		return a;
	}
	if (ps->t.kind == T_BAD)
		return fail(ps, ps->t.off, "close the string with the same quote", "unterminated string");
	if (ps->t.kind != T_WORD || at_reserved(ps))
		return fail(ps, ps->t.off, "a condition starts with a field, a macro, 'not' or '('",
			    "expected a condition, found %s", tok_desc(ps, buf, sizeof(buf)));
	{
		struct parser look = *ps;

		next(&look);
		if (look.t.kind == T_OP || look.t.op_kw)
			return parse_cmp(ps);
	}
	a = new_ast(ps, AST_REF, off);
	if (!a)
		return NULL;
	a->field = ps->s->val + ps->t.off;
	a->field_len = ps->t.len;
	next(ps);
	return a;
}

static struct ast *parse_chain(struct parser *ps, bool is_or)
{
	struct ast *l = is_or ? parse_chain(ps, false) : parse_unary(ps);

	while (l && is_kw(ps, is_or ? "or" : "and")) {
		struct ast *a = new_ast(ps, is_or ? AST_OR : AST_AND, l->off);

		next(ps);
		if (!a)
			return NULL;
		a->l = l;
		a->r = is_or ? parse_chain(ps, false) : parse_unary(ps);
		if (!a->r)
			return NULL;
		l = a;
	}
	return l;
}

static struct ast *parse_or(struct parser *ps)
{
	return parse_chain(ps, true);
}

/* A condition over the size limit: reported before any token is read. */
static struct ast *fail_too_long(struct parser *ps)
{
	return fail(ps, 0, "name its parts as macros, or put values in a list",
		    "condition is longer than %d bytes", VG_POLICY_MAX_CONDITION_BYTES);
}

/* A whole condition parsed, but tokens are left over: say which. */
static struct ast *fail_trailing(struct parser *ps)
{
	char buf[64];

	if (ps->t.kind == T_WORD && !at_reserved(ps))
		return fail(ps, ps->t.off, "join conditions with 'and' or 'or'",
			    "expected 'and', 'or' or the end, found %s", tok_desc(ps, buf, sizeof(buf)));
	return fail(ps, ps->t.off, ps->t.kind == T_RPAREN ? "remove it or add the missing '('" :
		    "join conditions with 'and' or 'or'",
		    ps->t.kind == T_RPAREN ? "unbalanced ')'" : "unexpected %s",
		    tok_desc(ps, buf, sizeof(buf)));
}

struct ast *vg_expr_parse(struct vg_policy *p, const struct src_scalar *s)
{
	struct parser ps = { .p = p, .s = s };
	struct ast *a;

	if (s->len > VG_POLICY_MAX_CONDITION_BYTES)
		return fail_too_long(&ps);
	next(&ps);
	if (ps.t.kind == T_END)
		return fail(&ps, 0, "write a condition or leave the key out", "empty condition");
	a = parse_or(&ps);
	return a && ps.t.kind != T_END ? fail_trailing(&ps) : a;
}

/*
 * An append: "and COND" or "or COND". Sets @join to AST_AND or AST_OR and
 * @rest to where COND starts; NULL after reporting.
 */
struct ast *vg_expr_parse_tail(struct vg_policy *p, const struct src_scalar *s,
			       enum ast_kind *join, size_t *rest)
{
	struct parser ps = { .p = p, .s = s };
	struct ast *a;
	char buf[64];

	if (s->len > VG_POLICY_MAX_CONDITION_BYTES)
		return fail_too_long(&ps);
	next(&ps);
	if (!is_kw(&ps, "and") && !is_kw(&ps, "or"))
		return fail(&ps, ps.t.off, "e.g. append: and not process.name = make",
			    "an append starts with 'and' or 'or', found %s",
			    tok_desc(&ps, buf, sizeof(buf)));
	*join = is_kw(&ps, "and") ? AST_AND : AST_OR;
	next(&ps);
	*rest = ps.t.off;
	if (ps.t.kind == T_END)
		return fail(&ps, ps.t.off, NULL, "nothing after '%s'", *join == AST_AND ? "and" : "or");
	a = parse_or(&ps);
	return a && ps.t.kind != T_END ? fail_trailing(&ps) : a;
}
