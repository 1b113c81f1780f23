// SPDX-License-Identifier: GPL-2.0
/*
 * Evaluation: rules are indexed by event kind and by their most selective
 * literal (an exact string or a prefix of a top-level conjunct), so an event
 * costs a few hash lookups plus the rules that could match, not a scan.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include "event/decode.h"
#include "lib/log.h"
#include "policy/policy_eval.h"
#include "policy/policy_expr.h"
#include "policy/policy_node_eval.h"
#include "policy/policy_model.h"
#include "policy/policy_sequence.h"
#include "policy/policy_threshold.h"

/* ---- index ---- */

/*
 * How good a conjunct is as the rule's index key: exact sets beat prefixes,
 * fewer values beat more, the executable and file paths beat other
 * strings, and numbers (uids, ports: few distinct values) come last.
 * List fields qualify too: each element is looked up.
 */
static int anchor_score(const struct node *n)
{
	size_t i;
	int bonus;

	if (n->kind != N_CMP || !strcmp(n->field->name, "event.action"))
		return -1;
	if (n->field->type == VG_FT_INT || n->field->type == VG_FT_UINT)
		return n->op == OP_EQ && n->n_nums ? 50 - (int)(n->n_nums < 40 ? n->n_nums : 40) : -1;
	if (n->field->type != VG_FT_STR && n->field->type != VG_FT_STRLIST)
		return -1;
	bonus = !strcmp(n->field->name, "process.executable.path") ||
		!strcmp(n->field->name, "file.path") ? 10 : 0;
	if (n->op == OP_EQ && n->set.n)
		return 200 - (int)(n->set.n < 100 ? n->set.n : 100) + bonus;
	if (n->op == OP_STARTS && n->n_strs) {
		for (i = 0; i < n->n_strs; i++)
			if (!n->lens[i])
				return -1;	/* "" prefixes everything */
		return 100 - (int)(n->n_strs < 90 ? n->n_strs : 90) + bonus;
	}
	return -1;
}

/* Numbers are indexed by their decimal text, so one string table serves all. */
static size_t num_key(char *buf, size_t size, const struct vg_field *f, int64_t v)
{
	return f->type == VG_FT_UINT ? (size_t)snprintf(buf, size, "%llu", (unsigned long long)v) :
				       (size_t)snprintf(buf, size, "%lld", (long long)v);
}

static struct node *pick_anchor(struct vg_rule *r)
{
	struct node *const *kids = &r->cond;
	struct node *best = NULL;
	size_t n = 1, i;
	int best_score = -1;

	if (r->cond->kind == N_AND) {
		kids = r->cond->kids;
		n = r->cond->n_kids;
	}
	for (i = 0; i < n; i++) {
		int s = anchor_score(kids[i]);

		if (s > best_score)
			best_score = s, best = kids[i];
	}
	return best;
}

static struct anchor_tab *tab_for(struct kind_index *ki, const struct vg_field *f)
{
	struct anchor_tab *t;
	size_t i;

	for (i = 0; i < ki->n_tabs; i++)
		if (ki->tabs[i].field == f)
			return &ki->tabs[i];
	t = realloc(ki->tabs, (ki->n_tabs + 1) * sizeof(*t));
	if (!t)
		return NULL;
	ki->tabs = t;
	t = &ki->tabs[ki->n_tabs++];
	memset(t, 0, sizeof(*t));
	t->field = f;
	return t;
}

/* A key string owned by the table (numbers' decimal text). */
static const char *strdup_keep(struct anchor_tab *t, const char *s, size_t len)
{
	char *k = malloc(len + 1);

	if (!k || vg_ptrvec_push(&t->keys, k)) {
		free(k);
		return NULL;
	}
	memcpy(k, s, len);
	k[len] = '\0';
	return k;
}

static int add_to(struct vg_strmap *m, const char *key, size_t len, struct vg_rule *r)
{
	struct vg_strmap_slot *s = key ? vg_strmap_get(m, key, len, true) : NULL;

	if (!s)
		return -ENOMEM;
	if (!s->val && !(s->val = calloc(1, sizeof(struct vg_ptrvec))))
		return -ENOMEM;
	return vg_ptrvec_push(s->val, r);
}

