// SPDX-License-Identifier: GPL-2.0
/*
 * Loader of the privilege sensor. The io_uring hook is chosen by variant,
 * and with it the syscall dispatchers (tp_btf or raw_tracepoint sys_enter
 * and sys_exit). Which calls this kernel implements is read from tracefs
 * (a syscall without a syscalls:sys_enter_X event is not built in, e.g.
 * the module calls without CONFIG_MODULES); the others are switched off
 * in the object's call table so that everything else still works.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "lib/log.h"
#include "sensors/sensor_priv.h"
#include "sensors/sensor_skel.h"
#include "sensor_priv.skel.h"
#include "sensor_priv_nokfunc.skel.h"

#define TRACEFS_EVENTS "/sys/kernel/tracing/events/syscalls"
#define CAP_CAPABLE_EVENT "/sys/kernel/tracing/events/capability/cap_capable"

static const char *const submit_req_progs[] = { "tp_btf_iouring_submit_req", "priv_btf_enter",
						 "priv_btf_exit", NULL };
static const char *const submit_sqe_progs[] = { "tp_btf_iouring_submit_sqe", "priv_btf_enter",
						 "priv_btf_exit", NULL };
static const char *const raw_tp_progs[] = { "raw_tp_iouring_submit_req", "priv_raw_enter",
					     "priv_raw_exit", NULL };
static const char *const btf_syscalls_progs[] = { "priv_btf_enter", "priv_btf_exit", NULL };
static const char *const raw_syscalls_progs[] = { "priv_raw_enter", "priv_raw_exit", NULL };

/*
 * In order of preference; the last two watch syscalls only (no io_uring
 * tracepoint). The tp_btf dispatchers come first there too: raw_tracepoint
 * programs may not call the bpf_task_from_pid kfunc (refused on 6.18), so
 * the raw ones only load in the object built without it.
 */
static const struct vg_variant variants[] = {
	{ "tp_btf", submit_req_progs },
	{ "tp_btf_sqe", submit_sqe_progs },
	{ "raw_tracepoint", raw_tp_progs },
	{ "syscalls_only", btf_syscalls_progs },
	{ "syscalls_only_raw", raw_syscalls_progs },
};

/* The syscalls the sensor watches, in enum vg_priv_call order (from VG_PC_SETUID). */
static const char *const syscalls[] = {
	"setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid",
	"setfsuid", "setfsgid", "setgroups", "capset", "execve", "execveat",
	"ptrace", "process_vm_readv", "process_vm_writev",
	"init_module", "finit_module", "delete_module",
	"bpf", "prctl", "seccomp", "kill", "tkill", "tgkill", "pidfd_send_signal",
	"unshare", "setns", "clone", "clone3", "io_uring_setup",
	"setxattr", "lsetxattr", "fsetxattr", "setxattrat",	/* setxattrat: Linux 6.13+ */
};

#define N_SYSCALLS (sizeof(syscalls) / sizeof(syscalls[0]))
_Static_assert(N_SYSCALLS == VG_PC_MAX - VG_PC_SETUID, "one name per enum vg_priv_call");
_Static_assert(VG_PC_MAX <= 64, "priv_calls_off has one bit per call");

static bool tracepoint_exists(const char *event)
{
	char path[256];

	snprintf(path, sizeof(path), TRACEFS_EVENTS "/%s", event);
	return access(path, F_OK) == 0;
}

/*
 * Whether this kernel implements the syscall: it has its syscalls:sys_enter_X
 * event. Without syscall events at all (no CONFIG_FTRACE_SYSCALLS) nothing
 * tells: every call is taken as there.
 */
static bool syscall_hookable(const char *name)
{
	char ev[128];

	if (access(TRACEFS_EVENTS, F_OK) != 0)
		return true;

	snprintf(ev, sizeof(ev), "sys_enter_%s", name);
	if (!tracepoint_exists(ev))
		return false;
	snprintf(ev, sizeof(ev), "sys_exit_%s", name);
	return tracepoint_exists(ev);
}

size_t vg_priv_hooks(struct vg_priv_hook *out, size_t max)
{
	size_t i;

	for (i = 0; i < N_SYSCALLS && i < max; i++) {
		out[i].syscall = syscalls[i];
		out[i].available = syscall_hookable(syscalls[i]);
	}
	return N_SYSCALLS;
}

bool vg_priv_module_hooks_available(char *why, size_t why_size)
{
	static const char *const mod[] = { "init_module", "finit_module", "delete_module" };
	const char *missing = NULL;
	size_t i;

	for (i = 0; i < 3; i++) {
		if (!syscall_hookable(mod[i])) {
			missing = mod[i];
			break;
		}
	}
	if (!missing) {
		if (why && why_size)
			why[0] = '\0';
		return true;
	}
	if (why && why_size) {
		if (access(TRACEFS_EVENTS, F_OK) != 0)
			snprintf(why, why_size, "no syscall tracepoints (%s is missing)",
				 TRACEFS_EVENTS);
		else if (access("/proc/modules", F_OK) != 0)
			snprintf(why, why_size,
				 "kernel built without loadable module support (CONFIG_MODULES off: no /proc/modules, no syscalls:sys_enter_%s tracepoint)",
				 missing);
		else
			snprintf(why, why_size, "no syscalls:sys_enter_%s/sys_exit_%s tracepoint",
				 missing, missing);
	}
	return false;
}

