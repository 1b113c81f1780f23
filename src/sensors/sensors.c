// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "sensors/sensor_priv.h"
#include "sensors/sensor_file.h"
#include "sensors/sensor_net.h"
#include "sensors/sensor_process.h"
#include "sensors/sensor_seccomp.h"
#include "sensors/sensors.h"

const struct vg_sensor_desc *const vg_all_sensors[] = {
	&vg_process_sensor,
	&vg_priv_sensor,
	&vg_file_sensor,
	&vg_net_sensor,
	&vg_seccomp_sensor,
};

const int vg_n_sensors = sizeof(vg_all_sensors) / sizeof(vg_all_sensors[0]);

const struct vg_sensor_desc *vg_sensor_find(const char *name)
{
	int i;

	for (i = 0; i < vg_n_sensors; i++)
		if (!strcmp(vg_all_sensors[i]->name, name))
			return vg_all_sensors[i];
	return NULL;
}
