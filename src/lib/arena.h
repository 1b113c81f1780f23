/* SPDX-License-Identifier: GPL-2.0 */
/* Arena: everything allocated from one is freed at once (a compiled policy). */
#ifndef VIGIL_ARENA_H
#define VIGIL_ARENA_H

#include <stddef.h>

struct vg_arena_chunk;

struct vg_arena {
	struct vg_arena_chunk *head;
};

void *vg_arena_alloc(struct vg_arena *a, size_t size);	/* zeroed; NULL on ENOMEM */
char *vg_arena_strndup(struct vg_arena *a, const char *s, size_t len);
void vg_arena_free(struct vg_arena *a);

#endif
