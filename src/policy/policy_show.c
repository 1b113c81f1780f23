// SPDX-License-Identifier: GPL-2.0
/*
 * The merged policy as one YAML document: every list, macro and rule as
 * the later files left it, each with a comment saying where it was
 * defined and where each change to it was made. It is itself a policy:
 * loaded alone (--no-default-policy) it compiles to the same rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "policy/policy.h"
#include "policy/policy_model.h"
#include "policy/policy_parse.h"

/* A YAML double-quoted scalar: the same bytes come back. */
static void quoted(FILE *out, const char *s, size_t len)
{
	size_t i;

	fputc('"', out);
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void qstr(FILE *out, const char *s)
{
	quoted(out, s, strlen(s));
}

/* A file name inside a comment: a control byte (a newline) would end the comment. */
static void comment_text(FILE *out, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, out);
}

static void comment_pos(FILE *out, struct pos pos)
{
	comment_text(out, pos.file ? pos.file : "?");
	fprintf(out, ":%d:%d", pos.line, pos.col);
}

/* "# defined at F:L:C; append at F:L:C; ..." oldest change first. */
static void origin(FILE *out, const char *indent, struct pos pos, const struct change *c)
{
	const struct change *v[64];
	size_t n = 0, more = 0;

	fprintf(out, "%s# ", indent);
	comment_pos(out, pos);
	for (; c; c = c->next)
		if (n < 64)
			v[n++] = c;
		else
			more++;	/* the oldest beyond 64 are summed up */
	if (more)
		fprintf(out, "; %zu older changes", more);
	while (n--) {
		fprintf(out, "; %s at ", v[n]->what);
		comment_pos(out, v[n]->pos);
	}
	fputc('\n', out);
}

/*
 * Condition text of a tree joined by policy_merge.c: and/or chains of
 * scopes, each printed from its source (a whole condition, or what an
 * append adds after its 'and'/'or'). A chain of one operator is walked,
 * not recursed; only a change of operator nests, as deep as compiling allows.
 */
static void cond_text(FILE *out, const struct ast *a, unsigned depth)
{
	struct vg_ptrvec right = { 0 };
	const struct ast *l;
	enum ast_kind k = a->kind;

	if (k == AST_SCOPE) {
		fprintf(out, "(%s)", a->src->val + a->off);
		return;
	}
	if ((k != AST_AND && k != AST_OR) || depth > VG_POLICY_MAX_EXPANDED_DEPTH) {
		fputs("(...)", out);	/* never built by the merge, or never compiled: too deep */
		return;
	}
	for (l = a; l->kind == k; l = l->l)
		if (vg_ptrvec_push(&right, l->r)) {
			fputs("(...)", out);
			goto out;
		}
	fputc('(', out);
	cond_text(out, l, depth + 1);
	while (right.n) {
		fprintf(out, " %s ", k == AST_AND ? "and" : "or");
		cond_text(out, right.v[--right.n], depth + 1);
	}
	fputc(')', out);
out:
	vg_ptrvec_free(&right);
}

static char *text_of(const struct ast *a, const char *plain)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	if (!a)
		return strdup(plain);
	m = open_memstream(&buf, &len);
	if (!m)
		return NULL;
	cond_text(m, a, 0);
	fclose(m);
	return buf;
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct vg_strmap_slot *)a)->key, ((const struct vg_strmap_slot *)b)->key);
}

/* The slots of @m in use, sorted by name; NULL when empty or out of memory. */
static struct vg_strmap_slot *sorted(const struct vg_strmap *m, size_t *n)
{
	struct vg_strmap_slot *v = calloc(m->n + 1, sizeof(*v));
	size_t i;

