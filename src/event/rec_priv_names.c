// SPDX-License-Identifier: GPL-2.0
/* Names in the privilege sensor's output: calls, commands, requests, namespaces. */
#include <stdint.h>
#include "bpf/vigil_abi.h"
#include "event/rec_priv.h"

static const char *const call_names[VG_PC_MAX] = VG_PRIV_CALL_NAMES;

const char *vg_priv_call_name(uint32_t call)
{
	return call < VG_PC_MAX ? call_names[call] : NULL;
}

const char *vg_bpf_cmd_name(uint32_t cmd)
{
	static const char *const names[] = {
		"BPF_MAP_CREATE", "BPF_MAP_LOOKUP_ELEM", "BPF_MAP_UPDATE_ELEM",
		"BPF_MAP_DELETE_ELEM", "BPF_MAP_GET_NEXT_KEY", "BPF_PROG_LOAD", "BPF_OBJ_PIN",
		"BPF_OBJ_GET", "BPF_PROG_ATTACH", "BPF_PROG_DETACH", "BPF_PROG_TEST_RUN",
		"BPF_PROG_GET_NEXT_ID", "BPF_MAP_GET_NEXT_ID", "BPF_PROG_GET_FD_BY_ID",
		"BPF_MAP_GET_FD_BY_ID", "BPF_OBJ_GET_INFO_BY_FD", "BPF_PROG_QUERY",
		"BPF_RAW_TRACEPOINT_OPEN", "BPF_BTF_LOAD", "BPF_BTF_GET_FD_BY_ID",
		"BPF_TASK_FD_QUERY", "BPF_MAP_LOOKUP_AND_DELETE_ELEM", "BPF_MAP_FREEZE",
		"BPF_BTF_GET_NEXT_ID", "BPF_MAP_LOOKUP_BATCH", "BPF_MAP_LOOKUP_AND_DELETE_BATCH",
		"BPF_MAP_UPDATE_BATCH", "BPF_MAP_DELETE_BATCH", "BPF_LINK_CREATE",
		"BPF_LINK_UPDATE", "BPF_LINK_GET_FD_BY_ID", "BPF_LINK_GET_NEXT_ID",
		"BPF_ENABLE_STATS", "BPF_ITER_CREATE", "BPF_LINK_DETACH", "BPF_PROG_BIND_MAP",
		"BPF_TOKEN_CREATE",
	};

	return cmd < sizeof(names) / sizeof(names[0]) ? names[cmd] : NULL;
}

const char *vg_ptrace_request_name(int64_t req)
{
	switch (req) {
	case 0: return "PTRACE_TRACEME";
	case 4: return "PTRACE_POKETEXT";
	case 5: return "PTRACE_POKEDATA";
	case 6: return "PTRACE_POKEUSER";
	case 13: return "PTRACE_SETREGS";
	case 16: return "PTRACE_ATTACH";
	case 0x4205: return "PTRACE_SETREGSET";
	case 0x4206: return "PTRACE_SEIZE";
	default: return NULL;
	}
}

const char *vg_iouring_op_name(uint8_t op)
{
	static const char *const names[] = {
		"NOP", "READV", "WRITEV", "FSYNC", "READ_FIXED", "WRITE_FIXED", "POLL_ADD",
		"POLL_REMOVE", "SYNC_FILE_RANGE", "SENDMSG", "RECVMSG", "TIMEOUT",
		"TIMEOUT_REMOVE", "ACCEPT", "ASYNC_CANCEL", "LINK_TIMEOUT", "CONNECT",
		"FALLOCATE", "OPENAT", "CLOSE", "FILES_UPDATE", "STATX", "READ", "WRITE",
		"FADVISE", "MADVISE", "SEND", "RECV", "OPENAT2", "EPOLL_CTL", "SPLICE",
		"PROVIDE_BUFFERS", "REMOVE_BUFFERS", "TEE", "SHUTDOWN", "RENAMEAT", "UNLINKAT",
		"MKDIRAT", "SYMLINKAT", "LINKAT", "MSG_RING", "FSETXATTR", "SETXATTR",
		"FGETXATTR", "GETXATTR", "SOCKET", "URING_CMD", "SEND_ZC", "SENDMSG_ZC",
		"READ_MULTISHOT", "WAITID", "FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_WAITV",
		"FIXED_FD_INSTALL", "FTRUNCATE", "BIND", "LISTEN", "RECV_ZC", "EPOLL_WAIT",
		"READV_FIXED", "WRITEV_FIXED", "PIPE",
	};

	return op < sizeof(names) / sizeof(names[0]) ? names[op] : NULL;
}

const char *vg_prctl_option_name(uint32_t option)
{
	switch (option) {
	case 4: return "PR_SET_DUMPABLE";
	case 15: return "PR_SET_NAME";
	case 22: return "PR_SET_SECCOMP";
	default: return NULL;
	}
}

const char *vg_seccomp_op_name(uint32_t op)
{
	static const char *const names[] = {
		"SECCOMP_SET_MODE_STRICT", "SECCOMP_SET_MODE_FILTER",
		"SECCOMP_GET_ACTION_AVAIL", "SECCOMP_GET_NOTIF_SIZES",
	};

	return op < 4 ? names[op] : NULL;
}

/* CLONE_NEW* bits (nstype of setns uses the same), in output order. */
static const struct { uint64_t bit; const char *name; } ns_types[] = {
	{ 0x00020000, "mnt" }, { 0x02000000, "cgroup" }, { 0x04000000, "uts" },
	{ 0x08000000, "ipc" }, { 0x10000000, "user" }, { 0x20000000, "pid" },
	{ 0x40000000, "net" }, { 0x00000080, "time" },
};
_Static_assert(sizeof(ns_types) / sizeof(ns_types[0]) <= VG_NS_MAX_TYPES,
	       "VG_NS_MAX_TYPES holds every namespace name");

size_t vg_ns_type_names(uint64_t flags, const char **names, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < sizeof(ns_types) / sizeof(ns_types[0]) && n < max; i++)
		if (flags & ns_types[i].bit)
			names[n++] = ns_types[i].name;
	return n;
}

/* Capability bits (linux/capability.h), by number. */
static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
	"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

size_t vg_cap_names(uint64_t caps, const char **names, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < 64 && n < max; i++)
		if (caps & (1ULL << i))
			names[n++] = i < sizeof(cap_names) / sizeof(cap_names[0]) ? cap_names[i] : "CAP_UNKNOWN";
	return n;
}
