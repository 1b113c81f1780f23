/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The glue between a bpftool skeleton and a sensor descriptor, written once.
 * VG_SENSOR_SKEL(sensor_process_bpf) defines sensor_process_bpf_open(),
 * sensor_process_bpf_object(), sensor_process_bpf_load() and
 * sensor_process_bpf_destroy(), the untyped open/object/load/destroy a
 * struct vg_sensor_desc takes;
 * VG_SENSOR_SKEL_OPS(sensor_process_bpf) names them in its initializer.
 * Include the skeleton's header first.
 */
#ifndef VIGIL_SENSOR_SKEL_H
#define VIGIL_SENSOR_SKEL_H

#include "sensors/sensor.h"

#define VG_SENSOR_SKEL(skel)						\
	static void *skel##_open(void)					\
	{								\
		return skel##__open();					\
	}								\
	static struct bpf_object *skel##_object(void *s)		\
	{								\
		return ((struct skel *)s)->obj;				\
	}								\
	static int skel##_load(void *s)					\
	{								\
		return skel##__load(s);					\
	}								\
	static void skel##_destroy(void *s)				\
	{								\
		skel##__destroy(s);					\
	}								\
	struct skel	/* takes the caller's semicolon */

#define VG_SENSOR_SKEL_OPS(skel)					\
	.open = skel##_open, .object = skel##_object, .load = skel##_load,	\
	.destroy = skel##_destroy

/* .variants and .n_variants of a descriptor from one array. */
#define VG_SENSOR_VARIANTS(v)						\
	.variants = (v), .n_variants = sizeof(v) / sizeof((v)[0])

#endif
