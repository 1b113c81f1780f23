// SPDX-License-Identifier: GPL-2.0
/*
 * The floor for the privilege sensor's cost: empty programs on the same
 * syscall tracepoints and io_uring tracepoint (the module syscalls are left
 * out: kernels without module support have no such tracepoints).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "vigil_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define FLOOR_SYSCALL(sys)							\
SEC("tp/syscalls/sys_enter_" #sys)						\
int floor_enter_##sys(void *ctx) { return 0; }					\
SEC("tp/syscalls/sys_exit_" #sys)						\
int floor_exit_##sys(void *ctx) { return 0; }

FLOOR_SYSCALL(setuid)
FLOOR_SYSCALL(setgid)
FLOOR_SYSCALL(setreuid)
FLOOR_SYSCALL(setregid)
FLOOR_SYSCALL(setresuid)
FLOOR_SYSCALL(setresgid)
FLOOR_SYSCALL(setfsuid)
FLOOR_SYSCALL(setfsgid)
FLOOR_SYSCALL(setgroups)
FLOOR_SYSCALL(capset)
FLOOR_SYSCALL(execve)
FLOOR_SYSCALL(execveat)
FLOOR_SYSCALL(ptrace)
FLOOR_SYSCALL(process_vm_readv)
FLOOR_SYSCALL(process_vm_writev)
FLOOR_SYSCALL(bpf)
FLOOR_SYSCALL(prctl)
FLOOR_SYSCALL(seccomp)
FLOOR_SYSCALL(kill)
FLOOR_SYSCALL(tkill)
FLOOR_SYSCALL(tgkill)
FLOOR_SYSCALL(pidfd_send_signal)
FLOOR_SYSCALL(unshare)
FLOOR_SYSCALL(setns)
FLOOR_SYSCALL(clone)
FLOOR_SYSCALL(clone3)
FLOOR_SYSCALL(io_uring_setup)

SEC("tp_btf/io_uring_submit_req")
int BPF_PROG(floor_iouring_submit_req) { return 0; }
