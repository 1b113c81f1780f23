// SPDX-License-Identifier: GPL-2.0
/*
 * Output of the privilege / kernel / evasion sensor. Every event also has
 * the common "@timestamp", "event" and "process" (with ancestry) members.
 *
 * event.kind        fields (JSON, dotted)                 meaning
 * ----------------  ------------------------------------  ---------------------------------------
 * (all syscall      syscall.name                          "setresuid", "ptrace", "bpf", ...
 *  kinds below)     syscall.result                        return value (-errno on failure)
 *                   syscall.error                         "EPERM"... (only on failure)
 * setuid (set*id,   syscall_args                          the first three arguments
 *  setgroups),      process.new_user.id                   the effective uid after the change
 * capset,           credentials.old / credentials.new     {uid, euid, suid, fsuid, gid, egid, sgid,
 * privileged_exec                                          fsgid, groups_count, capabilities:
 *                                                          {effective, permitted, inheritable} (hex)}
 *                   credentials.changed                   names of the members that changed
 *                   credentials.gained_privileges         new capability bits, root, or (non-root
 *                                                         callers) an effective id not held before
 *                   (privileged_exec: an exec changed credentials: setuid/setgid file or file caps)
 * ptrace            ptrace.request, ptrace.request_name   16, "PTRACE_ATTACH"
 *                   ptrace.address, ptrace.data           hex
 *   (also signal,   target.process.pid                    the target's process (tgid)
 *    process_vm)    target.process.thread.id              the id passed to the syscall
 *                   target.process.start_time             with pid, the process key
 *                   target.process.name                   comm
 *                   target.process.executable.path        from the kernel, else the process cache
 *                   target.is_vigil                       the target is this agent
 * process_vm        process_vm.operation                  "read" / "write"
 *                   process_vm.local_iov_count / remote_iov_count
 * module            module.operation                      "load" / "unload"
 *                   module.name                           delete_module
 *                   module.image_size                     init_module
 *                   module.parameters                     init/finit_module
 *                   module.flags                          finit/delete_module flags
 *                   file.path                             finit_module: the module file (from its fd)
 *                   file.descriptor                       finit_module
 * bpf               bpf.command                           "PROG_LOAD", "MAP_CREATE", "LINK_CREATE", ...
 *                   bpf.program.type / .name / .instruction_count / .attach_type / .attach_btf_id
 *                   bpf.map.type / .name / .key_size / .value_size / .max_entries / .flags
 *                   bpf.link.program_fd / .target_fd / .attach_type (LINK_CREATE, PROG_ATTACH)
 *                   bpf.btf.size                          BTF_LOAD
 *                   bpf.fd                                new fd on success (PROG_LOAD, MAP_CREATE...)
 * prctl             prctl.option, prctl.option_name       15, "PR_SET_NAME"
 *                   prctl.name, prctl.old_name            PR_SET_NAME: the new and the previous name
 *                   prctl.value                           PR_SET_DUMPABLE / PR_SET_SECCOMP: arg2
 * seccomp           seccomp.operation                     "SECCOMP_SET_MODE_FILTER"...
 *                   seccomp.flags, seccomp.filter_instruction_count
 * signal            signal.number, signal.name            9, "SIGKILL"
 *                   signal.pidfd                          pidfd_send_signal
 * namespace         namespace.flags (hex), namespace.type ["mnt","net",...]
 *                   namespace.types                       the same list (older name)
 *                   namespace.fd                          setns
 *                   namespace.old / namespace.new         {mnt, pid, net, user, uts, ipc, cgroup}
 *                                                         inode numbers (clone: new = the child's)
 * io_uring_setup    io_uring.entries, io_uring.flags, io_uring.fd (the ring, on success)
 * io_uring          io_uring.operation, io_uring.opcode   "OPENAT", 18
 *                   io_uring.fd                           the sqe's fd (dirfd for OPENAT)
 *                   io_uring.user_data
 *                   file.path                             OPENAT/OPENAT2: the name as submitted
 *                   file.path_source                      "user" (not resolved by the kernel)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "event/format_priv.h"

static const char *const call_names[VG_PC_MAX] = VG_PRIV_CALL_NAMES;

const char *vg_priv_call_name(uint32_t call)
{
	return call < VG_PC_MAX ? call_names[call] : NULL;
}

const char *vg_bpf_cmd_name(uint32_t cmd)
{
	static const char *const names[] = {
		"BPF_MAP_CREATE", "BPF_MAP_LOOKUP_ELEM", "BPF_MAP_UPDATE_ELEM",
		"BPF_MAP_DELETE_ELEM", "BPF_MAP_GET_NEXT_KEY", "BPF_PROG_LOAD", "BPF_OBJ_PIN",
		"BPF_OBJ_GET", "BPF_PROG_ATTACH", "BPF_PROG_DETACH", "BPF_PROG_TEST_RUN",
		"BPF_PROG_GET_NEXT_ID", "BPF_MAP_GET_NEXT_ID", "BPF_PROG_GET_FD_BY_ID",
		"BPF_MAP_GET_FD_BY_ID", "BPF_OBJ_GET_INFO_BY_FD", "BPF_PROG_QUERY",
		"BPF_RAW_TRACEPOINT_OPEN", "BPF_BTF_LOAD", "BPF_BTF_GET_FD_BY_ID",
		"BPF_TASK_FD_QUERY", "BPF_MAP_LOOKUP_AND_DELETE_ELEM", "BPF_MAP_FREEZE",
		"BPF_BTF_GET_NEXT_ID", "BPF_MAP_LOOKUP_BATCH", "BPF_MAP_LOOKUP_AND_DELETE_BATCH",
		"BPF_MAP_UPDATE_BATCH", "BPF_MAP_DELETE_BATCH", "BPF_LINK_CREATE",
		"BPF_LINK_UPDATE", "BPF_LINK_GET_FD_BY_ID", "BPF_LINK_GET_NEXT_ID",
		"BPF_ENABLE_STATS", "BPF_ITER_CREATE", "BPF_LINK_DETACH", "BPF_PROG_BIND_MAP",
		"BPF_TOKEN_CREATE",
	};

	return cmd < sizeof(names) / sizeof(names[0]) ? names[cmd] : NULL;
}

const char *vg_ptrace_request_name(int64_t req)
{
	switch (req) {
	case 0: return "PTRACE_TRACEME";
	case 4: return "PTRACE_POKETEXT";
	case 5: return "PTRACE_POKEDATA";
	case 6: return "PTRACE_POKEUSER";
	case 13: return "PTRACE_SETREGS";
	case 16: return "PTRACE_ATTACH";
	case 0x4205: return "PTRACE_SETREGSET";
	case 0x4206: return "PTRACE_SEIZE";
	default: return NULL;
	}
}

const char *vg_iouring_op_name(uint8_t op)
{
	static const char *const names[] = {
		"NOP", "READV", "WRITEV", "FSYNC", "READ_FIXED", "WRITE_FIXED", "POLL_ADD",
		"POLL_REMOVE", "SYNC_FILE_RANGE", "SENDMSG", "RECVMSG", "TIMEOUT",
		"TIMEOUT_REMOVE", "ACCEPT", "ASYNC_CANCEL", "LINK_TIMEOUT", "CONNECT",
		"FALLOCATE", "OPENAT", "CLOSE", "FILES_UPDATE", "STATX", "READ", "WRITE",
		"FADVISE", "MADVISE", "SEND", "RECV", "OPENAT2", "EPOLL_CTL", "SPLICE",
		"PROVIDE_BUFFERS", "REMOVE_BUFFERS", "TEE", "SHUTDOWN", "RENAMEAT", "UNLINKAT",
		"MKDIRAT", "SYMLINKAT", "LINKAT", "MSG_RING", "FSETXATTR", "SETXATTR",
		"FGETXATTR", "GETXATTR", "SOCKET", "URING_CMD", "SEND_ZC", "SENDMSG_ZC",
		"READ_MULTISHOT", "WAITID", "FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_WAITV",
		"FIXED_FD_INSTALL", "FTRUNCATE", "BIND", "LISTEN", "RECV_ZC", "EPOLL_WAIT",
		"READV_FIXED", "WRITEV_FIXED", "PIPE",
	};

	return op < sizeof(names) / sizeof(names[0]) ? names[op] : NULL;
}

const char *vg_prctl_option_name(uint32_t option)
{
	switch (option) {
	case 4: return "PR_SET_DUMPABLE";
	case 15: return "PR_SET_NAME";
	case 22: return "PR_SET_SECCOMP";
	default: return NULL;
	}
}

static const char *seccomp_op_name(uint32_t op)
{
	static const char *const names[] = {
		"SECCOMP_SET_MODE_STRICT", "SECCOMP_SET_MODE_FILTER",
		"SECCOMP_GET_ACTION_AVAIL", "SECCOMP_GET_NOTIF_SIZES",
	};

	return op < 4 ? names[op] : NULL;
}

static void json_hex(struct vg_json *j, const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	vg_json_key(j, key);
	vg_json_cstr(j, buf);
}

static void json_u64(struct vg_json *j, const char *key, uint64_t v)
{
	vg_json_key(j, key);
	vg_json_u64(j, v);
}

static void json_i64(struct vg_json *j, const char *key, int64_t v)
{
	vg_json_key(j, key);
	vg_json_i64(j, v);
}

static void json_name_or_null(struct vg_json *j, const char *key, const char *name)
{
	vg_json_key(j, key);
	vg_json_cstr(j, name);
}

/* A NUL-padded fixed array from the kernel. */
static void json_fixed_str(struct vg_json *j, const char *key, const char *s, size_t max)
{
	vg_json_key(j, key);
	vg_json_str(j, s, strnlen(s, max));
}

