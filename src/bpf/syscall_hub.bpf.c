// SPDX-License-Identifier: GPL-2.0
/*
 * The syscall hub: the only programs on sys_enter and sys_exit. Each
 * tail-calls, by syscall number, the handlers of the sensors that watch
 * that call (file, privilege, network; seccomp for every call of a task
 * under a seccomp filter), one after another; a call nobody watches costs
 * one table load.
 *
 * Why: every program attached to a tracepoint runs on every syscall, and
 * on this class of machine each one costs about 60 ns of dispatch even
 * when it returns at once. Four sensors' seven programs made an unwatched
 * open+close pay 14 of those; through the hub it pays 2, plus a tail call
 * for each handler that has work to do.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "vigil_hub.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sys_enter")
int BPF_PROG(hub_sys_enter, struct pt_regs *regs, long id)
{
	vg_hub_next(ctx, id, VG_HUB_NONE, false);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(hub_sys_exit, struct pt_regs *regs, long ret)
{
	vg_hub_next(ctx, regs->orig_ax, VG_HUB_NONE, true);
	return 0;
}
