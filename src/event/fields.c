// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "event/decode.h"
#include "event/dns_parse.h"
#include "event/fields.h"
#include "event/format_file.h"
#include "event/format_priv.h"
#include "event/proc_cache.h"

/* The decoder's kind names (src/decode.c), which `event.kind` prints. */
static const char *const kind_names[VG_K_MAX] = {
	[VG_K_EXEC] = "exec", [VG_K_EXIT] = "exit", [VG_K_FORK] = "fork",
	[VG_K_OPEN] = "open", [VG_K_UNLINK] = "unlink", [VG_K_RENAME] = "rename",
	[VG_K_CHMOD] = "chmod", [VG_K_CHOWN] = "chown", [VG_K_LINK] = "link",
	[VG_K_SYMLINK] = "symlink", [VG_K_TRUNCATE] = "truncate", [VG_K_UTIMES] = "utimes",
	[VG_K_MKNOD] = "mknod", [VG_K_MOUNT] = "mount", [VG_K_MEMFD] = "memfd",
	[VG_K_CONNECT] = "connect", [VG_K_ACCEPT] = "accept", [VG_K_CLOSE] = "close",
	[VG_K_LISTEN] = "listen", [VG_K_UDP_FLOW] = "udp_flow", [VG_K_DNS] = "dns",
	[VG_K_DENY] = "deny", [VG_K_SHELL_ON_SOCKET] = "shell_on_socket",
	[VG_K_SETUID] = "setuid", [VG_K_CAPSET] = "capset",
	[VG_K_PRIVILEGED_EXEC] = "privileged_exec", [VG_K_PTRACE] = "ptrace",
	[VG_K_PROCESS_VM] = "process_vm", [VG_K_BPF] = "bpf", [VG_K_MODULE] = "module",
	[VG_K_PRCTL] = "prctl", [VG_K_SECCOMP] = "seccomp", [VG_K_SIGNAL] = "signal",
	[VG_K_NAMESPACE] = "namespace", [VG_K_IO_URING_SETUP] = "io_uring_setup",
	[VG_K_IO_URING] = "io_uring",
};

/* ---- value helpers ---- */

static bool emit_str(const char *p, size_t len, vg_value_cb cb, void *ctx)
{
	struct vg_value val = { .type = VG_FT_STR, .s = { p, len } };

	return cb(&val, ctx);
}

static bool emit_cstr(const char *p, vg_value_cb cb, void *ctx)
{
	return p ? emit_str(p, strlen(p), cb, ctx) : false;
}

static bool emit_uint(uint64_t u, vg_value_cb cb, void *ctx)
{
	struct vg_value val = { .type = VG_FT_UINT, .u = u };

	return cb(&val, ctx);
}

static bool emit_int(int64_t i, vg_value_cb cb, void *ctx)
{
	struct vg_value val = { .type = VG_FT_INT, .i = i };

	return cb(&val, ctx);
}

/* Each NUL-separated element of @p[0..len) as one value. */
static bool emit_nul_list(const char *p, size_t len, vg_value_cb cb, void *ctx)
{
	size_t i = 0;

	while (i < len) {
		const char *e = memchr(p + i, '\0', len - i);
		size_t n = e ? (size_t)(e - (p + i)) : len - i;

		if (emit_str(p + i, n, cb, ctx))
			return true;
		i += n + 1;
	}
	return false;
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
	return emit_str(v->scratch, n, cb, ctx);
}

static const char *base_name(const char *p, size_t *len)
{
	size_t i = *len;

	while (i && p[i - 1] != '/')
		i--;
	*len -= i;
	return p + i;
}

static const struct vg_exec *as_exec(const struct vg_event_view *v)
{
	return v->rec && v->rec->type == VG_EV_EXEC ? (const struct vg_exec *)v->rec : NULL;
}

static bool exec_str(const struct vg_event_view *v, const struct vg_str *s, vg_value_cb cb,
		     void *ctx)
{
	size_t len;
	const char *p = vg_rec_str(v->rec, s, &len);

	return emit_str(p, len, cb, ctx);
}

static const struct vg_proc *parent_of(const struct vg_event_view *v)
{
	return v->n_ancestors ? v->ancestors[0] : NULL;
}

/* ---- record getters ---- */

/* Every network record starts with the header and then the 4-tuple. */
static const struct vg_net_tuple *net_tuple(const struct vg_event_view *v)
{
	if (!v->rec || v->rec->type < VG_EV_NET_FIRST || v->rec->type > VG_EV_NET_LAST ||
	    v->size < sizeof(struct vg_hdr) + sizeof(struct vg_net_tuple))
		return NULL;
	return (const struct vg_net_tuple *)((const char *)v->rec + sizeof(struct vg_hdr));
}

static bool emit_net_ip(const struct vg_net_tuple *t, const __u8 *a, vg_value_cb cb, void *ctx)
{
	struct vg_value val = { .type = VG_FT_IP };

	if (t->family == 2) {	/* AF_INET: held v4-mapped */
		val.ip.v4 = 1;
		val.ip.addr[10] = val.ip.addr[11] = 0xff;
		memcpy(val.ip.addr + 12, a, 4);
	} else {
		memcpy(val.ip.addr, a, 16);
	}
	return cb(&val, ctx);
}

static bool get_net_daddr(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			  void *ctx)
{
	const struct vg_net_tuple *t = net_tuple(v);

	(void)f;
	return t && t->family ? emit_net_ip(t, t->daddr, cb, ctx) : false;
}

static bool get_net_saddr(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			  void *ctx)
{
	const struct vg_net_tuple *t = net_tuple(v);

	(void)f;
	return t && t->family ? emit_net_ip(t, t->saddr, cb, ctx) : false;
}

static bool get_net_dport(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			  void *ctx)
{
	const struct vg_net_tuple *t = net_tuple(v);

	(void)f;
	return t ? emit_uint(t->dport, cb, ctx) : false;
}

