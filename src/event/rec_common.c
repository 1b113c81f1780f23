// SPDX-License-Identifier: GPL-2.0
/*
 * What every record prints first: its time and kind (vg_rec_head), then
 * its process as the record and the process cache know it, with ancestry
 * (vg_rec_process). Rows are in output order; a row's path is its JSON
 * key and, when it carries VG_POLICY, the field a rule names.
 */
#include <stdio.h>
#include <string.h>
#include "event/decode.h"
#include "event/ecs_class.h"
#include "event/event_format.h"
#include "lib/host.h"
#include "lib/timefmt.h"

#define K(k) VG_KB(VG_K_##k)

static const struct vg_exec *exec_of(const struct vg_event_view *v)
{
	return v->rec && v->rec->type == VG_EV_EXEC ? (const struct vg_exec *)v->rec : NULL;
}

/* ---- head ---- */

VG_GETTER(get_timestamp)
{
	vg_format_rfc3339(vg_boot_to_realtime_ns(v->rec->ts_boot_ns), v->scratch, 48);
	return vg_value_cstr(v->scratch, cb, ctx);
}

/* event.kind: ECS's "event" or "alert" (an alert line is the event plus its rule). */
VG_GETTER(get_kind)
{
	return vg_value_cstr(v->alert ? "alert" : "event", cb, ctx);
}

/* event.action: what happened, the record's kind (the rule's `event`). */
VG_GETTER(get_action)
{
	return vg_value_cstr(vg_field_kind_name(v->kind), cb, ctx);
}

VG_GETTER(get_category)
{
	const struct vg_ecs_class *c = vg_ecs_class_of(v->kind);

	return vg_value_cstr(c->category, cb, ctx);
}

VG_GETTER(get_type)
{
	const struct vg_ecs_class *c = vg_ecs_class_of(v->kind);

	return vg_value_words(c->type, c->n_type, cb, ctx);
}

VG_GETTER(get_host_name)
{
	return vg_value_cstr(vg_host_get()->name, cb, ctx);
}

VG_GETTER(get_host_id)
{
	return vg_value_cstr(vg_host_get()->id, cb, ctx);
}

VG_WHEN(kernel_acted)
{
	return v->rec->flags & (VG_HF_KILLED | VG_HF_WOULD_KILL);
}

VG_GETTER(get_kernel_action)
{
	return vg_value_cstr(v->rec->flags & VG_HF_KILLED ? "killed" : "would_kill", cb, ctx);
}

static const struct vg_rec_field head[] = {
	VG_GET("@timestamp", VG_FT_STR, get_timestamp),
	VG_GET("event.kind", VG_FT_STR, get_kind,
	       VG_POLICY("event, or alert on an alert line (ECS event.kind)")),
	VG_GET("event.action", VG_FT_STR, get_action,
	       VG_KERNEL("what happened: exec, open, connect, ... (the rule's `event`)")),
	VG_LIST("event.category", get_category),
	VG_LIST("event.type", get_type),
	VG_NUM(vg_hdr, ts_boot_ns, "event.boot_time_ns",
	       VG_POLICY("kernel boot-clock time of the event, ns; throttling windows use it")),
	VG_NUM(vg_hdr, cpu, "event.cpu"),
};

const struct vg_rec_table vg_rec_head = VG_REC_TABLE(VG_KINDS_ALL, head);

/* ---- process: the record's identity, the cache's knowledge ---- */

/* The credentials and parent block: from an exec record, else the cache. */
VG_WHEN(has_identity)
{
	return exec_of(v) || v->proc;
}

static uint32_t parent_pid(const struct vg_event_view *v)
{
	const struct vg_exec *e = exec_of(v);

	return e ? e->ppid : v->proc->ppid;
}

static const struct vg_proc *parent_of(const struct vg_event_view *v)
{
	const struct vg_proc *const *anc;

	return vg_view_ancestors(v, &anc) ? anc[0] : NULL;
}

/* The parent's name and executable, when the first ancestor is that parent. */
VG_WHEN(parent_known)
{
	return has_identity(v) && parent_of(v) && parent_of(v)->tgid == parent_pid(v);
}

VG_GETTER(get_exe)
{
	const struct vg_exec *x = exec_of(v);

	if (x)
		return vg_value_rec_str(v, &x->exe, cb, ctx);
	return vg_value_cstr(v->proc->exe ? v->proc->exe : "", cb, ctx);
}