static int add_prefix_len(struct anchor_tab *t, size_t len)
{
	size_t i, *v;

	for (i = 0; i < t->n_prefix_lens; i++)
		if (t->prefix_lens[i] == len)
			return 0;
	v = realloc(t->prefix_lens, (t->n_prefix_lens + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	t->prefix_lens = v;
	for (i = t->n_prefix_lens; i > 0 && v[i - 1] > len; i--)
		v[i] = v[i - 1];
	v[i] = len;
	t->n_prefix_lens++;
	return 0;
}

static int index_rule(struct kind_index *ki, struct vg_rule *r)
{
	struct anchor_tab *t;
	struct node *a = r->anchor;
	size_t i;
	int err = 0;

	if (!a)
		return vg_ptrvec_push(&ki->always, r);
	t = tab_for(ki, a->field);
	if (!t)
		return -ENOMEM;
	if (a->n_nums) {
		for (i = 0; i < a->n_nums && !err; i++) {
			char buf[32];
			size_t len = num_key(buf, sizeof(buf), a->field, a->nums[i]);
			struct vg_strmap_slot *sl = vg_strmap_get(&t->exact, buf, len, false);

			/* The table keeps its keys: give it a copy that outlives @buf. */
			err = add_to(&t->exact, sl ? sl->key : strdup_keep(t, buf, len), len, r);
		}
		return err;
	}
	if (a->op == OP_EQ) {
		for (i = 0; i < a->set.cap && !err; i++)
			if (a->set.slots[i].key)
				err = add_to(&t->exact, a->set.slots[i].key, a->set.slots[i].len, r);
		return err;
	}
	for (i = 0; i < a->n_strs && !err; i++) {
		err = add_to(&t->prefix, a->strs[i], a->lens[i], r);
		if (!err)
			err = add_prefix_len(t, a->lens[i]);
	}
	return err;
}

int vg_index_build(struct vg_policy *p)
{
	size_t i;
	int k, err;

	for (i = 0; i < p->matchers.n; i++) {
		struct vg_rule *r = p->matchers.v[i];

		if (r->silent)
			continue;
		r->anchor = pick_anchor(r);
		for (k = 0; k < VG_K_MAX; k++) {
			if (!(r->kinds & VG_KB(k)))
				continue;
			err = index_rule(&p->index[k], r);
			if (err)
				return err;
		}
	}
	return 0;
}

static void free_vec_map(struct vg_strmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		if (m->slots[i].key) {
			vg_ptrvec_free(m->slots[i].val);
			free(m->slots[i].val);
		}
	vg_strmap_free(m);
}

void vg_index_free(struct vg_policy *p)
{
	size_t i;
	int k;

	for (k = 0; k < VG_K_MAX; k++) {
		struct kind_index *ki = &p->index[k];

		for (i = 0; i < ki->n_tabs; i++) {
			free_vec_map(&ki->tabs[i].exact);
			free_vec_map(&ki->tabs[i].prefix);
			free(ki->tabs[i].prefix_lens);
			for (size_t j = 0; j < ki->tabs[i].keys.n; j++)
				free(ki->tabs[i].keys.v[j]);
			vg_ptrvec_free(&ki->tabs[i].keys);
		}
		free(ki->tabs);
		vg_ptrvec_free(&ki->always);
		memset(ki, 0, sizeof(*ki));
	}
	vg_ptrvec_free(&p->cands);
}

/* ---- throttling ---- */

void vg_throttle_free(struct vg_rule *r)
{
	size_t i;

	for (i = 0; i < r->thr.cap; i++)
		if (r->thr.slots[i].key)
			free(r->thr.slots[i].val);
	vg_strmap_free(&r->thr);
}

static bool throttle_same_spec(const struct vg_rule *a, const struct vg_rule *b)
{
	size_t i;

	if (a->thr_count != b->thr_count || a->thr_per_ns != b->thr_per_ns ||
	    a->n_thr_keys != b->n_thr_keys)
		return false;
	/* Registry entries: one pointer per field. Order matters: it builds the key text. */
	for (i = 0; i < a->n_thr_keys; i++)
		if (a->thr_keys[i] != b->thr_keys[i])
			return false;
	return true;
}

static void throttle_spec_format(const struct vg_rule *r, char *buf, size_t size)
{
	size_t off, i;

	if (!r->thr_count) {
		snprintf(buf, size, "none");
		return;
	}
	off = (size_t)snprintf(buf, size, "{count: %llu, per: %llums, key: [",
			       (unsigned long long)r->thr_count,
			       (unsigned long long)(r->thr_per_ns / 1000000));
	for (i = 0; i < r->n_thr_keys && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s%s", i ? ", " : "",
					r->thr_keys[i]->name);
	if (off < size)
		snprintf(buf + off, size - off, "]}");
}

size_t vg_policy_adopt_throttle(struct vg_policy *next, struct vg_policy *old)
{
	size_t i, carried = 0;

	if (!next || !old || next == old)
		return 0;
	for (i = 0; i < next->active.n; i++) {
		struct vg_rule *r = next->active.v[i];
		struct vg_strmap_slot *s = vg_strmap_get(&old->rule_names, r->name, strlen(r->name), false);
		struct vg_rule *o = s ? s->val : NULL;
		char was[256], now[256];

		if (!o || (!o->thr_count && !r->thr_count))
			continue;
		if (!throttle_same_spec(r, o)) {
			throttle_spec_format(o, was, sizeof(was));
			throttle_spec_format(r, now, sizeof(now));
			vg_info("policy reload: rule '%s': throttle changed from %s to %s, "
				"its windows start fresh", r->name, was, now);
			continue;
		}
		/* The windows move, not copy: the map's keys live in its entries. */
		vg_throttle_free(r);
		r->thr = o->thr;
		memset(&o->thr, 0, sizeof(o->thr));
		carried++;
	}
	return carried;
}

/*
 * Fixed windows per key: the first thr_count alerts of a window pass, the
 * rest are counted, and the next alert that passes reports that count.
 */
static bool throttle_pass(struct vg_policy *p, struct vg_rule *r, struct vg_event_view *v,
			  uint64_t now, uint64_t *suppressed)
{
	char key[1024];
	struct vg_strmap_slot *s;
	struct throttle_ent *e;
	size_t off;

	*suppressed = 0;
	if (!r->thr_count)
		return true;
	off = vg_rule_key_format(v, r->thr_keys, r->n_thr_keys, key, sizeof(key));
	s = vg_strmap_get(&r->thr, key, off, false);
	if (!s && r->thr.n >= THROTTLE_MAX_KEYS) {
		off = 0;	/* the shared overflow bucket */
		s = vg_strmap_get(&r->thr, key, off, false);
	}
	if (!s) {
		e = calloc(1, sizeof(*e) + off + 1);
		if (!e)
			return true;	/* never drop an alert for lack of memory */
		memcpy(e->key, key, off);
		e->key_len = off;
		e->window_start = now;
		s = vg_strmap_get(&r->thr, e->key, off, true);
		if (!s) {
			free(e);
			return true;
		}
		s->val = e;
	}
	e = s->val;
	if (now < e->window_start || now - e->window_start >= r->thr_per_ns) {
		e->window_start = now;
		e->count = 0;
	}
	if (e->count < r->thr_count) {
		e->count++;
		*suppressed = e->suppressed;
		e->suppressed = 0;
		return true;
	}
	e->suppressed++;
	p->stats.suppressed++;
	return false;
}

/* ---- output ---- */

static void render(const struct vg_rule *r, struct vg_event_view *v, char *out, size_t size)
{
	size_t off = 0, i, n;

	if (!r->has_out) {
		snprintf(out, size, "%s", *r->description ? r->description : r->name);
		return;
	}
	out[0] = '\0';
	for (i = 0; i < r->n_out && off + 1 < size; i++) {
		const struct tmpl_part *pt = &r->out[i];

		if (pt->text) {
			n = pt->len < size - 1 - off ? pt->len : size - 1 - off;
			memcpy(out + off, pt->text, n);
			off += n;
			out[off] = '\0';
		} else if (!vg_field_format(v, pt->field, out + off, size - off)) {
			off += snprintf(out + off, size - off, "<NA>");
			if (off >= size)
				off = size - 1;
		} else {
			off += strlen(out + off);
		}
	}
}

/* ---- evaluation ---- */

/* What the sensor already did for this rule at the hook, from the record's flags. */
static const char *kernel_outcome(const struct vg_event_view *v, const struct vg_rule *r)
{
	const struct vg_exec *e = (const struct vg_exec *)v->rec;

	if (!v->rec || v->rec->type != VG_EV_EXEC || !r->kernel_decidable || e->rule_id != r->index)
		return NULL;
	if (v->rec->flags & VG_HF_KILLED)
		return "killed in kernel";
	if (v->rec->flags & VG_HF_WOULD_KILL)
		return "would have killed (kernel, audit)";
	return NULL;
}

struct lookup_ctx {
	struct vg_policy *p;
	const struct anchor_tab *t;
	int err;
};

static void add_cands(struct lookup_ctx *c, const struct vg_strmap_slot *s)
{
	const struct vg_ptrvec *pv;
	size_t i;

	if (!s)
		return;
	pv = s->val;
	for (i = 0; i < pv->n; i++) {
		struct vg_rule *r = pv->v[i];

		if (r->seen_gen == c->p->gen)
			continue;
		r->seen_gen = c->p->gen;
		if (vg_ptrvec_push(&c->p->cands, r))
			c->err = -ENOMEM;
	}
}

/* @u in decimal, written backwards from @end; returns where it starts (as "%llu", unpadded). */
static char *dec_u64(char *end, uint64_t u)
{
	do {
		*--end = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	return end;
}

static char *dec_i64(char *end, int64_t i)
{
	char *p = dec_u64(end, i < 0 ? 0 - (uint64_t)i : (uint64_t)i);

	if (i < 0)
		*--p = '-';
	return p;
}

static bool lookup_value(const struct vg_value *val, void *arg)
{
	struct lookup_ctx *c = arg;
	const struct anchor_tab *t = c->t;
	uint64_t h = VG_STRMAP_HASH_INIT;
	size_t i, hashed = 0;

	if (val->type == VG_FT_UINT || val->type == VG_FT_INT) {
		char buf[24];
		const char *num = val->type == VG_FT_UINT ? dec_u64(buf + sizeof(buf), val->u) :
				  dec_i64(buf + sizeof(buf), val->i);

		add_cands(c, vg_strmap_get((struct vg_strmap *)&t->exact, num,
					   (size_t)(buf + sizeof(buf) - num), false));
		return false;
	}
	if (val->type != VG_FT_STR && val->type != VG_FT_STRLIST)
		return false;
	/*
	 * Each prefix's hash grows from the last, and the whole value's from
	 * the longest prefix: the value is hashed once, not once per length.
	 * (Candidates are sorted afterwards: the order they come in is free.)
	 */
	for (i = 0; i < t->n_prefix_lens && t->prefix_lens[i] <= val->s.len; i++) {
		h = vg_strmap_hash_more(h, val->s.p + hashed, t->prefix_lens[i] - hashed);
		hashed = t->prefix_lens[i];
		add_cands(c, vg_strmap_find_hashed(&t->prefix, val->s.p, hashed, h));
	}
	h = vg_strmap_hash_more(h, val->s.p + hashed, val->s.len - hashed);
	add_cands(c, vg_strmap_find_hashed(&t->exact, val->s.p, val->s.len, h));
	return false;	/* visit every value */
}

#define INSERTION_SORT_MAX 32

/*
 * Candidates in rule order. Usually a few, and the always-rules come
 * first already sorted: an insertion sort, qsort beyond a few dozen.
 */
static int by_index(const void *a, const void *b);

static void sort_cands(struct vg_rule **v, size_t n)
{
	size_t i, j;

	if (n > INSERTION_SORT_MAX) {
		qsort(v, n, sizeof(*v), by_index);
		return;
	}
	for (i = 1; i < n; i++) {
		struct vg_rule *r = v[i];

		for (j = i; j > 0 && v[j - 1]->index > r->index; j--)
			v[j] = v[j - 1];
		v[j] = r;
	}
}

static int by_index(const void *a, const void *b)
{
	const struct vg_rule *x = *(const struct vg_rule *const *)a;
	const struct vg_rule *y = *(const struct vg_rule *const *)b;

	return (x->index > y->index) - (x->index < y->index);
}

/*
 * A storm's aggregate record (vigil.suppressed): it reports events the
 * kernel already held, at most one per storm key and second; throttling
 * it would lose their count from the alerts.
 */
static bool storm_aggregate(const struct vg_event_view *v)
{
	return v->rec && vg_rec_held(v->rec);
}

/* Fills @a for @r firing on @v; false when throttling holds it back. */
static bool make_alert(struct vg_policy *p, struct vg_rule *r, struct vg_event_view *v,
		       uint64_t now_ns, struct vg_alert *a)
{
	memset(a, 0, offsetof(struct vg_alert, message));
	if (!vg_threshold_reached(p, r, v, now_ns))
		return false;
	if (!storm_aggregate(v) && !throttle_pass(p, r, v, now_ns, &a->suppressed))
		return false;
	a->rule = r;
	a->rule_name = r->name;
	a->description = r->description;
	a->severity = r->severity;
	a->tags = r->tags;
	a->n_tags = r->n_tags;
	a->mode = r->mode;
	a->action = r->action;
	a->kernel_decidable = r->kernel_decidable;
	a->ts_ns = now_ns;
	a->outcome = kernel_outcome(v, r);
	a->action_latency_ns = 0;
	render(r, v, a->message, sizeof(a->message));
	return true;
}

int vg_policy_alert_rule(struct vg_policy *p, uint32_t rule_id, struct vg_event_view *v,
		      uint64_t now_ns, const char *outcome, vg_alert_cb cb, void *ctx)
{
	struct vg_alert a;
	size_t i;

	if (!p->compiled || p->n_errors)
		return -EINVAL;
	for (i = 0; i < p->active.n; i++) {
		struct vg_rule *r = p->active.v[i];

		if (r->index != rule_id)
			continue;
		if (!make_alert(p, r, v, now_ns, &a))
			return 0;
		a.outcome = outcome;
		p->stats.alerts++;
		if (cb)
			cb(&a, v, ctx);
		return 1;
	}
	return -ENOENT;
}

int vg_policy_eval(struct vg_policy *p, struct vg_event_view *v, uint64_t now_ns,
		vg_alert_cb cb, void *ctx)
{
	struct lookup_ctx lc = { .p = p };
	struct kind_index *ki;
	struct vg_alert a;
	size_t i;
	int n = 0;

	if (!p->compiled || p->n_errors || (unsigned)v->kind >= VG_K_MAX)
		return -EINVAL;
	ki = &p->index[v->kind];
	p->stats.events++;
	p->gen++;
	p->cands.n = 0;
	for (i = 0; i < ki->always.n; i++) {
		struct vg_rule *r = ki->always.v[i];

		r->seen_gen = p->gen;
		if (vg_ptrvec_push(&p->cands, r))
			return -ENOMEM;
	}
	for (i = 0; i < ki->n_tabs; i++) {
		lc.t = &ki->tabs[i];
		vg_field_each(v, lc.t->field, lookup_value, &lc);
	}
	if (lc.err)
		return lc.err;
	if (ki->n_tabs && p->cands.n > 1)
		sort_cands((struct vg_rule **)p->cands.v, p->cands.n);
	for (i = 0; i < p->cands.n; i++) {
		struct vg_rule *r = p->cands.v[i];

		p->stats.rule_evals++;
		if (!vg_node_eval(r->cond, v))
			continue;
		if (r->seq_of && !(r = vg_sequence_step(p, r, v, now_ns)))
			continue;	/* a step: its sequence alerts once complete */
		if (!make_alert(p, r, v, now_ns, &a))
			continue;
		p->stats.alerts++;
		n++;
		if (cb && cb(&a, v, ctx))
			break;
	}
	return n;
}

uint32_t vg_policy_rule_id(const struct vg_rule *r)
{
	return r->index;
}

void vg_policy_get_stats(const struct vg_policy *p, struct vg_policy_stats *st)
{
	*st = p->stats;
}
