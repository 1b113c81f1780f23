// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "event/event_format.h"
#include "event/format_priv.h"
#include "event/format_file.h"
#include "event/format_net.h"
#include "lib/timefmt.h"

static void json_exec(struct vg_json *j, const struct vg_event_ctx *ev);
static void json_exit(struct vg_json *j, const struct vg_event_ctx *ev);
static void text_exec(struct vg_buf *b, const struct vg_event_ctx *ev);
static void text_fork(struct vg_buf *b, const struct vg_event_ctx *ev);
static void text_exit(struct vg_buf *b, const struct vg_event_ctx *ev);

/* One row per record type; sensors add theirs here. */
static const struct vg_formatter formatters[] = {
	{ VG_EV_EXEC, json_exec, NULL, text_exec, NULL },
	{ VG_EV_FORK, NULL, NULL, text_fork, NULL },
	{ VG_EV_EXIT, json_exit, NULL, text_exit, NULL },
	/* privilege sensor (format_priv.c) */
	{ VG_EV_CRED, vg_json_priv_process, vg_json_priv, vg_text_priv, NULL },
	{ VG_EV_CAPSET, vg_json_priv_process, vg_json_priv, vg_text_priv, NULL },
	{ VG_EV_PRIV_EXEC, vg_json_priv_process, vg_json_priv, vg_text_priv, NULL },
	{ VG_EV_PTRACE, NULL, vg_json_priv, vg_text_priv, NULL },
	{ VG_EV_PROCESS_VM, NULL, vg_json_priv, vg_text_priv, NULL },
	{ VG_EV_MODULE, NULL, vg_json_priv, vg_text_priv, NULL },
	{ VG_EV_BPF, NULL, vg_json_priv, vg_text_priv, NULL },
	{ VG_EV_PRCTL, NULL, vg_json_priv, vg_text_priv, NULL },
	{ VG_EV_SECCOMP, NULL, vg_json_priv, vg_text_priv, NULL },
	{ VG_EV_SIGNAL, NULL, vg_json_priv, vg_text_priv, NULL },
	{ VG_EV_NAMESPACE, NULL, vg_json_priv, vg_text_priv, NULL },
	{ VG_EV_IOURING_SETUP, NULL, vg_json_priv, vg_text_priv, NULL },
	{ VG_EV_IOURING, NULL, vg_json_priv, vg_text_priv, NULL },
	/* file sensor */
	{ VG_EV_FILE_OPEN, NULL, vg_json_file, vg_text_file, vg_json_file_event },
	{ VG_EV_FILE_UNLINK, NULL, vg_json_file, vg_text_file, vg_json_file_event },
	{ VG_EV_FILE_RENAME, NULL, vg_json_file, vg_text_file, vg_json_file_event },
	{ VG_EV_FILE_CHMOD, NULL, vg_json_file, vg_text_file, vg_json_file_event },
	{ VG_EV_FILE_CHOWN, NULL, vg_json_file, vg_text_file, vg_json_file_event },
	{ VG_EV_FILE_LINK, NULL, vg_json_file, vg_text_file, vg_json_file_event },
	{ VG_EV_FILE_SYMLINK, NULL, vg_json_file, vg_text_file, vg_json_file_event },
	{ VG_EV_FILE_TRUNCATE, NULL, vg_json_file, vg_text_file, vg_json_file_event },
	{ VG_EV_FILE_UTIMES, NULL, vg_json_file, vg_text_file, vg_json_file_event },
	{ VG_EV_FILE_MKNOD, NULL, vg_json_file, vg_text_file, vg_json_file_event },
	{ VG_EV_FILE_MOUNT, NULL, vg_json_file, vg_text_file, vg_json_file_event },
	{ VG_EV_FILE_UMOUNT, NULL, vg_json_file, vg_text_file, vg_json_file_event },
	{ VG_EV_FILE_MEMFD, NULL, vg_json_file, vg_text_file, vg_json_file_event },
	/* network sensor (format_net.c) */
	{ VG_EV_NET_CONNECT, vg_net_json_process, vg_net_json, vg_net_text, NULL },
	{ VG_EV_NET_ACCEPT, vg_net_json_process, vg_net_json, vg_net_text, NULL },
	{ VG_EV_NET_LISTEN, vg_net_json_process, vg_net_json, vg_net_text, NULL },
	{ VG_EV_NET_CLOSE, vg_net_json_process, vg_net_json, vg_net_text, NULL },
	{ VG_EV_NET_UDP_FLOW, vg_net_json_process, vg_net_json, vg_net_text, NULL },
	{ VG_EV_NET_DNS, vg_net_json_process, vg_net_json, vg_net_text, NULL },
	{ VG_EV_NET_DENY, vg_net_json_process, vg_net_json, vg_net_text, NULL },
	{ VG_EV_NET_SHELL, vg_net_json_process, vg_net_json, vg_net_text, NULL },
};