VG_GETTER(get_args)
{
	const struct vg_exec *x = exec_of(v);
	size_t len;
	const char *p;

	if (x) {
		p = vg_rec_str(v->rec, &x->argv, &len);
		return vg_value_nul_list(p, len, cb, ctx);
	}
	return v->proc->args ? vg_value_nul_list(v->proc->args, v->proc->args_len, cb, ctx) : false;
}

VG_GETTER(get_args_truncated)
{
	const struct vg_exec *x = exec_of(v);

	return vg_value_uint(x ? !!(x->flags & VG_EXEC_ARGV_TRUNC) : v->proc->args_truncated, cb,
			     ctx);
}

enum cred { CRED_EUID, CRED_UID, CRED_EGID, CRED_GID };

static bool emit_cred(struct vg_event_view *v, enum cred c, vg_value_cb cb, void *ctx)
{
	const struct vg_exec *x = exec_of(v);
	const struct vg_proc *p = v->proc;

	if (x)
		return vg_value_uint(c == CRED_EUID ? x->euid : c == CRED_UID ? x->uid :
				     c == CRED_EGID ? x->egid : x->gid, cb, ctx);
	if (c == CRED_EUID)
		return vg_value_uint(v->rec->euid, cb, ctx);
	return vg_value_uint(c == CRED_UID ? p->uid : c == CRED_EGID ? p->egid : p->gid, cb, ctx);
}

VG_GETTER(get_euid)
{
	return emit_cred(v, CRED_EUID, cb, ctx);
}

VG_GETTER(get_uid)
{
	return emit_cred(v, CRED_UID, cb, ctx);
}

VG_GETTER(get_egid)
{
	return emit_cred(v, CRED_EGID, cb, ctx);
}

VG_GETTER(get_gid)
{
	return emit_cred(v, CRED_GID, cb, ctx);
}

VG_GETTER(get_parent_pid)
{
	return vg_value_uint(parent_pid(v), cb, ctx);
}

VG_GETTER(get_parent_start)
{
	const struct vg_exec *x = exec_of(v);

	return vg_value_uint(x ? x->parent_start_time_ns : v->proc->parent_start_ns, cb, ctx);
}

VG_GETTER(get_parent_name)
{
	const struct vg_proc *p = parent_of(v);

	return p ? vg_value_str(p->comm, strnlen(p->comm, VG_COMM_LEN), cb, ctx) : false;
}

VG_GETTER(get_parent_exe_or_empty)
{
	const char *exe = parent_of(v)->exe;

	return vg_value_cstr(exe ? exe : "", cb, ctx);
}

/*
 * An ancestor's argv, bounded: whole arguments while they fit in
 * VG_ANCESTOR_ARGS_MAX and VG_ANCESTOR_ARGV_BYTES (the first one cut if it
 * alone is longer). Full argv on every ancestor made the average event 3.9 KB.
 */
static size_t ancestor_args_len(const char *args, size_t len)
{
	size_t i, n = 0, end = 0;

	for (i = 0; i <= len && i <= VG_ANCESTOR_ARGV_BYTES; i++) {
		if (i < len && args[i] != '\0')
			continue;
		end = i;
		if (++n == VG_ANCESTOR_ARGS_MAX)
			break;
	}
	return end ? end : (len < VG_ANCESTOR_ARGV_BYTES ? len : VG_ANCESTOR_ARGV_BYTES);
}

static void format_ancestors(struct vg_json *j, const struct vg_event_view *v)
{
	const struct vg_proc *const *anc;
	size_t i, n, n_anc = vg_view_ancestors(v, &anc);

	vg_json_arr_begin(j);
	for (i = 0; i < n_anc; i++) {
		const struct vg_proc *a = anc[i];

		vg_json_obj_begin(j);
		vg_json_key(j, "pid");
		vg_json_u64(j, a->tgid);
		vg_json_key(j, "start_time");
		vg_json_u64(j, a->start_ns);
		vg_json_key(j, "name");
		vg_json_cstr(j, a->comm);
		vg_json_key(j, "executable");
		vg_json_obj_begin(j);
		vg_json_key(j, "path");
		vg_json_cstr(j, a->exe ? a->exe : "");
		vg_json_obj_end(j);
		n = a->args ? ancestor_args_len(a->args, a->args_len) : 0;
		vg_json_key(j, "args");
		vg_json_args(j, a->args, n);
		if (n < a->args_len || a->args_truncated) {
			vg_json_key(j, "args_truncated");
			vg_json_bool(j, true);
		}
		vg_json_obj_end(j);
	}
	vg_json_arr_end(j);
}

