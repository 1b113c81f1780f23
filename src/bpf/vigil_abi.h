/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vigil event ABI: every record that crosses a ring buffer, shared by the
 * BPF programs and the agent. Fixed-width types only; sizes are asserted.
 *
 * A record is a fixed struct (starting with struct vg_hdr) and a tail of
 * bytes holding its strings (no NUL; truncation sets a flag), each named
 * by a struct vg_str {off, len} relative to the tail start: the decoder
 * checks every one against the record size before anything reads it.
 */
#ifndef VIGIL_ABI_H
#define VIGIL_ABI_H

#ifdef __VMLINUX_H__
/* BPF side: types come from vmlinux.h */
#else
#include <linux/types.h>
#endif

#define VG_ABI_VERSION 8	/* 5: env facts, xattr, cap_use; 6: vg_exec.vpid; 7: VG_HF_HELD; 8: vg_exec.cgroup_set */

/* Bounds on variable data (bytes). */
#define VG_MAX_PATH_BYTES   4096
#define VG_MAX_PATH_DEPTH   96
#define VG_MAX_ARGV_BYTES   4096
#define VG_MAX_CGROUP_BYTES 1024
#define VG_MAX_CGROUP_DEPTH 16
#define VG_MAX_TTY_BYTES    64
#define VG_COMM_LEN         16
#define VG_MAX_RECORD_BYTES 32768	/* largest record any sensor emits; the decoder rejects more */

enum vg_event_type {
	/* process sensor */
	VG_EV_EXEC = 1,
	VG_EV_FORK = 2,
	VG_EV_EXIT = 3,
	VG_EV_HEALTH = 15,	/* the agent's own health (event/rec_health.h): user space writes it, no hook */
	/* file sensor: 16..47 */
	VG_EV_FILE_FIRST = 16,
	VG_EV_FILE_LAST = 47,
	/* network sensor: 48..79 */
	VG_EV_NET_FIRST = 48,
	VG_EV_NET_LAST = 79,
	/* privilege / kernel / evasion sensor: 80..127 */
	VG_EV_PRIV_FIRST = 80,
	VG_EV_PRIV_LAST = 127,
	VG_EV_TYPE_MAX = 128,
};

/* Common header of every record. */
struct vg_hdr {
	__u16 type;		/* enum vg_event_type */
	__u16 version;		/* VG_ABI_VERSION */
	__u32 size;		/* bytes in the whole record, tail included */
	__u64 ts_boot_ns;	/* bpf_ktime_get_boot_ns() */
	__u64 start_time_ns;	/* group leader's start_boottime: (tgid, start) is the process key */
	__u64 cgroup_id;	/* cgroup v2 id */
	__u32 pid;		/* thread id */
	__u32 tgid;		/* process id */
	__u16 flags;		/* VG_HF_* */
	__u16 cpu;
	__u32 euid;		/* effective uid of the acting task when the event happened */
	char comm[VG_COMM_LEN];
};

#define VG_HF_KILLED	(1u << 0)	/* the sensor sent SIGKILL from the hook */
#define VG_HF_WOULD_KILL (1u << 1)	/* audit mode: a kill rule matched, nothing done */
#define VG_HF_HELD	(1u << 2)	/* storm aggregate (storm.h): ends with a __u64, like records held */

/*
 * In-kernel actions the policy can ask a sensor to take on its own, keyed
 * by the executable path (LPM trie: longest prefix wins; an exact path is
 * stored with its terminating NUL so it never matches a longer name).
 */
#define VG_RULE_PATH_BYTES 256

struct vg_path_rule_key {
	__u32 prefixlen;	/* bits */
	__u8 data[VG_RULE_PATH_BYTES];
};

enum vg_kernel_action {
	VG_KACT_NONE = 0,
	VG_KACT_KILL = 1,
};

#define VG_PATH_RULE_IDS 8

enum vg_path_rule_ids {
	VG_IDS_ANY = 0,		/* the rule holds for any process */
	VG_IDS_EUID = 1,	/* only for these effective uids (process.user.id) */
	VG_IDS_CGROUP = 2,	/* only in these cgroup v2 ids (process.cgroup.id) */
};

/*
 * What an exec of a path under the key gets. With id_kind, the rule holds
 * only for the listed euids or cgroups; any other process gets the
 * fallback, when has_fallback (a rule on the path alone that covers it).
 */
struct vg_path_rule {
	__u32 rule_id;		/* the policy's rule index, reported back in the record */
	__u8 action;		/* enum vg_kernel_action */
	__u8 audit;		/* 1: report "would have", do nothing */
	__u8 id_kind;		/* enum vg_path_rule_ids */
	__u8 n_ids;
	__u64 ids[VG_PATH_RULE_IDS];
	__u32 fallback_rule_id;
	__u8 has_fallback;
	__u8 fallback_audit;
	__u8 pad[2];
};
/*
 * Policy pre-filter: what every sensor checks before a record leaves the
 * kernel, on top of the per-type switch. Each dimension is on only when
 * every rule of the sensor constrains it, so the AND of the active ones
 * never drops a record some rule could match.
 */
#define VG_PF_UID	(1u << 0)	/* hdr.euid must be in vg_pf_uids */
#define VG_PF_CGROUP	(1u << 1)	/* hdr.cgroup_id must be in vg_pf_cgroups */
#define VG_PF_EXE	(1u << 2)	/* the process's executable must carry exe_bit */

