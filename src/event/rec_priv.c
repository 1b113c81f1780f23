// SPDX-License-Identifier: GPL-2.0
/*
 * The privilege / kernel / evasion sensor's records: the names their output
 * is made of, one table per record type (after the common head and process,
 * rec_common.c), and the DETAILS column. The tables are the list of keys:
 * `vigil policy fields` lists the ones a rule may name.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "event/event_format.h"
#include "event/rec_priv.h"

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

/* ---- the records' output keys ---- */

#define K(k) VG_KB(VG_K_##k)
#define KINDS_CRED (K(SETUID) | K(CAPSET) | K(PRIVILEGED_EXEC))

/* Every syscall record has struct vg_priv_sys right after its header. */
static const struct vg_priv_sys *sys_of(const struct vg_event_view *v)
{
	return (const struct vg_priv_sys *)(v->rec + 1);
}

#define SYS(m, p, ...) VG_NUM(vg_cred, sys.m, p, __VA_ARGS__)
#define SYS_BIT(b, p, ...) VG_BIT(vg_cred, sys.flags, b, p, __VA_ARGS__)

VG_GETTER(get_call)
{
	return vg_value_cstr(vg_priv_call_name(sys_of(v)->call), cb, ctx);
}

VG_WHEN(sys_failed)
{
	return sys_of(v)->ret < 0 && sys_of(v)->ret > -4096;
}

VG_GETTER(get_sys_error)
{
	return vg_value_cstr(strerrorname_np((int)-sys_of(v)->ret), cb, ctx);
}

VG_WHEN(read_fault)
{
	return sys_of(v)->flags & VG_PRIV_READ_FAULT;
}

/* Only the agent's own calls say so: every other record stays as it was. */
VG_WHEN(by_vigil)
{
	return sys_of(v)->flags & VG_PRIV_ACTOR_VIGIL;
}

VG_WHEN(sys_fd)
{
	return sys_of(v)->ret >= 0;
}

/* ---- credentials ---- */

static const struct vg_cred *cred_of(const struct vg_event_view *v)
{
	return (const struct vg_cred *)v->rec;
}

VG_GETTER(get_cred_args)
{
	int i;

	for (i = 0; i < 3; i++)
		if (vg_value_int((int64_t)cred_of(v)->args[i], cb, ctx))
			return true;
	return false;
}

static const struct vg_rec_field syscall_fields[] = {
	VG_GET("syscall.name", VG_FT_STR, get_call, VG_POLICY("the system call, e.g. setns, unshare, setuid")),
	SYS(ret, "syscall.result"),
	VG_GET("syscall.args", VG_FT_INT, get_cred_args, .kinds = KINDS_CRED, .out = VG_OUT_LIST),
	SYS_BIT(VG_PRIV_READ_FAULT, "syscall.argument_read_fault", .when = read_fault),
	SYS_BIT(VG_PRIV_ACTOR_VIGIL, "syscall.by_vigil", .when = by_vigil,
		VG_POLICY("1 when the caller is this vigil agent (by pid, never by name); absent otherwise")),
	VG_GET("error.code", VG_FT_STR, get_sys_error, .when = sys_failed),
};

VG_GETTER(get_changed)
{
	const struct vg_cred_set *o = &cred_of(v)->old_creds, *n = &cred_of(v)->new_creds;
	const char *w[12];
	size_t k = 0;

#define CHANGED(f, name) do { if (o->f != n->f) w[k++] = name; } while (0)
	CHANGED(uid, "uid"); CHANGED(euid, "euid"); CHANGED(suid, "suid");
	CHANGED(fsuid, "fsuid"); CHANGED(gid, "gid"); CHANGED(egid, "egid");
	CHANGED(sgid, "sgid"); CHANGED(fsgid, "fsgid"); CHANGED(ngroups, "groups");
	CHANGED(cap_effective, "capabilities.effective");
	CHANGED(cap_permitted, "capabilities.permitted");
	CHANGED(cap_inheritable, "capabilities.inheritable");
#undef CHANGED
	return vg_value_words(w, k, cb, ctx);
}

VG_GETTER(get_gained)
{
	return vg_value_uint(gained_privileges(&cred_of(v)->old_creds, &cred_of(v)->new_creds), cb,
			     ctx);
}

