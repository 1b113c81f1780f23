/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prometheus text exposition format (version 0.0.4): a family's HELP and
 * TYPE lines, then its samples with escaped label values.
 */
#ifndef VIGIL_PROM_H
#define VIGIL_PROM_H

#include <stddef.h>
#include <stdint.h>
#include "lib/json.h"

#define VG_PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct vg_prom_label {
	const char *name;
	const char *value;
};

/* "# HELP name help" and "# TYPE name type" (counter, gauge). */
void vg_prom_family(struct vg_buf *b, const char *name, const char *type, const char *help);
/* name{l1="v1",...} value */
void vg_prom_sample(struct vg_buf *b, const char *name, const struct vg_prom_label *labels,
		    size_t n_labels, uint64_t value);
/* A family with one unlabelled sample. */
void vg_prom_one(struct vg_buf *b, const char *name, const char *type, const char *help,
		 uint64_t value);

#endif
