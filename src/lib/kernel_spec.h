/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's share of a compiled policy, as plain data: what each sensor
 * sends, filters and decides at its hooks. The policy compiler fills it
 * knowing no sensor (vg_policy_kernel_spec); each sensor applies its own
 * part to its own maps (struct vg_sensor_desc.apply_policy). Neither layer
 * owns this header, so neither includes the other's.
 */
#ifndef VIGIL_KERNEL_SPEC_H
#define VIGIL_KERNEL_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bpf/vigil_abi.h"

/* Which sensor emits a record kind: the kernel pre-filter is per sensor. */
enum vg_sensor_id { VG_SENSOR_PROCESS, VG_SENSOR_FILE, VG_SENSOR_NETWORK, VG_SENSOR_PRIV,
		    VG_SENSOR_MAX };

struct vg_ip {
	uint8_t v4;		/* 1: IPv4 (held v4-mapped in addr) */
	uint8_t addr[16];
};

struct vg_cidr {
	struct vg_ip net;
	unsigned prefix;	/* bits of the v4-mapped address */
};

#endif