#define VG_PF_MAX_VALUES	1024	/* uids or cgroups a sensor filter can hold */
#define VG_PROC_EXE_ENTRIES	65536	/* processes whose exe bits are remembered */
#define VG_EXE_FILTER_ENTRIES	4096	/* executable paths and prefixes in the trie */

struct vg_pf_cfg {
	__u32 dims;		/* VG_PF_* */
	__u32 gen;		/* policy generation the exe bits must have been computed for */
	__u32 exe_bit;		/* this sensor's bit in vg_proc_exe.bits */
	__u32 pad;
};

enum vg_type_switch {	/* vg_type_mode map values: a record type is sent, dropped, or sent past the filter */
	VG_TYPE_FILTERED = 0,	/* sent if the policy filter lets it */
	VG_TYPE_OFF = 1,	/* never sent */
	VG_TYPE_ALWAYS = 2,	/* always sent (feeds a cache, or is itself an alert) */
	VG_TYPE_QUIET = 0x10,	/* flag: sent without waking the consumer (vigil_wake.bpf.h) */
};

/*
 * Per process (tgid): which sensors' executable filters its executable
 * passes, computed by the process sensor at exec from the vg_exe_filter
 * trie and inherited at fork. The inode identifies the executable so an
 * entry written for an older image (a racing seed, a stale pid) is never
 * trusted; a mismatch or an older generation means "unknown: send".
 */
struct vg_proc_exe {
	__u64 ino;		/* executable's inode number */
	__u32 dev;		/* its superblock's s_dev (kernel encoding) */
	__u32 gen;		/* vg_pf_cfg.gen the bits were computed for */
	__u32 bits;		/* bit n: passes the exe filter of the sensor with exe_bit n */
	__u32 pad;
};

struct vg_str {
	__u16 off;	/* from the start of the tail */
	__u16 len;	/* bytes, no terminating NUL */
};

/* ---- process sensor ---- */

/* vg_exec.flags */
#define VG_EXEC_ARGV_TRUNC	(1u << 0)
#define VG_EXEC_EXE_TRUNC	(1u << 1)
#define VG_EXEC_CWD_TRUNC	(1u << 2)
#define VG_EXEC_CGROUP_TRUNC	(1u << 3)
#define VG_EXEC_FILENAME_TRUNC	(1u << 4)
#define VG_EXEC_SECUREEXEC	(1u << 5)	/* setuid/setgid/file caps: privileges gained */
#define VG_EXEC_ARGV_FAULT	(1u << 6)	/* argv could not be read at all */
#define VG_EXEC_UNLINKED	(1u << 7)	/* the executable has no name on disk (memfd, deleted) */
#define VG_EXEC_SCRIPT		(1u << 8)	/* an interpreter runs the invoked file (#!, binfmt_misc) */

#define VG_ENV_LD_PRELOAD	(1u << 0)	/* LD_PRELOAD set, not empty (value in ld_preload) */
#define VG_ENV_LD_LIBRARY_PATH	(1u << 1)	/* LD_LIBRARY_PATH set, not empty */
#define VG_ENV_LD_AUDIT		(1u << 2)	/* LD_AUDIT set, not empty */
#define VG_ENV_HISTFILE_OFF	(1u << 3)	/* HISTFILE empty or /dev/null: no shell history */
#define VG_ENV_HISTSIZE_ZERO	(1u << 4)	/* HISTSIZE=0 or HISTFILESIZE=0 */
#define VG_ENV_PARTIAL		(1u << 5)	/* not scanned to its end (bounds, or a read failed) */
#define VG_ENV_PRELOAD_TRUNC	(1u << 6)	/* ld_preload cut (at 500 bytes) */
struct vg_exec {
	struct vg_hdr hdr;
	__u32 ppid;		/* real parent's tgid */
	__u32 old_pid;		/* tid that called execve (differs if a thread exec'd) */
	__u64 parent_start_time_ns;
	__u64 cgroup_set;	/* its cgroup v1 cgroups in one number (cgroup_set.h); 0: unknown */
	__u32 uid, euid, gid, egid;
	__u32 suid, sgid, fsuid, fsgid;
	__u32 loginuid;		/* audit uid; (u32)-1 when unset */
	__u32 audit_session;	/* audit session id; (u32)-1 when unset */
	__u32 sid;		/* session id (pid namespace of the agent) */
	__u32 pgid;		/* process group id */
	__u32 mnt_ns, pid_ns, net_ns, user_ns;	/* namespace inode numbers */
	__u64 cap_effective;
	__u64 cap_permitted;
	__u32 argc;		/* as the kernel counted it */
	__u32 flags;		/* VG_EXEC_* */
	__u32 rule_id;		/* in-kernel rule that matched (VG_HF_KILLED/WOULD_KILL) */
	__u32 env_flags;	/* VG_ENV_*: the environment's few facts, never the environment */
	struct vg_str filename;	/* the name the caller passed to execve */
	struct vg_str exe;	/* the executable as the kernel resolved it */
	struct vg_str argv;	/* NUL-separated arguments */
	struct vg_str cwd;
	struct vg_str cgroup;	/* cgroup v2 path */
	struct vg_str tty;	/* controlling tty name, empty if none */
	struct vg_str ld_preload;	/* LD_PRELOAD's value (VG_ENV_LD_PRELOAD) */
	__u32 vpid;		/* tgid as its own pid namespace numbers it (1: that namespace's init) */
	__u8 tail[];
};

struct vg_fork {
	struct vg_hdr hdr;	/* identity of the child */
	__u32 ppid;		/* parent tgid */
	__u32 parent_pid;	/* parent thread that forked */
	__u64 parent_start_time_ns;
	__u64 clone_flags;	/* 0 when not known */
};

