// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdio.h>
#include "agent/health.h"
#include "agent/metrics_self.h"
#include "lib/timefmt.h"

void vg_health_init(struct vg_health *h)
{
	pthread_mutex_init(&h->lock, NULL);
	h->last_lost = 0;
	h->last_loss_ns = 0;
}

/* Lost records since the agent started, and whether any went in the window. */
static bool keeps_up(struct vg_health *h, struct vg_agent *a, uint64_t *lost)
{
	struct vg_agent_totals t;
	uint64_t now = vg_boot_now_ns();
	bool ok;

	vg_agent_totals(a, &t);
	*lost = t.lost;
	pthread_mutex_lock(&h->lock);
	if (t.lost != h->last_lost) {
		h->last_lost = t.lost;
		h->last_loss_ns = now;
	}
	ok = !h->last_loss_ns || now - h->last_loss_ns > VG_HEALTH_LOSS_WINDOW_S * 1000000000ull;
	pthread_mutex_unlock(&h->lock);
	return ok;
}

bool vg_health_check(struct vg_health *h, struct vg_agent *a, struct vg_buf *body)
{
	struct vg_buf outs = { 0 };
	char why[128] = "all attached";
	bool sensors = vg_self_sensors_attached(a, why, sizeof(why));
	bool outputs = true;
	uint64_t lost;
	bool consumer = keeps_up(h, a, &lost);
	struct vg_json j;

	if (a->outputs)
		outputs = vg_outputs_healthy(a->outputs, &outs);
	vg_json_init(&j, body);
	vg_json_obj_begin(&j);
	vg_json_key(&j, "status");
	vg_json_cstr(&j, sensors && consumer && outputs ? "ok" : "unhealthy");
	vg_json_key(&j, "sensors");
	vg_json_cstr(&j, why);
	vg_json_key(&j, "consumer");
	if (consumer) {
		vg_json_cstr(&j, "keeping up");
	} else {
		char msg[128];

		snprintf(msg, sizeof(msg), "records lost in the last %d s (%" PRIu64 " in all)",
			 VG_HEALTH_LOSS_WINDOW_S, lost);
		vg_json_cstr(&j, msg);
	}
	vg_json_key(&j, "outputs");
	vg_json_raw(&j, outs.data ? outs.data : "{}", outs.data ? outs.len : 2);
	vg_json_obj_end(&j);
	vg_buf_free(&outs);
	return sensors && consumer && outputs;
}