static bool get_net_sport(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			  void *ctx)
{
	const struct vg_net_tuple *t = net_tuple(v);

	(void)f;
	return t ? emit_uint(t->sport, cb, ctx) : false;
}

static bool get_net_transport(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			      void *ctx)
{
	const struct vg_net_tuple *t = net_tuple(v);

	(void)f;
	if (!t)
		return false;
	/* As format_net.c's transport_name() prints it. */
	return emit_cstr(t->protocol == 6 ? "tcp" : t->protocol == 17 ? "udp" : "unknown", cb, ctx);
}

static bool get_net_type(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			 void *ctx)
{
	const struct vg_net_tuple *t = net_tuple(v);

	(void)f;
	if (!t || !t->family)
		return false;
	return emit_cstr(t->family == 2 ? "ipv4" : "ipv6", cb, ctx);
}

/* The first question of a dns record's payload, parsed as the formatter does. */
static bool get_dns_qname(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			  void *ctx)
{
	const struct vg_net_dns *d;
	struct vg_dns_msg m;
	const uint8_t *p;
	size_t len;

	(void)f;
	if (!v->rec || v->rec->type != VG_EV_NET_DNS || v->size < sizeof(*d))
		return false;
	d = (const struct vg_net_dns *)v->rec;
	p = (const uint8_t *)vg_rec_str(v->rec, &d->payload, &len);
	if (d->flags & VG_NET_DNS_TCP) {	/* 2-byte length first */
		if (len < 2)
			return false;
		p += 2;
		len -= 2;
	}
	if (vg_dns_parse(p, len, &m))
		return false;	/* malformed: printed without a question */
	len = strnlen(m.qname, sizeof(m.qname));
	memcpy(v->scratch, m.qname, len);
	return emit_str(v->scratch, len, cb, ctx);
}

static bool get_kind(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb, void *ctx)
{
	(void)f;
	return emit_cstr(kind_names[v->kind], cb, ctx);
}

static bool get_boot_ns(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			void *ctx)
{
	(void)f;
	return emit_uint(v->rec->ts_boot_ns, cb, ctx);
}

static bool get_pid(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb, void *ctx)
{
	(void)f;
	return emit_uint(v->rec->tgid, cb, ctx);
}

static bool get_tid(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb, void *ctx)
{
	(void)f;
	return emit_uint(v->rec->pid, cb, ctx);
}

static bool get_comm(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb, void *ctx)
{
	(void)f;
	return emit_str(v->rec->comm, strnlen(v->rec->comm, VG_COMM_LEN), cb, ctx);
}

static bool get_cgroup_id(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			  void *ctx)
{
	(void)f;
	return emit_uint(v->rec->cgroup_id, cb, ctx);
}

static bool get_exe(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb, void *ctx)
{
	const struct vg_exec *e = as_exec(v);

	(void)f;
	if (e)
		return exec_str(v, &e->exe, cb, ctx);
	return v->proc ? emit_cstr(v->proc->exe, cb, ctx) : false;
}

static bool get_exe_name(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			 void *ctx)
{
	const struct vg_exec *e = as_exec(v);
	const char *p = NULL;
	size_t len = 0;

	(void)f;
	if (e)
		p = vg_rec_str(v->rec, &e->exe, &len);
	else if (v->proc && v->proc->exe)
		p = v->proc->exe, len = strlen(p);
	if (!p)
		return false;
	p = base_name(p, &len);
	return emit_str(p, len, cb, ctx);
}

static bool get_cmdline(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			void *ctx)
{
	const struct vg_exec *e = as_exec(v);
	const char *p;
	size_t len;

	(void)f;
	if (e) {
		p = vg_rec_str(v->rec, &e->argv, &len);
		return emit_joined(v, p, len, cb, ctx);
	}
	if (v->proc && v->proc->args)
		return emit_joined(v, v->proc->args, v->proc->args_len, cb, ctx);
	return false;
}

static bool get_args(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb, void *ctx)
{
	const struct vg_exec *e = as_exec(v);
	const char *p;
	size_t len;

	(void)f;
	if (e) {
		p = vg_rec_str(v->rec, &e->argv, &len);
		return emit_nul_list(p, len, cb, ctx);
	}
	if (v->proc && v->proc->args)
		return emit_nul_list(v->proc->args, v->proc->args_len, cb, ctx);
	return false;
}

static bool get_argc(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb, void *ctx)
{
	const struct vg_exec *e = as_exec(v);

	(void)f;
	return e ? emit_uint(e->argc, cb, ctx) : false;
}

static bool get_cwd(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb, void *ctx)
{
	const struct vg_exec *e = as_exec(v);

	(void)f;
	return e ? exec_str(v, &e->cwd, cb, ctx) : false;
}

static bool get_tty(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb, void *ctx)
{
	const struct vg_exec *e = as_exec(v);

	(void)f;
	return e && e->tty.len ? exec_str(v, &e->tty, cb, ctx) : false;
}

static bool get_cgroup_path(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			    void *ctx)
{
	const struct vg_exec *e = as_exec(v);

	(void)f;
	return e ? exec_str(v, &e->cgroup, cb, ctx) : false;
}

/* Credentials: the exec record has them all, the cache the main four. */
enum cred { CRED_EUID, CRED_UID, CRED_EGID, CRED_GID };

static bool emit_cred(struct vg_event_view *v, enum cred c, vg_value_cb cb, void *ctx)
{
	const struct vg_exec *e = as_exec(v);
	const struct vg_proc *p = v->proc;

	if (e)
		return emit_uint(c == CRED_EUID ? e->euid : c == CRED_UID ? e->uid :
				 c == CRED_EGID ? e->egid : e->gid, cb, ctx);
	if (p)
		return emit_uint(c == CRED_EUID ? p->euid : c == CRED_UID ? p->uid :
				 c == CRED_EGID ? p->egid : p->gid, cb, ctx);
	return false;
}