struct vg_exit {
	struct vg_hdr hdr;
	__u32 ppid;
	__s32 exit_code;	/* exit status, valid when signal == 0 */
	__u32 signal;		/* terminating signal, 0 if exited normally */
	__u32 core_dumped;
	__u64 run_time_ns;
};

/* ---- privilege / kernel / evasion sensor (types 80..127) ---- */

enum vg_priv_event_type {
	VG_EV_CRED = 80,		/* set*id / setgroups changed credentials */
	VG_EV_CAPSET = 81,		/* capset changed capabilities */
	VG_EV_PRIV_EXEC = 82,		/* an exec changed credentials (setuid/setgid/file caps) */
	VG_EV_PTRACE = 83,		/* ptrace request against another process */
	VG_EV_PROCESS_VM = 84,		/* process_vm_readv/writev */
	VG_EV_MODULE = 85,		/* init_module / finit_module / delete_module */
	VG_EV_BPF = 86,			/* bpf() command that loads or attaches */
	VG_EV_PRCTL = 87,		/* prctl PR_SET_NAME / PR_SET_DUMPABLE / PR_SET_SECCOMP */
	VG_EV_SECCOMP = 88,		/* seccomp() */
	VG_EV_SIGNAL = 89,		/* kill / tkill / tgkill / pidfd_send_signal */
	VG_EV_NAMESPACE = 90,		/* unshare / setns / clone with CLONE_NEW* */
	VG_EV_IOURING_SETUP = 91,	/* io_uring_setup: a ring was created */
	VG_EV_IOURING = 92,		/* an operation submitted to an io_uring */
	VG_EV_SECCOMP_DENY = 93,	/* a seccomp filter killed, trapped or refused a syscall */
	VG_EV_XATTR = 94,		/* setxattr family writing security.capability */
	VG_EV_CAP_USE = 95,		/* a watched capability used (capability:cap_capable) */
};

/* Which system call a priv record is about (syscall.name in output). */
enum vg_priv_call {
	VG_PC_NONE = 0,
	VG_PC_SETUID, VG_PC_SETGID, VG_PC_SETREUID, VG_PC_SETREGID,
	VG_PC_SETRESUID, VG_PC_SETRESGID, VG_PC_SETFSUID, VG_PC_SETFSGID,
	VG_PC_SETGROUPS, VG_PC_CAPSET,
	VG_PC_EXECVE, VG_PC_EXECVEAT,
	VG_PC_PTRACE, VG_PC_PROCESS_VM_READV, VG_PC_PROCESS_VM_WRITEV,
	VG_PC_INIT_MODULE, VG_PC_FINIT_MODULE, VG_PC_DELETE_MODULE,
	VG_PC_BPF, VG_PC_PRCTL, VG_PC_SECCOMP,
	VG_PC_KILL, VG_PC_TKILL, VG_PC_TGKILL, VG_PC_PIDFD_SEND_SIGNAL,
	VG_PC_UNSHARE, VG_PC_SETNS, VG_PC_CLONE, VG_PC_CLONE3,
	VG_PC_IO_URING_SETUP, VG_PC_SETXATTR, VG_PC_LSETXATTR, VG_PC_FSETXATTR, VG_PC_SETXATTRAT,
	VG_PC_MAX,
};

#define VG_PRIV_CALL_NAMES { \
	"none", "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setfsuid", \
	"setfsgid", "setgroups", "capset", "execve", "execveat", "ptrace", "process_vm_readv", \
	"process_vm_writev", "init_module", "finit_module", "delete_module", "bpf", "prctl", \
	"seccomp", "kill", "tkill", "tgkill", "pidfd_send_signal", "unshare", "setns", "clone", \
	"clone3", "io_uring_setup", "setxattr", "lsetxattr", "fsetxattr", "setxattrat" }

/* Every priv syscall record starts with this after the header. */
struct vg_priv_sys {
	__u32 call;		/* enum vg_priv_call */
	__u32 flags;		/* VG_PRIV_* */
	__s64 ret;		/* the syscall's return value (-errno on failure) */
};

#define VG_PRIV_TARGET_KNOWN	(1u << 0)	/* target_start_time_ns / target exe are valid */
#define VG_PRIV_TARGET_VIGIL	(1u << 1)	/* the target is the vigil agent itself */
#define VG_PRIV_STR_TRUNC	(1u << 2)	/* a string was cut at its bound */
#define VG_PRIV_READ_FAULT	(1u << 3)	/* user memory could not be read at entry */
#define VG_PRIV_ACTOR_VIGIL	(1u << 4)	/* the acting process is the vigil agent itself */

struct vg_cred_set {
	__u32 uid, euid, suid, fsuid;
	__u32 gid, egid, sgid, fsgid;
	__u64 cap_effective, cap_permitted, cap_inheritable;
	__u32 ngroups;		/* supplementary groups */
	__u32 pad;
};

/* VG_EV_CRED, VG_EV_CAPSET, VG_EV_PRIV_EXEC: credentials before and after. */
struct vg_cred {
	struct vg_hdr hdr;
	struct vg_priv_sys sys;
	__u64 args[3];		/* the syscall's first arguments (ids, or 0) */
	struct vg_cred_set old_creds;
	struct vg_cred_set new_creds;
};

/* Target of ptrace / process_vm / signal: identity as the kernel saw it at entry. */
struct vg_priv_target {
	__s32 pid;		/* as passed (a tid for ptrace/tkill; <=0 for groups) */
	__u32 tgid;		/* its process, when found */
	__u64 start_time_ns;	/* with tgid, the process key; 0 if not found */
	char comm[VG_COMM_LEN];
};

