// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "agent/health_events.h"
#include "event/rec_health.h"

#define SEC_NS 1000000000ULL

static const char *const reason_names[VG_LOSS_MAX] = {
	"ringbuf_full", "too_large", "scratch_busy", "queue_full", "no_memory", "bad_record",
};

union health_buf {
	struct vg_health_rec rec;
	unsigned char bytes[sizeof(struct vg_health_rec) + VG_HEALTH_TAIL_BYTES];
};

static uint64_t sum(const struct vg_loss *l)
{
	uint64_t s = 0;
	int i;

	for (i = 0; i < VG_LOSS_MAX; i++)
		s += l->n[i];
	return s;
}

static void emit_loss(struct vg_health_watch *w, enum vg_health_state state, uint64_t total,
		      vg_health_emit_fn emit, void *arg)
{
	union health_buf b;
	struct vg_health_rec *r = vg_health_rec_init(&b, state);
	int i;

	r->lost = w->episode;
	r->lost_total = total;
	for (i = 0; i < VG_LOSS_MAX; i++)
		if (w->reason_seen[i])
			vg_health_rec_add(r, &r->reasons, reason_names[i]);
	emit(arg, r, r->hdr.size);
}

void vg_health_watch_loss(struct vg_health_watch *w, const struct vg_loss *now_lost,
			  uint64_t now_ns, bool final, vg_health_emit_fn emit, void *arg)
{
	uint64_t lost, total = sum(now_lost);
	bool first = !w->last_ns;
	int i;

	if (!first && !final && now_ns - w->last_ns < SEC_NS)
		return;
	w->last_ns = now_ns;
	lost = total - sum(&w->seen);
	if (first) {
		w->seen = *now_lost;	/* what was lost before the watch began is in the metrics */
		return;
	}
	if (lost) {
		if (!w->losing)
			memset(w->reason_seen, 0, sizeof(w->reason_seen));
		for (i = 0; i < VG_LOSS_MAX; i++)
			if (now_lost->n[i] != w->seen.n[i])
				w->reason_seen[i] = true;
		w->episode = w->losing ? w->episode + lost : lost;
		w->last_loss_ns = now_ns;
		if (!w->losing) {
			w->losing = true;
			emit_loss(w, VG_HEALTH_LOSS_STARTED, total, emit, arg);
		}
	}
	/* At exit an open episode ends too: nothing more can be lost. */
	if (w->losing && (final || now_ns - w->last_loss_ns >= VG_HEALTH_QUIET_S * SEC_NS)) {
		w->losing = false;
		emit_loss(w, VG_HEALTH_LOSS_STOPPED, total, emit, arg);
	}
	w->seen = *now_lost;
}

void vg_health_emit_overhead(const struct vg_overhead_change *chg, vg_health_emit_fn emit,
			     void *arg)
{
	union health_buf b;
	struct vg_health_rec *r = vg_health_rec_init(&b, chg->shed ? VG_HEALTH_SHED :
							  VG_HEALTH_RESTORED);
	char names[sizeof(chg->classes)], *save = NULL, *tok;

	r->tier = (__u32)chg->tier;
	r->overhead_permille = (__u32)(chg->pct * 10.0 + 0.5);
	r->budget_permille = (__u32)(chg->budget_pct * 10.0 + 0.5);
	memcpy(names, chg->classes, sizeof(names));
	names[sizeof(names) - 1] = '\0';
	for (tok = strtok_r(names, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		vg_health_rec_add(r, &r->classes, tok);
	emit(arg, r, r->hdr.size);
}