static const struct vg_formatter *formatter_of(uint16_t type)
{
	size_t i;

	for (i = 0; i < sizeof(formatters) / sizeof(formatters[0]); i++)
		if (formatters[i].type == type)
			return &formatters[i];
	return NULL;
}

void vg_event_ctx_fill(struct vg_event_ctx *ev, struct vg_proc_cache *cache,
		       const void *rec, size_t size)
{
	const struct vg_hdr *h = rec;

	memset(ev, 0, sizeof(*ev));
	ev->rec = h;
	ev->size = size;
	ev->desc = vg_record_desc(h->type);
	ev->cache = cache;
	if (!cache)
		return;
	ev->proc = vg_proc_cache_lookup(cache, h->tgid, h->start_time_ns);
	if (ev->proc)
		ev->n_ancestors = vg_proc_cache_ancestors(cache, ev->proc, ev->ancestors,
							  VG_MAX_ANCESTORS);
}

const char *vg_signal_name(int sig)
{
	static char buf[16];
	const char *abbrev = sigabbrev_np(sig);

	if (!abbrev)
		return NULL;
	snprintf(buf, sizeof(buf), "SIG%s", abbrev);
	return buf;
}

void vg_json_args(struct vg_json *j, const char *args, size_t len)
{
	size_t start = 0, i;

	vg_json_arr_begin(j);
	if (args && len) {
		for (i = 0; i <= len; i++) {
			if (i == len || args[i] == '\0') {
				vg_json_str(j, args + start, i - start);
				start = i + 1;
			}
		}
	}
	vg_json_arr_end(j);
}

void vg_json_record_str(struct vg_json *j, const struct vg_event_ctx *ev, const struct vg_str *s)
{
	size_t len;
	const char *p = vg_rec_str(ev->rec, s, &len);

	vg_json_str(j, p, len);
}

static void json_ancestors(struct vg_json *j, const struct vg_event_ctx *ev)
{
	size_t i;

	vg_json_key(j, "ancestors");
	vg_json_arr_begin(j);
	for (i = 0; i < ev->n_ancestors; i++) {
		const struct vg_proc *a = ev->ancestors[i];

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
		vg_json_key(j, "args");
		vg_json_args(j, a->args, a->args_len);
		vg_json_obj_end(j);
	}
	vg_json_arr_end(j);
}

/* "process": {...}: the record's identity, the cache's knowledge, ancestry. */
void vg_json_process(struct vg_json *j, const struct vg_event_ctx *ev)
{
	const struct vg_hdr *h = ev->rec;
	const struct vg_proc *p = ev->proc;
	const struct vg_exec *e = h->type == VG_EV_EXEC ? (const void *)h : NULL;
	const struct vg_formatter *f;

	vg_json_key(j, "process");
	vg_json_obj_begin(j);
	vg_json_key(j, "pid");
	vg_json_u64(j, h->tgid);
	vg_json_id_obj(j, "thread", h->pid);
	vg_json_key(j, "start_time");
	vg_json_u64(j, h->start_time_ns);
	vg_json_key(j, "name");
	vg_json_str(j, h->comm, strnlen(h->comm, sizeof(h->comm)));
	if (e) {
		vg_json_key(j, "executable");
		vg_json_obj_begin(j);
		vg_json_key(j, "path");
		vg_json_record_str(j, ev, &e->exe);
		vg_json_key(j, "invoked_path");
		vg_json_record_str(j, ev, &e->filename);
		vg_json_key(j, "truncated");
		vg_json_bool(j, e->flags & VG_EXEC_EXE_TRUNC);
		vg_json_obj_end(j);
		vg_json_key(j, "args");
		{
			size_t len;
			const char *a = vg_rec_str(h, &e->argv, &len);

			vg_json_args(j, a, len);
		}
		vg_json_key(j, "args_count");
		vg_json_u64(j, e->argc);
		vg_json_key(j, "args_truncated");
		vg_json_bool(j, e->flags & VG_EXEC_ARGV_TRUNC);
	} else if (p) {
		vg_json_key(j, "executable");
		vg_json_obj_begin(j);
		vg_json_key(j, "path");
		vg_json_cstr(j, p->exe ? p->exe : "");
		vg_json_obj_end(j);
		vg_json_key(j, "args");
		vg_json_args(j, p->args, p->args_len);
		vg_json_key(j, "args_truncated");
		vg_json_bool(j, p->args_truncated);
	}
	if (e || p) {
		vg_json_id_obj(j, "user", e ? e->euid : h->euid);
		vg_json_id_obj(j, "real_user", e ? e->uid : p->uid);
		vg_json_id_obj(j, "group", e ? e->egid : p->egid);
		vg_json_id_obj(j, "real_group", e ? e->gid : p->gid);
	}
	if (e || p) {
		vg_json_key(j, "parent");
		vg_json_obj_begin(j);
		vg_json_key(j, "pid");
		vg_json_u64(j, e ? e->ppid : p->ppid);
		vg_json_key(j, "start_time");
		vg_json_u64(j, e ? e->parent_start_time_ns : p->parent_start_ns);
		if (ev->n_ancestors && ev->ancestors[0]->tgid == (e ? e->ppid : p->ppid)) {
			const struct vg_proc *pp = ev->ancestors[0];

			vg_json_key(j, "name");
			vg_json_cstr(j, pp->comm);
			vg_json_key(j, "executable");
			vg_json_obj_begin(j);
			vg_json_key(j, "path");
			vg_json_cstr(j, pp->exe ? pp->exe : "");
			vg_json_obj_end(j);
		}
		vg_json_obj_end(j);
	}
	vg_json_key(j, "cgroup");
	vg_json_obj_begin(j);
	vg_json_key(j, "id");
	vg_json_u64(j, h->cgroup_id);
	if (e) {
		vg_json_key(j, "path");
		vg_json_record_str(j, ev, &e->cgroup);
	}
	vg_json_obj_end(j);
	json_ancestors(j, ev);
	f = formatter_of(h->type);
	if (f && f->json_process)
		f->json_process(j, ev);
	vg_json_obj_end(j);
}