/* VG_EV_PTRACE */
struct vg_ptrace {
	struct vg_hdr hdr;
	struct vg_priv_sys sys;
	__s64 request;		/* PTRACE_* */
	__u64 addr;
	__u64 data;
	struct vg_priv_target target;
	struct vg_str target_exe;
	__u32 pad;
	__u8 tail[];
};

/* VG_EV_PROCESS_VM */
struct vg_process_vm {
	struct vg_hdr hdr;
	struct vg_priv_sys sys;
	__u64 local_iovcnt;
	__u64 remote_iovcnt;
	struct vg_priv_target target;
	struct vg_str target_exe;
	__u32 pad;
	__u8 tail[];
};

/* VG_EV_MODULE */
struct vg_module {
	struct vg_hdr hdr;
	struct vg_priv_sys sys;
	__u64 len;		/* init_module: image length */
	__s32 fd;		/* finit_module: the file */
	__u32 mod_flags;	/* finit_module / delete_module flags */
	struct vg_str name;	/* delete_module: module name */
	struct vg_str path;	/* finit_module: the file's path (from struct file) */
	struct vg_str params;	/* init/finit_module: parameter string */
	__u32 pad;
	__u8 tail[];
};

/* VG_EV_BPF: the bpf_attr fields that say what is loaded or attached. */
struct vg_bpf {
	struct vg_hdr hdr;
	struct vg_priv_sys sys;
	__u32 cmd;		/* BPF_PROG_LOAD, BPF_MAP_CREATE, ... */
	__u32 prog_type;	/* PROG_LOAD */
	__u32 attach_type;	/* PROG_LOAD expected_attach_type / LINK_CREATE / PROG_ATTACH */
	__u32 map_type;		/* MAP_CREATE */
	__u32 key_size, value_size, max_entries, map_flags;	/* MAP_CREATE */
	__u32 insn_cnt;		/* PROG_LOAD */
	__u32 prog_fd;		/* LINK_CREATE / PROG_ATTACH */
	__u32 target_fd;	/* LINK_CREATE / PROG_ATTACH (or ifindex) */
	__u32 attach_btf_id;	/* PROG_LOAD */
	__u32 btf_size;		/* BTF_LOAD */
	__u32 link_id;		/* LINK_DETACH that succeeded: the link's id (was padding) */
	char name[VG_COMM_LEN];	/* prog_name / map_name, NUL-padded */
};

/* VG_EV_PRCTL */
struct vg_prctl {
	struct vg_hdr hdr;
	struct vg_priv_sys sys;
	__u32 option;		/* PR_* */
	__u32 pad;
	__u64 arg2;
	char name[VG_COMM_LEN];	/* PR_SET_NAME: the new name */
	char old_name[VG_COMM_LEN];	/* the name at entry */
};

/* VG_EV_SECCOMP */
struct vg_seccomp {
	struct vg_hdr hdr;
	struct vg_priv_sys sys;
	__u32 op;		/* SECCOMP_SET_MODE_* */
	__u32 sc_flags;
	__u32 filter_len;	/* BPF instructions in the filter, 0 if none */
	__u32 pad;
};

/* VG_EV_SIGNAL */
struct vg_signal {
	struct vg_hdr hdr;
	struct vg_priv_sys sys;
	__u32 sig;
	__u32 pidfd;		/* pidfd_send_signal: the fd */
	struct vg_priv_target target;
	struct vg_str target_exe;
	__u32 pad;
	__u8 tail[];
};

struct vg_ns_set {
	__u32 mnt, pid, net, user, uts, ipc, cgroup, pad;
};

/* VG_EV_NAMESPACE */
struct vg_namespace {
	struct vg_hdr hdr;
	struct vg_priv_sys sys;
	__u64 ns_flags;		/* CLONE_NEW* (unshare/clone), nstype (setns) */
	__s32 fd;		/* setns */
	__u32 pad;
	struct vg_ns_set old_ns;	/* before */
	struct vg_ns_set new_ns;	/* after (the caller's; for clone, the caller's too) */
};

#define VG_XATTR_PATH_USER	(1u << 0)	/* path is the caller's string, not resolved */
#define VG_XATTR_VALUE_FAULT	(1u << 1)	/* the value could not be read */
struct vg_xattr {	/* VG_EV_XATTR: security.capability written (setcap, or setxattr) */
	struct vg_hdr hdr;
	struct vg_priv_sys sys;
	__u64 cap_permitted;	/* from the value, struct vfs_cap_data */
	__u64 cap_inheritable;
	__u32 cap_magic, cap_rootid;	/* magic_etc (revision, effective flag); rev. 3: rootid */
	__u32 value_size;	/* bytes the caller passed (clamped) */
	__s32 fd;		/* fsetxattr, setxattrat: the fd or dirfd; -1 */
	__u32 xflags;		/* VG_XATTR_* */
	struct vg_str path;	/* the file */
	__u8 tail[];
};
struct vg_cap_use {	/* VG_EV_CAP_USE: a non-root process's first use of a watched cap */
	struct vg_hdr hdr;
	__s32 cap, ret;		/* CAP_* number; 0: granted */
};

/* VG_EV_IOURING_SETUP */
struct vg_iouring_setup {
	struct vg_hdr hdr;
	struct vg_priv_sys sys;
	__u32 entries;
	__u32 setup_flags;	/* IORING_SETUP_* */
	__u32 sq_thread_cpu;
	__u32 sq_thread_idle;
};

