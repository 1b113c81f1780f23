// SPDX-License-Identifier: GPL-2.0
/*
 * Floor for the network sensor: empty programs on every hook it attaches by
 * default (the deny programs only attach with rules). `vigil floor net`.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "vigil_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(floor_state) { return 0; }

SEC("tp_btf/tcp_receive_reset")
int BPF_PROG(floor_reset) { return 0; }

SEC("tp_btf/sched_process_exec")
int BPF_PROG(floor_exec) { return 0; }

SEC("tp_btf/sys_enter")
int BPF_PROG(floor_sys_enter) { return 0; }

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_sys_exit) { return 0; }
