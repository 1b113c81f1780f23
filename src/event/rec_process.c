// SPDX-License-Identifier: GPL-2.0
/*
 * The process sensor's records (exec, fork, exit): what the decoder checks,
 * the keys they add to the common head and process (rec_common.c), in
 * output order, and their DETAILS column.
 */
#include <stddef.h>
#include <string.h>
#include "event/event_format.h"

#define K(k) VG_KB(VG_K_##k)

/* ---- exec: the rest of the process, under "process" ---- */

/* (u32)-1 is "unset": printed as null, no value for a rule. */
static bool emit_set(uint32_t id, vg_value_cb cb, void *ctx)
{
	return id == (uint32_t)-1 ? false : vg_value_uint(id, cb, ctx);
}

VG_GETTER(get_login_uid)
{
	return emit_set(((const struct vg_exec *)v->rec)->loginuid, cb, ctx);
}

VG_GETTER(get_audit_session)
{
	return emit_set(((const struct vg_exec *)v->rec)->audit_session, cb, ctx);
}

VG_GETTER(get_tty)
{
	const struct vg_exec *x = (const struct vg_exec *)v->rec;

	return x->tty.len ? vg_value_rec_str(v, &x->tty, cb, ctx) : false;
}

static const struct vg_rec_field exec_process[] = {
	VG_STR(vg_exec, cwd, "process.working_directory", .policy_kinds = VG_KINDS_ALL,
	       VG_POLICY("current directory at exec")),
	VG_NUM(vg_exec, suid, "process.saved_user.id"),
	VG_NUM(vg_exec, sgid, "process.saved_group.id"),
	VG_GET("process.audit.login_user_id", VG_FT_UINT, get_login_uid),
	VG_GET("process.audit.session_id", VG_FT_UINT, get_audit_session),
	VG_NUM(vg_exec, sid, "process.session_leader.pid"),
	VG_NUM(vg_exec, pgid, "process.group_leader.pid"),
	VG_GET("process.tty", VG_FT_STR, get_tty, .policy_kinds = VG_KINDS_ALL,
	       VG_POLICY("controlling terminal name; absent when none")),
	VG_NUM(vg_exec, mnt_ns, "process.namespaces.mnt"),
	VG_NUM(vg_exec, pid_ns, "process.namespaces.pid"),
	VG_NUM(vg_exec, net_ns, "process.namespaces.net"),
	VG_NUM(vg_exec, user_ns, "process.namespaces.user"),
	/* After the namespaces: one JSON object per dotted group. */
	VG_NUM(vg_exec, vpid, "process.vpid",
	       VG_POLICY("process id inside its own pid namespace (1: that namespace's init, a container's entrypoint)")),
	VG_HEX(vg_exec, cap_effective, "process.capabilities.effective"),
	VG_HEX(vg_exec, cap_permitted, "process.capabilities.permitted"),
	VG_BIT(vg_exec, flags, VG_EXEC_SECUREEXEC, "process.privileged_exec"),
	VG_BIT(vg_exec, flags, VG_EXEC_UNLINKED, "process.fileless",
	       VG_POLICY("1 when the executable had no name on disk at exec (memfd, deleted file)")),
	VG_NUM(vg_exec, old_pid, "process.exec_thread_id"),
	VG_BIT(vg_exec, flags, VG_EXEC_CWD_TRUNC, "process.working_directory_truncated"),
};

static const struct vg_rec_table exec_table = VG_REC_TABLE(K(EXEC), exec_process);

/* ---- exit ---- */

VG_WHEN(by_signal)
{
	return ((const struct vg_exit *)v->rec)->signal;
}

VG_GETTER(get_signal_name)
{
	return vg_value_cstr(vg_signal_name(((const struct vg_exit *)v->rec)->signal), cb, ctx);
}

/* A rule's process.exit.code: the status, absent when a signal ended it. */
VG_GETTER(get_exit_code)
{
	const struct vg_exit *x = (const struct vg_exit *)v->rec;

	return x->signal ? false : vg_value_int(x->exit_code, cb, ctx);
}

static bool is_zero(const struct vg_value *val, void *ctx)
{
	*(bool *)ctx = val->u == 0;
	return true;
}

