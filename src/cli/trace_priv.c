// SPDX-License-Identifier: GPL-2.0
/*
 * vigil trace priv: credential changes, privileged execs, ptrace, kernel
 * modules, bpf(), prctl/seccomp, signals, namespaces and io_uring,
 * filtered in the kernel. The process sensor runs too (unprinted) so that
 * every event carries process context and ancestry.
 */
#include <argp.h>
#include <stddef.h>
#include <stdio.h>
#include "cli/trace.h"
#include "lib/json.h"
#include "lib/log.h"
#include "sensors/bpf_env.h"
#include "sensors/sensor_priv.h"

struct trace_priv_args {
	struct vg_task_filter filter;	/* the priv sensor's config */
	bool list_hooks;
};

static const char doc[] =
	"Trace privilege changes, ptrace, kernel modules, eBPF, prctl/seccomp, signals,\n"
	"namespaces and io_uring operations.\v"
	"EXAMPLES:\n"
	"  vigil trace priv                  # everything, as columns\n"
	"  vigil trace priv --json           # JSON lines\n"
	"  vigil trace priv --uid 1000       # one user's processes\n"
	"  vigil trace priv --comm bash      # only processes named bash\n"
	"  vigil trace priv --list-hooks     # which syscall hooks this kernel has\n";

enum { OPT_LIST_HOOKS = 1000 };

static const struct argp_option options[] = {
	{ "list-hooks", OPT_LIST_HOOKS, NULL, 0, "print which hooks this kernel offers and exit", 0 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state, void *args)
{
	struct trace_priv_args *a = args;

	(void)arg;
	(void)state;
	if (key != OPT_LIST_HOOKS)
		return ARGP_ERR_UNKNOWN;
	a->list_hooks = true;
	return 0;
}

static int list_hooks(bool json)
{
	struct vg_priv_hook hooks[64];
	char why[256];
	bool mod;
	size_t n, i;
	int err;

	err = vg_env_prepare();
	if (err)
		return err;
	n = vg_priv_hooks(hooks, 64);
	mod = vg_priv_module_hooks_available(why, sizeof(why));
	if (json) {
		struct vg_buf b = { 0 };
		struct vg_json j;

		vg_json_init(&j, &b);
		vg_json_obj_begin(&j);
		vg_json_key(&j, "modules");
		vg_json_obj_begin(&j);
		vg_json_key(&j, "available");
		vg_json_bool(&j, mod);
		vg_json_key(&j, "reason");
		vg_json_cstr(&j, mod ? NULL : why);
		vg_json_obj_end(&j);
		vg_json_key(&j, "targets_resolved");
		vg_json_bool(&j, vg_priv_targets_resolved());
		vg_json_key(&j, "capability_use");
		vg_json_bool(&j, vg_priv_cap_use_available(NULL, 0));
		vg_json_key(&j, "syscalls");
		vg_json_obj_begin(&j);
		for (i = 0; i < n && i < 64; i++) {
			vg_json_key(&j, hooks[i].syscall);
			vg_json_bool(&j, hooks[i].available);
		}
		vg_json_obj_end(&j);
		vg_json_obj_end(&j);
		printf("%.*s\n", (int)b.len, b.data);
		vg_buf_free(&b);
		return 0;
	}
	for (i = 0; i < n && i < 64; i++)
		printf("syscall %-20s %s\n", hooks[i].syscall,
		       hooks[i].available ? "available" : "unavailable");
	printf("module events: %s%s%s\n", mod ? "available" : "unavailable",
	       mod ? "" : ": ", mod ? "" : why);
	printf("capability use: %s\n", vg_priv_cap_use_available(why, sizeof(why)) ?
	       "available (capability:cap_capable)" : why);
	printf("targets (signal, ptrace, process_vm): %s\n",
	       vg_priv_targets_resolved() ? "resolved in the kernel (bpf_task_from_pid)"
					  : "pid only (no bpf_task_from_pid kfunc)");
	return 0;
}

/* --list-hooks: print what this kernel offers instead of tracing. */
static bool instead(void *args, const struct vg_trace_common *c, int *code)
{
	const struct trace_priv_args *a = args;

	if (!a->list_hooks)
		return false;
	*code = list_hooks(c->json) ? 1 : 0;
	return true;
}

/* What the sensor cannot see on this kernel, said once at start. */
static int ready(struct vg_agent *agent, struct vg_sensor *s, void *args)
{
	char why[256];

	(void)agent;
	(void)s;
	(void)args;
	if (!vg_priv_module_hooks_available(why, sizeof(why)))
		vg_info("module events unavailable: %s", why);
	if (!vg_priv_targets_resolved())
		vg_info("signal/ptrace targets by pid only: no bpf_task_from_pid kfunc");
	if (!vg_priv_cap_use_available(why, sizeof(why)))
		vg_info("capability use events unavailable: %s", why);
	return 0;
}

const struct vg_trace_cmd vg_trace_priv = {
	.name = "priv",
	.sensor = &vg_priv_sensor,
	.process_context = true,
	.first_type = VG_EV_PRIV_FIRST,
	.last_type = VG_EV_PRIV_LAST,
	.doc = doc,
	.options = options,
	VG_TRACE_ARGS(struct trace_priv_args, filter, filter),
	.parse = parse_opt,
	.instead = instead,
	.ready = ready,
};
