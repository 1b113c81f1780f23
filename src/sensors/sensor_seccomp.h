/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Seccomp monitor (bpf/sensor_seccomp.bpf.c): syscalls a seccomp filter
 * killed, trapped or refused with an errno, as VG_EV_SECCOMP_DENY records.
 * Its records are privilege kinds: it takes the privilege sensor's share
 * of a policy (record types, uid/cgroup/executable pre-filter). Its
 * configuration is a struct vg_task_filter (NULL: every process).
 */
#ifndef VIGIL_SENSOR_SECCOMP_H
#define VIGIL_SENSOR_SECCOMP_H

#include "sensors/sensor.h"

extern const struct vg_sensor_desc vg_seccomp_sensor;

#endif
