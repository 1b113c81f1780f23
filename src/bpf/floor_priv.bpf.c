// SPDX-License-Identifier: GPL-2.0
/*
 * The floor for the privilege sensor's cost: empty programs on the same
 * hooks (tp_btf sys_enter and sys_exit, where its syscall dispatchers run,
 * and the io_uring tracepoint).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "vigil_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sys_enter")
int BPF_PROG(floor_sys_enter) { return 0; }

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_sys_exit) { return 0; }

SEC("tp_btf/io_uring_submit_req")
int BPF_PROG(floor_iouring_submit_req) { return 0; }
