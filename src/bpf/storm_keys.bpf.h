/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The storm map, defined once for its two users: the file sensor's hooks
 * count into it (vigil_ratelimit.bpf.h) and the flush program, a separate
 * object whose loader reuses the sensor's fd, drains it (storm_flush.bpf.c).
 */
#ifndef VIGIL_STORM_KEYS_BPF_H
#define VIGIL_STORM_KEYS_BPF_H

#include "storm.h"

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VG_STORM_KEYS);
	__type(key, struct vg_storm_key);
	__type(value, struct vg_storm_state);
} storm_keys SEC(".maps");

#endif