/* Exec details live under "process". */
static void json_exec(struct vg_json *j, const struct vg_event_ctx *ev)
{
	const struct vg_exec *e = (const void *)ev->rec;
	char caps[32];
	size_t len;

	vg_json_key(j, "working_directory");
	vg_json_record_str(j, ev, &e->cwd);
	vg_json_id_obj(j, "saved_user", e->suid);
	vg_json_id_obj(j, "saved_group", e->sgid);
	vg_json_key(j, "audit");
	vg_json_obj_begin(j);
	vg_json_key(j, "login_user_id");
	if (e->loginuid == (__u32)-1)
		vg_json_null(j);
	else
		vg_json_u64(j, e->loginuid);
	vg_json_key(j, "session_id");
	if (e->audit_session == (__u32)-1)
		vg_json_null(j);
	else
		vg_json_u64(j, e->audit_session);
	vg_json_obj_end(j);
	vg_json_key(j, "session_leader");
	vg_json_obj_begin(j);
	vg_json_key(j, "pid");
	vg_json_u64(j, e->sid);
	vg_json_obj_end(j);
	vg_json_key(j, "group_leader");
	vg_json_obj_begin(j);
	vg_json_key(j, "pid");
	vg_json_u64(j, e->pgid);
	vg_json_obj_end(j);
	vg_json_key(j, "tty");
	vg_rec_str(ev->rec, &e->tty, &len);
	if (len)
		vg_json_record_str(j, ev, &e->tty);
	else
		vg_json_null(j);
	vg_json_key(j, "namespaces");
	vg_json_obj_begin(j);
	vg_json_key(j, "mnt");
	vg_json_u64(j, e->mnt_ns);
	vg_json_key(j, "pid");
	vg_json_u64(j, e->pid_ns);
	vg_json_key(j, "net");
	vg_json_u64(j, e->net_ns);
	vg_json_key(j, "user");
	vg_json_u64(j, e->user_ns);
	vg_json_obj_end(j);
	vg_json_key(j, "capabilities");
	vg_json_obj_begin(j);
	vg_json_key(j, "effective");
	snprintf(caps, sizeof(caps), "0x%" PRIx64, (uint64_t)e->cap_effective);
	vg_json_cstr(j, caps);
	vg_json_key(j, "permitted");
	snprintf(caps, sizeof(caps), "0x%" PRIx64, (uint64_t)e->cap_permitted);
	vg_json_cstr(j, caps);
	vg_json_obj_end(j);
	vg_json_key(j, "privileged_exec");
	vg_json_bool(j, e->flags & VG_EXEC_SECUREEXEC);
	vg_json_key(j, "exec_thread_id");
	vg_json_u64(j, e->old_pid);
	vg_json_key(j, "working_directory_truncated");
	vg_json_bool(j, e->flags & VG_EXEC_CWD_TRUNC);
}

static void json_exit(struct vg_json *j, const struct vg_event_ctx *ev)
{
	const struct vg_exit *x = (const void *)ev->rec;

	vg_json_key(j, "exit");
	vg_json_obj_begin(j);
	vg_json_key(j, "code");
	vg_json_i64(j, x->exit_code);
	vg_json_key(j, "signal");
	vg_json_u64(j, x->signal);
	if (x->signal) {
		vg_json_key(j, "signal_name");
		vg_json_cstr(j, vg_signal_name(x->signal));
	}
	vg_json_key(j, "core_dumped");
	vg_json_bool(j, x->core_dumped);
	vg_json_key(j, "run_time_ns");
	vg_json_u64(j, x->run_time_ns);
	vg_json_obj_end(j);
}