/* Effective capabilities the change added. */
VG_GETTER(get_caps_gained)
{
	const char *w[VG_CAP_MAX_NAMES];
	uint64_t gained = cred_of(v)->new_creds.cap_effective & ~cred_of(v)->old_creds.cap_effective;

	return vg_value_words(w, vg_cap_names(gained, w, VG_CAP_MAX_NAMES), cb, ctx);
}

#define CRED_SET(w, m) \
	VG_NUM(vg_cred, m.uid, "credentials." w ".uid"), \
	VG_NUM(vg_cred, m.euid, "credentials." w ".euid"), \
	VG_NUM(vg_cred, m.suid, "credentials." w ".suid"), \
	VG_NUM(vg_cred, m.fsuid, "credentials." w ".fsuid"), \
	VG_NUM(vg_cred, m.gid, "credentials." w ".gid"), \
	VG_NUM(vg_cred, m.egid, "credentials." w ".egid"), \
	VG_NUM(vg_cred, m.sgid, "credentials." w ".sgid"), \
	VG_NUM(vg_cred, m.fsgid, "credentials." w ".fsgid"), \
	VG_NUM(vg_cred, m.ngroups, "credentials." w ".groups_count"), \
	VG_HEX(vg_cred, m.cap_effective, "credentials." w ".capabilities.effective"), \
	VG_HEX(vg_cred, m.cap_permitted, "credentials." w ".capabilities.permitted"), \
	VG_HEX(vg_cred, m.cap_inheritable, "credentials." w ".capabilities.inheritable")

static const struct vg_rec_field cred_process_fields[] = {
	VG_NUM(vg_cred, new_creds.euid, "process.new_user.id",
	       VG_POLICY("effective uid after the credential change")),
	VG_NUM(vg_cred, new_creds.uid, "process.new_real_user.id"),
};

static const struct vg_rec_field cred_fields[] = {
	CRED_SET("old", old_creds),
	CRED_SET("new", new_creds),
	VG_LIST("credentials.changed", get_changed),
	VG_GET("credentials.gained_privileges", VG_FT_UINT, get_gained, .out = VG_OUT_BOOL,
	       VG_POLICY("1 when the change added capabilities, root, or an id not held before")),
	VG_LIST("credentials.capabilities_gained", get_caps_gained,
		VG_POLICY("names of the effective capabilities the change added (CAP_SYS_ADMIN, ...)")),
};

/* ---- targets: ptrace, process_vm, signal ---- */

struct target {
	const struct vg_priv_target *t;
	const struct vg_str *exe;
};

static struct target target_of(const struct vg_event_view *v)
{
	const struct vg_ptrace *p = (const void *)v->rec;
	const struct vg_process_vm *m = (const void *)v->rec;
	const struct vg_signal *s = (const void *)v->rec;

	switch (v->rec->type) {
	case VG_EV_PTRACE: return (struct target){ &p->target, &p->target_exe };
	case VG_EV_PROCESS_VM: return (struct target){ &m->target, &m->target_exe };
	default: return (struct target){ &s->target, &s->target_exe };
	}
}

VG_WHEN(target_known)
{
	return sys_of(v)->flags & VG_PRIV_TARGET_KNOWN;
}

/* The process when found, else the id as passed (<= 0: a group, not a pid). */
VG_GETTER(get_target_pid)
{
	const struct vg_priv_target *t = target_of(v).t;

	if (target_known(v))
		return vg_value_uint(t->tgid, cb, ctx);
	return vg_value_int(t->pid, cb, ctx);
}

VG_GETTER(get_target_tid)
{
	return vg_value_int(target_of(v).t->pid, cb, ctx);
}

VG_GETTER(get_target_start)
{
	return vg_value_uint(target_of(v).t->start_time_ns, cb, ctx);
}

VG_GETTER(get_target_name)
{
	const char *comm = target_of(v).t->comm;

	return vg_value_str(comm, strnlen(comm, VG_COMM_LEN), cb, ctx);
}

