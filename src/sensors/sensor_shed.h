/* SPDX-License-Identifier: GPL-2.0 */
/* The overhead budget's switch in a sensor's kernel side (src/bpf/vigil_shed.bpf.h). */
#ifndef VIGIL_SENSOR_SHED_H
#define VIGIL_SENSOR_SHED_H

#include <stdbool.h>
#include <stdint.h>
#include "sensors/sensor.h"

/* Sheds record @type at @s's hooks (or stops). 0, -ENOENT (no such map), <0. */
int vg_sensor_set_shed(struct vg_sensor *s, uint16_t type, bool shed);
/* What @s's programs ran in the kernel, summed (needs kernel.bpf_stats_enabled). */
uint64_t vg_sensor_run_time_ns(const struct vg_sensor *s);

#endif
