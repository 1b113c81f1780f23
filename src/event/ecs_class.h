/* SPDX-License-Identifier: GPL-2.0 */
/* ECS event.category / event.type of each record kind (docs/events.md). */
#ifndef VIGIL_ECS_CLASS_H
#define VIGIL_ECS_CLASS_H

#include <stddef.h>
#include "event/fields.h"

struct vg_ecs_class {
	const char *category;		/* one ECS event.category value */
	const char *type[2];		/* ECS event.type values */
	size_t n_type;
};

/* Never NULL: an unknown kind is {"host", {"info"}}. */
const struct vg_ecs_class *vg_ecs_class_of(enum vg_kind k);

#endif