/* From the kernel, else the process cache, else unknown (null). */
VG_GETTER(get_target_exe)
{
	struct target t = target_of(v);
	const struct vg_proc *p = NULL;

	if (t.exe->len)
		return vg_value_rec_str(v, t.exe, cb, ctx);
	if (v->cache && target_known(v))
		p = vg_proc_cache_lookup(v->cache, t.t->tgid, t.t->start_time_ns);
	return p && p->exe ? vg_value_cstr(p->exe, cb, ctx) : false;
}

static const struct vg_rec_field target_fields[] = {
	VG_GET("target.process.pid", VG_FT_UINT, get_target_pid,
	       VG_POLICY("process traced, read/written or signalled (the id as passed when not "
			 "found; absent for process groups)")),
	VG_GET("target.process.thread.id", VG_FT_INT, get_target_tid),
	VG_GET("target.process.start_time", VG_FT_UINT, get_target_start, .when = target_known),
	VG_GET("target.process.name", VG_FT_STR, get_target_name, .when = target_known),
	VG_GET("target.process.executable.path", VG_FT_STR, get_target_exe,
	       VG_POLICY("executable of the process traced, read/written or signalled")),
	SYS_BIT(VG_PRIV_TARGET_KNOWN, "target.found"),
	SYS_BIT(VG_PRIV_TARGET_VIGIL, "target.is_vigil", VG_POLICY("1 when the target is this vigil agent (by pid)")),
};

/* ---- per kind ---- */

VG_GETTER(get_request_name)
{
	const struct vg_ptrace *p = (const void *)v->rec;

	return vg_value_cstr(vg_ptrace_request_name(p->request), cb, ctx);
}

static const struct vg_rec_field ptrace_fields[] = {
	VG_NUM(vg_ptrace, request, "ptrace.request"),
	VG_GET("ptrace.request_name", VG_FT_STR, get_request_name,
	       VG_POLICY("ptrace request, e.g. PTRACE_ATTACH, PTRACE_POKEDATA")),
	VG_HEX(vg_ptrace, addr, "ptrace.address"),
	VG_HEX(vg_ptrace, data, "ptrace.data"),
};

VG_GETTER(get_vm_operation)
{
	return vg_value_cstr(sys_of(v)->call == VG_PC_PROCESS_VM_WRITEV ? "write" : "read", cb, ctx);
}

static const struct vg_rec_field process_vm_fields[] = {
	VG_GET("process_vm.operation", VG_FT_STR, get_vm_operation,
	       VG_POLICY("read (process_vm_readv) or write (process_vm_writev)")),
	VG_NUM(vg_process_vm, local_iovcnt, "process_vm.local_iov_count"),
	VG_NUM(vg_process_vm, remote_iovcnt, "process_vm.remote_iov_count"),
};

VG_GETTER(get_signal_name)
{
	const struct vg_signal *s = (const void *)v->rec;

	return s->sig ? vg_value_cstr(vg_signal_name((int)s->sig), cb, ctx) : false;
}

VG_WHEN(by_pidfd)
{
	return sys_of(v)->call == VG_PC_PIDFD_SEND_SIGNAL;
}

static const struct vg_rec_field signal_fields[] = {
	VG_NUM(vg_signal, sig, "signal.number", VG_POLICY("signal sent")),
	VG_GET("signal.name", VG_FT_STR, get_signal_name),
	VG_NUM(vg_signal, pidfd, "signal.pidfd", .when = by_pidfd),
};

VG_WHEN(module_unload)
{
	return sys_of(v)->call == VG_PC_DELETE_MODULE;
}

VG_WHEN(module_load)
{
	return !module_unload(v);
}

VG_WHEN(module_image)
{
	return sys_of(v)->call == VG_PC_INIT_MODULE;
}

VG_WHEN(module_not_image)
{
	return !module_image(v);
}

VG_WHEN(module_file)
{
	return sys_of(v)->call == VG_PC_FINIT_MODULE;
}

VG_GETTER(get_module_operation)
{
	return vg_value_cstr(module_unload(v) ? "unload" : "load", cb, ctx);
}