void vg_event_to_json(struct vg_buf *b, const struct vg_event_ctx *ev)
{
	char ts[48];
	struct vg_json j;

	vg_json_init(&j, b);
	vg_json_obj_begin(&j);
	vg_format_rfc3339(vg_boot_to_realtime_ns(ev->rec->ts_boot_ns), ts, sizeof(ts));
	vg_json_key(&j, "@timestamp");
	vg_json_cstr(&j, ts);
	vg_json_key(&j, "event");
	vg_json_obj_begin(&j);
	vg_json_key(&j, "kind");
	vg_json_cstr(&j, ev->desc ? ev->desc->kind : "unknown");
	vg_json_key(&j, "boot_time_ns");
	vg_json_u64(&j, ev->rec->ts_boot_ns);
	vg_json_key(&j, "cpu");
	vg_json_u64(&j, ev->rec->cpu);
	if (ev->rec->flags & (VG_HF_KILLED | VG_HF_WOULD_KILL)) {
		vg_json_key(&j, "action");
		vg_json_cstr(&j, ev->rec->flags & VG_HF_KILLED ? "killed" : "would_kill");
		vg_json_key(&j, "action_by");
		vg_json_cstr(&j, "kernel");
		if (ev->rec->type == VG_EV_EXEC) {
			vg_json_key(&j, "rule_id");
			vg_json_u64(&j, ((const struct vg_exec *)ev->rec)->rule_id);
		}
	}
	{
		const struct vg_formatter *f = formatter_of(ev->rec->type);

		if (f && f->json_event)
			f->json_event(&j, ev);
	}
	/* event.outcome, event.duration... of the network sensor's records */
	if (ev->rec->type >= VG_EV_NET_FIRST && ev->rec->type <= VG_EV_NET_LAST)
		vg_net_json_event(&j, ev);
	vg_json_obj_end(&j);
	vg_json_process(&j, ev);
	{
		const struct vg_formatter *f = formatter_of(ev->rec->type);

		if (f && f->json)
			f->json(&j, ev);
	}
	vg_json_obj_end(&j);
}

/* ---- text ---- */

const char *vg_event_text_header(void)
{
	return "TIME            EVENT   PID     PPID    UID    COMM             DETAILS";
}

void vg_text_args(struct vg_buf *b, const char *args, size_t len)
{
	size_t start = 0, i, k;

	for (i = 0; i <= len; i++) {
		const char *a = args + start;
		size_t n = i - start;
		bool quote = n == 0;

		if (i < len && args[i] != '\0')
			continue;
		for (k = 0; k < n; k++)
			if (a[k] == ' ' || a[k] == '"' || (unsigned char)a[k] < 0x20)
				quote = true;
		if (start)
			vg_buf_append(b, " ", 1);
		if (quote)
			vg_buf_append(b, "\"", 1);
		for (k = 0; k < n; k++) {
			unsigned char c = a[k];

			if (c < 0x20 || c == 0x7f)
				vg_buf_printf(b, "\\x%02x", c);
			else if (c == '"')
				vg_buf_puts(b, "\\\"");
			else
				vg_buf_append(b, (const char *)&c, 1);
		}
		if (quote)
			vg_buf_append(b, "\"", 1);
		start = i + 1;
	}
}

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

void vg_event_to_text(struct vg_buf *b, const struct vg_event_ctx *ev)
{
	const struct vg_hdr *h = ev->rec;
	const struct vg_formatter *f = formatter_of(h->type);
	char ts[32];
	long ppid = -1, uid = -1;

	if (h->type == VG_EV_EXEC) {
		const struct vg_exec *e = (const void *)h;

		ppid = e->ppid;
		uid = e->uid;
	} else if (ev->proc) {
		ppid = ev->proc->ppid;
		uid = ev->proc->uid;
	}
	vg_format_clock(vg_boot_to_realtime_ns(h->ts_boot_ns), ts, sizeof(ts));
	vg_buf_printf(b, "%-15s %-7s %-7u ", ts, ev->desc ? ev->desc->kind : "?", h->tgid);
	if (ppid >= 0)
		vg_buf_printf(b, "%-7ld %-6ld ", ppid, uid);
	else
		vg_buf_printf(b, "%-7s %-6s ", "?", "?");
	vg_buf_printf(b, "%-16.16s ", h->comm);
	if (f && f->text)
		f->text(b, ev);
}
