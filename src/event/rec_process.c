// SPDX-License-Identifier: GPL-2.0
/*
 * The process sensor's records (exec, fork, exit): what the decoder checks,
 * the keys they add to the common head and process (rec_common.c), in
 * output order, and their DETAILS column.
 */
#include <stddef.h>
#include <string.h>
#include "event/event_format.h"
#include "event/masquerade.h"

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

/* ---- who wrote the executable (provenance.c); absent when not recorded ---- */
static const struct vg_writer *exe_writer(const struct vg_event_view *v)
{
	return v->proc ? v->proc->exe_writer : NULL;
}

VG_GETTER(get_writer_exe)
{
	const struct vg_writer *w = exe_writer(v);

	return w && w->exe[0] ? vg_value_cstr(w->exe, cb, ctx) : false;
}

VG_GETTER(get_writer_pid)
{
	const struct vg_writer *w = exe_writer(v);

	return w ? vg_value_uint(w->pid, cb, ctx) : false;
}

VG_GETTER(get_writer_network)
{
	const struct vg_writer *w = exe_writer(v);

	return w ? vg_value_uint(w->had_network, cb, ctx) : false;
}

VG_GETTER(get_writer_copied)
{
	const struct vg_writer *w = exe_writer(v);

	return w ? vg_value_uint(w->copied, cb, ctx) : false;
}

VG_GETTER(get_written_ago)
{
	const struct vg_writer *w = exe_writer(v);
	uint64_t now = v->rec->ts_boot_ns;

	return w ? vg_value_uint(now > w->written_ns ? (now - w->written_ns) / 1000000000ull : 0,
				 cb, ctx) : false;
}
/* The exec record's names, for the masquerading checks. */
static void exec_names(const struct vg_event_view *v, struct vg_exec_names *n)
{
	const struct vg_exec *x = (const struct vg_exec *)v->rec;

	n->comm = x->hdr.comm;
	n->exe = vg_rec_str(v->rec, &x->exe, &n->exe_len);
	n->invoked = vg_rec_str(v->rec, &x->filename, &n->invoked_len);
	n->argv0 = vg_rec_str(v->rec, &x->argv, &n->argv0_len);
	n->script = (x->flags & VG_EXEC_SCRIPT) != 0;
}

VG_GETTER(get_name_mismatch)
{
	struct vg_exec_names n;

	exec_names(v, &n);
	return vg_value_uint(vg_name_mismatch(&n), cb, ctx);
}

VG_GETTER(get_argv0_name)
{
	struct vg_exec_names n;
	const char *p;
	size_t len;

	exec_names(v, &n);
	p = vg_argv0_name(n.argv0, n.argv0_len, &len);
	return vg_value_str(p, len, cb, ctx);
}

VG_WHEN(has_ld_preload)
{
	return ((const struct vg_exec *)v->rec)->env_flags & VG_ENV_LD_PRELOAD;
}

#define ENV_BIT(b, p, ...) VG_BIT(vg_exec, env_flags, b, p, __VA_ARGS__)

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
	VG_GET("process.origin.writer.executable", VG_FT_STR, get_writer_exe,
	       VG_POLICY("the program that last wrote the executable (or the script run), when it "
			 "was written in a writable location (/tmp, /var/tmp, /dev/shm, /run/user, homes)")),
	VG_GET("process.origin.writer.pid", VG_FT_UINT, get_writer_pid,
	       VG_POLICY("the process that last wrote the executable")),
	VG_GET("process.origin.had_network", VG_FT_UINT, get_writer_network,
	       .out = VG_OUT_BOOL,
	       VG_POLICY("1 when that writer had network connections, or copied a file written by "
			 "one (named on its command line)")),
	VG_GET("process.origin.copied", VG_FT_UINT, get_writer_copied, .out = VG_OUT_BOOL,
	       VG_POLICY("1 when the executable is a copy of a file a network process wrote")),
	VG_GET("process.origin.age", VG_FT_UINT, get_written_ago,
	       VG_POLICY("seconds between that write and this exec")),
	VG_BIT(vg_exec, flags, VG_EXEC_SCRIPT, "process.interpreted",
	       VG_POLICY("1 when an interpreter runs the invoked file (#! script, binfmt_misc)")),
	VG_GET("process.name_mismatch", VG_FT_UINT, get_name_mismatch, .out = VG_OUT_BOOL,
	       VG_POLICY("1 when the name (comm, 15 bytes) or argv[0]'s basename is not the "
			 "executable's basename; scripts and execs by descriptor never")),
	VG_GET("process.argv0_name", VG_FT_STR, get_argv0_name,
	       VG_POLICY("basename of argv[0] as ps shows it (a login shell's '-' dropped)")),
	VG_STR(vg_exec, ld_preload, "process.env.ld_preload", .when = has_ld_preload,
	       VG_POLICY("LD_PRELOAD's value at exec (at most 500 bytes)")),
	ENV_BIT(VG_ENV_LD_PRELOAD, "process.env.has_ld_preload",
		VG_POLICY("1 when LD_PRELOAD is set and not empty at exec")),
	ENV_BIT(VG_ENV_LD_LIBRARY_PATH, "process.env.has_ld_library_path",
		VG_POLICY("1 when LD_LIBRARY_PATH is set and not empty at exec")),
	ENV_BIT(VG_ENV_LD_AUDIT, "process.env.has_ld_audit",
		VG_POLICY("1 when LD_AUDIT is set and not empty at exec")),
	ENV_BIT(VG_ENV_HISTFILE_OFF, "process.env.histfile_disabled",
		VG_POLICY("1 when HISTFILE is empty or /dev/null at exec")),
	ENV_BIT(VG_ENV_HISTSIZE_ZERO, "process.env.histsize_zero",
		VG_POLICY("1 when HISTSIZE or HISTFILESIZE is 0 at exec")),
	ENV_BIT(VG_ENV_PARTIAL, "process.env.partial",
		VG_POLICY("1 when the environment was not scanned to its end (over 128 variables "
			  "or 8 KiB, or unreadable)")),
	ENV_BIT(VG_ENV_PRELOAD_TRUNC, "process.env.ld_preload_truncated"),
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
	{ VG_EV_EXEC, "exec", sizeof(struct vg_exec), 7,
	  { STR(vg_exec, filename), STR(vg_exec, exe), STR(vg_exec, argv),
	    STR(vg_exec, cwd), STR(vg_exec, cgroup), STR(vg_exec, tty),
	    STR(vg_exec, ld_preload) }, &exec_layout },
	{ VG_EV_FORK, "fork", sizeof(struct vg_fork), 0, { 0 }, &fork_layout },
	{ VG_EV_EXIT, "exit", sizeof(struct vg_exit), 0, { 0 }, &exit_layout },
};

const struct vg_record_family vg_rec_process_family = { descs, sizeof(descs) / sizeof(descs[0]) };
