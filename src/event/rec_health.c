// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's health record (VG_EV_HEALTH, kind health; rec_health.h):
 * shedding and restoring by the overhead budget, and the start and end of
 * lost records. Its process is the agent itself.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "event/event_format.h"
#include "event/rec_health.h"
#include "lib/timefmt.h"

#define K_HEALTH VG_KB(VG_K_HEALTH)

static const char *const state_names[] = {
	[VG_HEALTH_SHED] = "shed", [VG_HEALTH_RESTORED] = "restored",
	[VG_HEALTH_LOSS_STARTED] = "loss_started", [VG_HEALTH_LOSS_STOPPED] = "loss_stopped",
};

const char *vg_health_state_name(uint32_t state)
{
	return state < sizeof(state_names) / sizeof(state_names[0]) && state_names[state] ?
	       state_names[state] : "unknown";
}

/* The agent's start time as the process cache keys it (a /proc start, in clock ticks). */
static uint64_t own_start_ns(void)
{
	static uint64_t start;
	unsigned long long ticks = 0;
	char buf[1024], *p;
	FILE *f;
	int i;

	if (start)
		return start;
	f = fopen("/proc/self/stat", "r");
	if (!f)
		return 0;
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	/* Field 22 (starttime); the comm (field 2) ends at the last ')'. */
	for (i = 3; p && i <= 22; i++)
		p = strchr(p + 1, ' ');
	if (p && sscanf(p, " %llu", &ticks) == 1)
		start = ticks * (1000000000ULL / (uint64_t)sysconf(_SC_CLK_TCK));
	return start;
}

struct vg_health_rec *vg_health_rec_init(void *buf, enum vg_health_state state)
{
	struct vg_health_rec *r = buf;

	memset(r, 0, sizeof(*r));
	r->hdr.type = VG_EV_HEALTH;
	r->hdr.version = VG_ABI_VERSION;
	r->hdr.size = sizeof(*r);
	r->hdr.ts_boot_ns = vg_boot_now_ns();
	r->hdr.start_time_ns = own_start_ns();
	r->hdr.pid = r->hdr.tgid = (__u32)getpid();
	r->hdr.euid = (__u32)geteuid();
	snprintf(r->hdr.comm, sizeof(r->hdr.comm), "vigil");
	r->state = state;
	return r;
}

bool vg_health_rec_add(struct vg_health_rec *r, struct vg_str *str, const char *s)
{
	size_t end = r->hdr.size - sizeof(*r), n = strlen(s), sep = str->len ? 1 : 0;
	char *tail = (char *)r->tail;

	if (!str->len)
		str->off = (__u16)end;
	else if (str->off + str->len != end)
		return false;		/* only the last string grows */
	if (end + sep + n > VG_HEALTH_TAIL_BYTES)
		return false;
	if (sep)
		tail[end] = '\0';
	memcpy(tail + end + sep, s, n);
	str->len += (__u16)(sep + n);
	r->hdr.size += (__u32)(sep + n);
	return true;
}

static const struct vg_health_rec *health_of(const struct vg_event_view *v)
{
	return (const struct vg_health_rec *)v->rec;
}

VG_WHEN(about_shedding)
{
	uint32_t s = health_of(v)->state;

	return s == VG_HEALTH_SHED || s == VG_HEALTH_RESTORED;
}

VG_WHEN(about_loss)
{
	uint32_t s = health_of(v)->state;

	return s == VG_HEALTH_LOSS_STARTED || s == VG_HEALTH_LOSS_STOPPED;
}

VG_GETTER(get_state)
{
	return vg_value_cstr(vg_health_state_name(health_of(v)->state), cb, ctx);
}

VG_GETTER(get_classes)
{
	const struct vg_health_rec *r = health_of(v);

	return vg_value_nul_list((const char *)r->tail + r->classes.off, r->classes.len, cb, ctx);
}

VG_GETTER(get_reasons)
{
	const struct vg_health_rec *r = health_of(v);

	return vg_value_nul_list((const char *)r->tail + r->reasons.off, r->reasons.len, cb, ctx);
}

static const struct vg_rec_field health_fields[] = {
	VG_GET("vigil.health.state", VG_FT_STR, get_state,
	       VG_POLICY("what changed in the agent's health: shed, restored (overhead budget), "
			 "loss_started, loss_stopped (records lost)")),
	VG_NUM(vg_health_rec, tier, "vigil.shed.tier", .when = about_shedding,
	       VG_POLICY("shed or restored: the overhead budget's tier (1: only info/low rules "
			 "read it, 2: medium)")),
	VG_LIST("vigil.shed.classes", get_classes, .when = about_shedding,
		VG_POLICY("shed or restored: the record kinds the kernel stopped or started sending")),
	VG_NUM(vg_health_rec, overhead_permille, "vigil.overhead.permille", .when = about_shedding,
	       VG_POLICY("the last second's overhead: agent CPU plus its BPF run time, per mille "
			 "of one CPU")),
	VG_NUM(vg_health_rec, budget_permille, "vigil.overhead.budget_permille",
	       .when = about_shedding, VG_POLICY("the budget (--max-overhead), per mille of one CPU")),
	VG_NUM(vg_health_rec, lost, "vigil.loss.records", .when = about_loss,
	       VG_POLICY("records lost in this episode: the first second's at loss_started, all of "
			 "them at loss_stopped")),
	VG_NUM(vg_health_rec, lost_total, "vigil.loss.total", .when = about_loss,
	       VG_POLICY("records lost since the agent started")),
	VG_LIST("vigil.loss.reasons", get_reasons, .when = about_loss,
		VG_POLICY("where they were lost (ringbuf_full, queue_full, too_large, scratch_busy, "
			  "no_memory, bad_record)")),
};

static const struct vg_rec_table health_table = VG_REC_TABLE(K_HEALTH, health_fields);

static void text_list(struct vg_buf *b, const struct vg_health_rec *r, const struct vg_str *s)
{
	size_t i;

	for (i = 0; i < s->len; i++) {
		char c = (char)r->tail[s->off + i];

		vg_buf_append(b, c ? &c : ",", 1);
	}
}

static void text_health(struct vg_buf *b, const struct vg_event_ctx *ev)
{
	const struct vg_health_rec *r = (const void *)ev->rec;

	vg_buf_printf(b, "%s", vg_health_state_name(r->state));
	if (r->state == VG_HEALTH_SHED || r->state == VG_HEALTH_RESTORED) {
		vg_buf_printf(b, " tier=%u classes=", r->tier);
		text_list(b, r, &r->classes);
		vg_buf_printf(b, " overhead=%.1f%% budget=%.1f%%", r->overhead_permille / 10.0,
			      r->budget_permille / 10.0);
	} else {
		vg_buf_printf(b, " lost=%llu total=%llu reasons=", (unsigned long long)r->lost,
			      (unsigned long long)r->lost_total);
		text_list(b, r, &r->reasons);
	}
}

static const struct vg_rec_table *const health_tables[] = {
	&vg_rec_head, &health_table, &vg_rec_process, &vg_rec_container, NULL };

static const struct vg_rec_layout health_layout = { health_tables, text_health, NULL };

static const struct vg_record_desc descs[] = {
	{ VG_EV_HEALTH, "health", sizeof(struct vg_health_rec), 2,
	  { offsetof(struct vg_health_rec, classes), offsetof(struct vg_health_rec, reasons) },
	  &health_layout },
};

const struct vg_record_family vg_rec_health_family = { descs, 1 };
