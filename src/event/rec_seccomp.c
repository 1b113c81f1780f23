// SPDX-License-Identifier: GPL-2.0
/*
 * The seccomp monitor's record (VG_EV_SECCOMP_DENY, sensor_seccomp.bpf.c):
 * a syscall a seccomp filter killed, trapped or refused. The syscall's name
 * comes from libseccomp's table for the call's architecture.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <seccomp.h>
#include "event/event_format.h"
#include "lib/seccomp_arch.h"

static const struct vg_seccomp_deny *deny_of(const struct vg_event_view *v)
{
	return (const struct vg_seccomp_deny *)v->rec;
}

/* The name into @buf ("nr 462" when libseccomp has none): never absent. */
static const char *syscall_name(const struct vg_seccomp_deny *d, char *buf, size_t len)
{
	char *name = seccomp_syscall_resolve_num_arch(d->arch, (int)d->syscall_nr);

	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "nr %u", d->syscall_nr);
	free(name);
	return buf;
}

static const char *action_name(uint8_t action)
{
	static const char *const names[] = {
		[VG_SC_DENY_KILL] = "kill", [VG_SC_DENY_TRAP] = "trap", [VG_SC_DENY_ERRNO] = "errno",
	};

	return action < sizeof(names) / sizeof(names[0]) ? names[action] : NULL;
}

VG_GETTER(get_name)
{
	return vg_value_cstr(syscall_name(deny_of(v), v->scratch, sizeof(v->scratch)), cb, ctx);
}

VG_GETTER(get_arch)
{
	return vg_value_cstr(vg_seccomp_arch_name(deny_of(v)->arch), cb, ctx);
}

VG_GETTER(get_action)
{
	return vg_value_cstr(action_name(deny_of(v)->action), cb, ctx);
}

VG_WHEN(has_errno)
{
	return deny_of(v)->action != VG_SC_DENY_KILL;
}

static const struct vg_rec_field deny_fields[] = {
	VG_GET("syscall.name", VG_FT_STR, get_name,
	       VG_POLICY("the syscall the seccomp filter stopped (libseccomp's name)")),
	VG_NUM(vg_seccomp_deny, syscall_nr, "syscall.number",
	       VG_POLICY("its number on the call's architecture")),
	VG_GET("syscall.architecture", VG_FT_STR, get_arch,
	       VG_POLICY("the call's architecture, as seccomp profiles name it (SCMP_ARCH_X86_64)")),
	VG_GET("seccomp.action", VG_FT_STR, get_action,
	       VG_POLICY("what the filter did: kill (SIGSYS), trap (SIGSYS to a handler), errno")),
	VG_NUM(vg_seccomp_deny, errno_ret, "seccomp.errno", .when = has_errno,
	       VG_POLICY("errno: the error returned; trap: the filter's data")),
	VG_NUM(vg_seccomp_deny, repeats, "seccomp.repeats",
	       VG_POLICY("the same denial in the second before this one, folded into it")),
};

static void text_deny(struct vg_buf *b, const struct vg_event_ctx *ev)
{
	const struct vg_seccomp_deny *d = (const void *)ev->rec;
	char name[64];

	vg_buf_printf(b, "%s %s", syscall_name(d, name, sizeof(name)),
		      action_name(d->action) ?: "?");
	if (d->action == VG_SC_DENY_ERRNO)
		vg_buf_printf(b, " %s", strerrorname_np(d->errno_ret) ?: "?");
	if (d->repeats)
		vg_buf_printf(b, " (+%u)", d->repeats);
}

static const struct vg_rec_table deny_table =
	VG_REC_TABLE(VG_KB(VG_K_SECCOMP_DENY), deny_fields);
static const struct vg_rec_table *const deny_tables[] = {
	&vg_rec_head, &vg_rec_process, &deny_table, &vg_rec_container, NULL };
static const struct vg_rec_layout deny_layout = { deny_tables, text_deny, NULL };

static const struct vg_record_desc descs[] = {
	{ VG_EV_SECCOMP_DENY, "seccomp_deny", sizeof(struct vg_seccomp_deny), 0, { 0 },
	  &deny_layout },
};

const struct vg_record_family vg_rec_seccomp_family = { descs, sizeof(descs) / sizeof(descs[0]) };
