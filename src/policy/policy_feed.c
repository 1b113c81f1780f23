// SPDX-License-Identifier: GPL-2.0
/* The file events provenance needs (policy_feed.h), as a rule that never alerts. */
#include <errno.h>
#include <string.h>
#include "event/provenance.h"
#include "policy/policy_feed.h"
#include "policy/policy_model.h"

/* Whether condition @n reads a provenance field (depth bounded by the compiler). */
static bool reads_provenance(const struct node *n)
{
	size_t i;

	if (n->kind == N_CMP)
		return !strncmp(n->field->name, "process.origin.", 15);
	for (i = 0; i < n->n_kids; i++)
		if (reads_provenance(n->kids[i]))
			return true;
	return false;
}

/* A comparison of @field with @op against the NULL-terminated @strs. */
static struct node *cmp(struct vg_policy *p, const char *field, enum op op,
			const char *const *strs)
{
	struct node *n = vg_arena_alloc(&p->arena, sizeof(*n));
	size_t i, k = 0;

	while (strs[k])
		k++;
	if (!n)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->kind = N_CMP;
	n->field = vg_field_lookup(field, strlen(field));
	n->op = op;
	n->strs = vg_arena_alloc(&p->arena, k * sizeof(*n->strs));
	n->lens = vg_arena_alloc(&p->arena, k * sizeof(*n->lens));
	if (!n->field || !n->strs || !n->lens)
		return NULL;
	for (i = 0; i < k; i++) {
		n->strs[i] = strs[i];
		n->lens[i] = strlen(strs[i]);
	}
	n->n_strs = k;
	return n;
}

int vg_provenance_feeder(struct vg_policy *p)
{
	static const char *const changes[] = { "write", "create", "truncate", "rename", "delete",
					       NULL };
	struct vg_rule *r;
	struct node *and;
	size_t i;

	for (i = 0; i < p->active.n; i++) {
		const struct vg_rule *a = p->active.v[i];
		size_t j, n = a->n_steps ? a->n_steps : 1;

		for (j = 0; j < n; j++)
			if (reads_provenance(a->n_steps ? a->steps[j]->cond : a->cond))
				break;
		if (j < n)
			break;
	}
	if (i == p->active.n)
		return 0;
	r = vg_arena_alloc(&p->arena, sizeof(*r));
	and = vg_arena_alloc(&p->arena, sizeof(*and));
	if (!r || !and)
		return -ENOMEM;
	memset(r, 0, sizeof(*r));
	memset(and, 0, sizeof(*and));
	if (!(and->kids = vg_arena_alloc(&p->arena, 2 * sizeof(*and->kids))))
		return -ENOMEM;
	and->kind = N_AND;
	and->n_kids = 2;
	and->kids[0] = cmp(p, "file.paths", OP_STARTS, vg_provenance_prefixes);
	and->kids[1] = cmp(p, "file.access", OP_CONTAINS, changes);
	if (!and->kids[0] || !and->kids[1])
		return -ENOMEM;
	r->name = "(file provenance)";
	r->description = "";
	r->kinds = VG_KB(VG_K_OPEN) | VG_KB(VG_K_RENAME) | VG_KB(VG_K_LINK) | VG_KB(VG_K_UNLINK);
	r->cond = and;
	r->enabled = true;
	r->silent = true;
	return vg_ptrvec_push(&p->matchers, r);
}
