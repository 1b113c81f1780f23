// SPDX-License-Identifier: GPL-2.0
/*
 * Sequence rules (policy_sequence.h). Per rule and key one entry holds, for
 * each step but the last, when the latest chain that got through that step
 * started and which event got it there: a later start is always the better
 * one to keep (it expires last), so one slot per step is enough and memory
 * per key is fixed. Entries sit on a least-recently-used list; at
 * VG_SEQUENCE_MAX_KEYS the oldest goes (counted when still live).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "policy/policy_diag.h"
#include "policy/policy_expr.h"
#include "policy/policy_merge.h"
#include "policy/policy_feed.h"
#include "policy/policy_sequence.h"
#include "policy/policy_threshold.h"

struct seq_at {
	uint64_t start;		/* when the chain's first step matched */
	uint64_t gen;		/* the event that got it this far; 0: no chain */
};

struct seq_ent {
	struct seq_ent *prev, *next;
	uint64_t touched;
	size_t key_len;
	char *key;		/* after the steps' slots */
	struct seq_at at[];	/* n_steps - 1 */
};

static size_t ent_bytes(const struct vg_rule *r, size_t key_len)
{
	return sizeof(struct seq_ent) + (r->n_steps - 1) * sizeof(struct seq_at) + key_len + 1;
}

int vg_sequence_add_step(struct vg_policy *p, struct vg_rule *r, struct pos pos,
			 struct vg_rule **out)
{
	struct vg_rule **steps, *st;

	*out = NULL;
	if (r->n_steps == VG_POLICY_MAX_SEQUENCE_STEPS) {
		vg_diag_at(p, true, pos, "split it into two rules",
			   "a sequence has at most %d steps", VG_POLICY_MAX_SEQUENCE_STEPS);
		return 0;
	}
	steps = vg_arena_alloc(&p->arena, (r->n_steps + 1) * sizeof(*steps));
	st = vg_arena_alloc(&p->arena, sizeof(*st));
	if (!steps || !st)
		return -ENOMEM;
	memset(st, 0, sizeof(*st));
	if (r->n_steps)
		memcpy(steps, r->steps, r->n_steps * sizeof(*steps));
	st->seq_of = r;
	st->seq_step = r->n_steps;
	st->pos = pos;
	st->enabled = true;
	steps[r->n_steps++] = st;
	r->steps = steps;
	*out = st;
	return 0;
}

/* A step's condition and key fields; errors are diagnostics. */
static int compile_step(struct vg_policy *p, struct vg_rule *r, struct vg_rule *st)
{
	st->name = r->name;
	st->description = r->description;
	if (!st->kinds) {
		vg_diag_at(p, true, st->pos, "add event: exec (or a list of kinds)",
			   "rule '%s': step %zu has no event", r->name, st->seq_step + 1);
		return 0;
	}
	if (st->has_cond) {
		st->cond = vg_expr_compile(p, st, vg_merge_rule_ast(p, st));
	} else if ((st->cond = vg_arena_alloc(&p->arena, sizeof(*st->cond)))) {
		memset(st->cond, 0, sizeof(*st->cond));
		st->cond->kind = N_CONST;
		st->cond->value = true;
	}
	if (!st->cond)
		return p->n_errors ? 0 : -ENOMEM;
	if (!st->n_seq_keys) {	/* the sequence's key */
		st->seq_key_src = r->seq_key_src;
		st->n_seq_keys = r->n_seq_keys;
		st->seq_keys = vg_arena_alloc(&p->arena, (st->n_seq_keys + 1) * sizeof(*st->seq_keys));
		if (!st->seq_keys)
			return -ENOMEM;
	}
	if (st->n_seq_keys != st->seq_of->steps[0]->n_seq_keys)
		vg_diag_at(p, true, st->pos, "give every step as many key fields, in the same order",
			   "rule '%s': step %zu has %zu key fields, step 1 has %zu", r->name,
			   st->seq_step + 1, st->n_seq_keys, st->seq_of->steps[0]->n_seq_keys);
	return vg_rule_key_fields_compile(p, st, st->seq_key_src, st->n_seq_keys, st->seq_keys,
					  "sequence key");
}

int vg_sequence_compile(struct vg_policy *p, struct vg_rule *r)
{
	size_t i;
	int err;

	if (r->n_steps < 2 || !r->seq_within_ns) {
		vg_diag_at(p, true, r->pos, "e.g. sequence: {within: 60s, steps: [{event: open}, {event: exec}]}",
			   "rule '%s': a sequence needs 'within' and at least two steps", r->name);
		return 0;
	}
	if (r->has_cond)
		vg_diag_at(p, true, vg_scalar_pos(&r->cond_src, 0), "put the condition in a step",
			   "rule '%s': a sequence rule has conditions in its steps only", r->name);
	if (r->action == VG_ACT_DENY)
		vg_diag_at(p, true, r->act_pos, "the events are past when the sequence completes",
			   "rule '%s': action 'deny' is not possible for a sequence", r->name);
	for (i = 0; i < r->n_steps; i++) {
		err = compile_step(p, r, r->steps[i]);
		if (err)
			return err;
		r->kinds |= r->steps[i]->kinds;
	}
	return 0;
}