/* The effective uid when the event happened: every record header carries it. */
static bool get_euid(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb, void *ctx)
{
	(void)f;
	if (v->rec && !as_exec(v))
		return emit_uint(v->rec->euid, cb, ctx);
	return emit_cred(v, CRED_EUID, cb, ctx);
}

static bool get_uid(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb, void *ctx)
{
	(void)f;
	return emit_cred(v, CRED_UID, cb, ctx);
}

static bool get_egid(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb, void *ctx)
{
	(void)f;
	return emit_cred(v, CRED_EGID, cb, ctx);
}

static bool get_gid(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb, void *ctx)
{
	(void)f;
	return emit_cred(v, CRED_GID, cb, ctx);
}

static bool get_ppid(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb, void *ctx)
{
	(void)f;
	switch (v->rec->type) {
	case VG_EV_EXEC:
		return emit_uint(((const struct vg_exec *)v->rec)->ppid, cb, ctx);
	case VG_EV_FORK:
		return emit_uint(((const struct vg_fork *)v->rec)->ppid, cb, ctx);
	case VG_EV_EXIT:
		return emit_uint(((const struct vg_exit *)v->rec)->ppid, cb, ctx);
	}
	return v->proc ? emit_uint(v->proc->ppid, cb, ctx) : false;
}

static bool get_parent_exe(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			   void *ctx)
{
	const struct vg_proc *p = parent_of(v);

	(void)f;
	return p ? emit_cstr(p->exe, cb, ctx) : false;
}

static bool get_parent_name(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			    void *ctx)
{
	const struct vg_proc *p = parent_of(v);

	(void)f;
	return p ? emit_str(p->comm, strnlen(p->comm, VG_COMM_LEN), cb, ctx) : false;
}

static bool get_parent_cmdline(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			       void *ctx)
{
	const struct vg_proc *p = parent_of(v);

	(void)f;
	return p && p->args ? emit_joined(v, p->args, p->args_len, cb, ctx) : false;
}

static bool get_anc_exe(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			void *ctx)
{
	size_t i;

	(void)f;
	for (i = 0; i < v->n_ancestors; i++)
		if (emit_cstr(v->ancestors[i]->exe, cb, ctx))
			return true;
	return false;
}

static bool get_anc_name(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			 void *ctx)
{
	size_t i;

	(void)f;
	for (i = 0; i < v->n_ancestors; i++) {
		const struct vg_proc *p = v->ancestors[i];

		if (emit_str(p->comm, strnlen(p->comm, VG_COMM_LEN), cb, ctx))
			return true;
	}
	return false;
}

static bool get_exit_code(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			  void *ctx)
{
	const struct vg_exit *x = (const struct vg_exit *)v->rec;

	(void)f;
	return v->rec->type == VG_EV_EXIT && !x->signal ? emit_int(x->exit_code, cb, ctx) : false;
}

static bool get_exit_signal(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			    void *ctx)
{
	const struct vg_exit *x = (const struct vg_exit *)v->rec;

	(void)f;
	return v->rec->type == VG_EV_EXIT ? emit_uint(x->signal, cb, ctx) : false;
}

/*
 * File records: one layout for every file kind. Each getter yields what
 * vg_json_file() (src/format_file.c) prints for the same record, so a rule
 * reads a live record and its replayed JSON line alike.
 */
_Static_assert(VG_MAX_PATH_BYTES <= VG_MAX_ARGV_BYTES, "a normalized path fits the scratch");

static const struct vg_file *as_file(const struct vg_event_view *v)
{
	if (!v->rec || v->rec->type < VG_EV_FILE_OPEN || v->rec->type > VG_EV_FILE_TYPE_LAST ||
	    v->size < sizeof(struct vg_file))
		return NULL;
	return (const struct vg_file *)v->rec;
}

/* A caller's string joined with "." or ".." the kernel did not resolve: printed normalized. */
static bool file_path_unchecked(const struct vg_file *f)
{
	return (f->fflags & VG_FILE_PATH_USER) && (f->fflags & VG_FILE_UNCHECKED);
}

/* A record path string, normalized as the formatter does, or its last component. */
static bool emit_rec_path(struct vg_event_view *v, const struct vg_str *s, bool normalize,
			  bool last_component, vg_value_cb cb, void *ctx)
{
	size_t len;
	const char *p = vg_rec_str(v->rec, s, &len);

	if (normalize) {
		if (len > sizeof(v->scratch))
			len = sizeof(v->scratch);
		memcpy(v->scratch, p, len);
		len = vg_path_normalize(v->scratch, len);
		p = v->scratch;
	}
	if (last_component)
		p = base_name(p, &len);
	return emit_str(p, len, cb, ctx);
}

static bool get_file_path(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			  void *ctx)
{
	const struct vg_file *r = as_file(v);

	(void)f;
	return r ? emit_rec_path(v, &r->path, file_path_unchecked(r), false, cb, ctx) : false;
}

static bool get_file_name(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			  void *ctx)
{
	const struct vg_file *r = as_file(v);

	(void)f;
	return r ? emit_rec_path(v, &r->path, file_path_unchecked(r), true, cb, ctx) : false;
}

static bool get_file_target(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			    void *ctx)
{
	const struct vg_file *r = as_file(v);
	uint16_t type;

	(void)f;
	if (!r)
		return false;
	type = r->hdr.type;
	if (!r->target.len && type != VG_EV_FILE_RENAME && type != VG_EV_FILE_LINK &&
	    type != VG_EV_FILE_SYMLINK)
		return false;
	if (type == VG_EV_FILE_MOUNT)	/* the mount point; the source is mount.source */
		return emit_rec_path(v, &r->path, file_path_unchecked(r), false, cb, ctx);
	return emit_rec_path(v, &r->target,
			     !(r->fflags & VG_FILE_TARGET_RAW) && (r->fflags & VG_FILE_UNCHECKED),
			     false, cb, ctx);
}

