/* SPDX-License-Identifier: GPL-2.0 */
/* Process sensor (exec/fork/exit): configuration and descriptor. */
#ifndef VIGIL_SENSOR_PROCESS_H
#define VIGIL_SENSOR_PROCESS_H

#include <stdbool.h>
#include <linux/types.h>
#include "sensor.h"
#include "task_filter.h"

/* Its configuration is a struct vg_task_filter (NULL: every process). */

extern const struct vg_sensor_desc vg_process_sensor;

#endif