int vg_sequence_matchers(struct vg_policy *p)
{
	size_t i, j;
	int err = vg_provenance_feeder(p);

	for (i = 0; i < p->active.n && !err; i++) {
		struct vg_rule *r = p->active.v[i];

		if (!r->n_steps) {
			err = vg_ptrvec_push(&p->matchers, r);
			continue;
		}
		for (j = 0; j < r->n_steps && !err; j++) {
			r->steps[j]->index = r->index;	/* candidates sort by their rule */
			err = vg_ptrvec_push(&p->matchers, r->steps[j]);
		}
	}
	return err;
}

static void lru_unlink(struct vg_rule *r, struct seq_ent *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		r->seq_head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		r->seq_tail = e->prev;
	e->prev = e->next = NULL;
}

static void lru_front(struct vg_rule *r, struct seq_ent *e, uint64_t now)
{
	if (r->seq_head != e) {
		if (e->prev || e->next || r->seq_tail == e)
			lru_unlink(r, e);
		e->next = r->seq_head;
		if (r->seq_head)
			r->seq_head->prev = e;
		r->seq_head = e;
		if (!r->seq_tail)
			r->seq_tail = e;
	}
	e->touched = now;
}

static void drop(struct vg_policy *p, struct vg_rule *r, struct seq_ent *e)
{
	struct vg_strmap_slot *s = vg_strmap_get(&r->seq, e->key, e->key_len, false);

	if (s)
		vg_strmap_del(&r->seq, s);
	lru_unlink(r, e);
	p->stats.sequence_keys--;
	p->stats.sequence_bytes -= ent_bytes(r, e->key_len);
	free(e);
}

/* Whether @e still holds a chain that can complete (one started within the window). */
static bool live(const struct vg_rule *r, const struct seq_ent *e, uint64_t now)
{
	size_t i;

	for (i = 0; i + 1 < r->n_steps; i++)
		if (e->at[i].gen && now >= e->at[i].start && now - e->at[i].start <= r->seq_within_ns)
			return true;
	return false;
}

/* Makes room for one more key: expired entries first, then the least recently used. */
static void make_room(struct vg_policy *p, struct vg_rule *r, uint64_t now)
{
	int i;

	for (i = 0; i < 2 && r->seq_tail && !live(r, r->seq_tail, now); i++)
		drop(p, r, r->seq_tail);
	if (r->seq.n >= VG_SEQUENCE_MAX_KEYS && r->seq_tail) {
		p->stats.sequence_evicted++;
		drop(p, r, r->seq_tail);
	}
}

static struct seq_ent *new_ent(struct vg_policy *p, struct vg_rule *r, const char *key, size_t len,
			       uint64_t now)
{
	struct seq_ent *e;
	struct vg_strmap_slot *s;

	make_room(p, r, now);
	e = calloc(1, ent_bytes(r, len));
	if (!e)
		return NULL;
	e->key = (char *)&e->at[r->n_steps - 1];
	memcpy(e->key, key, len);
	e->key_len = len;
	s = vg_strmap_get(&r->seq, e->key, len, true);
	if (!s) {
		free(e);
		return NULL;
	}
	s->val = e;
	lru_front(r, e, now);
	p->stats.sequence_keys++;
	p->stats.sequence_bytes += ent_bytes(r, len);
	return e;
}

struct vg_rule *vg_sequence_step(struct vg_policy *p, struct vg_rule *st, struct vg_event_view *v,
				 uint64_t now)
{
	struct vg_rule *r = st->seq_of;
	size_t i = st->seq_step, len;
	struct vg_strmap_slot *s;
	struct seq_ent *e;
	struct seq_at prev;
	char key[1024];

	len = vg_rule_key_format(v, st->seq_keys, st->n_seq_keys, key, sizeof(key));
	if (st->n_seq_keys && len == st->n_seq_keys)
		return NULL;	/* no key value at all: nothing to tie the steps together */
	s = vg_strmap_get(&r->seq, key, len, false);
	e = s ? s->val : NULL;
	if (!i) {
		if (!e && !(e = new_ent(p, r, key, len, now)))
			return NULL;
		e->at[0] = (struct seq_at){ now, p->gen };
		lru_front(r, e, now);
		return NULL;
	}
	if (!e)
		return NULL;
	prev = e->at[i - 1];
	/* One event completes one step: "A then A" needs two events. */
	if (!prev.gen || prev.gen == p->gen || now < prev.start ||
	    now - prev.start > r->seq_within_ns)
		return NULL;
	if (i + 1 == r->n_steps) {
		drop(p, r, e);	/* done: the next alert needs a new chain */
		return r;
	}
	if (!e->at[i].gen || e->at[i].start <= prev.start)
		e->at[i] = (struct seq_at){ prev.start, p->gen };
	lru_front(r, e, now);
	return NULL;
}

void vg_sequence_free(struct vg_policy *p, struct vg_rule *r)
{
	while (r->seq_head)
		drop(p, r, r->seq_head);
	vg_strmap_free(&r->seq);
}
