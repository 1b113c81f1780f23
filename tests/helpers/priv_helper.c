// SPDX-License-Identifier: GPL-2.0
/*
 * Workloads for tests/integration/test_priv.py, one per mode:
 *   priv_helper setuid0            setuid(0); exit 0 if it worked
 *   priv_helper sleeper            print "PID ADDR" of a variable, wait for stdin EOF,
 *                                  print the variable's value
 *   priv_helper ptrace PID ADDR    attach, POKEDATA ADDR, detach, process_vm_writev ADDR
 *   priv_helper bpf NAME           load a socket filter named NAME, print its fd,
 *                                  hold it until stdin closes
 *   priv_helper prctl NAME         prctl(PR_SET_NAME, NAME)
 *   priv_helper unshare            unshare(CLONE_NEWNS)
 *   priv_helper kill PID           kill(PID, SIGKILL)
 *   priv_helper signal PID SIG     kill(PID, SIG)
 *   priv_helper uring PATH         open PATH with an io_uring IORING_OP_OPENAT
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

static volatile uint64_t target_value = 0x1111111111111111ULL;

static int wait_stdin_eof(void)
{
	char buf[64];

	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}

static int do_sleeper(void)
{
	printf("%d %p\n", getpid(), (void *)&target_value);
	fflush(stdout);
	wait_stdin_eof();
	printf("%llx\n", (unsigned long long)target_value);
	return 0;
}

static int do_ptrace(pid_t pid, uintptr_t addr)
{
	uint64_t v = 0x2222222222222222ULL;
	struct iovec local = { &v, sizeof(v) }, remote = { (void *)addr, sizeof(v) };
	int status;

	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) < 0) {
		perror("PTRACE_ATTACH");
		return 1;
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		return 1;
	}
	if (ptrace(PTRACE_POKEDATA, pid, (void *)addr, (void *)(uintptr_t)v) < 0) {
		perror("PTRACE_POKEDATA");
		return 1;
	}
	if (ptrace(PTRACE_DETACH, pid, NULL, NULL) < 0) {
		perror("PTRACE_DETACH");
		return 1;
	}
	v = 0x3333333333333333ULL;
	if (process_vm_writev(pid, &local, 1, &remote, 1, 0) != sizeof(v)) {
		perror("process_vm_writev");
		return 1;
	}
	return 0;
}

static int do_bpf(const char *name)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	char license[] = "GPL";
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = 2;
	attr.license = (uintptr_t)license;
	strncpy(attr.prog_name, name, sizeof(attr.prog_name) - 1);
	fd = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0) {
		perror("BPF_PROG_LOAD");
		return 1;
	}
	printf("%d\n", fd);
	fflush(stdout);
	wait_stdin_eof();
	close(fd);
	return 0;
}

static int do_uring(const char *path)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int err;

	err = io_uring_queue_init(4, &ring, 0);
	if (err < 0) {
		fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-err));
		return 1;
	}
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_openat(sqe, AT_FDCWD, path, O_RDONLY, 0);
	sqe->user_data = 0x5eed;
	io_uring_submit(&ring);
	err = io_uring_wait_cqe(&ring, &cqe);
	if (err < 0 || cqe->res < 0) {
		fprintf(stderr, "openat via io_uring: %s\n", strerror(err < 0 ? -err : -cqe->res));
		return 1;
	}
	printf("%d\n", cqe->res);
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "setuid0"))
		return setuid(0) == 0 && getuid() == 0 ? 0 : 1;
	if (!strcmp(mode, "sleeper"))
		return do_sleeper();
	if (!strcmp(mode, "ptrace") && argc == 4)
		return do_ptrace(atoi(argv[2]), (uintptr_t)strtoull(argv[3], NULL, 16));
	if (!strcmp(mode, "bpf") && argc == 3)
		return do_bpf(argv[2]);
	if (!strcmp(mode, "prctl") && argc == 3)
		return prctl(PR_SET_NAME, argv[2], 0, 0, 0) == 0 ? 0 : 1;
	if (!strcmp(mode, "unshare"))
		return unshare(CLONE_NEWNS) == 0 ? 0 : 1;
	if (!strcmp(mode, "kill") && argc == 3)
		return kill(atoi(argv[2]), SIGKILL) == 0 ? 0 : 1;
	if (!strcmp(mode, "signal") && argc == 4)
		return kill(atoi(argv[2]), atoi(argv[3])) == 0 ? 0 : 1;
	if (!strcmp(mode, "uring") && argc == 3)
		return do_uring(argv[2]);
	fprintf(stderr, "usage: priv_helper MODE [ARGS] (see the source)\n");
	return 2;
}
