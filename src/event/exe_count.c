// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include "event/exe_count.h"
#include "lib/strmap.h"

struct node {
	uint64_t h;
	uint32_t n;
	struct node *next;
};

struct vg_exe_count {
	struct node **buckets;
	size_t n_buckets;	/* power of two */
	size_t size;
};

struct vg_exe_count *vg_exe_count_new(size_t expected)
{
	struct vg_exe_count *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->n_buckets = 16;
	while (s->n_buckets < expected)
		s->n_buckets <<= 1;
	s->buckets = calloc(s->n_buckets, sizeof(*s->buckets));
	if (!s->buckets) {
		free(s);
		return NULL;
	}
	return s;
}

void vg_exe_count_free(struct vg_exe_count *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n_buckets; i++) {
		struct node *n = s->buckets[i], *next;

		for (; n; n = next) {
			next = n->next;
			free(n);
		}
	}
	free(s->buckets);
	free(s);
}

uint64_t vg_exe_count_hash(const char *path, size_t len)
{
	return vg_strmap_hash(path, len);
}

static struct node **find(const struct vg_exe_count *s, uint64_t h)
{
	struct node **pp = &s->buckets[h & (s->n_buckets - 1)];

	while (*pp && (*pp)->h != h)
		pp = &(*pp)->next;
	return pp;
}

int vg_exe_count_add(struct vg_exe_count *s, uint64_t h)
{
	struct node **pp = find(s, h);

	if (*pp) {
		(*pp)->n++;
		return 0;
	}
	*pp = calloc(1, sizeof(**pp));
	if (!*pp)
		return -ENOMEM;
	(*pp)->h = h;
	(*pp)->n = 1;
	s->size++;
	return 0;
}

void vg_exe_count_del(struct vg_exe_count *s, uint64_t h)
{
	struct node **pp = find(s, h), *n = *pp;

	if (!n)
		return;
	if (--n->n == 0) {
		*pp = n->next;
		free(n);
		s->size--;
	}
}

uint32_t vg_exe_count_get(const struct vg_exe_count *s, uint64_t h)
{
	struct node **pp = find(s, h);

	return *pp ? (*pp)->n : 0;
}

size_t vg_exe_count_size(const struct vg_exe_count *s)
{
	return s->size;
}