/*
 * The last ancestry this thread printed, by content: a process's events
 * share one ancestry, which was half of every exported event's bytes and
 * time. Fixed buffers: an ancestry too long for them is formatted afresh.
 */
#define MEMO_KEY_BYTES 4096
#define MEMO_JSON_BYTES 8192

struct ancestry_memo {
	size_t key_len, json_len;
	char key[MEMO_KEY_BYTES];
	char json[MEMO_JSON_BYTES];
};

static _Thread_local struct ancestry_memo memo;

static bool key_put(char *key, size_t *len, const void *p, size_t n)
{
	if (*len + n > MEMO_KEY_BYTES)
		return false;
	memcpy(key + *len, p, n);
	*len += n;
	return true;
}

/* Everything format_ancestors reads, in a row; false: too long to keep. */
static bool ancestry_key(const struct vg_event_view *v, char *key, size_t *len)
{
	const struct vg_proc *const *anc;
	size_t i, n_anc = vg_view_ancestors(v, &anc);

	*len = 0;
	for (i = 0; i < n_anc; i++) {
		const struct vg_proc *a = anc[i];
		size_t exe_len = a->exe ? strlen(a->exe) + 1 : 0;
		size_t args_len = a->args ? a->args_len : 0;

		if (args_len > VG_ANCESTOR_ARGV_BYTES + 1)
			args_len = VG_ANCESTOR_ARGV_BYTES + 1;	/* all ancestor_args_len reads */
		if (!key_put(key, len, &a->tgid, sizeof(a->tgid)) ||
		    !key_put(key, len, &a->start_ns, sizeof(a->start_ns)) ||
		    !key_put(key, len, a->comm, sizeof(a->comm)) ||
		    !key_put(key, len, &a->args_len, sizeof(a->args_len)) ||
		    !key_put(key, len, &a->args_truncated, sizeof(a->args_truncated)) ||
		    !key_put(key, len, &exe_len, sizeof(exe_len)) ||
		    !key_put(key, len, a->exe, exe_len) ||
		    !key_put(key, len, a->args, args_len))
			return false;
	}
	return true;
}

static void write_ancestors(struct vg_json *j, struct vg_event_view *v)
{
	char key[MEMO_KEY_BYTES];
	struct vg_buf b = { 0 };
	struct vg_json aj;
	size_t len;

	if (!ancestry_key(v, key, &len)) {
		format_ancestors(j, v);
		return;
	}
	if (len == memo.key_len && memo.json_len && !memcmp(key, memo.key, len)) {
		vg_json_raw(j, memo.json, memo.json_len);
		return;
	}
	vg_json_init(&aj, &b);
	format_ancestors(&aj, v);
	memo.json_len = 0;
	if (!b.oom && b.len <= MEMO_JSON_BYTES) {
		memcpy(memo.json, b.data, b.len);
		memcpy(memo.key, key, len);
		memo.key_len = len;
		memo.json_len = b.len;
	}
	if (b.oom)
		format_ancestors(j, v);
	else
		vg_json_raw(j, b.data, b.len);
	vg_buf_free(&b);
}

/* ---- policy fields derived from the printed ones ---- */

/* The effective uid when the event happened: every record header carries it. */
VG_GETTER(get_event_euid)
{
	const struct vg_exec *x = exec_of(v);

	return vg_value_uint(x ? x->euid : v->rec->euid, cb, ctx);
}

/* The parent pid: fork and exit records carry it, others ask the cache. */
VG_GETTER(get_event_ppid)
{
	switch (v->rec->type) {
	case VG_EV_EXEC:
		return vg_value_uint(((const struct vg_exec *)v->rec)->ppid, cb, ctx);
	case VG_EV_FORK:
		return vg_value_uint(((const struct vg_fork *)v->rec)->ppid, cb, ctx);
	case VG_EV_EXIT:
		return vg_value_uint(((const struct vg_exit *)v->rec)->ppid, cb, ctx);
	}
	return v->proc ? vg_value_uint(v->proc->ppid, cb, ctx) : false;
}

VG_GETTER(get_exe_name)
{
	const struct vg_exec *x = exec_of(v);
	const char *p = NULL;
	size_t len = 0;

	if (x)
		p = vg_rec_str(v->rec, &x->exe, &len);
	else if (v->proc && v->proc->exe)
		p = v->proc->exe, len = strlen(p);
	if (!p)
		return false;
	p = vg_path_base(p, &len);
	return vg_value_str(p, len, cb, ctx);
}