static const struct vg_rec_field module_fields[] = {
	VG_GET("module.operation", VG_FT_STR, get_module_operation),
	VG_STR(vg_module, name, "module.name", .when = module_unload,
	       VG_POLICY("kernel module unloaded (delete_module); loads carry no name")),
	VG_STR(vg_module, params, "module.parameters", .when = module_load),
	VG_NUM(vg_module, len, "module.image_size", .when = module_image),
	VG_HEX(vg_module, mod_flags, "module.flags", .when = module_not_image),
	SYS_BIT(VG_PRIV_STR_TRUNC, "module.truncated"),
	VG_STR(vg_module, path, "file.path", .when = module_file),
	VG_NUM(vg_module, fd, "file.descriptor", .when = module_file),
};

/* bpf(2) commands whose attributes are printed. */
#define BPF_MAP_CREATE_CMD	0
#define BPF_PROG_LOAD_CMD	5
#define BPF_PROG_ATTACH_CMD	8
#define BPF_RAW_TP_OPEN_CMD	17
#define BPF_BTF_LOAD_CMD	18
#define BPF_LINK_CREATE_CMD	28
#define BPF_LINK_DETACH_CMD	34

static uint32_t bpf_cmd(const struct vg_event_view *v)
{
	return ((const struct vg_bpf *)v->rec)->cmd;
}

VG_WHEN(prog_load)
{
	return bpf_cmd(v) == BPF_PROG_LOAD_CMD;
}

VG_WHEN(map_create)
{
	return bpf_cmd(v) == BPF_MAP_CREATE_CMD;
}

VG_WHEN(attach)
{
	return bpf_cmd(v) == BPF_PROG_ATTACH_CMD || bpf_cmd(v) == BPF_LINK_CREATE_CMD;
}

VG_WHEN(link)
{
	return attach(v) || bpf_cmd(v) == BPF_RAW_TP_OPEN_CMD;
}

VG_WHEN(link_detach)
{
	return bpf_cmd(v) == BPF_LINK_DETACH_CMD;
}

VG_WHEN(btf_load)
{
	return bpf_cmd(v) == BPF_BTF_LOAD_CMD;
}

VG_WHEN(bpf_fd)
{
	return sys_of(v)->ret >= 0 && bpf_cmd(v) != BPF_PROG_ATTACH_CMD;
}

/* "PROG_LOAD", as policies name it. */
VG_GETTER(get_bpf_command)
{
	const char *name = vg_bpf_cmd_name(bpf_cmd(v));

	return name ? vg_value_cstr(name + strlen("BPF_"), cb, ctx) : false;
}

VG_GETTER(get_prog_type)
{
	const struct vg_bpf *b = (const void *)v->rec;

	return vg_value_cstr(libbpf_bpf_prog_type_str(b->prog_type), cb, ctx);
}

VG_GETTER(get_attach_type)
{
	const struct vg_bpf *b = (const void *)v->rec;

	return vg_value_cstr(libbpf_bpf_attach_type_str(b->attach_type), cb, ctx);
}

VG_GETTER(get_map_type)
{
	const struct vg_bpf *b = (const void *)v->rec;

	return vg_value_cstr(libbpf_bpf_map_type_str(b->map_type), cb, ctx);
}

static const struct vg_rec_field bpf_fields[] = {
	VG_GET("bpf.command", VG_FT_STR, get_bpf_command,
	       VG_POLICY("bpf(2) command, e.g. PROG_LOAD")),
	VG_NUM(vg_bpf, cmd, "bpf.command_id"),
	VG_GET("bpf.program.type", VG_FT_STR, get_prog_type, .when = prog_load),
	VG_NUM(vg_bpf, prog_type, "bpf.program.type_id", .when = prog_load),
	VG_CHARS(vg_bpf, name, "bpf.program.name", .when = prog_load),
	VG_NUM(vg_bpf, insn_cnt, "bpf.program.instruction_count", .when = prog_load),
	VG_GET("bpf.program.attach_type", VG_FT_STR, get_attach_type, .when = prog_load),
	VG_NUM(vg_bpf, attach_btf_id, "bpf.program.attach_btf_id", .when = prog_load),
	VG_GET("bpf.map.type", VG_FT_STR, get_map_type, .when = map_create),
	VG_NUM(vg_bpf, map_type, "bpf.map.type_id", .when = map_create),
	VG_CHARS(vg_bpf, name, "bpf.map.name", .when = map_create),
	VG_NUM(vg_bpf, key_size, "bpf.map.key_size", .when = map_create),
	VG_NUM(vg_bpf, value_size, "bpf.map.value_size", .when = map_create),
	VG_NUM(vg_bpf, max_entries, "bpf.map.max_entries", .when = map_create),
	VG_HEX(vg_bpf, map_flags, "bpf.map.flags", .when = map_create),
	VG_NUM(vg_bpf, prog_fd, "bpf.link.program_fd", .when = link),
	VG_NUM(vg_bpf, target_fd, "bpf.link.target_fd", .when = attach),
	VG_GET("bpf.link.attach_type", VG_FT_STR, get_attach_type, .when = attach),
	VG_NUM(vg_bpf, btf_size, "bpf.btf.size", .when = btf_load),
	VG_NUM(vg_bpf, prog_fd, "bpf.link.fd", .when = link_detach),
	VG_NUM(vg_bpf, link_id, "bpf.link.id", .when = link_detach,
	       VG_POLICY("LINK_DETACH: id of the link taken off its hook (0: the call failed)")),
	SYS(ret, "bpf.fd", .when = bpf_fd),
};

