/* SPDX-License-Identifier: GPL-2.0 */
/* String hash map; keys are not NUL-terminated and are not copied. */
#ifndef VIGIL_STRMAP_H
#define VIGIL_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vg_strmap_slot {
	const char *key;
	size_t len;
	void *val;
};

struct vg_strmap {
	struct vg_strmap_slot *slots;
	size_t cap, n;
};

uint64_t vg_strmap_hash(const char *s, size_t len);
/* Returns the slot for @key, inserting an empty one (val NULL) when @insert. */
struct vg_strmap_slot *vg_strmap_get(struct vg_strmap *m, const char *key, size_t len, bool insert);
/* Removes slot @s (from vg_strmap_get on @m); other slots may move. */
void vg_strmap_del(struct vg_strmap *m, struct vg_strmap_slot *s);
void vg_strmap_free(struct vg_strmap *m);

#endif