static void json_syscall(struct vg_json *j, const struct vg_priv_sys *s)
{
	vg_json_key(j, "syscall");
	vg_json_obj_begin(j);
	json_name_or_null(j, "name", vg_priv_call_name(s->call));
	json_i64(j, "result", s->ret);
	if (s->ret < 0 && s->ret > -4096) {
		vg_json_key(j, "error");
		vg_json_cstr(j, strerrorname_np((int)-s->ret));
	}
	if (s->flags & VG_PRIV_READ_FAULT) {
		vg_json_key(j, "argument_read_fault");
		vg_json_bool(j, true);
	}
	vg_json_obj_end(j);
}

/* ---- credentials ---- */

static void json_cred_set(struct vg_json *j, const char *key, const struct vg_cred_set *c)
{
	vg_json_key(j, key);
	vg_json_obj_begin(j);
	json_u64(j, "uid", c->uid);
	json_u64(j, "euid", c->euid);
	json_u64(j, "suid", c->suid);
	json_u64(j, "fsuid", c->fsuid);
	json_u64(j, "gid", c->gid);
	json_u64(j, "egid", c->egid);
	json_u64(j, "sgid", c->sgid);
	json_u64(j, "fsgid", c->fsgid);
	json_u64(j, "groups_count", c->ngroups);
	vg_json_key(j, "capabilities");
	vg_json_obj_begin(j);
	json_hex(j, "effective", c->cap_effective);
	json_hex(j, "permitted", c->cap_permitted);
	json_hex(j, "inheritable", c->cap_inheritable);
	vg_json_obj_end(j);
	vg_json_obj_end(j);
}

