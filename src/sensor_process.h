/* SPDX-License-Identifier: GPL-2.0 */
/* Process sensor (exec/fork/exit): configuration and descriptor. */
#ifndef VIGIL_SENSOR_PROCESS_H
#define VIGIL_SENSOR_PROCESS_H

#include <stdbool.h>
#include <linux/types.h>
#include "sensor.h"

struct vg_process_cfg {
	bool tgid_on;
	__u32 tgid;
	bool uid_on;
	__u32 uid;
	const char *comm;		/* NULL: any */
	const char *cgroup_path;	/* cgroup v2 directory; NULL: any */
};

extern const struct vg_sensor_desc vg_process_sensor;

#endif
