/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy pre-filter's kernel maps (src/bpf/vigil_prefilter.bpf.h):
 * per sensor, the uids, cgroups and executable bit a record's process must
 * have; in the process sensor, the executable trie and the per-process
 * bits it computes at exec. Filled from the neutral lib/kernel_spec.h.
 */
#ifndef VIGIL_SENSOR_PREFILTER_H
#define VIGIL_SENSOR_PREFILTER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/types.h>
#include "lib/kernel_spec.h"
#include "sensors/sensor.h"

/* Turns @s's filter off: every record passes. Safe on a sensor without the maps. */
int vg_pf_off(struct vg_sensor *s);

/* What one sensor's filter requires; NULL arrays leave that dimension off. */
struct vg_pf_spec {
	const uint64_t *uids;
	size_t n_uids;
	const uint64_t *cgroups;
	size_t n_cgroups;
	bool exe;		/* the process must carry @exe_bit */
	uint32_t exe_bit;
	uint32_t gen;
};

/* Fills @s's value maps, then switches the filter on (off first: never a half state). */
int vg_pf_set(struct vg_sensor *s, const struct vg_pf_spec *spec);

/*
 * Loads @f into the process sensor's trie for generation @gen, then gives
 * every running process its bits (from /proc) so that processes older than
 * the policy are filtered too. The sensors' filters must be off meanwhile.
 */
int vg_pf_exe_load(struct vg_sensor *process, const struct vg_exe_filter *f, uint32_t gen);

/* Sets @s's record type switches from @spec; types @s does not send are skipped. */
int vg_pf_apply_types(struct vg_sensor *s, const struct vg_kernel_spec *spec);

/*
 * A sensor's whole share when it has no map of its own: its type switches,
 * then its uid, cgroup and executable filter as sensor @id (left off when
 * every event is wanted).
 */
int vg_pf_apply(struct vg_sensor *s, enum vg_sensor_id id, const struct vg_kernel_spec *spec);

/* The kernel's dev_t encoding (MKDEV: 12-bit major, 20-bit minor) of a stat st_dev. */
__u32 vg_kernel_dev(dev_t d);

#endif