/*
 * Privileges gained: capability bits that were not there, root that was
 * not, or (for a non-root caller) an effective id it did not hold before.
 * Dropping root for another user is not a gain.
 */
static bool id_new(uint32_t id, uint32_t a, uint32_t b, uint32_t c)
{
	return id != a && id != b && id != c;
}

static bool gained_privileges(const struct vg_cred_set *o, const struct vg_cred_set *n)
{
	if ((n->cap_effective & ~o->cap_effective) || (n->cap_permitted & ~o->cap_permitted))
		return true;
	if ((n->euid == 0 && o->euid != 0) || (n->egid == 0 && o->egid != 0))
		return true;
	if (o->euid != 0 && id_new(n->euid, o->uid, o->euid, o->suid))
		return true;
	return o->euid != 0 && id_new(n->egid, o->gid, o->egid, o->sgid);
}

/* ---- targets ---- */

static void json_target(struct vg_json *j, const struct vg_event_ctx *ev,
			const struct vg_priv_sys *s, const struct vg_priv_target *t,
			const struct vg_str *exe)
{
	const struct vg_proc *p = NULL;
	size_t len;

	vg_rec_str(ev->rec, exe, &len);
	if (!len && ev->cache && (s->flags & VG_PRIV_TARGET_KNOWN))
		p = vg_proc_cache_lookup(ev->cache, t->tgid, t->start_time_ns);
	vg_json_key(j, "target");
	vg_json_obj_begin(j);
	vg_json_key(j, "process");
	vg_json_obj_begin(j);
	vg_json_key(j, "pid");
	if (s->flags & VG_PRIV_TARGET_KNOWN)
		vg_json_u64(j, t->tgid);
	else
		vg_json_i64(j, t->pid);
	vg_json_key(j, "thread");
	vg_json_obj_begin(j);
	json_i64(j, "id", t->pid);
	vg_json_obj_end(j);
	if (s->flags & VG_PRIV_TARGET_KNOWN) {
		json_u64(j, "start_time", t->start_time_ns);
		json_fixed_str(j, "name", t->comm, sizeof(t->comm));
	}
	vg_json_key(j, "executable");
	vg_json_obj_begin(j);
	vg_json_key(j, "path");
	if (len)
		vg_json_record_str(j, ev, exe);
	else if (p && p->exe)
		vg_json_cstr(j, p->exe);
	else
		vg_json_null(j);
	vg_json_obj_end(j);
	vg_json_obj_end(j);
	vg_json_key(j, "found");
	vg_json_bool(j, s->flags & VG_PRIV_TARGET_KNOWN);
	vg_json_key(j, "is_vigil");
	vg_json_bool(j, s->flags & VG_PRIV_TARGET_VIGIL);
	vg_json_obj_end(j);
}

