// SPDX-License-Identifier: GPL-2.0
/*
 * The floor for the seccomp recorder's cost: an empty program on sys_enter,
 * the hook every syscall of every process passes through.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "vigil_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sys_enter")
int BPF_PROG(floor_sys_enter) { return 0; }
