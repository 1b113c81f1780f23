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

#define FLOOR_TP(name, tp) \
	SEC("tracepoint/syscalls/" tp) int name(void *ctx) { return 0; }

FLOOR_TP(floor_enter_connect, "sys_enter_connect")
FLOOR_TP(floor_exit_connect, "sys_exit_connect")
FLOOR_TP(floor_exit_accept, "sys_exit_accept")
FLOOR_TP(floor_exit_accept4, "sys_exit_accept4")
FLOOR_TP(floor_enter_sendto, "sys_enter_sendto")
FLOOR_TP(floor_exit_sendto, "sys_exit_sendto")
FLOOR_TP(floor_enter_recvfrom, "sys_enter_recvfrom")
FLOOR_TP(floor_exit_recvfrom, "sys_exit_recvfrom")
FLOOR_TP(floor_enter_sendmsg, "sys_enter_sendmsg")
FLOOR_TP(floor_exit_sendmsg, "sys_exit_sendmsg")
FLOOR_TP(floor_enter_recvmsg, "sys_enter_recvmsg")
FLOOR_TP(floor_exit_recvmsg, "sys_exit_recvmsg")
FLOOR_TP(floor_exit_dup2, "sys_exit_dup2")
FLOOR_TP(floor_exit_dup3, "sys_exit_dup3")
