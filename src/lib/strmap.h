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
/*
 * The hash grown by @len more bytes: the hash of a string's prefixes one
 * after another, each from the last (VG_STRMAP_HASH_INIT: the empty one).
 */
#define VG_STRMAP_HASH_INIT 1469598103934665603ull
uint64_t vg_strmap_hash_more(uint64_t h, const char *s, size_t len);
/* Looks @key up (no insert) by @hash, its vg_strmap_hash. */
struct vg_strmap_slot *vg_strmap_find_hashed(const struct vg_strmap *m, const char *key,
					     size_t len, uint64_t hash);
/* Returns the slot for @key, inserting an empty one (val NULL) when @insert. */
struct vg_strmap_slot *vg_strmap_get(struct vg_strmap *m, const char *key, size_t len, bool insert);
/* Removes slot @s (from vg_strmap_get on @m); other slots may move. */
void vg_strmap_del(struct vg_strmap *m, struct vg_strmap_slot *s);
void vg_strmap_free(struct vg_strmap *m);

#endif