/* ---- per kind ---- */

static void json_ptrace(struct vg_json *j, const struct vg_event_ctx *ev)
{
	const struct vg_ptrace *e = (const void *)ev->rec;

	vg_json_key(j, "ptrace");
	vg_json_obj_begin(j);
	json_i64(j, "request", e->request);
	json_name_or_null(j, "request_name", vg_ptrace_request_name(e->request));
	json_hex(j, "address", e->addr);
	json_hex(j, "data", e->data);
	vg_json_obj_end(j);
	json_target(j, ev, &e->sys, &e->target, &e->target_exe);
}

static void json_process_vm(struct vg_json *j, const struct vg_event_ctx *ev)
{
	const struct vg_process_vm *e = (const void *)ev->rec;

	vg_json_key(j, "process_vm");
	vg_json_obj_begin(j);
	vg_json_key(j, "operation");
	vg_json_cstr(j, e->sys.call == VG_PC_PROCESS_VM_WRITEV ? "write" : "read");
	json_u64(j, "local_iov_count", e->local_iovcnt);
	json_u64(j, "remote_iov_count", e->remote_iovcnt);
	vg_json_obj_end(j);
	json_target(j, ev, &e->sys, &e->target, &e->target_exe);
}

static void json_module(struct vg_json *j, const struct vg_event_ctx *ev)
{
	const struct vg_module *e = (const void *)ev->rec;

	vg_json_key(j, "module");
	vg_json_obj_begin(j);
	vg_json_key(j, "operation");
	vg_json_cstr(j, e->sys.call == VG_PC_DELETE_MODULE ? "unload" : "load");
	if (e->sys.call == VG_PC_DELETE_MODULE) {
		vg_json_key(j, "name");
		vg_json_record_str(j, ev, &e->name);
	} else {
		vg_json_key(j, "parameters");
		vg_json_record_str(j, ev, &e->params);
	}
	if (e->sys.call == VG_PC_INIT_MODULE)
		json_u64(j, "image_size", e->len);
	if (e->sys.call != VG_PC_INIT_MODULE)
		json_hex(j, "flags", e->mod_flags);
	vg_json_key(j, "truncated");
	vg_json_bool(j, e->sys.flags & VG_PRIV_STR_TRUNC);
	vg_json_obj_end(j);
	if (e->sys.call == VG_PC_FINIT_MODULE) {
		vg_json_key(j, "file");
		vg_json_obj_begin(j);
		vg_json_key(j, "path");
		vg_json_record_str(j, ev, &e->path);
		json_i64(j, "descriptor", e->fd);
		vg_json_obj_end(j);
	}
}