#define PR_SET_NAME_OPT 15

VG_WHEN(set_name)
{
	return ((const struct vg_prctl *)v->rec)->option == PR_SET_NAME_OPT;
}

VG_WHEN(not_set_name)
{
	return !set_name(v);
}

VG_GETTER(get_option_name)
{
	return vg_value_cstr(vg_prctl_option_name(((const struct vg_prctl *)v->rec)->option), cb,
			     ctx);
}

static const struct vg_rec_field prctl_fields[] = {
	VG_NUM(vg_prctl, option, "prctl.option"),
	VG_GET("prctl.option_name", VG_FT_STR, get_option_name, VG_POLICY("prctl option, e.g. PR_SET_NAME")),
	VG_CHARS(vg_prctl, name, "prctl.name", .when = set_name,
		 VG_POLICY("name a process gave itself with PR_SET_NAME")),
	VG_CHARS(vg_prctl, old_name, "prctl.old_name", .when = set_name),
	VG_NUM(vg_prctl, arg2, "prctl.value", .when = not_set_name),
};

/* seccomp(SET_MODE_STRICT or SET_MODE_FILTER) that worked: the process now runs under a filter. */
VG_WHEN(now_filtered)
{
	const struct vg_seccomp *sc = (const struct vg_seccomp *)v->rec;

	return sc->sys.ret >= 0 && sc->op <= 1;
}

VG_GETTER(get_now_filtered)
{
	return vg_value_uint(1, cb, ctx);
}

VG_GETTER(get_seccomp_op)
{
	return vg_value_cstr(vg_seccomp_op_name(((const struct vg_seccomp *)v->rec)->op), cb, ctx);
}

static const struct vg_rec_field seccomp_fields[] = {
	VG_GET("seccomp.operation", VG_FT_STR, get_seccomp_op),
	VG_GET("seccomp.process_filtered", VG_FT_UINT, get_now_filtered, .out = VG_OUT_BOOL,
	       .when = now_filtered, VG_POLICY("the call worked and the process (with TSYNC: every thread) now runs "
			 "under a seccomp filter")),
	VG_HEX(vg_seccomp, sc_flags, "seccomp.flags"),
	VG_NUM(vg_seccomp, filter_len, "seccomp.filter_instruction_count"),
};

/* setns: nstype uses the same CLONE_NEW* bits. */
VG_GETTER(get_ns_types)
{
	const char *names[VG_NS_MAX_TYPES];
	size_t n = vg_ns_type_names(((const struct vg_namespace *)v->rec)->ns_flags, names,
				    VG_NS_MAX_TYPES);

	return vg_value_words(names, n, cb, ctx);
}

VG_WHEN(by_setns)
{
	return sys_of(v)->call == VG_PC_SETNS;
}

#define NS_SET(w, m) \
	VG_NUM(vg_namespace, m.mnt, "namespace." w ".mnt"), \
	VG_NUM(vg_namespace, m.pid, "namespace." w ".pid"), \
	VG_NUM(vg_namespace, m.net, "namespace." w ".net"), \
	VG_NUM(vg_namespace, m.user, "namespace." w ".user"), \
	VG_NUM(vg_namespace, m.uts, "namespace." w ".uts"), \
	VG_NUM(vg_namespace, m.ipc, "namespace." w ".ipc"), \
	VG_NUM(vg_namespace, m.cgroup, "namespace." w ".cgroup")

