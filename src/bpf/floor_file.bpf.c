// SPDX-License-Identifier: GPL-2.0
/*
 * The floor for the file sensor's cost: an empty program on the hook the
 * file sensor uses here (tp_btf sys_exit). Attaching it already sends
 * every syscall through the traced exit path; what vigil adds beyond this
 * is its own work.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "vigil_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_sys_exit) { return 0; }