static bool get_file_path_source(struct vg_event_view *v, const struct vg_field *f,
				 vg_value_cb cb, void *ctx)
{
	const struct vg_file *r = as_file(v);

	(void)f;
	if (!r)
		return false;
	return emit_cstr(r->fflags & VG_FILE_PATH_USER ? "user" : "kernel", cb, ctx);
}

static bool get_file_access(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			    void *ctx)
{
	const struct vg_file *r = as_file(v);
	const char *words[VG_FILE_MAX_WORDS];
	size_t n, i;

	(void)f;
	if (!r)
		return false;
	n = vg_file_access_words(r->hdr.type, r->flags, r->access, words, VG_FILE_MAX_WORDS);
	for (i = 0; i < n; i++)
		if (emit_cstr(words[i], cb, ctx))
			return true;
	return false;
}

static bool get_file_flags(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			   void *ctx)
{
	const struct vg_file *r = as_file(v);

	(void)f;
	/* Printed when there are flags (the words come from set bits only). */
	return r && r->flags ? emit_uint(r->flags, cb, ctx) : false;
}

static bool get_file_mode(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			  void *ctx)
{
	const struct vg_file *r = as_file(v);
	uint16_t type;

	(void)f;
	if (!r)
		return false;
	type = r->hdr.type;
	if (type != VG_EV_FILE_CHMOD && type != VG_EV_FILE_MKNOD &&
	    !(type == VG_EV_FILE_OPEN && (r->flags & O_CREAT)))
		return false;
	return emit_uint(r->mode & 07777, cb, ctx);
}

/* chown: (u32)-1 leaves the id unchanged and prints null. */
static bool get_file_owner(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			   void *ctx)
{
	const struct vg_file *r = as_file(v);

	(void)f;
	if (!r || r->hdr.type != VG_EV_FILE_CHOWN || r->uid == (uint32_t)-1)
		return false;
	return emit_uint(r->uid, cb, ctx);
}

static bool get_file_group(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			   void *ctx)
{
	const struct vg_file *r = as_file(v);

	(void)f;
	if (!r || r->hdr.type != VG_EV_FILE_CHOWN || r->gid == (uint32_t)-1)
		return false;
	return emit_uint(r->gid, cb, ctx);
}

/* Privilege records: what vg_json_priv() / vg_json_priv_process() print. */
static const void *as_priv(const struct vg_event_view *v, uint16_t type, size_t size)
{
	return v->rec && v->rec->type == type && v->size >= size ? v->rec : NULL;
}

static bool get_new_user(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			 void *ctx)
{
	const struct vg_cred *c;

	(void)f;
	if (!v->rec || (v->rec->type != VG_EV_CRED && v->rec->type != VG_EV_CAPSET &&
			v->rec->type != VG_EV_PRIV_EXEC) || v->size < sizeof(*c))
		return false;
	c = (const struct vg_cred *)v->rec;
	return emit_uint(c->new_creds.euid, cb, ctx);
}

static bool get_target_pid(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			   void *ctx)
{
	const struct vg_priv_target *t = NULL;
	const struct vg_priv_sys *s = NULL;
	const struct vg_ptrace *pt;
	const struct vg_process_vm *vm;
	const struct vg_signal *sg;

	(void)f;
	if ((pt = as_priv(v, VG_EV_PTRACE, sizeof(*pt))))
		s = &pt->sys, t = &pt->target;
	else if ((vm = as_priv(v, VG_EV_PROCESS_VM, sizeof(*vm))))
		s = &vm->sys, t = &vm->target;
	else if ((sg = as_priv(v, VG_EV_SIGNAL, sizeof(*sg))))
		s = &sg->sys, t = &sg->target;
	if (!t)
		return false;
	/* The process when found, else the id as passed (<= 0: a group, not a pid). */
	if (s->flags & VG_PRIV_TARGET_KNOWN)
		return emit_uint(t->tgid, cb, ctx);
	return t->pid >= 0 ? emit_uint((uint64_t)t->pid, cb, ctx) : false;
}

static bool get_signal_number(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			      void *ctx)
{
	const struct vg_signal *s = as_priv(v, VG_EV_SIGNAL, sizeof(*s));

	(void)f;
	return s ? emit_uint(s->sig, cb, ctx) : false;
}

static bool get_module_name(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			    void *ctx)
{
	const struct vg_module *m = as_priv(v, VG_EV_MODULE, sizeof(*m));

	(void)f;
	/* Only delete_module names a module; loads carry an image or a file. */
	if (!m || m->sys.call != VG_PC_DELETE_MODULE)
		return false;
	return exec_str(v, &m->name, cb, ctx);
}

static bool get_bpf_command(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			    void *ctx)
{
	const struct vg_bpf *b = as_priv(v, VG_EV_BPF, sizeof(*b));
	const char *name;

	(void)f;
	if (!b || !(name = vg_bpf_cmd_name(b->cmd)))
		return false;
	return emit_cstr(name + strlen("BPF_"), cb, ctx);	/* "PROG_LOAD" */
}

static bool get_namespace_type(struct vg_event_view *v, const struct vg_field *f,
			       vg_value_cb cb, void *ctx)
{
	const struct vg_namespace *n = as_priv(v, VG_EV_NAMESPACE, sizeof(*n));
	const char *names[VG_NS_MAX_TYPES];
	size_t count, i;

	(void)f;
	if (!n)
		return false;
	count = vg_ns_type_names(n->ns_flags, names, VG_NS_MAX_TYPES);
	for (i = 0; i < count; i++)
		if (emit_cstr(names[i], cb, ctx))
			return true;
	return false;
}

/* JSON getters for fields `vigil trace --json` does not print as such. */
static bool json_exe_name(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			  void *ctx);
static bool json_cmdline(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			 void *ctx);
static bool json_file_name(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			   void *ctx);
static bool json_parent_exe(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			    void *ctx);
static bool json_parent_name(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			     void *ctx);
static bool json_parent_cmdline(struct vg_event_view *v, const struct vg_field *f,
				vg_value_cb cb, void *ctx);