static void json_bpf(struct vg_json *j, const struct vg_event_ctx *ev)
{
	const struct vg_bpf *e = (const void *)ev->rec;

	vg_json_key(j, "bpf");
	vg_json_obj_begin(j);
	{
		const char *cmd = vg_bpf_cmd_name(e->cmd);

		/* "PROG_LOAD", as policies name it (bpf.command). */
		json_name_or_null(j, "command", cmd ? cmd + 4 : NULL);
	}
	json_u64(j, "command_id", e->cmd);
	switch (e->cmd) {
	case 5:	/* BPF_PROG_LOAD */
		vg_json_key(j, "program");
		vg_json_obj_begin(j);
		json_name_or_null(j, "type", libbpf_bpf_prog_type_str(e->prog_type));
		json_u64(j, "type_id", e->prog_type);
		json_fixed_str(j, "name", e->name, sizeof(e->name));
		json_u64(j, "instruction_count", e->insn_cnt);
		json_name_or_null(j, "attach_type", libbpf_bpf_attach_type_str(e->attach_type));
		json_u64(j, "attach_btf_id", e->attach_btf_id);
		vg_json_obj_end(j);
		break;
	case 0:	/* BPF_MAP_CREATE */
		vg_json_key(j, "map");
		vg_json_obj_begin(j);
		json_name_or_null(j, "type", libbpf_bpf_map_type_str(e->map_type));
		json_u64(j, "type_id", e->map_type);
		json_fixed_str(j, "name", e->name, sizeof(e->name));
		json_u64(j, "key_size", e->key_size);
		json_u64(j, "value_size", e->value_size);
		json_u64(j, "max_entries", e->max_entries);
		json_hex(j, "flags", e->map_flags);
		vg_json_obj_end(j);
		break;
	case 8:		/* BPF_PROG_ATTACH */
	case 17:	/* BPF_RAW_TRACEPOINT_OPEN */
	case 28:	/* BPF_LINK_CREATE */
		vg_json_key(j, "link");
		vg_json_obj_begin(j);
		json_u64(j, "program_fd", e->prog_fd);
		if (e->cmd != 17) {
			json_u64(j, "target_fd", e->target_fd);
			json_name_or_null(j, "attach_type",
					  libbpf_bpf_attach_type_str(e->attach_type));
		}
		vg_json_obj_end(j);
		break;
	case 18:	/* BPF_BTF_LOAD */
		vg_json_key(j, "btf");
		vg_json_obj_begin(j);
		json_u64(j, "size", e->btf_size);
		vg_json_obj_end(j);
		break;
	default:
		break;
	}
	if (e->sys.ret >= 0 && e->cmd != 8)
		json_i64(j, "fd", e->sys.ret);
	vg_json_obj_end(j);
}

static void json_prctl(struct vg_json *j, const struct vg_event_ctx *ev)
{
	const struct vg_prctl *e = (const void *)ev->rec;

	vg_json_key(j, "prctl");
	vg_json_obj_begin(j);
	json_u64(j, "option", e->option);
	json_name_or_null(j, "option_name", vg_prctl_option_name(e->option));
	if (e->option == 15) {
		json_fixed_str(j, "name", e->name, sizeof(e->name));
		json_fixed_str(j, "old_name", e->old_name, sizeof(e->old_name));
	} else
		json_u64(j, "value", e->arg2);
	vg_json_obj_end(j);
}

static void json_seccomp(struct vg_json *j, const struct vg_event_ctx *ev)
{
	const struct vg_seccomp *e = (const void *)ev->rec;

	vg_json_key(j, "seccomp");
	vg_json_obj_begin(j);
	json_name_or_null(j, "operation", seccomp_op_name(e->op));
	json_hex(j, "flags", e->sc_flags);
	json_u64(j, "filter_instruction_count", e->filter_len);
	vg_json_obj_end(j);
}

static void json_signal(struct vg_json *j, const struct vg_event_ctx *ev)
{
	const struct vg_signal *e = (const void *)ev->rec;

	vg_json_key(j, "signal");
	vg_json_obj_begin(j);
	json_u64(j, "number", e->sig);
	json_name_or_null(j, "name", e->sig ? vg_signal_name((int)e->sig) : NULL);
	if (e->sys.call == VG_PC_PIDFD_SEND_SIGNAL)
		json_u64(j, "pidfd", e->pidfd);
	vg_json_obj_end(j);
	json_target(j, ev, &e->sys, &e->target, &e->target_exe);
}

