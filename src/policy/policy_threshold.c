// SPDX-License-Identifier: GPL-2.0
/*
 * Threshold rules (policy_threshold.h): fixed windows per key, each holding
 * the hashes of the distinct values seen (at most count of them), so memory
 * is bounded by VG_THRESHOLD_MAX_KEYS x count per rule and counted in the
 * policy stats. A window alerts once, on the match that reaches count.
 */
#include <stdlib.h>
#include <string.h>
#include "policy/policy_model.h"
#include "policy/policy_threshold.h"

struct thd_ent {
	uint64_t window_start;
	uint32_t n;		/* matches, or distinct values, in this window */
	bool fired;
	size_t key_len;
	uint64_t *seen;		/* value hashes, count of them (distinct rules) */
	char key[];
};

size_t vg_rule_key_format(struct vg_event_view *v, const struct vg_field *const *fields, size_t n,
			  char *key, size_t size)
{
	size_t off = 0, i;

	for (i = 0; i < n && off + 1 < size; i++) {
		off += vg_field_format(v, fields[i], key + off, size - off);
		key[off++] = '\x1f';	/* unit separator: "a b" + "c" differs from "a" + "b c" */
	}
	return off;
}

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static size_t ent_bytes(const struct vg_rule *r, size_t key_len)
{
	/* the key and its NUL, rounded up to 8 for the hashes that follow it */
	return sizeof(struct thd_ent) + ((key_len + 8) & ~(size_t)7) +
	       (r->thd_distinct ? r->thd_count * sizeof(uint64_t) : 0);
}

static struct thd_ent *window_of(struct vg_policy *p, struct vg_rule *r, const char *key,
				 size_t len, uint64_t now)
{
	struct vg_strmap_slot *s = vg_strmap_get(&r->thd, key, len, false);
	struct thd_ent *e;

	if (!s && r->thd.n >= VG_THRESHOLD_MAX_KEYS) {
		len = 0;	/* the shared overflow window */
		s = vg_strmap_get(&r->thd, key, len, false);
	}
	if (s)
		return s->val;
	e = calloc(1, ent_bytes(r, len));
	if (!e)
		return NULL;
	memcpy(e->key, key, len);
	e->key_len = len;
	e->window_start = now;
	if (r->thd_distinct)
		e->seen = (uint64_t *)(e->key + ((len + 8) & ~(size_t)7));
	s = vg_strmap_get(&r->thd, e->key, len, true);
	if (!s) {
		free(e);
		return NULL;
	}
	s->val = e;
	p->stats.threshold_keys++;
	p->stats.threshold_bytes += ent_bytes(r, len);
	return e;
}

/* Whether the distinct field's value of @v is new in @e (and records it). */
static bool new_value(const struct vg_rule *r, struct thd_ent *e, struct vg_event_view *v)
{
	char val[1024];
	size_t len = vg_field_format(v, r->thd_distinct, val, sizeof(val));
	uint64_t h = fnv1a(val, len);
	uint32_t i;

	if (!len)
		return false;	/* no value: nothing to count */
	for (i = 0; i < e->n; i++)
		if (e->seen[i] == h)
			return false;
	if (e->n < r->thd_count)
		e->seen[e->n] = h;
	return true;
}

bool vg_threshold_reached(struct vg_policy *p, struct vg_rule *r, struct vg_event_view *v,
			  uint64_t now_ns)
{
	char key[1024];
	struct thd_ent *e;
	size_t off;

	if (!r->thd_count)
		return true;
	off = vg_rule_key_format(v, r->thd_keys, r->n_thd_keys, key, sizeof(key));
	e = window_of(p, r, key, off, now_ns);
	if (!e)
		return true;	/* never drop an alert for lack of memory */
	if (now_ns < e->window_start || now_ns - e->window_start >= r->thd_per_ns) {
		e->window_start = now_ns;
		e->n = 0;
		e->fired = false;
	}
	if (r->thd_distinct && !new_value(r, e, v))
		return false;
	if (e->n < r->thd_count)
		e->n++;
	if (e->fired || e->n < r->thd_count)
		return false;
	e->fired = true;
	return true;
}

void vg_threshold_free(struct vg_policy *p, struct vg_rule *r)
{
	size_t i;

	for (i = 0; i < r->thd.cap; i++) {
		struct thd_ent *e = r->thd.slots[i].key ? r->thd.slots[i].val : NULL;

		if (!e)
			continue;
		p->stats.threshold_keys--;
		p->stats.threshold_bytes -= ent_bytes(r, e->key_len);
		free(e);
	}
	vg_strmap_free(&r->thd);
}