static const struct vg_rec_field namespace_fields[] = {
	VG_HEX(vg_namespace, ns_flags, "namespace.flags"),
	/* "type" is the policy field; "types", the same list, was there first */
	VG_LIST("namespace.types", get_ns_types),
	VG_LIST("namespace.type", get_ns_types,
		VG_POLICY("namespaces entered or created: mnt, cgroup, uts, ipc, user, pid, net, "
			  "time; `namespace.type = net` matches if one of them is net")),
	VG_NUM(vg_namespace, fd, "namespace.fd", .when = by_setns),
	NS_SET("old", old_ns),
	NS_SET("new", new_ns),
};

static const struct vg_rec_field iouring_setup_fields[] = {
	VG_NUM(vg_iouring_setup, entries, "io_uring.entries"),
	VG_HEX(vg_iouring_setup, setup_flags, "io_uring.flags"),
	SYS(ret, "io_uring.fd", .when = sys_fd),
};

#define IORING_OP_OPENAT_CODE	18
#define IORING_OP_OPENAT2_CODE	28

VG_GETTER(get_uring_op)
{
	return vg_value_cstr(vg_iouring_op_name(((const struct vg_iouring *)v->rec)->opcode), cb,
			     ctx);
}

/* Opens name a file, as submitted (not resolved by the kernel). */
VG_WHEN(uring_open)
{
	uint8_t op = ((const struct vg_iouring *)v->rec)->opcode;

	return op == IORING_OP_OPENAT_CODE || op == IORING_OP_OPENAT2_CODE;
}

VG_GETTER(get_user_source)
{
	return vg_value_cstr("user", cb, ctx);
}

/* file.paths of an io_uring open: its one name, so file rules on file.paths apply. */
VG_GETTER(get_uring_paths)
{
	return vg_value_rec_str(v, &((const struct vg_iouring *)v->rec)->path, cb, ctx);
}

static bool json_uring_paths(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			     void *ctx)
{
	static const struct vg_field str = { "file.path", VG_FT_STR, VG_KINDS_ALL, false, "",
					     NULL, NULL };

	(void)f;
	return vg_field_json_walk(v->json, "file.path", &str, cb, ctx);
}

static const struct vg_rec_field iouring_fields[] = {
	VG_GET("io_uring.operation", VG_FT_STR, get_uring_op, VG_POLICY("io_uring operation, e.g. OPENAT")),
	VG_NUM(vg_iouring, opcode, "io_uring.opcode"),
	VG_NUM(vg_iouring, fd, "io_uring.fd"),
	VG_NUM(vg_iouring, user_data, "io_uring.user_data"),
	VG_STR(vg_iouring, path, "file.path", .when = uring_open,
	       VG_POLICY("path of an io_uring open, as submitted")),
	VG_GET("file.paths", VG_FT_STRLIST, get_uring_paths, .out = VG_OUT_NONE,
	       .json_get = json_uring_paths, .when = uring_open, VG_POLICY("file.path, as a list")),
	VG_GET("file.path_source", VG_FT_STR, get_user_source, .when = uring_open),
	VG_BIT(vg_iouring, flags, VG_PRIV_STR_TRUNC, "file.truncated", .when = uring_open),
};

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

static void text_cred(struct vg_buf *b, const struct vg_cred *c)
{
	const struct vg_cred_set *o = &c->old_creds, *n = &c->new_creds;

	vg_buf_printf(b, " uid %u/%u/%u->%u/%u/%u gid %u/%u/%u->%u/%u/%u cap_eff 0x%" PRIx64
		      "->0x%" PRIx64, o->uid, o->euid, o->suid, n->uid, n->euid, n->suid,
		      o->gid, o->egid, o->sgid, n->gid, n->egid, n->sgid,
		      (uint64_t)o->cap_effective, (uint64_t)n->cap_effective);
}