/* VG_EV_IOURING: one submitted operation. */
struct vg_iouring {
	struct vg_hdr hdr;
	__u8 opcode;		/* IORING_OP_* */
	__u8 pad8[3];
	__s32 fd;		/* sqe->fd (dirfd for OPENAT) */
	__u64 user_data;
	__u64 req_flags;	/* REQ_F_* */
	__u32 flags;		/* VG_PRIV_STR_TRUNC */
	struct vg_str path;	/* OPENAT/OPENAT2/…: the name as submitted */
	__u8 tail[];
};
/* ---- file sensor (types 16..47) ---- */

/* One record layout for every file event; hdr.type says which kind. */
enum vg_file_type {
	VG_EV_FILE_OPEN = 16,
	VG_EV_FILE_UNLINK = 17,		/* unlink, unlinkat, rmdir */
	VG_EV_FILE_RENAME = 18,
	VG_EV_FILE_CHMOD = 19,
	VG_EV_FILE_CHOWN = 20,
	VG_EV_FILE_LINK = 21,
	VG_EV_FILE_SYMLINK = 22,
	VG_EV_FILE_TRUNCATE = 23,
	VG_EV_FILE_UTIMES = 24,
	VG_EV_FILE_MKNOD = 25,
	VG_EV_FILE_MOUNT = 26,
	VG_EV_FILE_UMOUNT = 27,
	VG_EV_FILE_MEMFD = 28,
	VG_EV_FILE_TYPE_LAST = 28,
};

/* Which system call produced the event (event.action). */
enum vg_file_syscall {
	VG_FSC_NONE = 0,
	VG_FSC_OPEN, VG_FSC_OPENAT, VG_FSC_OPENAT2, VG_FSC_CREAT, VG_FSC_OPEN_BY_HANDLE_AT,
	VG_FSC_UNLINK, VG_FSC_UNLINKAT, VG_FSC_RMDIR,
	VG_FSC_RENAME, VG_FSC_RENAMEAT, VG_FSC_RENAMEAT2,
	VG_FSC_CHMOD, VG_FSC_FCHMOD, VG_FSC_FCHMODAT, VG_FSC_FCHMODAT2,
	VG_FSC_CHOWN, VG_FSC_FCHOWN, VG_FSC_LCHOWN, VG_FSC_FCHOWNAT,
	VG_FSC_TRUNCATE, VG_FSC_FTRUNCATE,
	VG_FSC_LINK, VG_FSC_LINKAT, VG_FSC_SYMLINK, VG_FSC_SYMLINKAT,
	VG_FSC_MKNOD, VG_FSC_MKNODAT,
	VG_FSC_UTIME, VG_FSC_UTIMES, VG_FSC_FUTIMESAT, VG_FSC_UTIMENSAT,
	VG_FSC_MOUNT, VG_FSC_UMOUNT2, VG_FSC_MEMFD_CREATE,
	VG_FSC_LSM_FILE_OPEN,		/* LSM file_open hook: no fd yet */
	VG_FSC_MAX,
};

/*
 * Access classes: what an event does, for the in-kernel filter (each watch
 * prefix carries a mask of these) and for user space.
 */
#define VG_FACC_READ		(1u << 0)	/* open for reading (also O_PATH) */
#define VG_FACC_WRITE		(1u << 1)	/* open for writing */
#define VG_FACC_CREATE		(1u << 2)	/* O_CREAT, mknod, symlink, link */
#define VG_FACC_TRUNCATE	(1u << 3)	/* O_TRUNC, truncate, ftruncate */
#define VG_FACC_DELETE		(1u << 4)	/* unlink, rmdir */
#define VG_FACC_RENAME		(1u << 5)	/* rename (either side), link source */
#define VG_FACC_ATTR		(1u << 6)	/* chmod, chown, utimes */
#define VG_FACC_EXECMODE	(1u << 7)	/* sets an exec/setuid/setgid bit */
#define VG_FACC_MOUNT		(1u << 8)	/* mount, umount */
#define VG_FACC_MEMFD		(1u << 9)	/* memfd_create */
#define VG_FACC_ALL		((1u << 10) - 1)
#define VG_FACC_MODIFY		(VG_FACC_ALL & ~VG_FACC_READ)	/* --write-only */
/* Watch-set masks only, never in a record (sensor_file_watch.bpf.h): reads of library
 * names, first writes per process and file (provenance's writer), reads of hidden names. */
#define VG_FACC_READ_LIB	(1u << 10)	/* *.so, *.so.* */
#define VG_FACC_WRITE_ONCE	(1u << 11)	/* first write/create/truncate open */
#define VG_FACC_READ_HIDDEN	(1u << 12)	/* a path with "/." in it (~/.ssh/, ~/.aws/) */

/* vg_file.fflags */
#define VG_FILE_PATH_USER	(1u << 0)	/* path joined from dirfd/cwd + caller's string */
#define VG_FILE_PATH_TRUNC	(1u << 1)
#define VG_FILE_TARGET_TRUNC	(1u << 2)
#define VG_FILE_REQ_TRUNC	(1u << 3)
#define VG_FILE_TARGET_USER	(1u << 4)	/* target joined from dirfd/cwd + string */
#define VG_FILE_PATH_FAULT	(1u << 5)	/* the path could not be read */
#define VG_FILE_UNCHECKED	(1u << 6)	/* "." or ".." in a user path not normalized: emitted unfiltered */
#define VG_FILE_TARGET_RAW	(1u << 7)	/* target is the caller's string as given (symlink) */
#define VG_FILE_NORMALIZED	(1u << 8)	/* "." "..", "//" resolved lexically in the kernel before matching */
/* Opened through a bind mount (its root is not its filesystem's root) by a task
 * outside the initial mount namespace: a container's volume or host path. */