/*
 * Can a tracepoint program call bpf_task_from_pid/bpf_task_release here?
 * Loads the smallest such program: r0 = bpf_task_from_pid(1), released
 * if found. Known once per process.
 */
static bool task_kfunc_usable(void)
{
	static int usable = -1;
	struct btf *vmlinux;
	int from_pid, release, fd;

	if (usable >= 0)
		return usable;
	usable = 0;
	vmlinux = btf__load_vmlinux_btf();
	if (libbpf_get_error(vmlinux))
		return false;
	from_pid = btf__find_by_name_kind(vmlinux, "bpf_task_from_pid", BTF_KIND_FUNC);
	release = btf__find_by_name_kind(vmlinux, "bpf_task_release", BTF_KIND_FUNC);
	btf__free(vmlinux);
	if (from_pid > 0 && release > 0) {
		struct bpf_insn insns[] = {
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = 1 },
			{ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_KFUNC_CALL,
			  .imm = from_pid },
			{ .code = BPF_JMP | BPF_JEQ | BPF_K, .dst_reg = BPF_REG_0, .off = 2 },
			{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_1,
			  .src_reg = BPF_REG_0 },
			{ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_KFUNC_CALL,
			  .imm = release },
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
			{ .code = BPF_JMP | BPF_EXIT },
		};

		fd = bpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, "vg_kfunc_probe", "GPL", insns,
				   sizeof(insns) / sizeof(insns[0]), NULL);
		if (fd >= 0) {
			close(fd);
			usable = 1;
		}
	}
	if (!usable)
		vg_debug("sensor 'priv': bpf_task_from_pid unusable in tracepoint programs: "
			 "targets by pid only");
	return usable;
}

VG_SENSOR_SKEL(sensor_priv_bpf);
VG_SENSOR_SKEL(sensor_priv_nokfunc_bpf);

/* Which object open_skel() opened: both skeletons share programs and maps. */
static bool opened_nokfunc;

static void *open_skel(void)
{
	opened_nokfunc = !task_kfunc_usable();
	return opened_nokfunc ? sensor_priv_nokfunc_bpf_open() : sensor_priv_bpf_open();
}

static struct bpf_object *skel_object(void *skel)
{
	return opened_nokfunc ? sensor_priv_nokfunc_bpf_object(skel) : sensor_priv_bpf_object(skel);
}

static int load_skel(void *skel)
{
	return opened_nokfunc ? sensor_priv_nokfunc_bpf_load(skel) : sensor_priv_bpf_load(skel);
}

static void destroy_skel(void *skel)
{
	if (opened_nokfunc)
		sensor_priv_nokfunc_bpf_destroy(skel);
	else
		sensor_priv_bpf_destroy(skel);
}

bool vg_priv_targets_resolved(void)
{
	return task_kfunc_usable();
}

/* Calls this kernel lacks: their bit in the object's priv_calls_off. */
static int switch_off_missing_calls(struct bpf_object *obj)
{
	__u64 off = 0;
	size_t i;

	for (i = 0; i < N_SYSCALLS; i++) {
		if (!syscall_hookable(syscalls[i])) {
			off |= 1ULL << (VG_PC_SETUID + i);
			vg_debug("sensor 'priv': this kernel has no %s syscall: not watched",
				 syscalls[i]);
		}
	}
	return vg_rodata_set(obj, "priv_calls_off", &off, sizeof(off));
}

bool vg_priv_cap_use_available(char *why, size_t why_size)
{
	bool ok = access(CAP_CAPABLE_EVENT, F_OK) == 0;

	if (why && why_size)
		snprintf(why, why_size, ok ? "" : "no capability:cap_capable tracepoint "
			 "(Linux 6.14+): capset raises are still seen, capability use is not");
	return ok;
}

static int configure(void *skel, const void *cfg)
{
	struct bpf_object *obj = skel_object(skel);
	__u32 self = getpid();
	int err;

	err = vg_task_filter_configure(obj, cfg);
	if (err)
		return err;
	err = vg_rodata_set(obj, "vigil_tgid", &self, sizeof(self));
	if (err)
		return err;
	err = switch_off_missing_calls(obj);
	if (err)
		return err;
	if (!vg_priv_cap_use_available(NULL, 0))
		bpf_program__set_autoload(bpf_object__find_program_by_name(obj, "raw_tp_cap_capable"),
					  false);
	return 0;
}

static int post_load(struct vg_sensor *s, const void *cfg)
{
	return vg_task_filter_post_load(s->obj, cfg);
}

const struct vg_sensor_desc vg_priv_sensor = {
	.name = "priv",
	.on_demand = true,
	.policy_sensor = VG_SENSOR_PRIV,
	.hub_slot = VG_HUB_PRIV,
	.hub_nr_table = "priv_nr_call",
	VG_SENSOR_VARIANTS(variants),
	.open = open_skel,
	.object = skel_object,
	.load = load_skel,
	.destroy = destroy_skel,
	.configure = configure,
	.post_load = post_load,
	.apply_policy = vg_priv_apply_policy,
};