static void json_ns_set(struct vg_json *j, const char *key, const struct vg_ns_set *n)
{
	vg_json_key(j, key);
	vg_json_obj_begin(j);
	json_u64(j, "mnt", n->mnt);
	json_u64(j, "pid", n->pid);
	json_u64(j, "net", n->net);
	json_u64(j, "user", n->user);
	json_u64(j, "uts", n->uts);
	json_u64(j, "ipc", n->ipc);
	json_u64(j, "cgroup", n->cgroup);
	vg_json_obj_end(j);
}

/* CLONE_NEW* bits (nstype of setns uses the same), in output order. */
static const struct { uint64_t bit; const char *name; } ns_types[] = {
	{ 0x00020000, "mnt" }, { 0x02000000, "cgroup" }, { 0x04000000, "uts" },
	{ 0x08000000, "ipc" }, { 0x10000000, "user" }, { 0x20000000, "pid" },
	{ 0x40000000, "net" }, { 0x00000080, "time" },
};
_Static_assert(sizeof(ns_types) / sizeof(ns_types[0]) <= VG_NS_MAX_TYPES,
	       "VG_NS_MAX_TYPES holds every namespace name");

size_t vg_ns_type_names(uint64_t flags, const char **names, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < sizeof(ns_types) / sizeof(ns_types[0]) && n < max; i++)
		if (flags & ns_types[i].bit)
			names[n++] = ns_types[i].name;
	return n;
}

static void json_ns_types(struct vg_json *j, uint64_t flags)
{
	const char *names[VG_NS_MAX_TYPES];
	size_t n = vg_ns_type_names(flags, names, VG_NS_MAX_TYPES), i;

	/* "type" is the policy field namespace.type; "types", the same list, was there first. */
	vg_json_key(j, "types");
	vg_json_arr_begin(j);
	for (i = 0; i < n; i++)
		vg_json_cstr(j, names[i]);
	vg_json_arr_end(j);
	vg_json_key(j, "type");
	vg_json_arr_begin(j);
	for (i = 0; i < n; i++)
		vg_json_cstr(j, names[i]);
	vg_json_arr_end(j);
}

static void json_namespace(struct vg_json *j, const struct vg_event_ctx *ev)
{
	const struct vg_namespace *e = (const void *)ev->rec;

	vg_json_key(j, "namespace");
	vg_json_obj_begin(j);
	json_hex(j, "flags", e->ns_flags);
	json_ns_types(j, e->ns_flags);	/* setns: nstype uses the same CLONE_NEW* bits */
	if (e->sys.call == VG_PC_SETNS)
		json_i64(j, "fd", e->fd);
	json_ns_set(j, "old", &e->old_ns);
	json_ns_set(j, "new", &e->new_ns);
	vg_json_obj_end(j);
}

static void json_iouring_setup(struct vg_json *j, const struct vg_event_ctx *ev)
{
	const struct vg_iouring_setup *e = (const void *)ev->rec;

	vg_json_key(j, "io_uring");
	vg_json_obj_begin(j);
	json_u64(j, "entries", e->entries);
	json_hex(j, "flags", e->setup_flags);
	if (e->sys.ret >= 0)
		json_i64(j, "fd", e->sys.ret);
	vg_json_obj_end(j);
}

static void json_iouring(struct vg_json *j, const struct vg_event_ctx *ev)
{
	const struct vg_iouring *e = (const void *)ev->rec;
	size_t len;

	vg_json_key(j, "io_uring");
	vg_json_obj_begin(j);
	json_name_or_null(j, "operation", vg_iouring_op_name(e->opcode));
	json_u64(j, "opcode", e->opcode);
	json_i64(j, "fd", e->fd);
	json_u64(j, "user_data", e->user_data);
	vg_json_obj_end(j);
	vg_rec_str(ev->rec, &e->path, &len);
	if (e->opcode == 18 || e->opcode == 28) {
		vg_json_key(j, "file");
		vg_json_obj_begin(j);
		vg_json_key(j, "path");
		vg_json_record_str(j, ev, &e->path);
		vg_json_key(j, "path_source");
		vg_json_cstr(j, "user");
		vg_json_key(j, "truncated");
		vg_json_bool(j, e->flags & VG_PRIV_STR_TRUNC);
		vg_json_obj_end(j);
	}
}