/* Replay: the same, from the printed code and signal. */
static bool json_exit_code(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			   void *ctx)
{
	static const struct vg_field sig = { "process.exit.signal", VG_FT_UINT, VG_KINDS_ALL, false, "",
					     NULL, NULL };
	bool normal = false;

	vg_field_json_walk(v->json, sig.name, &sig, is_zero, &normal);
	return normal ? vg_field_json_walk(v->json, f->name, f, cb, ctx) : false;
}

static const struct vg_rec_field exit_body[] = {
	VG_NUM(vg_exit, exit_code, "process.exit.code"),
	VG_NUM(vg_exit, signal, "process.exit.signal",
	       VG_POLICY("terminating signal, 0 on a normal exit")),
	VG_GET("process.exit.signal_name", VG_FT_STR, get_signal_name, .when = by_signal),
	VG_NUM(vg_exit, core_dumped, "process.exit.core_dumped", .out = VG_OUT_BOOL),
	VG_NUM(vg_exit, run_time_ns, "process.exit.run_time_ns"),
	/* printed always; a rule sees it only when no signal ended the process */
	VG_GET("process.exit.code", VG_FT_INT, get_exit_code, .out = VG_OUT_NONE,
	       .json_get = json_exit_code,
	       VG_POLICY("exit status; absent when killed by a signal")),
};

static const struct vg_rec_table exit_table = VG_REC_TABLE(K(EXIT), exit_body);

/* ---- text ---- */

static void text_exec(struct vg_buf *b, const struct vg_event_ctx *ev)
{
	const struct vg_exec *e = (const void *)ev->rec;
	size_t len;
	const char *s = vg_rec_str(ev->rec, &e->exe, &len);

	vg_buf_append(b, s, len);
	vg_buf_puts(b, "  ");
	s = vg_rec_str(ev->rec, &e->argv, &len);
	vg_text_args(b, s, len);
	if (e->flags & VG_EXEC_ARGV_TRUNC)
		vg_buf_puts(b, " [truncated]");
	if (ev->rec->flags & VG_HF_KILLED)
		vg_buf_puts(b, " [KILLED]");
	else if (ev->rec->flags & VG_HF_WOULD_KILL)
		vg_buf_puts(b, " [would kill]");
}

static void text_fork(struct vg_buf *b, const struct vg_event_ctx *ev)
{
	const struct vg_fork *f = (const void *)ev->rec;

	vg_buf_printf(b, "child of %u", f->ppid);
}

static void text_exit(struct vg_buf *b, const struct vg_event_ctx *ev)
{
	const struct vg_exit *x = (const void *)ev->rec;

	if (x->signal)
		vg_buf_printf(b, "signal=%s%s", vg_signal_name(x->signal) ?: "?",
			      x->core_dumped ? " (core dumped)" : "");
	else
		vg_buf_printf(b, "code=%d", x->exit_code);
	vg_buf_printf(b, " run=%.3fms", x->run_time_ns / 1e6);
}

/* ---- the records ---- */

static const struct vg_rec_table *const exec_tables[] = {
	&vg_rec_head, &vg_rec_process, &exec_table, &vg_rec_container, NULL };
static const struct vg_rec_table *const fork_tables[] = { &vg_rec_head, &vg_rec_process,
							 &vg_rec_container, NULL };
static const struct vg_rec_table *const exit_tables[] = {
	&vg_rec_head, &vg_rec_process, &exit_table, &vg_rec_container, NULL };

static const struct vg_rec_layout exec_layout = { exec_tables, text_exec, NULL };
static const struct vg_rec_layout fork_layout = { fork_tables, text_fork, NULL };
static const struct vg_rec_layout exit_layout = { exit_tables, text_exit, NULL };

#define STR(type, field) offsetof(struct type, field)

static const struct vg_record_desc descs[] = {
	{ VG_EV_EXEC, "exec", sizeof(struct vg_exec), 6,
	  { STR(vg_exec, filename), STR(vg_exec, exe), STR(vg_exec, argv),
	    STR(vg_exec, cwd), STR(vg_exec, cgroup), STR(vg_exec, tty) }, &exec_layout },
	{ VG_EV_FORK, "fork", sizeof(struct vg_fork), 0, { 0 }, &fork_layout },
	{ VG_EV_EXIT, "exit", sizeof(struct vg_exit), 0, { 0 }, &exit_layout },
};

const struct vg_record_family vg_rec_process_family = { descs, sizeof(descs) / sizeof(descs[0]) };
