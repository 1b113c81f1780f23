// SPDX-License-Identifier: GPL-2.0
/*
 * The privilege sensor's capability-use record (VG_EV_CAP_USE, kind
 * capability_use): a process used a watched capability (CAP_SYS_ADMIN,
 * CAP_SYS_MODULE, CAP_SYS_PTRACE, CAP_SYS_RAWIO, CAP_BPF) against the
 * initial user namespace, reported once per process and capability.
 */
#include <stddef.h>
#include "event/event_format.h"
#include "event/rec_priv.h"

VG_GETTER(get_cap_name)
{
	const struct vg_cap_use *c = (const struct vg_cap_use *)v->rec;
	const char *w[1];

	if (c->cap < 0 || c->cap > 63)
		return false;
	return vg_cap_names(1ULL << c->cap, w, 1) == 1 && vg_value_cstr(w[0], cb, ctx);
}

static const struct vg_rec_field cap_use_fields[] = {
	VG_GET("capability.name", VG_FT_STR, get_cap_name,
	       VG_POLICY("the capability used (CAP_SYS_ADMIN, CAP_SYS_MODULE, CAP_SYS_PTRACE, "
			 "CAP_SYS_RAWIO, CAP_BPF)")),
	VG_NUM(vg_cap_use, cap, "capability.number"),
	VG_NUM(vg_cap_use, ret, "capability.result"),
};

static const struct vg_rec_table cap_use_table =
	VG_REC_TABLE(VG_KB(VG_K_CAPABILITY_USE), cap_use_fields);

static void text_cap_use(struct vg_buf *b, const struct vg_event_ctx *ev)
{
	const struct vg_cap_use *c = (const void *)ev->rec;
	const char *w[1] = { "?" };

	if (c->cap >= 0 && c->cap <= 63)
		vg_cap_names(1ULL << c->cap, w, 1);
	vg_buf_printf(b, "%s", w[0]);
}

static const struct vg_rec_table *const cap_use_tables[] = {
	&vg_rec_head, &vg_rec_process, &cap_use_table, &vg_rec_container, NULL };

static const struct vg_rec_layout cap_use_layout = { cap_use_tables, text_cap_use, NULL };

static const struct vg_record_desc descs[] = {
	{ VG_EV_CAP_USE, "capability_use", sizeof(struct vg_cap_use), 0, { 0 }, &cap_use_layout },
};

const struct vg_record_family vg_rec_cap_use_family = { descs, 1 };
