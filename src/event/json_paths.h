/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The record tables' JSON paths, split once: the JSON writer
 * (event_format.c) opens and closes objects between two rows by comparing
 * their prefixes, and re-splitting every dotted path of every event cost a
 * fifth of an exported event's formatting.
 */
#ifndef VIGIL_EVENT_JSON_PATHS_H
#define VIGIL_EVENT_JSON_PATHS_H

#include <stdint.h>
#include "event/fields.h"

#define VG_JSON_PATH_DEPTH 8

struct vg_json_path {
	uint8_t n;				/* segments: "a.b.c" has 3; 0: not split */
	uint8_t start[VG_JSON_PATH_DEPTH];	/* where segment i starts in the path */
	uint8_t len[VG_JSON_PATH_DEPTH];
	/* One number per distinct text of path[0 .. end of segment i]: two rows
	 * share an object at depth i when these are equal. */
	uint16_t prefix[VG_JSON_PATH_DEPTH];
};

/*
 * The split paths of the rows of @t, a record layout's table, in its
 * order; NULL for a table of no layout, or out of memory. A row whose path
 * could not be split has n == 0 (test_events_schema checks that none of
 * any layout has). Thread-safe: built once.
 */
const struct vg_json_path *vg_json_paths_of(const struct vg_rec_table *t);

#endif
