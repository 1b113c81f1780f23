/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The record-keyed storm map (storm.h), defined once for its two users: a
 * sensor's hooks count into it (vigil_storm_rec.bpf.h) and the flush
 * program, a separate object whose loader reuses the sensor's fd, drains
 * it (storm_flush.bpf.c). Each sensor that aggregates has its own.
 */
#ifndef VIGIL_STORM_RECS_BPF_H
#define VIGIL_STORM_RECS_BPF_H

#include "storm.h"

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VG_STORM_REC_KEYS);
	__type(key, struct vg_storm_rkey);
	__type(value, struct vg_storm_rstate);
} storm_recs SEC(".maps");

#endif