static void text_bpf(struct vg_buf *b, const struct vg_bpf *e)
{
	const char *cmd = vg_bpf_cmd_name(e->cmd);

	vg_buf_printf(b, " %s", cmd ? cmd : "?");
	if (e->cmd == BPF_PROG_LOAD_CMD)
		vg_buf_printf(b, " type=%s name=%.16s",
			      libbpf_bpf_prog_type_str(e->prog_type) ?: "?", e->name);
	else if (e->cmd == BPF_MAP_CREATE_CMD)
		vg_buf_printf(b, " type=%s name=%.16s",
			      libbpf_bpf_map_type_str(e->map_type) ?: "?", e->name);
}

static void text_prctl(struct vg_buf *b, const struct vg_prctl *e)
{
	const char *o = vg_prctl_option_name(e->option);

	vg_buf_printf(b, " %s", o ? o : "?");
	if (e->option == PR_SET_NAME_OPT)
		vg_buf_printf(b, " \"%.16s\"", e->name);
	else
		vg_buf_printf(b, " %" PRIu64, (uint64_t)e->arg2);
}

static void text_iouring(struct vg_buf *b, const struct vg_iouring *e)
{
	const char *op = vg_iouring_op_name(e->opcode);
	size_t len;
	const char *str = vg_rec_str(&e->hdr, &e->path, &len);

	vg_buf_printf(b, "io_uring %s fd=%d", op ? op : "?", e->fd);
	if (len) {
		vg_buf_puts(b, " ");
		vg_buf_append(b, str, len);
	}
}

/* What follows the call's name, per type. */
static void text_args(struct vg_buf *b, const struct vg_event_ctx *ev)
{
	const struct vg_hdr *h = ev->rec;
	const struct vg_ptrace *pt = (const void *)h;
	const struct vg_process_vm *vm = (const void *)h;
	const struct vg_module *mod = (const void *)h;
	const struct vg_signal *sg = (const void *)h;
	const struct vg_namespace *ns = (const void *)h;
	size_t len;
	const char *str;

	switch (h->type) {
	case VG_EV_CRED:
	case VG_EV_CAPSET:
	case VG_EV_PRIV_EXEC:
		text_cred(b, (const void *)h);
		break;
	case VG_EV_PTRACE:
		vg_buf_printf(b, " %s", vg_ptrace_request_name(pt->request) ?: "?");
		text_target(b, ev, &pt->target, &pt->target_exe);
		break;
	case VG_EV_PROCESS_VM:
		text_target(b, ev, &vm->target, &vm->target_exe);
		break;
	case VG_EV_MODULE:
		str = vg_rec_str(h, mod->sys.call == VG_PC_DELETE_MODULE ? &mod->name : &mod->path,
				 &len);
		vg_buf_puts(b, " ");
		vg_buf_append(b, str, len);
		break;
	case VG_EV_BPF:
		text_bpf(b, (const void *)h);
		break;
	case VG_EV_PRCTL:
		text_prctl(b, (const void *)h);
		break;
	case VG_EV_SECCOMP:
		vg_buf_printf(b, " %s", vg_seccomp_op_name(((const struct vg_seccomp *)h)->op) ?: "?");
		break;
	case VG_EV_SIGNAL:
		vg_buf_printf(b, " %s", sg->sig ? vg_signal_name((int)sg->sig) ?: "?" : "0");
		text_target(b, ev, &sg->target, &sg->target_exe);
		break;
	case VG_EV_NAMESPACE:
		vg_buf_printf(b, " flags=0x%" PRIx64 " mnt %u->%u", (uint64_t)ns->ns_flags,
			      ns->old_ns.mnt, ns->new_ns.mnt);
		break;
	case VG_EV_IOURING_SETUP:
		vg_buf_printf(b, " entries=%u", ((const struct vg_iouring_setup *)h)->entries);
		break;
	}
}

static void text_priv(struct vg_buf *b, const struct vg_event_ctx *ev)
{
	const struct vg_priv_sys *s = (const void *)(ev->rec + 1);
	const char *call = vg_priv_call_name(s->call);

	if (ev->rec->type == VG_EV_IOURING) {
		text_iouring(b, (const void *)ev->rec);
		return;
	}
	vg_buf_printf(b, "%s", call ? call : "?");
	text_args(b, ev);
	text_result(b, s);
}

/* ---- the records ---- */

#define TABLE(name, kinds) \
	static const struct vg_rec_table name##_table = VG_REC_TABLE(kinds, name##_fields)

