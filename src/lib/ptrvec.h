/* SPDX-License-Identifier: GPL-2.0 */
/* Growable array of pointers. */
#ifndef VIGIL_PTRVEC_H
#define VIGIL_PTRVEC_H

#include <stddef.h>

struct vg_ptrvec {
	void **v;
	size_t n, cap;
};

int vg_ptrvec_push(struct vg_ptrvec *pv, void *p);	/* 0 or -ENOMEM */
void vg_ptrvec_free(struct vg_ptrvec *pv);

#endif