/* ---- the registry ---- */

#define ALL VG_KINDS_ALL
#define K(k) VG_KB(VG_K_##k)

/*
 * Adding a record-backed getter for a sensor's new record is one change in
 * the row's last column; until then the field is read from JSON (replay).
 */
static const struct vg_field table[] = {
	{ "event.kind", VG_FT_STR, ALL, true,
	  "what happened: exec, open, connect, ... (the rule's `event`)", get_kind, NULL },
	{ "event.boot_time_ns", VG_FT_UINT, ALL, false,
	  "kernel boot-clock time of the event, ns; throttling windows use it", get_boot_ns, NULL },
	{ "process.pid", VG_FT_UINT, ALL, true, "process id (tgid)", get_pid, NULL },
	{ "process.thread.id", VG_FT_UINT, ALL, false, "thread id", get_tid, NULL },
	{ "process.name", VG_FT_STR, ALL, false,
	  "kernel task name (comm, at most 15 bytes)", get_comm, NULL },
	{ "process.executable.path", VG_FT_STR, ALL, true,
	  "executable path as the kernel resolved it", get_exe, NULL },
	{ "process.executable.name", VG_FT_STR, ALL, false,
	  "last component of process.executable.path", get_exe_name, json_exe_name },
	{ "process.command_line", VG_FT_STR, ALL, false,
	  "arguments joined by single spaces", get_cmdline, json_cmdline },
	{ "process.args", VG_FT_STRLIST, ALL, false,
	  "arguments, argv[0] first; a comparison matches if any argument does", get_args, NULL },
	{ "process.args_count", VG_FT_UINT, VG_KB(VG_K_EXEC), false,
	  "argc as the kernel counted it", get_argc, NULL },
	{ "process.working_directory", VG_FT_STR, ALL, false,
	  "current directory at exec", get_cwd, NULL },
	{ "process.tty", VG_FT_STR, ALL, false,
	  "controlling terminal name; absent when none", get_tty, NULL },
	{ "process.user.id", VG_FT_UINT, ALL, true, "effective user id when the event happened", get_euid, NULL },
	{ "process.real_user.id", VG_FT_UINT, ALL, false, "real user id", get_uid, NULL },
	{ "process.group.id", VG_FT_UINT, ALL, false, "effective group id", get_egid, NULL },
	{ "process.real_group.id", VG_FT_UINT, ALL, false, "real group id", get_gid, NULL },
	{ "process.parent.pid", VG_FT_UINT, ALL, false, "parent process id", get_ppid, NULL },
	{ "process.parent.executable.path", VG_FT_STR, ALL, false,
	  "parent's executable path", get_parent_exe, json_parent_exe },
	{ "process.parent.name", VG_FT_STR, ALL, false, "parent's task name (comm)",
	  get_parent_name, json_parent_name },
	{ "process.parent.command_line", VG_FT_STR, ALL, false, "parent's arguments, joined",
	  get_parent_cmdline, json_parent_cmdline },
	{ "process.ancestors.executable.path", VG_FT_STRLIST, ALL, false,
	  "executable of every ancestor, parent first; `=` means \"some ancestor is\"",
	  get_anc_exe, NULL },
	{ "process.ancestors.name", VG_FT_STRLIST, ALL, false,
	  "task name of every ancestor, parent first", get_anc_name, NULL },
	{ "process.exit.code", VG_FT_INT, K(EXIT), false,
	  "exit status; absent when killed by a signal", get_exit_code, NULL },
	{ "process.exit.signal", VG_FT_UINT, K(EXIT), false,
	  "terminating signal, 0 on a normal exit", get_exit_signal, NULL },
	{ "process.cgroup.id", VG_FT_UINT, ALL, true, "cgroup v2 id", get_cgroup_id, NULL },
	{ "process.cgroup.path", VG_FT_STR, ALL, false, "cgroup v2 path", get_cgroup_path, NULL },
	{ "container.id", VG_FT_STR, ALL, false,
	  "container id derived from the cgroup path; absent on the host", NULL, NULL },
	/* file sensor */
	{ "file.path", VG_FT_STR, VG_KINDS_FILE, true,
	  "path of the file acted on, from the kernel's struct file when possible",
	  get_file_path, NULL },
	{ "file.name", VG_FT_STR, VG_KINDS_FILE, false, "last component of file.path",
	  get_file_name, json_file_name },
	{ "file.target_path", VG_FT_STR, K(RENAME) | K(LINK) | K(SYMLINK) | K(MOUNT), false,
	  "new name (rename), link target (link, symlink), mount point (mount)",
	  get_file_target, NULL },
	{ "file.access", VG_FT_STRLIST, VG_KINDS_FILE, false,
	  "what the event does, as words: open: read, write or read-write (path for O_PATH), "
	  "then tmpfile, directory, create, exclusive, truncate, append, nofollow, "
	  "execute-mode; others: read, write, create, truncate, delete, rename, attributes, "
	  "execute-mode, mount, memfd; `file.access = write` is an exact word, "
	  "`contains write` also matches read-write", get_file_access, NULL },
	{ "file.flags", VG_FT_UINT, VG_KINDS_FILE, false,
	  "flags argument (open, renameat2, *at, mount, umount2, memfd_create); absent when 0",
	  get_file_flags, NULL },
	{ "file.mode", VG_FT_UINT, K(OPEN) | K(CHMOD) | K(MKNOD), false,
	  "permission bits requested (chmod, mknod, open with O_CREAT)", get_file_mode, NULL },
	{ "file.owner.id", VG_FT_UINT, K(CHOWN), false,
	  "new owner uid (chown); absent when left unchanged", get_file_owner, NULL },
	{ "file.group.id", VG_FT_UINT, K(CHOWN), false,
	  "new group gid (chown); absent when left unchanged", get_file_group, NULL },
	{ "file.path_source", VG_FT_STR, VG_KINDS_FILE, false,
	  "kernel (from struct file) or user (joined from the syscall's string)",
	  get_file_path_source, NULL },
	/* network sensor */
	{ "destination.address", VG_FT_IP, VG_KINDS_NET, true, "peer (remote) address",
	  get_net_daddr, NULL },
	{ "destination.port", VG_FT_UINT, VG_KINDS_NET, true, "peer (remote) port",
	  get_net_dport, NULL },
	{ "source.address", VG_FT_IP, VG_KINDS_NET, false, "local address", get_net_saddr, NULL },
	{ "source.port", VG_FT_UINT, VG_KINDS_NET, true, "local port", get_net_sport, NULL },
	{ "network.transport", VG_FT_STR, VG_KINDS_NET, false, "tcp or udp", get_net_transport,
	  NULL },
	{ "network.type", VG_FT_STR, VG_KINDS_NET, false, "ipv4 or ipv6", get_net_type, NULL },
	{ "dns.question.name", VG_FT_STR, K(DNS), false, "queried name", get_dns_qname, NULL },
	/* privilege / kernel sensor */
	{ "process.new_user.id", VG_FT_UINT, K(SETUID) | K(CAPSET) | K(PRIVILEGED_EXEC), false,
	  "effective uid after the credential change", get_new_user, NULL },
	{ "target.process.pid", VG_FT_UINT, K(PTRACE) | K(PROCESS_VM) | K(SIGNAL), false,
	  "process traced, read/written or signalled (the id as passed when not found; "
	  "absent for process groups)", get_target_pid, NULL },
	{ "signal.number", VG_FT_UINT, K(SIGNAL), false, "signal sent", get_signal_number, NULL },
	{ "module.name", VG_FT_STR, K(MODULE), false,
	  "kernel module unloaded (delete_module); loads carry no name", get_module_name, NULL },
	{ "bpf.command", VG_FT_STR, K(BPF), false, "bpf(2) command, e.g. PROG_LOAD",
	  get_bpf_command, NULL },
	{ "namespace.type", VG_FT_STRLIST, K(NAMESPACE), false,
	  "namespaces entered or created: mnt, cgroup, uts, ipc, user, pid, net, time; "
	  "`namespace.type = net` matches if one of them is net", get_namespace_type, NULL },
};

