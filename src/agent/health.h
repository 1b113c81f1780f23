/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /healthz: 200 while every sensor is attached, the consumer keeps up (no
 * record lost in the last VG_HEALTH_LOSS_WINDOW_S seconds) and every
 * output is delivering; else 503. The body says which, as JSON.
 */
#ifndef VIGIL_HEALTH_H
#define VIGIL_HEALTH_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include "agent/agent.h"

#define VG_HEALTH_LOSS_WINDOW_S 10

struct vg_health {
	pthread_mutex_t lock;
	uint64_t last_lost, last_loss_ns;	/* when the lost count last grew */
};

void vg_health_init(struct vg_health *h);
bool vg_health_check(struct vg_health *h, struct vg_agent *a, struct vg_buf *body);

#endif
