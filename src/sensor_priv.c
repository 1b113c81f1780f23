// SPDX-License-Identifier: GPL-2.0
/*
 * Loader of the privilege sensor. The io_uring hook is chosen by variant;
 * syscall tracepoints are probed one by one in tracefs, and a program whose
 * tracepoint this kernel lacks (the module syscalls without CONFIG_MODULES)
 * is left unloaded so that everything else still works.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "log.h"
#include "sensor_priv.h"
#include "sensor_priv.skel.h"

#define TRACEFS_EVENTS "/sys/kernel/tracing/events/syscalls"

static const char *const submit_req_progs[] = { "tp_btf_iouring_submit_req", NULL };
static const char *const submit_sqe_progs[] = { "tp_btf_iouring_submit_sqe", NULL };
static const char *const raw_tp_progs[] = { "raw_tp_iouring_submit_req", NULL };
static const char *const no_progs[] = { NULL };

/* In order of preference; the last one watches syscalls only. */
static const struct vg_variant variants[] = {
	{ "tp_btf", submit_req_progs },
	{ "tp_btf_sqe", submit_sqe_progs },
	{ "raw_tracepoint", raw_tp_progs },
	{ "syscalls_only", no_progs },
};

/* The syscalls the sensor hooks (enter_X / exit_X programs). */
static const char *const syscalls[] = {
	"setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid",
	"setfsuid", "setfsgid", "setgroups", "capset", "execve", "execveat",
	"ptrace", "process_vm_readv", "process_vm_writev",
	"init_module", "finit_module", "delete_module",
	"bpf", "prctl", "seccomp", "kill", "tkill", "tgkill", "pidfd_send_signal",
	"unshare", "setns", "clone", "clone3", "io_uring_setup",
};

#define N_SYSCALLS (sizeof(syscalls) / sizeof(syscalls[0]))

static bool tracepoint_exists(const char *event)
{
	char path[256];

	snprintf(path, sizeof(path), TRACEFS_EVENTS "/%s", event);
	return access(path, F_OK) == 0;
}

static bool syscall_hookable(const char *name)
{
	char ev[128];

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

static void *open_skel(void)
{
	return sensor_priv_bpf__open();
}

static struct bpf_object *skel_object(void *skel)
{
	return ((struct sensor_priv_bpf *)skel)->obj;
}

static void destroy_skel(void *skel)
{
	sensor_priv_bpf__destroy(skel);
}

/* enter_X / exit_X programs stay unloaded when this kernel has no such tracepoint. */
static void drop_missing_syscalls(struct bpf_object *obj)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, obj) {
		const char *name = bpf_program__name(prog);
		const char *sys = NULL;

		if (!strncmp(name, "enter_", 6))
			sys = name + 6;
		else if (!strncmp(name, "exit_", 5))
			sys = name + 5;
		if (sys && !syscall_hookable(sys)) {
			bpf_program__set_autoload(prog, false);
			vg_debug("sensor 'priv': no tracepoint for %s, program '%s' not loaded",
				 sys, name);
		}
	}
}

static int configure(void *skel, const void *cfg)
{
	struct sensor_priv_bpf *s = skel;
	int err;

	err = vg_task_filter_configure(s->obj, cfg);
	if (err)
		return err;
	s->rodata->vigil_tgid = getpid();
	drop_missing_syscalls(s->obj);
	return 0;
}

static int post_load(struct vg_sensor *s, const void *cfg)
{
	return vg_task_filter_post_load(s->obj, cfg);
}

const struct vg_sensor_desc vg_priv_sensor = {
	.name = "priv",
	.variants = variants,
	.n_variants = sizeof(variants) / sizeof(variants[0]),
	.open = open_skel,
	.object = skel_object,
	.destroy = destroy_skel,
	.configure = configure,
	.post_load = post_load,
};