/* NUL-separated argv joined by spaces into the view's scratch. */
static bool emit_joined(struct vg_event_view *v, const char *p, size_t len,
			vg_value_cb cb, void *ctx)
{
	size_t i, n = len < sizeof(v->scratch) ? len : sizeof(v->scratch);

	while (n && p[n - 1] == '\0')
		n--;
	for (i = 0; i < n; i++)
		v->scratch[i] = p[i] ? p[i] : ' ';
	return vg_value_str(v->scratch, n, cb, ctx);
}

VG_GETTER(get_cmdline)
{
	const struct vg_exec *x = exec_of(v);
	const char *p;
	size_t len;

	if (x) {
		p = vg_rec_str(v->rec, &x->argv, &len);
		return emit_joined(v, p, len, cb, ctx);
	}
	if (v->proc && v->proc->args)
		return emit_joined(v, v->proc->args, v->proc->args_len, cb, ctx);
	return false;
}

VG_GETTER(get_parent_exe)
{
	const struct vg_proc *p = parent_of(v);

	return p ? vg_value_cstr(p->exe, cb, ctx) : false;
}

VG_GETTER(get_parent_cmdline)
{
	const struct vg_proc *p = parent_of(v);

	return p && p->args ? emit_joined(v, p->args, p->args_len, cb, ctx) : false;
}

VG_GETTER(get_anc_exe)
{
	const struct vg_proc *const *anc;
	size_t i, n = vg_view_ancestors(v, &anc);

	for (i = 0; i < n; i++)
		if (vg_value_cstr(anc[i]->exe, cb, ctx))
			return true;
	return false;
}

VG_GETTER(get_anc_name)
{
	const struct vg_proc *const *anc;
	size_t i, n = vg_view_ancestors(v, &anc);

	for (i = 0; i < n; i++) {
		const struct vg_proc *p = anc[i];

		if (vg_value_str(p->comm, strnlen(p->comm, VG_COMM_LEN), cb, ctx))
			return true;
	}
	return false;
}

/* Replay: the same fields derived from what the JSON line does print. */
static bool json_exe_name(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			  void *ctx)
{
	(void)f;
	return vg_field_json_base(v, "process.executable.path", cb, ctx);
}

static bool json_cmdline(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			 void *ctx)
{
	(void)f;
	return vg_field_json_join(v, "process.args", cb, ctx);
}

/* The parent's printed key when there is one, else the first ancestor's. */
static bool json_parent(struct vg_event_view *v, const struct vg_field *f, const char *key,
			vg_value_cb cb, void *ctx)
{
	char path[64];

	snprintf(path, sizeof(path), "process.parent.%s", key);
	if (!vg_field_json_has(v->json, path, f))
		snprintf(path, sizeof(path), "process.ancestors.0.%s", key);
	return vg_field_json_walk(v->json, path, f, cb, ctx);
}

static bool json_parent_exe(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			    void *ctx)
{
	return json_parent(v, f, "executable.path", cb, ctx);
}

static bool json_parent_name(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			     void *ctx)
{
	return json_parent(v, f, "name", cb, ctx);
}

static bool json_parent_cmdline(struct vg_event_view *v, const struct vg_field *f,
				vg_value_cb cb, void *ctx)
{
	(void)f;
	return vg_field_json_join(v, "process.ancestors.0.args", cb, ctx);
}

#define DERIVED(p, t, fn, ...) VG_GET(p, t, fn, .out = VG_OUT_NONE, __VA_ARGS__)

/* A storm aggregate (vg_rec_held); file records have their own row (rec_file.c). */
VG_WHEN(held)
{
	return vg_rec_held(v->rec) != 0;
}

VG_GETTER(get_held)
{
	return vg_value_uint(vg_rec_held(v->rec), cb, ctx);
}