/* Not capability_use: its record has no syscall part. */
const struct vg_rec_table vg_rec_priv_syscall =
	VG_REC_TABLE(VG_KINDS_PRIV & ~K(CAPABILITY_USE), syscall_fields);
TABLE(cred_process, KINDS_CRED);
TABLE(cred, KINDS_CRED);
TABLE(target, K(PTRACE) | K(PROCESS_VM) | K(SIGNAL));
TABLE(ptrace, K(PTRACE));
TABLE(process_vm, K(PROCESS_VM));
TABLE(signal, K(SIGNAL));
TABLE(module, K(MODULE));
TABLE(bpf, K(BPF));
TABLE(prctl, K(PRCTL));
TABLE(seccomp, K(SECCOMP));
TABLE(namespace, K(NAMESPACE));
TABLE(iouring_setup, K(IO_URING_SETUP));
TABLE(iouring, K(IO_URING));

/* A syscall record: the head, its process, its syscall, then its own tables. */
#define LAYOUT(name, ...) \
	static const struct vg_rec_table *const name##_tables[] = { \
		&vg_rec_head, &vg_rec_process, __VA_ARGS__, &vg_rec_container, NULL }; \
	static const struct vg_rec_layout name##_layout = { name##_tables, text_priv, NULL }

LAYOUT(cred, &cred_process_table, &vg_rec_priv_syscall, &cred_table);
LAYOUT(ptrace, &vg_rec_priv_syscall, &ptrace_table, &target_table);
LAYOUT(process_vm, &vg_rec_priv_syscall, &process_vm_table, &target_table);
LAYOUT(signal, &vg_rec_priv_syscall, &signal_table, &target_table);
LAYOUT(module, &vg_rec_priv_syscall, &module_table);
LAYOUT(bpf, &vg_rec_priv_syscall, &bpf_table);
LAYOUT(prctl, &vg_rec_priv_syscall, &prctl_table);
LAYOUT(seccomp, &vg_rec_priv_syscall, &seccomp_table);
LAYOUT(namespace, &vg_rec_priv_syscall, &namespace_table);
LAYOUT(iouring_setup, &vg_rec_priv_syscall, &iouring_setup_table);
LAYOUT(iouring, &iouring_table);

#define STR(type, field) offsetof(struct type, field)
#define FIXED(type, kind, st, layout) { type, kind, sizeof(struct st), 0, { 0 }, &layout }
#define TARGETED(type, kind, st, layout) \
	{ type, kind, sizeof(struct st), 1, { STR(st, target_exe) }, &layout }

static const struct vg_record_desc descs[] = {
	FIXED(VG_EV_CRED, "setuid", vg_cred, cred_layout),
	FIXED(VG_EV_CAPSET, "capset", vg_cred, cred_layout),
	FIXED(VG_EV_PRIV_EXEC, "privileged_exec", vg_cred, cred_layout),
	TARGETED(VG_EV_PTRACE, "ptrace", vg_ptrace, ptrace_layout),
	TARGETED(VG_EV_PROCESS_VM, "process_vm", vg_process_vm, process_vm_layout),
	{ VG_EV_MODULE, "module", sizeof(struct vg_module), 3,
	  { STR(vg_module, name), STR(vg_module, path), STR(vg_module, params) }, &module_layout },
	FIXED(VG_EV_BPF, "bpf", vg_bpf, bpf_layout),
	FIXED(VG_EV_PRCTL, "prctl", vg_prctl, prctl_layout),
	FIXED(VG_EV_SECCOMP, "seccomp", vg_seccomp, seccomp_layout),
	TARGETED(VG_EV_SIGNAL, "signal", vg_signal, signal_layout),
	FIXED(VG_EV_NAMESPACE, "namespace", vg_namespace, namespace_layout),
	FIXED(VG_EV_IOURING_SETUP, "io_uring_setup", vg_iouring_setup, iouring_setup_layout),
	{ VG_EV_IOURING, "io_uring", sizeof(struct vg_iouring), 1, { STR(vg_iouring, path) },
	  &iouring_layout },
};

const struct vg_record_family vg_rec_priv_family = { descs, sizeof(descs) / sizeof(descs[0]) };
