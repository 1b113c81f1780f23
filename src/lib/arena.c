// SPDX-License-Identifier: GPL-2.0
/* Arena allocation: many small zeroed blocks, freed all at once. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "lib/arena.h"

struct vg_arena_chunk {
	struct vg_arena_chunk *next;
	size_t used, cap;
	max_align_t data[];
};

#define ARENA_CHUNK_BYTES 16384

void *vg_arena_alloc(struct vg_arena *a, size_t size)
{
	struct vg_arena_chunk *c = a->head;
	void *p;

	size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (!c || c->cap - c->used < size) {
		size_t cap = size > ARENA_CHUNK_BYTES ? size : ARENA_CHUNK_BYTES;

		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->used = 0;
		c->cap = cap;
		/* A big one-off allocation goes behind the current chunk to keep its free space. */
		if (a->head && size > ARENA_CHUNK_BYTES) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	p = (char *)c->data + c->used;
	c->used += size;
	memset(p, 0, size);
	return p;
}

char *vg_arena_strndup(struct vg_arena *a, const char *s, size_t len)
{
	char *d = vg_arena_alloc(a, len + 1);

	if (d)
		memcpy(d, s, len);
	return d;
}

void vg_arena_free(struct vg_arena *a)
{
	struct vg_arena_chunk *c = a->head, *next;

	for (; c; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
}