/* After every event.* row of any layout: the host, what the kernel did, then the process. */
static const struct vg_rec_field process[] = {
	VG_GET("host.name", VG_FT_STR, get_host_name, VG_POLICY("host name (gethostname)")),
	VG_GET("host.id", VG_FT_STR, get_host_id, VG_POLICY("machine id (/etc/machine-id)")),
	VG_GET("vigil.kernel_action", VG_FT_STR, get_kernel_action, .when = kernel_acted),
	VG_NUM(vg_exec, rule_id, "vigil.kernel_rule_id", .kinds = K(EXEC), .when = kernel_acted),
	VG_GET("vigil.suppressed", VG_FT_UINT, get_held, .kinds = VG_KINDS_PRIV | VG_KINDS_NET,
	       .when = held,
	       VG_POLICY(VG_HELD_FIELD_DESC)),
	VG_NUM(vg_hdr, tgid, "process.pid", VG_KERNEL("process id (tgid)")),
	VG_NUM(vg_hdr, pid, "process.thread.id", VG_POLICY("thread id")),
	VG_NUM(vg_hdr, start_time_ns, "process.start_time"),
	VG_CHARS(vg_hdr, comm, "process.name", VG_POLICY("kernel task name (comm, at most 15 bytes)")),
	VG_GET("process.executable.path", VG_FT_STR, get_exe, .when = has_identity,
	       VG_KERNEL("executable path as the kernel resolved it")),
	DERIVED("process.executable.name", VG_FT_STR, get_exe_name, .json_get = json_exe_name,
		VG_POLICY("last component of process.executable.path")),
	DERIVED("process.command_line", VG_FT_STR, get_cmdline, .json_get = json_cmdline,
		VG_POLICY("arguments joined by single spaces")),
	VG_STR(vg_exec, filename, "process.executable.invoked_path", .kinds = K(EXEC),
	       VG_POLICY("the name given to execve (a script's own path; the kernel's "
			 "executable is then its interpreter)")),
	VG_BIT(vg_exec, flags, VG_EXEC_EXE_TRUNC, "process.executable.truncated", .kinds = K(EXEC)),
	VG_LIST("process.args", get_args, .when = has_identity,
		VG_POLICY("arguments, argv[0] first; a comparison matches if any argument does")),
	VG_NUM(vg_exec, argc, "process.args_count", .kinds = K(EXEC),
	       VG_POLICY("argc as the kernel counted it")),
	VG_GET("process.args_truncated", VG_FT_UINT, get_args_truncated, .out = VG_OUT_BOOL,
	       .when = has_identity),
	VG_GET("process.user.id", VG_FT_UINT, get_euid, .when = has_identity),
	DERIVED("process.user.id", VG_FT_UINT, get_event_euid,
		VG_KERNEL("effective user id when the event happened")),
	VG_GET("process.real_user.id", VG_FT_UINT, get_uid, .when = has_identity,
	       VG_POLICY("real user id")),
	VG_GET("process.group.id", VG_FT_UINT, get_egid, .when = has_identity,
	       VG_POLICY("effective group id")),
	VG_GET("process.real_group.id", VG_FT_UINT, get_gid, .when = has_identity,
	       VG_POLICY("real group id")),
	VG_GET("process.parent.pid", VG_FT_UINT, get_parent_pid, .when = has_identity),
	DERIVED("process.parent.pid", VG_FT_UINT, get_event_ppid, VG_POLICY("parent process id")),
	VG_GET("process.parent.start_time", VG_FT_UINT, get_parent_start, .when = has_identity),
	VG_GET("process.parent.name", VG_FT_STR, get_parent_name, .when = parent_known),
	VG_GET("process.parent.executable.path", VG_FT_STR, get_parent_exe_or_empty,
	       .when = parent_known),
	DERIVED("process.parent.executable.path", VG_FT_STR, get_parent_exe,
		.json_get = json_parent_exe, VG_POLICY("parent's executable path")),
	DERIVED("process.parent.name", VG_FT_STR, get_parent_name, .json_get = json_parent_name,
		VG_POLICY("parent's task name (comm)")),
	DERIVED("process.parent.command_line", VG_FT_STR, get_parent_cmdline,
		.json_get = json_parent_cmdline, VG_POLICY("parent's arguments, joined")),
	VG_NUM(vg_hdr, cgroup_id, "process.cgroup.id", VG_KERNEL("cgroup v2 id")),
	VG_STR(vg_exec, cgroup, "process.cgroup.path", .kinds = K(EXEC),
	       .policy_kinds = VG_KINDS_ALL, VG_POLICY("cgroup v2 path")),
	{ .path = "process.ancestors", .out = VG_OUT_OBJS, .write = write_ancestors },
	DERIVED("process.ancestors.executable.path", VG_FT_STRLIST, get_anc_exe,
		VG_POLICY("executable of every ancestor, parent first; `=` means \"some ancestor is\"")),
	DERIVED("process.ancestors.name", VG_FT_STRLIST, get_anc_name,
		VG_POLICY("task name of every ancestor, parent first")),
};

const struct vg_rec_table vg_rec_process = VG_REC_TABLE(VG_KINDS_ALL, process);