#define VG_FILE_BIND_MOUNT	(1u << 9)
#define VG_FILE_BY_INODE	(1u << 10)	/* the file is a watched one by identity (device, inode): watched holds its watched name */

#define VG_FILE_AT_FDCWD	(-100)

/*
 * Watched files by identity: an open whose file has this (device, inode) is
 * a watched file whatever name reached it (a hard link, a bind mount, a
 * path in another mount namespace). Filled by user space from the policy's
 * exact paths; dev is the kernel's encoding (s_dev).
 */
#define VG_INODE_WATCH_PATH_BYTES 128
#define VG_INODE_WATCH_MAX 256

struct vg_inode_watch_key {
	__u64 ino;
	__u32 dev;
	__u32 pad;
};

struct vg_inode_watch {
	__u32 mask;		/* VG_FACC_* watched */
	__u32 len;		/* bytes of path */
	__u32 generation;	/* i_generation: a freed and reused inode number is another file */
	__u32 pad;
	char path[VG_INODE_WATCH_PATH_BYTES];
};

struct vg_file {
	struct vg_hdr hdr;
	__s64 ret;		/* syscall result: fd or 0, or -errno */
	__u64 flags;		/* flags argument: open, rename, mount, memfd, *at */
	__u64 size;		/* truncate length; mknod device */
	__u32 mode;		/* chmod/creat/mknod mode (mknod keeps S_IFMT) */
	__u32 uid;		/* chown: new uid, (u32)-1 unchanged */
	__u32 gid;		/* chown: new gid, (u32)-1 unchanged */
	__u32 access;		/* VG_FACC_* */
	__u32 fflags;		/* VG_FILE_* */
	__s32 dirfd;		/* dirfd or fd argument; VG_FILE_AT_FDCWD */
	__u16 syscall;		/* enum vg_file_syscall */
	__u16 pad0;
	__u32 suppressed;	/* storm aggregate: like records held since the last (storm.h) */
	struct vg_str path;	/* the file acted on (kernel path for opens/fd ops) */
	struct vg_str target;	/* rename: new; link: existing; symlink: content; mount: source */
	struct vg_str requested;/* the caller's string (opens), mount: fstype */
	struct vg_str extra;	/* VG_FILE_BIND_MOUNT: the mount's root within its filesystem */
	struct vg_str watched;	/* VG_FILE_BY_INODE: the watched name of this file (hard link, bind mount) */
	__u8 tail[];
};

/* ---- network sensor (types 48..79) ---- */

enum vg_net_event_type {
	VG_EV_NET_CONNECT = 48,	/* outbound TCP connect: result (success or error) */
	VG_EV_NET_ACCEPT = 49,	/* inbound TCP connection accepted */
	VG_EV_NET_LISTEN = 50,	/* TCP socket starts listening */
	VG_EV_NET_CLOSE = 51,	/* TCP connection closed: bytes, duration, last state */
	VG_EV_NET_UDP_FLOW = 52,	/* UDP (process, peer) flow: new, then periodic counts */
	VG_EV_NET_DNS = 53,	/* DNS message over UDP/53 or TCP/53 (raw, parsed in user space) */
	VG_EV_NET_DENY = 54,	/* connect/sendmsg denied in the kernel (EPERM) */
	VG_EV_NET_SHELL = 55,	/* stdin/stdout/stderr on a connected socket */
};

#define VG_NET_DNS_MAX_BYTES 512	/* DNS payload bytes captured per message */
#define VG_NET_MAX_PORTS 8		/* --port filter entries */

/* Endpoints; IPv4 addresses sit in the first 4 bytes of saddr/daddr. */
struct vg_net_tuple {
	__u8 saddr[16];		/* local address */
	__u8 daddr[16];		/* remote address */
	__u16 sport;		/* local port, host order */
	__u16 dport;		/* remote port, host order */
	__u16 family;		/* AF_INET (2) or AF_INET6 (10) */
	__u8 protocol;		/* IPPROTO_TCP (6) or IPPROTO_UDP (17) */
	__u8 pad;
};

/* vg_net_conn.flags */
#define VG_NET_OWNER_LATE	(1u << 0)	/* owner learned after the socket existed (duration partial) */
#define VG_NET_INBOUND		(1u << 1)	/* accepted (peer initiated) */
#define VG_NET_PRE_SYN		(1u << 2)	/* connect failed before any packet (syscall error) */

struct vg_net_conn {		/* connect, accept, listen, close */
	struct vg_hdr hdr;	/* the owning process, even when the kernel closes in softirq */
	struct vg_net_tuple t;
	__u64 duration_ns;	/* close: since connect/accept; connect: SYN to result */
	__u64 bytes_sent;	/* close: tcp_sock bytes_acked */
	__u64 bytes_received;	/* close: tcp_sock bytes_received */
	__s32 error;		/* connect: 0 or a positive errno */
	__u8 old_state;		/* TCP state left (close: the final state before CLOSE) */
	__u8 new_state;
	__u16 flags;		/* VG_NET_* */
};

#define VG_NET_FLOW_NEW		1
#define VG_NET_FLOW_UPDATE	2

