/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Storm aggregation, the sensors' side (src/bpf/storm.h): a sensor's storm
 * maps set from a policy's storm spec, and the flush program that sends
 * what the kernel held as aggregate records.
 */
#ifndef VIGIL_STORM_FLUSH_H
#define VIGIL_STORM_FLUSH_H

#include <stdbool.h>
#include "lib/kernel_spec.h"
#include "sensors/sensor.h"

/*
 * Sets the storm maps of file sensor @s from @st (off when @every_event:
 * every record was asked for). Aggregation is off while the never-trie
 * changes. Returns 0 or <0.
 */
int vg_file_storm_apply(struct vg_sensor *s, const struct vg_storm_spec *st, bool every_event);

/*
 * Sets sensor @s's record-keyed storm knobs (storm_rcfg) from @st: the
 * record types the policy lets it hold, off when @every_event. 0 or <0.
 */
int vg_storm_rec_apply(struct vg_sensor *s, const struct vg_storm_spec *st, bool every_event);

struct vg_storm_flush;

/* Loads the flush program on sensor @s's storm maps; NULL (logged) on failure. */
struct vg_storm_flush *vg_storm_flush_open(const struct vg_sensor *s);
/* Sends an aggregate record for every key that held events since the last
 * run. Returns the records sent, or <0. */
int vg_storm_flush_run(struct vg_storm_flush *f);
void vg_storm_flush_close(struct vg_storm_flush *f);

#endif
