// SPDX-License-Identifier: GPL-2.0
/*
 * vigil trace priv: credential changes, privileged execs, ptrace, kernel
 * modules, bpf(), prctl/seccomp, signals, namespaces and io_uring,
 * filtered in the kernel. The process sensor runs too (unprinted) so that
 * every event carries process context and ancestry.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "agent/agent.h"
#include "sensors/bpf_env.h"
#include "lib/parse_num.h"
#include "cli/cli_trace.h"
#include "cli/commands.h"
#include "lib/log.h"
#include "sensors/sensor_priv.h"
#include "sensors/sensor_process.h"

struct trace_priv_args {
	struct vg_task_filter filter;
	bool list_hooks;
	struct vg_trace_common common;
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

enum { OPT_CGROUP = 1000, OPT_RINGBUF, OPT_LIST_HOOKS };

static const struct argp_option options[] = {
	{ "list-hooks", OPT_LIST_HOOKS, NULL, 0, "print which hooks this kernel offers and exit", 0 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct trace_priv_args *a = state->input;

	if (vg_trace_common_init(key, state, &a->common))
		return 0;
	switch (key) {
	case OPT_LIST_HOOKS:
		a->list_hooks = true;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
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
	printf("targets (signal, ptrace, process_vm): %s\n",
	       vg_priv_targets_resolved() ? "resolved in the kernel (bpf_task_from_pid)"
					  : "pid only (no bpf_task_from_pid kfunc)");
	return 0;
}

int vg_cmd_trace_priv(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &vg_trace_common_argp, 0, "Common options:", 0 },
		{ 0 },
	};
	static const struct argp argp = { options, parse_opt, NULL, doc, children, NULL, NULL };
	struct trace_priv_args args = { 0 };
	struct vg_agent_opts opts = { 0 };
	struct vg_agent agent;
	char why[256];
	int err;

	argv[0] = "vigil trace priv";
	args.common.filter = &args.filter;
	if (argp_parse(&argp, argc, argv, 0, NULL, &args))
		return 2;
	if (args.list_hooks)
		return list_hooks(args.common.json) ? 1 : 0;
	opts.json = args.common.json;
	opts.ringbuf_bytes = args.common.ringbuf_bytes;
	err = vg_agent_init(&agent, &opts);
	if (!err)
		err = vg_agent_add_sensor(&agent, &vg_process_sensor, NULL);
	if (!err)
		err = vg_agent_add_sensor(&agent, &vg_priv_sensor, &args.filter);
	if (!err) {
		if (!vg_priv_module_hooks_available(why, sizeof(why)))
			vg_info("module events unavailable: %s", why);
		if (!vg_priv_targets_resolved())
			vg_info("signal/ptrace targets by pid only: no bpf_task_from_pid kfunc");
		vg_agent_print_types(&agent, VG_EV_PRIV_FIRST, VG_EV_PRIV_LAST, true);
		err = vg_agent_run(&agent);
	}
	vg_agent_fini(&agent);
	return err ? 1 : 0;
}
