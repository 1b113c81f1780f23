// SPDX-License-Identifier: GPL-2.0
/* Growable array of pointers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "lib/ptrvec.h"

int vg_ptrvec_push(struct vg_ptrvec *pv, void *p)
{
	if (pv->n == pv->cap) {
		size_t cap = pv->cap ? pv->cap * 2 : 8;
		void **v = realloc(pv->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		pv->v = v;
		pv->cap = cap;
	}
	pv->v[pv->n++] = p;
	return 0;
}

void vg_ptrvec_free(struct vg_ptrvec *pv)
{
	free(pv->v);
	memset(pv, 0, sizeof(*pv));
}