void vg_json_priv_process(struct vg_json *j, const struct vg_event_ctx *ev)
{
	const struct vg_hdr *h = ev->rec;
	const struct vg_cred *c = (const void *)h;

	if (h->type != VG_EV_CRED && h->type != VG_EV_CAPSET && h->type != VG_EV_PRIV_EXEC)
		return;
	vg_json_key(j, "new_user");
	vg_json_obj_begin(j);
	json_u64(j, "id", c->new_creds.euid);
	vg_json_obj_end(j);
	vg_json_key(j, "new_real_user");
	vg_json_obj_begin(j);
	json_u64(j, "id", c->new_creds.uid);
	vg_json_obj_end(j);
}

void vg_json_priv(struct vg_json *j, const struct vg_event_ctx *ev)
{
	const struct vg_hdr *h = ev->rec;

	if (h->type != VG_EV_IOURING) {
		const struct vg_priv_sys *s = (const void *)(h + 1);

		json_syscall(j, s);
	}
	switch (h->type) {
	case VG_EV_CRED:
	case VG_EV_CAPSET:
	case VG_EV_PRIV_EXEC: {
		const struct vg_cred *c = (const void *)h;
		int i;

		vg_json_key(j, "syscall_args");
		vg_json_arr_begin(j);
		for (i = 0; i < 3; i++)
			vg_json_i64(j, (int64_t)c->args[i]);
		vg_json_arr_end(j);
		vg_json_key(j, "credentials");
		vg_json_obj_begin(j);
		json_cred_set(j, "old", &c->old_creds);
		json_cred_set(j, "new", &c->new_creds);
		vg_json_key(j, "changed");
		vg_json_arr_begin(j);
#define CHANGED(f, name) do { if (c->old_creds.f != c->new_creds.f) vg_json_cstr(j, name); } while (0)
		CHANGED(uid, "uid"); CHANGED(euid, "euid"); CHANGED(suid, "suid");
		CHANGED(fsuid, "fsuid"); CHANGED(gid, "gid"); CHANGED(egid, "egid");
		CHANGED(sgid, "sgid"); CHANGED(fsgid, "fsgid"); CHANGED(ngroups, "groups");
		CHANGED(cap_effective, "capabilities.effective");
		CHANGED(cap_permitted, "capabilities.permitted");
		CHANGED(cap_inheritable, "capabilities.inheritable");
#undef CHANGED
		vg_json_arr_end(j);
		vg_json_key(j, "gained_privileges");
		vg_json_bool(j, gained_privileges(&c->old_creds, &c->new_creds));
		vg_json_obj_end(j);
		break;
	}
	case VG_EV_PTRACE:
		json_ptrace(j, ev);
		break;
	case VG_EV_PROCESS_VM:
		json_process_vm(j, ev);
		break;
	case VG_EV_MODULE:
		json_module(j, ev);
		break;
	case VG_EV_BPF:
		json_bpf(j, ev);
		break;
	case VG_EV_PRCTL:
		json_prctl(j, ev);
		break;
	case VG_EV_SECCOMP:
		json_seccomp(j, ev);
		break;
	case VG_EV_SIGNAL:
		json_signal(j, ev);
		break;
	case VG_EV_NAMESPACE:
		json_namespace(j, ev);
		break;
	case VG_EV_IOURING_SETUP:
		json_iouring_setup(j, ev);
		break;
	case VG_EV_IOURING:
		json_iouring(j, ev);
		break;
	default:
		break;
	}
}

/* ---- text ---- */

static void text_result(struct vg_buf *b, const struct vg_priv_sys *s)
{
	if (s->ret < 0 && s->ret > -4096)
		vg_buf_printf(b, " = %s", strerrorname_np((int)-s->ret) ?: "error");
	else
		vg_buf_printf(b, " = %" PRId64, (int64_t)s->ret);
}

static void text_target(struct vg_buf *b, const struct vg_event_ctx *ev,
			const struct vg_priv_target *t, const struct vg_str *exe)
{
	size_t len;
	const char *s = vg_rec_str(ev->rec, exe, &len);

	vg_buf_printf(b, " target=%d", t->pid);
	if (t->comm[0])
		vg_buf_printf(b, "(%.16s)", t->comm);
	if (len) {
		vg_buf_puts(b, " ");
		vg_buf_append(b, s, len);
	}
}