struct vg_net_udp_flow {
	struct vg_hdr hdr;
	struct vg_net_tuple t;	/* local endpoint from the last datagram's socket */
	__u64 bytes_sent, bytes_received;
	__u64 packets_sent, packets_received;
	__u64 first_ns, last_ns;	/* boot clock */
	__u32 state;		/* VG_NET_FLOW_* */
	__u32 pad;
};

/* vg_net_dns.flags */
#define VG_NET_DNS_RECEIVED	(1u << 0)	/* from the server (else sent to it) */
#define VG_NET_DNS_TCP		(1u << 1)	/* payload starts with the 2-byte TCP length */
#define VG_NET_DNS_TRUNC	(1u << 2)	/* payload cut at VG_NET_DNS_MAX_BYTES */

struct vg_net_dns {
	struct vg_hdr hdr;
	struct vg_net_tuple t;
	__u32 msg_len;		/* bytes the syscall moved */
	__u32 flags;		/* VG_NET_DNS_* */
	struct vg_str payload;	/* raw DNS message */
	__u32 pad;
	__u8 tail[];
};

#define VG_NET_HOOK_CONNECT4	1
#define VG_NET_HOOK_CONNECT6	2
#define VG_NET_HOOK_SENDMSG4	3
#define VG_NET_HOOK_SENDMSG6	4

struct vg_net_deny {
	struct vg_hdr hdr;
	struct vg_net_tuple t;	/* destination as the caller asked */
	__u32 rule_id;		/* vg_net_deny_val.rule_id that matched */
	__u32 hook;		/* VG_NET_HOOK_* */
};

#define VG_NET_SHELL_EXEC	1	/* seen when the program started */
#define VG_NET_SHELL_DUP	2	/* seen at dup2/dup3 onto 0/1/2 */

struct vg_net_shell {
	struct vg_hdr hdr;
	struct vg_net_tuple t;	/* the socket's endpoints */
	__u32 trigger;		/* VG_NET_SHELL_* */
	__u32 fds;		/* bit n: fd n (0..2) is a connected socket */
};

/* Deny map (LPM trie): key = protocol, port, address prefix; IPv4 as ::ffff:a.b.c.d.
 * protocol 0 / port 0 are wildcards (looked up separately). */
struct vg_net_deny_key {
	__u32 prefixlen;	/* 32 + address bits */
	__u8 protocol;		/* 0: any */
	__u8 pad;
	__u16 port;		/* network order; 0: any */
	__u8 addr[16];
};

struct vg_net_deny_val {
	__u32 rule_id;
	__u8 comm_on;		/* only for processes named comm */
	__u8 kill;		/* also SIGKILL the caller when its syscall returns */
	__u16 pad;
	char comm[VG_COMM_LEN];
};

/* --cidr filter (LPM trie): key = address prefix (IPv4 as ::ffff:a.b.c.d). */
struct vg_net_cidr_key {
	__u32 prefixlen;
	__u8 addr[16];
};

/* Policy pre-filter, rewritten at every reload (sensor_net_filter.bpf.h says what each checks). */
#define VG_NET_PF_PEER_PORT	(1u << 0)	/* destination.port: vg_net_tuple.dport */
#define VG_NET_PF_LOCAL_PORT	(1u << 1)	/* source.port: vg_net_tuple.sport */
#define VG_NET_PF_PEER_CIDR	(1u << 2)	/* destination.address: vg_net_tuple.daddr */
#define VG_NET_PF_EXE_NAME	(1u << 3)	/* process.executable.name: policy_names */
#define VG_NET_PF_SET_PEER	0
#define VG_NET_PF_SET_LOCAL	1
#define VG_NET_PF_MAX_CIDRS	256

struct vg_net_port_set {
	__u8 bits[65536 / 8];	/* bit p: port p (host order) */
};

struct vg_net_name_key {	/* LPM: an exact name's bits include its NUL */
	__u32 prefixlen;
	char name[32];		/* the longest name the trie holds, with its NUL */
};

/*
 * ---- seccomp monitor (sensor_seccomp.bpf.c) ----
 * VG_EV_SECCOMP_DENY: a seccomp filter stopped a syscall. Kills and traps
 * are seen as the SIGSYS the kernel raises; errno denials as a syscall that
 * left without ever entering (the filter runs before sys_enter). The same
 * (process, syscall, action) is sent at most once per VG_SC_DENY_EVERY_NS;
 * the record carries how many were folded into it.
 */
enum vg_sc_deny_action {
	VG_SC_DENY_KILL = 1,	/* SECCOMP_RET_KILL_PROCESS / KILL_THREAD (SIGSYS) */
	VG_SC_DENY_TRAP = 2,	/* SECCOMP_RET_TRAP: SIGSYS the process may handle */
	VG_SC_DENY_ERRNO = 3,	/* SECCOMP_RET_ERRNO: the call failed with errno_ret */
};

#define VG_SC_DENY_EVERY_NS	1000000000ULL
#define VG_SC_DENY_KEYS		4096	/* (process, syscall, action) rate-limit entries */

struct vg_seccomp_deny {
	struct vg_hdr hdr;
	__u32 syscall_nr;
	__u32 arch;		/* AUDIT_ARCH_* of the call, also libseccomp's arch token */
	__s32 errno_ret;	/* ERRNO: the errno returned; TRAP: the filter's data */
	__u8 action;		/* enum vg_sc_deny_action */
	__u8 pad[3];
	__u32 repeats;		/* the same denial since the last record, folded into this one */
	__u32 pad2;
};

