// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include <seccomp.h>
#include "bpf/seccomp_record.h"
#include "lib/seccomp_arch.h"
#include "seccomp/sc_names.h"

uint32_t vg_sc_abi_arch(unsigned abi)
{
	uint32_t native = seccomp_arch_native();

	if (abi == VG_SC_ABI_NATIVE)
		return native;
	if (abi == VG_SC_ABI_COMPAT && native == SCMP_ARCH_X86_64)
		return SCMP_ARCH_X86;
	if (abi == VG_SC_ABI_COMPAT && native == SCMP_ARCH_AARCH64)
		return SCMP_ARCH_ARM;
	return 0;
}

char *vg_sc_syscall_name(uint32_t arch, int nr)
{
	return seccomp_syscall_resolve_num_arch(arch, nr);
}

bool vg_sc_syscall_known(const char *name, uint32_t arch)
{
	return seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR ||
	       (arch && seccomp_syscall_resolve_name_arch(arch, name) != __NR_SCMP_ERROR);
}

/* Names per category, space-separated; anything else is "other". */
static const char *const category_names[VG_SC_CATS - 1] = {
	[VG_SC_CAT_FILE] =
		"open openat openat2 creat read write pread64 pwrite64 readv writev preadv "
		"pwritev preadv2 pwritev2 close close_range lseek _llseek stat fstat lstat "
		"stat64 fstat64 lstat64 newfstatat fstatat64 statx access faccessat faccessat2 "
		"getdents getdents64 mkdir mkdirat rmdir unlink unlinkat rename renameat "
		"renameat2 link linkat symlink symlinkat readlink readlinkat chmod fchmod "
		"fchmodat fchmodat2 chown fchown lchown fchownat chown32 fchown32 lchown32 "
		"truncate ftruncate truncate64 ftruncate64 fsync fdatasync sync syncfs "
		"sync_file_range fcntl fcntl64 ioctl dup dup2 dup3 chdir fchdir getcwd utime "
		"utimes utimensat futimesat fallocate sendfile sendfile64 splice tee vmsplice "
		"copy_file_range statfs fstatfs statfs64 fstatfs64 flock umask mknod mknodat "
		"fadvise64 fadvise64_64 readahead getxattr lgetxattr fgetxattr setxattr "
		"lsetxattr fsetxattr listxattr llistxattr flistxattr removexattr lremovexattr "
		"fremovexattr inotify_init inotify_init1 inotify_add_watch inotify_rm_watch "
		"name_to_handle_at poll ppoll select _newselect pselect6 epoll_create "
		"epoll_create1 epoll_ctl epoll_wait epoll_pwait epoll_pwait2 io_setup "
		"io_destroy io_submit io_getevents io_cancel",
	[VG_SC_CAT_NETWORK] =
		"socket socketpair bind listen accept accept4 connect getsockname getpeername "
		"sendto recvfrom send recv sendmsg recvmsg sendmmsg recvmmsg shutdown "
		"setsockopt getsockopt socketcall",
	[VG_SC_CAT_PROCESS] =
		"fork vfork clone clone3 execve execveat exit exit_group wait4 waitid waitpid "
		"kill tkill tgkill getpid getppid gettid getuid geteuid getgid getegid "
		"getuid32 geteuid32 getgid32 getegid32 getgroups getgroups32 getresuid "
		"getresgid getresuid32 getresgid32 setsid getsid setpgid getpgid getpgrp "
		"prctl arch_prctl set_tid_address set_thread_area get_thread_area sched_yield "
		"sched_getaffinity sched_setaffinity sched_getparam sched_setparam "
		"sched_getscheduler sched_setscheduler sched_get_priority_max "
		"sched_get_priority_min sched_getattr sched_setattr getpriority setpriority "
		"nanosleep clock_nanosleep clock_gettime clock_getres gettimeofday time times "
		"getrusage getrlimit setrlimit ugetrlimit prlimit64 uname sysinfo getrandom "
		"rseq set_robust_list get_robust_list restart_syscall rt_sigreturn sigreturn "
		"pidfd_open pidfd_send_signal pidfd_getfd capget personality alarm getitimer "
		"setitimer getcpu ioprio_get ioprio_set",
	[VG_SC_CAT_MEMORY] =
		"brk mmap mmap2 munmap mprotect mremap msync mincore madvise mlock mlock2 "
		"munlock mlockall munlockall membarrier memfd_create pkey_alloc pkey_free "
		"pkey_mprotect mbind set_mempolicy get_mempolicy migrate_pages move_pages "
		"process_madvise remap_file_pages map_shadow_stack mseal memfd_secret",
	[VG_SC_CAT_IPC] =
		"pipe pipe2 eventfd eventfd2 futex futex_waitv futex_wake futex_wait "
		"futex_requeue rt_sigaction rt_sigprocmask rt_sigpending rt_sigtimedwait "
		"rt_sigqueueinfo rt_sigsuspend rt_tgsigqueueinfo sigaction sigprocmask "
		"sigaltstack signalfd signalfd4 timerfd_create timerfd_settime "
		"timerfd_gettime timer_create timer_settime timer_gettime timer_getoverrun "
		"timer_delete msgget msgsnd msgrcv msgctl semget semop semtimedop semctl "
		"shmget shmat shmdt shmctl ipc mq_open mq_unlink mq_timedsend "
		"mq_timedreceive mq_notify mq_getsetattr pause",
	[VG_SC_CAT_PRIVILEGED] =
		"mount umount umount2 pivot_root chroot setuid setgid setreuid setregid "
		"setresuid setresgid setfsuid setfsgid setuid32 setgid32 setreuid32 "
		"setregid32 setresuid32 setresgid32 setfsuid32 setfsgid32 setgroups "
		"setgroups32 capset ptrace process_vm_readv process_vm_writev init_module "
		"finit_module delete_module bpf perf_event_open seccomp unshare setns "
		"kexec_load kexec_file_load reboot swapon swapoff sethostname setdomainname "
		"settimeofday clock_settime adjtimex clock_adjtime iopl ioperm acct quotactl "
		"open_by_handle_at fanotify_init fanotify_mark syslog keyctl add_key "
		"request_key userfaultfd io_uring_setup io_uring_enter io_uring_register "
		"mount_setattr move_mount open_tree fsopen fsconfig fsmount fspick vhangup "
		"kcmp lookup_dcookie nfsservctl",
};

static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while ((p = strstr(p, name))) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

enum vg_sc_category vg_sc_category_of(const char *name)
{
	int c;

	for (c = 0; c < VG_SC_CATS - 1; c++)
		if (in_list(category_names[c], name))
			return (enum vg_sc_category)c;
	return VG_SC_CAT_OTHER;
}

const char *vg_sc_category_name(enum vg_sc_category c)
{
	static const char *const names[VG_SC_CATS] = {
		"file", "network", "process", "memory", "ipc", "privileged", "other",
	};

	return (unsigned)c < VG_SC_CATS ? names[c] : "other";
}