#define N_FIELDS (sizeof(table) / sizeof(table[0]))

const struct vg_field *vg_field_table(size_t *n)
{
	*n = N_FIELDS;
	return table;
}

const struct vg_field *vg_field_lookup(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < N_FIELDS; i++)
		if (strlen(table[i].name) == len && !memcmp(table[i].name, name, len))
			return &table[i];
	return NULL;
}

unsigned vg_field_distance(const char *a, size_t alen, const char *b, size_t blen)
{
	unsigned row[64], prev, tmp;
	size_t i, j;

	if (alen >= 63 || blen >= 63)
		return 255;
	for (j = 0; j <= blen; j++)
		row[j] = j;
	for (i = 1; i <= alen; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= blen; j++) {
			unsigned best = prev + (a[i - 1] != b[j - 1]);

			tmp = row[j];
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	return row[blen] > 255 ? 255 : row[blen];
}

const char *vg_field_suggest(const char *name, size_t len)
{
	const char *best = NULL;
	unsigned best_d = len / 5 + 1;	/* further than this is a guess, not a hint */
	size_t i;

	/* A cut-short name ("process.exe") most likely means the field it begins. */
	for (i = 0; i < N_FIELDS; i++)
		if (len > 3 && !strncmp(table[i].name, name, len) &&
		    (!best || strlen(table[i].name) < strlen(best)))
			best = table[i].name;
	if (best)
		return best;
	for (i = 0; i < N_FIELDS; i++) {
		unsigned d = vg_field_distance(name, len, table[i].name, strlen(table[i].name));

		if (d < best_d)
			best_d = d, best = table[i].name;
	}
	return best;
}

const char *vg_field_kind_name(enum vg_kind k)
{
	return (unsigned)k < VG_K_MAX ? kind_names[k] : "?";
}

int vg_field_kind_lookup(const char *name, size_t len)
{
	int k;

	for (k = 0; k < VG_K_MAX; k++)
		if (strlen(kind_names[k]) == len && !memcmp(kind_names[k], name, len))
			return k;
	return -ENOENT;
}

int vg_field_kind_of_record(const struct vg_hdr *h)
{
	const struct vg_record_desc *d = vg_record_desc(h->type);

	return d ? vg_field_kind_lookup(d->kind, strlen(d->kind)) : -ENOENT;
}

enum vg_sensor_id vg_field_kind_sensor(enum vg_kind k)
{
	vg_kinds_t b = VG_KB(k);

	if (b & VG_KINDS_FILE)
		return VG_SENSOR_FILE;
	if (b & VG_KINDS_NET)
		return VG_SENSOR_NETWORK;
	if (b & VG_KINDS_PRIV)
		return VG_SENSOR_PRIV;
	return VG_SENSOR_PROCESS;
}

const char *vg_field_sensor_name(enum vg_sensor_id s)
{
	static const char *const names[VG_SENSOR_MAX] = { "process", "file", "network",
							  "privilege" };

	return (unsigned)s < VG_SENSOR_MAX ? names[s] : "?";
}

const char *vg_field_type_name(enum vg_ftype t)
{
	switch (t) {
	case VG_FT_STR: return "string";
	case VG_FT_INT: return "int";
	case VG_FT_UINT: return "uint";
	case VG_FT_IP: return "ip";
	case VG_FT_STRLIST: return "list of strings";
	}
	return "?";
}

void vg_field_kinds_format(vg_kinds_t kinds, char *buf, size_t size)
{
	size_t off = 0;
	int k;

	if (size)
		buf[0] = '\0';
	if (kinds == VG_KINDS_ALL) {
		snprintf(buf, size, "all");
		return;
	}
	for (k = 0; k < VG_K_MAX && off < size; k++) {
		if (!(kinds & VG_KB(k)))
			continue;
		off += snprintf(buf + off, size - off, "%s%s", off ? ", " : "", kind_names[k]);
	}
}

/* ---- views ---- */

int vg_field_view_record(struct vg_event_view *v, const struct vg_hdr *rec, size_t size,
		       const struct vg_proc *proc, const struct vg_proc *const *anc, size_t n_anc)
{
	int k = vg_field_kind_of_record(rec);

	if (k < 0)
		return -EINVAL;
	v->rec = rec;
	v->size = size;
	v->proc = proc;
	v->ancestors = anc;
	v->n_ancestors = anc ? n_anc : 0;
	v->json = NULL;
	v->kind = k;
	return 0;
}

/* Leaf conversion: JSON value to the field's type; mismatches yield nothing. */
static bool json_leaf(const json_t *j, const struct vg_field *f, vg_value_cb cb, void *ctx)
{
	struct vg_value val;

	switch (f->type) {
	case VG_FT_STR:
	case VG_FT_STRLIST:
		if (!json_is_string(j))
			return false;
		return emit_str(json_string_value(j), json_string_length(j), cb, ctx);
	case VG_FT_INT:
		return json_is_integer(j) ? emit_int(json_integer_value(j), cb, ctx) : false;
	case VG_FT_UINT:
		if (!json_is_integer(j) || json_integer_value(j) < 0)
			return false;
		return emit_uint((uint64_t)json_integer_value(j), cb, ctx);
	case VG_FT_IP:
		val.type = VG_FT_IP;
		if (!json_is_string(j) ||
		    vg_field_parse_ip(json_string_value(j), json_string_length(j), &val.ip))
			return false;
		return cb(&val, ctx);
	}
	return false;
}

/*
 * Follows the dotted @path through nested objects. A numeric segment
 * indexes an array ("ancestors.0"); other arrays fan out (so
 * "process.ancestors.name" visits every ancestor). A key may also hold the
 * rest of the path flat ({"process.pid": 1}).
 */
static bool json_walk(const json_t *j, const char *path, const struct vg_field *f,
		      vg_value_cb cb, void *ctx)
{
	const char *dot;
	const json_t *child;
	size_t i;

	if (json_is_array(j)) {
		if (*path >= '0' && *path <= '9') {
			char *end;
			unsigned long idx = strtoul(path, &end, 10);

			if (*end && *end != '.')
				return false;
			child = json_array_get(j, idx);
			return child ? json_walk(child, *end ? end + 1 : end, f, cb, ctx) : false;
		}
		for (i = 0; i < json_array_size(j); i++)
			if (json_walk(json_array_get(j, i), path, f, cb, ctx))
				return true;
		return false;
	}
	if (!*path)
		return json_leaf(j, f, cb, ctx);
	if (!json_is_object(j))
		return false;
	child = json_object_get(j, path);
	if (child && json_walk(child, "", f, cb, ctx))
		return true;
	dot = strchr(path, '.');
	if (!dot)
		return false;
	child = json_object_getn(j, path, dot - path);
	return child ? json_walk(child, dot + 1, f, cb, ctx) : false;
}

static bool first_str(const struct vg_value *val, void *ctx)
{
	struct vg_value *out = ctx;

	*out = *val;
	return true;
}

static const struct vg_field json_str_field = { "", VG_FT_STR, ALL, false, "", NULL, NULL };

static bool any_value(const struct vg_value *val, void *ctx)
{
	(void)val;
	(void)ctx;
	return true;
}

struct join_ctx {
	char *buf;
	size_t size, off;
	unsigned n;
};

static bool join_one(const struct vg_value *val, void *arg)
{
	struct join_ctx *c = arg;
	size_t n = val->s.len;

	if (c->n++ && c->off < c->size)
		c->buf[c->off++] = ' ';
	if (n > c->size - c->off)
		n = c->size - c->off;
	memcpy(c->buf + c->off, val->s.p, n);
	c->off += n;
	return false;
}

/* The strings at @path joined by spaces (command lines from "args" arrays). */
static bool json_join(struct vg_event_view *v, const char *path, vg_value_cb cb, void *ctx)
{
	struct join_ctx c = { v->scratch, sizeof(v->scratch), 0, 0 };

	json_walk(v->json, path, &json_str_field, join_one, &c);
	return c.n ? emit_str(c.buf, c.off, cb, ctx) : false;
}

/* The last component of the string at @path. */
static bool json_base_name(struct vg_event_view *v, const char *path, vg_value_cb cb, void *ctx)
{
	struct vg_value val;
	const char *p;
	size_t len;

	if (!json_walk(v->json, path, &json_str_field, first_str, &val))
		return false;
	len = val.s.len;
	p = base_name(val.s.p, &len);
	return emit_str(p, len, cb, ctx);
}

static bool json_exe_name(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			  void *ctx)
{
	(void)f;
	return json_base_name(v, "process.executable.path", cb, ctx);
}

static bool json_file_name(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			   void *ctx)
{
	(void)f;
	return json_base_name(v, "file.path", cb, ctx);
}

static bool json_cmdline(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			 void *ctx)
{
	(void)f;
	return json_join(v, "process.args", cb, ctx);
}

static bool json_parent_exe(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			    void *ctx)
{
	return json_walk(v->json, "process.ancestors.0.executable.path", f, cb, ctx);
}

static bool json_parent_name(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			     void *ctx)
{
	return json_walk(v->json, "process.ancestors.0.name", f, cb, ctx);
}

static bool json_parent_cmdline(struct vg_event_view *v, const struct vg_field *f,
				vg_value_cb cb, void *ctx)
{
	(void)f;
	return json_join(v, "process.ancestors.0.args", cb, ctx);
}

int vg_field_view_json(struct vg_event_view *v, const void *json)
{
	static const struct vg_field kind_field = { "event.kind", VG_FT_STR, ALL, false, "", NULL,
						    NULL };
	struct vg_value val;
	int k;

	memset(v, 0, offsetof(struct vg_event_view, scratch));
	if (!json_is_object((const json_t *)json) ||
	    !json_walk(json, kind_field.name, &kind_field, first_str, &val))
		return -EINVAL;
	k = vg_field_kind_lookup(val.s.p, val.s.len);
	if (k < 0)
		return -EINVAL;
	v->json = json;
	v->kind = k;
	return 0;
}

bool vg_field_each(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb, void *ctx)
{
	if (!strcmp(f->name, "event.kind"))
		return get_kind(v, f, cb, ctx);
	if (v->rec && f->rec_get)
		return f->rec_get(v, f, cb, ctx);
	if (!v->json)
		return false;
	if (f->json_get && !json_walk(v->json, f->name, f, any_value, NULL))
		return f->json_get(v, f, cb, ctx);
	return json_walk(v->json, f->name, f, cb, ctx);
}

struct fmt_ctx {
	char *out;
	size_t size, off;
	unsigned n;
};

static bool fmt_one(const struct vg_value *val, void *arg)
{
	struct fmt_ctx *c = arg;
	char tmp[INET6_ADDRSTRLEN + 1];
	const char *p = tmp;
	size_t len;

	switch (val->type) {
	case VG_FT_STR:
	case VG_FT_STRLIST:
		p = val->s.p;
		len = val->s.len;
		break;
	case VG_FT_INT:
		len = snprintf(tmp, sizeof(tmp), "%" PRId64, val->i);
		break;
	case VG_FT_UINT:
		len = snprintf(tmp, sizeof(tmp), "%" PRIu64, val->u);
		break;
	case VG_FT_IP:
		if (val->ip.v4)
			inet_ntop(AF_INET, val->ip.addr + 12, tmp, sizeof(tmp));
		else
			inet_ntop(AF_INET6, val->ip.addr, tmp, sizeof(tmp));
		len = strlen(tmp);
		break;
	default:
		return false;
	}
	if (c->n++ && c->off + 1 < c->size)
		c->out[c->off++] = ' ';
	if (len > c->size - 1 - c->off)
		len = c->size - 1 - c->off;
	memcpy(c->out + c->off, p, len);
	c->off += len;
	c->out[c->off] = '\0';
	return c->off + 1 >= c->size;	/* stop once full */
}

size_t vg_field_format(struct vg_event_view *v, const struct vg_field *f, char *out, size_t size)
{
	struct fmt_ctx c = { out, size, 0, 0 };

	if (!size)
		return 0;
	out[0] = '\0';
	vg_field_each(v, f, fmt_one, &c);
	return c.n ? c.off : 0;
}

/* ---- addresses ---- */

int vg_field_parse_ip(const char *s, size_t len, struct vg_ip *ip)
{
	char buf[INET6_ADDRSTRLEN + 1];

	if (!len || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, buf, ip->addr + 12) == 1) {
		ip->v4 = 1;
		ip->addr[10] = ip->addr[11] = 0xff;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, ip->addr) == 1) {
		static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

		ip->v4 = !memcmp(ip->addr, mapped, sizeof(mapped));
		return 0;
	}
	return -EINVAL;
}