	*n = 0;
	if (!v)
		return NULL;
	for (i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			v[(*n)++] = m->slots[i];
	qsort(v, *n, sizeof(*v), by_key);
	return v;
}

static void show_lists(const struct vg_policy *p, FILE *out)
{
	struct vg_strmap_slot *v;
	size_t n, i, j;

	v = sorted(&p->lists, &n);
	fputs(n ? "lists:\n" : "", out);
	for (i = 0; v && i < n; i++) {
		const struct list_def *l = v[i].val;

		origin(out, "  ", l->pos, l->changes);
		fprintf(out, "  %s: [", l->name);
		for (j = 0; j < l->n_items; j++) {
			const struct src_scalar *it = &l->items[j];
			bool names_list = it->style == SC_PLAIN &&
				vg_strmap_get((struct vg_strmap *)&p->lists, it->val, it->len, false);

			fputs(j ? ", " : "", out);
			if (names_list)
				fputs(it->val, out);	/* plain: it stands for that list's items */
			else
				quoted(out, it->val, it->len);
		}
		fputs("]\n", out);
	}
	free(v);
}

static void show_macros(const struct vg_policy *p, FILE *out)
{
	struct vg_strmap_slot *v;
	size_t n, i;

	v = sorted(&p->macros, &n);
	fputs(n ? "macros:\n" : "", out);
	for (i = 0; v && i < n; i++) {
		const struct macro_def *m = v[i].val;
		char *t = text_of(m->composed ? m->ast : NULL, m->cond.val);

		origin(out, "  ", m->pos, m->changes);
		fprintf(out, "  %s: ", m->name);
		qstr(out, t ? t : "");
		fputc('\n', out);
		free(t);
	}
	free(v);
}

static void show_keys(FILE *out, const char *what, const struct src_scalar *k, size_t n)
{
	size_t i;

	fprintf(out, ", %s: [", what);
	for (i = 0; i < n; i++)
		fprintf(out, "%s%s", i ? ", " : "", k[i].val);
	fputc(']', out);
}

/* A word YAML and the condition lexer both read as itself, unquoted. */
static bool word(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(*s == '_' || *s == '-' || *s == '.' || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

static void show_exception(FILE *out, const struct rule_exception *e)
{
	size_t t, j, i;

	fputs("      - name: ", out);
	qstr(out, e->name);
	fputs("\n        fields: [", out);
	for (j = 0; j < e->n_fields; j++)
		fprintf(out, "%s%s", j ? ", " : "", e->fields[j].val);
	fputs("]\n        comps: [", out);
	for (j = 0; j < e->n_fields; j++)
		fprintf(out, "%s\"%s\"", j ? ", " : "", vg_op_names[e->comps[j]]);
	fputs("]\n        values:\n", out);
	for (t = 0; t < e->n_tuples; t++) {
		fputs("          - [", out);
		for (j = 0; j < e->n_fields; j++) {
			const struct exc_value *v = &e->values[t * e->n_fields + j];

			fputs(j ? ", " : "", out);
			fputs(v->seq ? "[" : "", out);
			for (i = 0; i < v->n_items; i++) {
				fputs(i ? ", " : "", out);
				if (v->items[i].style == SC_PLAIN && word(v->items[i].val))
					fputs(v->items[i].val, out);	/* may name a list */
				else
					quoted(out, v->items[i].val, v->items[i].len);
			}
			fputs(v->seq ? "]" : "", out);
		}
		fputs("]\n", out);
	}
}

static void show_rule(FILE *out, const struct vg_rule *r)
{
	const struct rule_exception *e;
	size_t i;
	int k;

	origin(out, "  ", r->pos, r->changes);
	fputs("  - name: ", out);
	qstr(out, r->name);
	fputs("\n    description: ", out);
	qstr(out, r->description);
	fputs("\n    event: [", out);
	for (k = 0, i = 0; k < VG_K_MAX; k++)
		if (r->kinds & VG_KB(k))
			fprintf(out, "%s%s", i++ ? ", " : "", vg_field_kind_name(k));
	fputs("]\n", out);
	if (r->has_cond && (r->cond_ast || r->cond_src.val)) {
		char *t = text_of(r->cond_ast, r->cond_src.val);

		fputs("    condition: ", out);
		qstr(out, t ? t : "");
		fputc('\n', out);
		free(t);
	}
	fprintf(out, "    severity: %s\n", vg_policy_severity_name(r->severity));
	if (r->n_tags) {
		fputs("    tags: [", out);
		for (i = 0; i < r->n_tags; i++) {
			fputs(i ? ", " : "", out);
			qstr(out, r->tags[i]);
		}
		fputs("]\n", out);
	}
	if (r->has_out) {
		fputs("    output: ", out);
		qstr(out, r->out_src.val);
		fputc('\n', out);
	}
	fprintf(out, "    action: %s\n    mode: %s\n", vg_policy_action_name(r->action),
		vg_policy_mode_name(r->mode));
	if (r->thr_count) {
		fprintf(out, "    throttle: {count: %llu, per: %llums",
			(unsigned long long)r->thr_count, (unsigned long long)(r->thr_per_ns / 1000000));
		if (r->n_thr_keys)
			show_keys(out, "key", r->thr_key_src, r->n_thr_keys);
		fputs("}\n", out);
	}
	if (r->thd_count) {
		fprintf(out, "    threshold: {count: %llu, per: %llums",
			(unsigned long long)r->thd_count, (unsigned long long)(r->thd_per_ns / 1000000));
		if (r->n_thd_keys)
			show_keys(out, "key", r->thd_key_src, r->n_thd_keys);
		if (r->has_thd_distinct)
			fprintf(out, ", distinct: %s", r->thd_distinct_src.val);
		fputs("}\n", out);
	}
	if (!r->enabled)
		fputs("    enabled: false\n", out);
	if (r->excs)
		fputs("    exceptions:\n", out);
	for (e = r->excs; e; e = e->next)
		show_exception(out, e);
}

void vg_policy_show(const struct vg_policy *p, FILE *out)
{
	size_t i, n_src = vg_policy_n_sources(p);

	fprintf(out, "# vigil policy show: %zu rules, %zu enabled. Sources, in order:\n",
		p->rules.n, p->active.n);
	for (i = 0; i < n_src; i++) {
		const char *text;
		size_t len;

		fputs("#   ", out);
		comment_text(out, vg_policy_source(p, i, &text, &len));
		fputc('\n', out);
	}
	fputs("# Each definition: where it was defined; then each change to it, oldest first.\n", out);
	show_lists(p, out);
	show_macros(p, out);
	fputs(p->rules.n ? "rules:\n" : "", out);
	for (i = 0; i < p->rules.n; i++)
		show_rule(out, p->rules.v[i]);
}