/* Per-CPU counters every sensor keeps (BPF_MAP_TYPE_PERCPU_ARRAY indexed by enum
 * vg_counter). User space sums them; they are exported as metrics. */
enum vg_counter {
	VG_CNT_EVENTS = 0,	/* records submitted */
	VG_CNT_RB_FULL,		/* ring buffer full: record lost */
	VG_CNT_TOO_LARGE,	/* record would exceed the bound: lost */
	VG_CNT_READ_FAIL,	/* a bpf_probe_read_* failed */
	VG_CNT_TRUNCATED,	/* a string was cut at its bound (flagged in the record) */
	VG_CNT_FILTERED,	/* rejected by the in-kernel filter */
	VG_CNT_KILLED,		/* SIGKILL sent from the hook */
	VG_CNT_SIGNAL_FAIL,	/* bpf_send_signal failed */
	VG_CNT_MAP_FULL,	/* a kernel-side table was full: its entry was not kept */
	VG_CNT_SCRATCH_BUSY,	/* every scratch slot of the CPU held: record lost */
	VG_CNT_SUPPRESSED,	/* held by storm aggregation: counted into a later record */
	VG_CNT_SHED,		/* dropped at entry: its type shed by the overhead budget */
	VG_CNT_MAX,
};

#define VG_COUNTER_NAMES { \
	"events", "ringbuf_full", "too_large", "read_fail", "truncated", \
	"filtered", "killed", "signal_fail", "map_full", "scratch_busy", "suppressed", "shed" }

#ifndef __VMLINUX_H__
_Static_assert(sizeof(struct vg_hdr) == 64, "vg_hdr size is ABI");
_Static_assert(sizeof(struct vg_pf_cfg) == 16, "vg_pf_cfg size is ABI");
_Static_assert(sizeof(struct vg_proc_exe) == 24, "vg_proc_exe size is ABI");
_Static_assert(sizeof(struct vg_exec) == 64 + 120 + 32, "vg_exec size is ABI");
_Static_assert(sizeof(struct vg_path_rule_key) == 260, "vg_path_rule_key size is ABI");
_Static_assert(sizeof(struct vg_fork) == 64 + 24, "vg_fork size is ABI");
_Static_assert(sizeof(struct vg_exit) == 64 + 24, "vg_exit size is ABI");
_Static_assert(sizeof(struct vg_cred_set) == 64, "vg_cred_set size is ABI");
_Static_assert(sizeof(struct vg_cred) == 64 + 16 + 24 + 128, "vg_cred size is ABI");
_Static_assert(sizeof(struct vg_priv_target) == 32, "vg_priv_target size is ABI");
_Static_assert(sizeof(struct vg_ptrace) == 64 + 16 + 24 + 32 + 8, "vg_ptrace size is ABI");
_Static_assert(sizeof(struct vg_process_vm) == 64 + 16 + 16 + 32 + 8, "vg_process_vm size is ABI");
_Static_assert(sizeof(struct vg_module) == 64 + 16 + 16 + 16, "vg_module size is ABI");
_Static_assert(sizeof(struct vg_bpf) == 64 + 16 + 56 + 16, "vg_bpf size is ABI");
_Static_assert(sizeof(struct vg_prctl) == 64 + 16 + 16 + 32, "vg_prctl size is ABI");
_Static_assert(sizeof(struct vg_seccomp) == 64 + 16 + 16, "vg_seccomp size is ABI");
_Static_assert(sizeof(struct vg_signal) == 64 + 16 + 8 + 32 + 8, "vg_signal size is ABI");
_Static_assert(sizeof(struct vg_namespace) == 64 + 16 + 16 + 64, "vg_namespace size is ABI");
_Static_assert(sizeof(struct vg_iouring_setup) == 64 + 16 + 16, "vg_iouring_setup size is ABI");
_Static_assert(sizeof(struct vg_iouring) == 64 + 32, "vg_iouring size is ABI");
_Static_assert(sizeof(struct vg_xattr) == 64 + 16 + 40, "vg_xattr size is ABI");
_Static_assert(sizeof(struct vg_cap_use) == 64 + 8, "vg_cap_use size is ABI");
_Static_assert(sizeof(struct vg_file) == 64 + 80, "vg_file size is ABI");
_Static_assert(sizeof(struct vg_net_tuple) == 40, "vg_net_tuple size is ABI");
_Static_assert(sizeof(struct vg_net_conn) == 64 + 40 + 32, "vg_net_conn size is ABI");
_Static_assert(sizeof(struct vg_net_udp_flow) == 64 + 40 + 56, "vg_net_udp_flow size is ABI");
_Static_assert(sizeof(struct vg_net_dns) == 64 + 40 + 16, "vg_net_dns size is ABI");
_Static_assert(sizeof(struct vg_net_deny) == 64 + 40 + 8, "vg_net_deny size is ABI");
_Static_assert(sizeof(struct vg_net_shell) == 64 + 40 + 8, "vg_net_shell size is ABI");
_Static_assert(sizeof(struct vg_net_deny_key) == 24, "vg_net_deny_key size is ABI");
_Static_assert(sizeof(struct vg_net_deny_val) == 24, "vg_net_deny_val size is ABI");
_Static_assert(sizeof(struct vg_net_port_set) == 8192, "vg_net_port_set size is ABI");
_Static_assert(sizeof(struct vg_net_name_key) == 36, "vg_net_name_key size is ABI");
_Static_assert(sizeof(struct vg_seccomp_deny) == 64 + 24, "vg_seccomp_deny size is ABI");
#endif

#endif /* VIGIL_ABI_H */
