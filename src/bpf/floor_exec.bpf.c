// SPDX-License-Identifier: GPL-2.0
/*
 * The floor for the process sensor's cost: empty programs on the same hooks.
 * Benchmarks compare vigil against this physical limit of tracing.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "vigil_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sched_process_exec")
int BPF_PROG(floor_exec) { return 0; }

SEC("tp_btf/sched_process_fork")
int BPF_PROG(floor_fork) { return 0; }

SEC("tp_btf/sched_process_exit")
int BPF_PROG(floor_exit) { return 0; }