void vg_text_priv(struct vg_buf *b, const struct vg_event_ctx *ev)
{
	const struct vg_hdr *h = ev->rec;
	const struct vg_priv_sys *s = (const void *)(h + 1);
	const char *call = vg_priv_call_name(s->call);
	size_t len;
	const char *str;

	if (h->type != VG_EV_IOURING)
		vg_buf_printf(b, "%s", call ? call : "?");
	switch (h->type) {
	case VG_EV_CRED:
	case VG_EV_CAPSET:
	case VG_EV_PRIV_EXEC: {
		const struct vg_cred *c = (const void *)h;
		const struct vg_cred_set *o = &c->old_creds, *n = &c->new_creds;

		vg_buf_printf(b, " uid %u/%u/%u->%u/%u/%u gid %u/%u/%u->%u/%u/%u cap_eff 0x%" PRIx64
			      "->0x%" PRIx64, o->uid, o->euid, o->suid, n->uid, n->euid, n->suid,
			      o->gid, o->egid, o->sgid, n->gid, n->egid, n->sgid,
			      (uint64_t)o->cap_effective, (uint64_t)n->cap_effective);
		break;
	}
	case VG_EV_PTRACE: {
		const struct vg_ptrace *e = (const void *)h;
		const char *r = vg_ptrace_request_name(e->request);

		vg_buf_printf(b, " %s", r ? r : "?");
		text_target(b, ev, &e->target, &e->target_exe);
		break;
	}
	case VG_EV_PROCESS_VM: {
		const struct vg_process_vm *e = (const void *)h;

		text_target(b, ev, &e->target, &e->target_exe);
		break;
	}
	case VG_EV_MODULE: {
		const struct vg_module *e = (const void *)h;

		str = vg_rec_str(h, e->sys.call == VG_PC_DELETE_MODULE ? &e->name : &e->path, &len);
		vg_buf_puts(b, " ");
		vg_buf_append(b, str, len);
		break;
	}
	case VG_EV_BPF: {
		const struct vg_bpf *e = (const void *)h;
		const char *cmd = vg_bpf_cmd_name(e->cmd);

		vg_buf_printf(b, " %s", cmd ? cmd : "?");
		if (e->cmd == 5)
			vg_buf_printf(b, " type=%s name=%.16s",
				      libbpf_bpf_prog_type_str(e->prog_type) ?: "?", e->name);
		else if (e->cmd == 0)
			vg_buf_printf(b, " type=%s name=%.16s",
				      libbpf_bpf_map_type_str(e->map_type) ?: "?", e->name);
		break;
	}
	case VG_EV_PRCTL: {
		const struct vg_prctl *e = (const void *)h;
		const char *o = vg_prctl_option_name(e->option);

		vg_buf_printf(b, " %s", o ? o : "?");
		if (e->option == 15)
			vg_buf_printf(b, " \"%.16s\"", e->name);
		else
			vg_buf_printf(b, " %" PRIu64, (uint64_t)e->arg2);
		break;
	}
	case VG_EV_SECCOMP: {
		const struct vg_seccomp *e = (const void *)h;

		vg_buf_printf(b, " %s", seccomp_op_name(e->op) ?: "?");
		break;
	}
	case VG_EV_SIGNAL: {
		const struct vg_signal *e = (const void *)h;

		vg_buf_printf(b, " %s", e->sig ? vg_signal_name((int)e->sig) ?: "?" : "0");
		text_target(b, ev, &e->target, &e->target_exe);
		break;
	}
	case VG_EV_NAMESPACE: {
		const struct vg_namespace *e = (const void *)h;

		vg_buf_printf(b, " flags=0x%" PRIx64 " mnt %u->%u", (uint64_t)e->ns_flags,
			      e->old_ns.mnt, e->new_ns.mnt);
		break;
	}
	case VG_EV_IOURING_SETUP: {
		const struct vg_iouring_setup *e = (const void *)h;

		vg_buf_printf(b, " entries=%u", e->entries);
		break;
	}
	case VG_EV_IOURING: {
		const struct vg_iouring *e = (const void *)h;
		const char *op = vg_iouring_op_name(e->opcode);

		vg_buf_printf(b, "io_uring %s fd=%d", op ? op : "?", e->fd);
		str = vg_rec_str(h, &e->path, &len);
		if (len) {
			vg_buf_puts(b, " ");
			vg_buf_append(b, str, len);
		}
		return;
	}
	default:
		break;
	}
	text_result(b, s);
}