int vg_field_parse_cidr(const char *s, size_t len, struct vg_ip *ip, unsigned *prefix)
{
	const char *slash = memchr(s, '/', len);
	unsigned long bits;
	char num[8], *end;
	size_t nlen;
	int err;

	err = vg_field_parse_ip(s, slash ? (size_t)(slash - s) : len, ip);
	if (err)
		return err;
	if (!slash) {
		*prefix = 128;
		return 0;
	}
	nlen = len - (slash + 1 - s);
	if (!nlen || nlen >= sizeof(num))
		return -EINVAL;
	memcpy(num, slash + 1, nlen);
	num[nlen] = '\0';
	errno = 0;
	bits = strtoul(num, &end, 10);
	if (errno || *end || num[0] < '0' || num[0] > '9' || bits > (ip->v4 ? 32u : 128u))
		return -EINVAL;
	*prefix = ip->v4 ? bits + 96 : bits;
	/* Host bits set ("10.0.0.1/8") are almost always a typo. */
	for (unsigned b = *prefix; b < 128; b++)
		if (ip->addr[b / 8] & (0x80 >> (b % 8)))
			return -EINVAL;
	return 0;
}

bool vg_field_ip_in_cidr(const struct vg_ip *ip, const struct vg_ip *net, unsigned prefix)
{
	unsigned full = prefix / 8, rest = prefix % 8;

	if (memcmp(ip->addr, net->addr, full))
		return false;
	if (!rest)
		return true;
	return !((ip->addr[full] ^ net->addr[full]) & (0xff00 >> rest));
}

void vg_field_print_markdown(FILE *f)
{
	char kinds[512];
	size_t i;

	fprintf(f, "| sensor | events |\n| --- | --- |\n");
	for (int s = 0; s < VG_SENSOR_MAX; s++) {
		vg_kinds_t ks = 0;

		for (int k = 0; k < VG_K_MAX; k++)
			if (vg_field_kind_sensor(k) == (enum vg_sensor_id)s)
				ks |= VG_KB(k);
		vg_field_kinds_format(ks, kinds, sizeof(kinds));
		fprintf(f, "| %s | %s |\n", vg_field_sensor_name(s), kinds);
	}
	fprintf(f, "\n| field | type | events | kernel filter | description |\n");
	fprintf(f, "| --- | --- | --- | --- | --- |\n");
	for (i = 0; i < N_FIELDS; i++) {
		vg_field_kinds_format(table[i].kinds, kinds, sizeof(kinds));
		fprintf(f, "| `%s` | %s | %s | %s | %s |\n", table[i].name,
			vg_field_type_name(table[i].type), kinds, table[i].kernel ? "yes" : "",
			table[i].description);
	}
}
