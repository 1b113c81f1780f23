// SPDX-License-Identifier: GPL-2.0
/*
 * The record tables' JSON paths, split once (json_paths.h): an index from
 * a table's address to its rows' segments, built from every record layout
 * the first time a record is printed, read-only after that.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "event/decode.h"
#include "event/json_paths.h"

#define SLOTS 512		/* a power of two, over twice the tables of all layouts */
#define MAX_PREFIXES 2048

struct slot {
	const struct vg_rec_table *table;
	struct vg_json_path *paths;	/* one per row */
};

static struct slot *slots;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Distinct prefixes met while building, by text: their number is their index. */
struct prefixes {
	const char *text[MAX_PREFIXES];
	uint8_t len[MAX_PREFIXES];
	unsigned n;
};

static size_t slot_of(const struct vg_rec_table *t)
{
	return ((uintptr_t)t / sizeof(*t) * 0x9e3779b97f4a7c15ull >> 40) & (SLOTS - 1);
}

/* The prefix's number, a new one for a text not met before; false: too many. */
static bool prefix_id(struct prefixes *p, const char *text, size_t len, uint16_t *id)
{
	unsigned i;

	for (i = 0; i < p->n; i++)
		if (p->len[i] == len && !memcmp(p->text[i], text, len)) {
			*id = i;
			return true;
		}
	if (p->n == MAX_PREFIXES)
		return false;
	p->text[p->n] = text;
	p->len[p->n] = len;
	*id = p->n++;
	return true;
}

/* Splits @path at its dots (the last segment keeps any beyond the depth); false: too long. */
static bool split(const char *path, struct vg_json_path *out, struct prefixes *p)
{
	const char *c = path;
	unsigned n = 0;

	if (strlen(path) > UINT8_MAX)
		return false;
	out->start[0] = 0;
	for (;; c++) {
		if (*c && (*c != '.' || n + 1 == VG_JSON_PATH_DEPTH))
			continue;
		out->len[n] = (uint8_t)(c - path - out->start[n]);
		if (!prefix_id(p, path, (size_t)(c - path), &out->prefix[n]))
			return false;
		n++;
		if (!*c)
			break;
		out->start[n] = (uint8_t)(c + 1 - path);
	}
	out->n = (uint8_t)n;
	return true;
}

static void add_table(const struct vg_rec_table *t, struct prefixes *p)
{
	size_t i = slot_of(t), k;
	struct vg_json_path *paths;

	for (k = 0; k < SLOTS && slots[i].table; k++, i = (i + 1) & (SLOTS - 1))
		if (slots[i].table == t)
			return;
	if (k == SLOTS || !(paths = calloc(t->n ? t->n : 1, sizeof(*paths))))
		return;		/* left out: test_events_schema fails */
	for (k = 0; k < t->n; k++)
		if (!t->fields[k].path || !split(t->fields[k].path, &paths[k], p))
			paths[k].n = 0;
	slots[i].table = t;
	slots[i].paths = paths;
}

static void build(void)
{
	struct prefixes *p = calloc(1, sizeof(*p));
	unsigned type;

	slots = p ? calloc(SLOTS, sizeof(*slots)) : NULL;
	if (!slots) {
		free(p);
		return;
	}
	for (type = 0; type < VG_EV_TYPE_MAX; type++) {
		const struct vg_record_desc *d = vg_record_desc(type);
		const struct vg_rec_table *const *t;

		if (!d || !d->layout)
			continue;
		for (t = d->layout->tables; *t; t++)
			add_table(*t, p);
	}
	free(p);
}

const struct vg_json_path *vg_json_paths_of(const struct vg_rec_table *t)
{
	size_t i, k;

	pthread_once(&once, build);
	if (!slots)
		return NULL;
	for (i = slot_of(t), k = 0; k < SLOTS && slots[i].table; k++, i = (i + 1) & (SLOTS - 1))
		if (slots[i].table == t)
			return slots[i].paths;
	return NULL;
}
