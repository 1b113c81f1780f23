// SPDX-License-Identifier: GPL-2.0
/* Matcher nodes (policy_expr.c) evaluated against one event. */
#include <fnmatch.h>
#include <string.h>
#include "policy/policy_node_eval.h"

static bool match_value(const struct vg_value *val, void *ctx)
{
	const struct node *n = ctx;
	char buf[VG_MAX_PATH_BYTES];
	size_t i, len;

	switch (val->type) {
	case VG_FT_STR:
	case VG_FT_STRLIST:
		switch (n->op) {
		case OP_EQ:
			return vg_strmap_get((struct vg_strmap *)&n->set, val->s.p, val->s.len, false);
		case OP_STARTS:
			for (i = 0; i < n->n_strs; i++)
				if (val->s.len >= n->lens[i] && !memcmp(val->s.p, n->strs[i], n->lens[i]))
					return true;
			return false;
		case OP_ENDS:
			for (i = 0; i < n->n_strs; i++)
				if (val->s.len >= n->lens[i] &&
				    !memcmp(val->s.p + val->s.len - n->lens[i], n->strs[i], n->lens[i]))
					return true;
			return false;
		case OP_CONTAINS:
			for (i = 0; i < n->n_strs; i++)
				if (memmem(val->s.p, val->s.len, n->strs[i], n->lens[i]))
					return true;
			return false;
		case OP_GLOB:
			len = val->s.len < sizeof(buf) ? val->s.len : sizeof(buf) - 1;
			memcpy(buf, val->s.p, len);
			buf[len] = '\0';
			for (i = 0; i < n->n_strs; i++)
				if (!fnmatch(n->strs[i], buf, 0))
					return true;
			return false;
		default:
			return false;
		}
	case VG_FT_INT:
	case VG_FT_UINT: {
		/* Literals of uint fields were checked non-negative: compare unsigned. */
		bool u = val->type == VG_FT_UINT;
		int64_t x = u ? (int64_t)val->u : val->i;

#define CMPV(l) (u ? ((uint64_t)x > (uint64_t)(l)) - ((uint64_t)x < (uint64_t)(l)) : \
		 (x > (l)) - (x < (l)))
		if (n->op == OP_EQ) {
			for (i = 0; i < n->n_nums; i++)
				if (!CMPV(n->nums[i]))
					return true;
			return false;
		}
		if (!n->n_nums)
			return false;
		switch (n->op) {
		case OP_LT: return CMPV(n->nums[0]) < 0;
		case OP_LE: return CMPV(n->nums[0]) <= 0;
		case OP_GT: return CMPV(n->nums[0]) > 0;
		case OP_GE: return CMPV(n->nums[0]) >= 0;
		default: return false;
		}
#undef CMPV
	}
	case VG_FT_IP:
		for (i = 0; i < n->n_cidrs; i++)
			if (vg_field_ip_in_cidr(&val->ip, &n->cidrs[i].net, n->cidrs[i].prefix))
				return true;
		return false;
	}
	return false;
}

bool vg_node_eval(const struct node *n, struct vg_event_view *v)
{
	size_t i;

	switch (n->kind) {
	case N_AND:
		for (i = 0; i < n->n_kids; i++)
			if (!vg_node_eval(n->kids[i], v))
				return false;
		return true;
	case N_OR:
		for (i = 0; i < n->n_kids; i++)
			if (vg_node_eval(n->kids[i], v))
				return true;
		return false;
	case N_NOT:
		return !vg_node_eval(n->kids[0], v);
	case N_CONST:
		return n->value;
	case N_CMP:
		return vg_field_each(v, n->field, match_value, (void *)n);
	}
	return false;
}

bool vg_node_match_str(const struct node *n, const char *s, size_t len)
{
	struct vg_value val = { .type = VG_FT_STR };

	val.s.p = s;
	val.s.len = len;
	return match_value(&val, (void *)n);
}
