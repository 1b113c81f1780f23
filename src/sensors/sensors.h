/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Registry of every sensor, in the order the agent loads them and
 * `vigil probe` reports them. A new sensor adds one line to sensors.c.
 */
#ifndef VIGIL_SENSORS_H
#define VIGIL_SENSORS_H

#include "sensors/sensor.h"

extern const struct vg_sensor_desc *const vg_all_sensors[];
extern const int vg_n_sensors;

/* The descriptor called @name ("process"), or NULL. */
const struct vg_sensor_desc *vg_sensor_find(const char *name);

#endif
