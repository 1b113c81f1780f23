// SPDX-License-Identifier: GPL-2.0
/* String hash map: open addressing, FNV-1a, load kept under 3/4. */
#include <stdlib.h>
#include <string.h>
#include "lib/strmap.h"

uint64_t vg_strmap_hash_more(uint64_t h, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

uint64_t vg_strmap_hash(const char *s, size_t len)
{
	return vg_strmap_hash_more(VG_STRMAP_HASH_INIT, s, len);
}

static struct vg_strmap_slot *probe_hashed(struct vg_strmap_slot *slots, size_t cap,
					   const char *key, size_t len, uint64_t hash)
{
	size_t i = hash & (cap - 1);

	for (;; i = (i + 1) & (cap - 1)) {
		struct vg_strmap_slot *s = &slots[i];

		if (!s->key || (s->len == len && !memcmp(s->key, key, len)))
			return s;
	}
}

static struct vg_strmap_slot *probe(struct vg_strmap_slot *slots, size_t cap, const char *key,
				 size_t len)
{
	return probe_hashed(slots, cap, key, len, vg_strmap_hash(key, len));
}

struct vg_strmap_slot *vg_strmap_find_hashed(const struct vg_strmap *m, const char *key,
					     size_t len, uint64_t hash)
{
	struct vg_strmap_slot *s;

	if (!m->cap)
		return NULL;
	s = probe_hashed(m->slots, m->cap, key, len, hash);
	return s->key ? s : NULL;
}

struct vg_strmap_slot *vg_strmap_get(struct vg_strmap *m, const char *key, size_t len, bool insert)
{
	struct vg_strmap_slot *s;
	size_t i;

	if (!m->cap) {
		if (!insert)
			return NULL;
		m->slots = calloc(16, sizeof(*m->slots));
		if (!m->slots)
			return NULL;
		m->cap = 16;
	}
	s = probe(m->slots, m->cap, key, len);
	if (s->key || !insert)
		return s->key ? s : NULL;
	if ((m->n + 1) * 4 > m->cap * 3) {	/* keep load under 3/4 */
		struct vg_strmap_slot *ns = calloc(m->cap * 2, sizeof(*ns));

		if (!ns)
			return NULL;
		for (i = 0; i < m->cap; i++)
			if (m->slots[i].key)
				*probe(ns, m->cap * 2, m->slots[i].key, m->slots[i].len) = m->slots[i];
		free(m->slots);
		m->slots = ns;
		m->cap *= 2;
		s = probe(m->slots, m->cap, key, len);
	}
	s->key = key ? key : "";
	s->len = len;
	s->val = NULL;
	m->n++;
	return s;
}

/* Backward-shift deletion: later entries of the probe run move up, no tombstones. */
void vg_strmap_del(struct vg_strmap *m, struct vg_strmap_slot *s)
{
	size_t mask = m->cap - 1, i = (size_t)(s - m->slots), j = i, home;

	for (;;) {
		j = (j + 1) & mask;
		if (!m->slots[j].key)
			break;
		home = vg_strmap_hash(m->slots[j].key, m->slots[j].len) & mask;
		/* Entry j may fill the hole at i unless its home lies cyclically in (i, j]. */
		if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].key = NULL;
	m->slots[i].val = NULL;
	m->n--;
}

void vg_strmap_free(struct vg_strmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}
