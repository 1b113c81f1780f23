// SPDX-License-Identifier: GPL-2.0
/*
 * File sensor: opens of every kind, unlink/rename/chmod/chown/truncate/
 * link/symlink/mknod/utimes/mount/umount/memfd_create.
 *
 * Everything happens at syscall EXIT: the result is known, and the
 * arguments are read from the task's saved user registers, which are the
 * values the kernel actually used (no per-task map between enter and exit,
 * no second program per syscall). For opens the path comes from the file
 * the kernel installed at fd[ret]; for path-only operations it is joined
 * from the kernel-resolved dirfd or cwd and the caller's string and marked
 * VG_FILE_PATH_USER.
 *
 * Filtering, cheapest first: syscall number → task filter → access class
 * against the union of all watch masks → (opens) rejection cache → record
 * type switch and policy pre-filter (uid, cgroup, executable: a few map
 * lookups, after the two checks that cost less and drop most events) →
 * path resolved into the path buffer of a claimed scratch slot → LPM trie
 * lookup on those bytes. Only then is a record built, in the same slot.
 *
 * sys_exit is faultable on recent kernels: its programs may be preempted,
 * and another task may run them on the same CPU meanwhile. Everything a
 * call keeps between two steps (path buffer, normalization state, record)
 * therefore lives in the scratch slot it claimed (vg_scratch_claim), never
 * in a plain per-CPU buffer; the slot is released on every return.
 *
 * Variants: lsm (file_open; refused where BPF LSM is off) + tp_btf sys_exit
 * (preferred fallback) or raw_tracepoint sys_exit.
 *
 * Layout: this file holds the configuration, the maps, the types its parts
 * share and the programs; what the programs do lives in sensor-local
 * headers, one per job, included after the maps (sensor_file_path, _watch,
 * _record, _storm, _bind, _open, _op and _exit.bpf.h). They all build into this one
 * CO-RE object.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

/*
 * Reads through struct file, path, dentry and inode pointers on the hot
 * path of an open, and the path walk's steps up (vigil_path.bpf.h, through
 * VG_PATH_KCAST): the bpf_rdonly_cast kfunc (Linux 6.2+) gives an address
 * a kernel type, and the verifier turns each field read through it into an
 * inline load that faults safely (0), where bpf_probe_read_kernel is a
 * helper call per read. Every variant's shared functions use it (the raw
 * variant's own fd-table read keeps the helper). libbpf 1.1 cannot leave a missing kfunc unresolved, so
 * sensor_file_nokfunc.bpf.c builds this object with VG_FILE_NO_KFUNC and
 * the loader opens that one where the kfunc is missing.
 */
#ifndef VG_FILE_NO_KFUNC
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;
#define VG_FILE_KCAST(p, type) \
	((type *)bpf_rdonly_cast((const void *)(p), bpf_core_type_id_kernel(type)))
#define VG_PATH_KCAST VG_FILE_KCAST
#endif

#include "vigil_common.bpf.h"
#include "vigil_path.bpf.h"
#include "vigil_filter.bpf.h"
#include "file_watch.h"

char LICENSE[] SEC("license") = "GPL";

#ifndef __TARGET_ARCH_x86
#error "the file sensor's syscall table is written for x86_64"
#endif

#define O_WRONLY	00000001
#define O_RDWR		00000002
#define O_ACCMODE	00000003
#define O_CREAT		00000100
#define O_TRUNC		00001000
#define O_PATH		010000000
#define AT_EMPTY_PATH	0x1000
#define AT_REMOVEDIR	0x200
#define TS_COMPAT	0x0002
#define EXEC_BITS	06111

/*
 * The globals every open reads share one section, .data, so one page of
 * map memory: each distinct page (or map) an open's programs touched
 * showed in perf as a stall of its own, the first load from it after the
 * syscall entered (TLB and cache misses on memory only BPF touches). All
 * are written by user space at run time (the skeleton maps .data).
 */

/* Union of every watch entry's mask: an access nobody watches is dropped
 * before any path work. */
__u32 file_any_mask = VG_FACC_ALL;
/*
 * Accesses (VG_FACC_*) reported through a bind mount by a task outside the
 * initial mount namespace (containers' volumes and host paths), watched or
 * not; 0, the default: the kernel does not look. And the inode number of
 * the initial mount namespace.
 */
__u32 file_bind_mask SEC(".data") = 0;
__u32 file_bind_mntns SEC(".data") = 0;

/*
 * The paths watched for every process (the high half of the trie values,
 * file_watch.h): the union of their accesses, so an access the actor
 * pre-filter rejects costs a path walk only when it is one of these; and
 * the agent, whose own accesses there are not news. A map: written after
 * load.
 */
struct file_any_actor_cfg {
	__u32 mask;		/* VG_FACC_* */
	__u32 agent_tgid;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct file_any_actor_cfg);
} file_any_actor SEC(".maps");

/* Set by the loader when the LSM variant reports opens. */
bool file_opens_from_lsm SEC(".data") = false;
/* Whether inode_watch may hold an entry: set by user space before it adds
 * one, cleared once it is empty. Off, an open costs no inode reads. */
bool file_inode_watch_on SEC(".data") = false;
/*
 * Generation of the path→decision cache: bumped by user space when the
 * watch set changes and here on every successful rename, mount, umount or
 * other mount-tree change, since those change the paths of cached dentries.
 */
__u64 file_cache_gen SEC(".data") = 0;

/*
 * Rejection cache: a dentry (on a mount) whose path the watch set does not
 * match and whose inode no entry of inode_watch names, with what identifies
 * it (parent, name hash and length, inode address and number) so that a
 * freed and reused dentry or inode never inherits a decision. Only
 * rejections are cached: a watched open needs its path anyway. A hit is the
 * whole cost of an unwatched open: it is checked before the identity watch,
 * so user space bumps file_cache_gen whenever inode_watch changes too.
 */
struct reject_key {
	__u64 dentry;
	__u64 mnt;
};

struct reject_val {
	__u64 gen;
	__u64 parent;
	__u64 hash_len;
	__u64 inode;
	__u64 ino;		/* the inode's number: a reused inode address is another file */
	__u32 mask;		/* accesses watched at this path */
	__u32 pad;
};

/* Watched files by identity (vigil_abi.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VG_INODE_WATCH_MAX);
	__type(key, struct vg_inode_watch_key);
	__type(value, struct vg_inode_watch);
} inode_watch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct reject_key);
	__type(value, struct reject_val);
} reject_cache SEC(".maps");

/*
 * In front of reject_cache, per CPU: the decisions this CPU used last, one
 * per slot, picked by the dentry's name hash and inode number. A hit costs
 * an inline array load and a few compares; the LRU lookup (hashing, bucket
 * walk) was most of an unwatched open's cost. Watched paths' trie values
 * are kept here too (never in reject_cache): a watched open's lookup then
 * stops here, and a hit lets it on as the trie would. @seq is odd while a
 * writer fills the slot:
 * a program preempted halfway (sys_exit is faultable) leaves it odd, and a
 * reader or second writer on this CPU then skips the slot.
 */
#define REJECT_MRU_SLOTS 256

struct reject_mru {
	__u64 seq;
	struct reject_key key;
	struct reject_val val;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, REJECT_MRU_SLOTS);
	__type(key, __u32);
	__type(value, struct reject_mru);
} reject_mru SEC(".maps");

/* d_parent, d_name and d_inode, adjacent in struct dentry. */
struct dentry_id {
	__u64 parent;
	__u64 hash_len;
	__u64 name;
	__u64 inode;
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, VG_WATCH_MAX_ENTRIES);
	__type(key, struct vg_watch_key);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} watch_trie SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, VG_WATCH_MAX_ENTRIES);
	__type(key, struct vg_watch_key);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} home_trie SEC(".maps");

/* x86_64 syscall numbers → enum vg_file_syscall (0: not ours). */
#define VG_NR_TABLE 512
#define FSC_GEN_ONLY 255
static const __u8 nr_fsc[VG_NR_TABLE] = {
	[2] = VG_FSC_OPEN, [257] = VG_FSC_OPENAT, [437] = VG_FSC_OPENAT2,
	[85] = VG_FSC_CREAT, [304] = VG_FSC_OPEN_BY_HANDLE_AT,
	[87] = VG_FSC_UNLINK, [263] = VG_FSC_UNLINKAT, [84] = VG_FSC_RMDIR,
	[82] = VG_FSC_RENAME, [264] = VG_FSC_RENAMEAT, [316] = VG_FSC_RENAMEAT2,
	[90] = VG_FSC_CHMOD, [91] = VG_FSC_FCHMOD, [268] = VG_FSC_FCHMODAT,
	[452] = VG_FSC_FCHMODAT2,
	[92] = VG_FSC_CHOWN, [93] = VG_FSC_FCHOWN, [94] = VG_FSC_LCHOWN,
	[260] = VG_FSC_FCHOWNAT,
	[76] = VG_FSC_TRUNCATE, [77] = VG_FSC_FTRUNCATE,
	[86] = VG_FSC_LINK, [265] = VG_FSC_LINKAT,
	[88] = VG_FSC_SYMLINK, [266] = VG_FSC_SYMLINKAT,
	[133] = VG_FSC_MKNOD, [259] = VG_FSC_MKNODAT,
	[132] = VG_FSC_UTIME, [235] = VG_FSC_UTIMES, [261] = VG_FSC_FUTIMESAT,
	[280] = VG_FSC_UTIMENSAT,
	[165] = VG_FSC_MOUNT, [166] = VG_FSC_UMOUNT2, [319] = VG_FSC_MEMFD_CREATE,
	/* not reported, but they move paths: pivot_root, open_tree, move_mount, fsmount */
	[155] = FSC_GEN_ONLY, [428] = FSC_GEN_ONLY, [429] = FSC_GEN_ONLY, [432] = FSC_GEN_ONLY,
};

/* Buffer layout (vg_path_map, 8 KiB per slot and CPU): kernel-resolved paths end at
 * VG_JOIN_SEP; a caller's string is read to VG_JOIN_SEP + 1 onwards. */
#define VG_JOIN_SEP	VG_MAX_PATH_BYTES
#define VG_USTR_AT	(VG_JOIN_SEP + 1)
#define VG_USTR_MAX	(VG_PATH_BUF_BYTES - VG_USTR_AT)
#define VG_BUF_MASK	(VG_PATH_BUF_BYTES - 1)

/* A path inside the path buffer of scratch slot @slot. */
struct fpath {
	__u32 start;
	__u32 len;
	__u32 fflags;		/* VG_FILE_PATH_TRUNC, _USER, _UNCHECKED, _FAULT */
	__s32 slot;		/* claimed scratch slot: set before any use */
};

struct fargs {
	__u64 a[6];
};

#define NORM_DEPTH 64

struct norm {
	__u32 start, len;
	__u32 out;		/* output length (output never passes input) */
	__u32 cs;		/* where the current component starts in the output */
	__u32 depth;
	bool overflow;
	__u16 comps[NORM_DEPTH];	/* start of each kept component */
};

/* The state lives in a map, not on the stack: the verifier then checks the
 * loop body once instead of following every value through 8192 rounds. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VG_SCRATCH_SLOTS);	/* one per scratch slot */
	__type(key, __u32);
	__type(value, struct norm);
} norm_scratch SEC(".maps");

/* What one call did, decoded from its registers. */
struct opargs {
	__u64 task;		/* struct task_struct * */
	__u64 file;		/* opens that succeeded: the struct file at fd[ret] */
	__u64 ustr;		/* caller's path string */
	__u64 ustr2;		/* second string: rename new, link old, symlink content, mount source */
	__u64 ustr3;		/* mount fstype */
	__u64 flags;
	__u64 size;
	__s64 ret;
	__s64 fd;		/* dirfd or fd of the object */
	__s64 fd2;		/* dirfd of the second path */
	__s32 slot;		/* scratch slot, claimed by file_emit_* */
	__u32 mode, uid, gid, acc;
	__u8 fsc;
	__u8 by_fd;		/* the object is fd itself */
	__u8 two;		/* two joined paths: either may match */
	__u8 raw_target;	/* ustr2 is reported as given */
};

/*
 * The sensor's jobs, one sensor-local header each, in dependency order.
 * Most bodies are global (__noinline) functions: the verifier checks each
 * once, whatever the call site, which keeps the many syscall shapes
 * tractable.
 */
#include "sensor_file_path.bpf.h"
#include "sensor_file_watch.bpf.h"
#include "sensor_file_record.bpf.h"
#include "sensor_file_storm.bpf.h"
#include "sensor_file_bind.bpf.h"
#include "sensor_file_open.bpf.h"
#include "sensor_file_op.bpf.h"
#include "sensor_file_exit.bpf.h"

/* ---- variant: LSM file_open (opens, with the flags the kernel used) + sys_exit for the rest ---- */

SEC("lsm/file_open")
int BPF_PROG(lsm_file_open, struct file *file)
{
	return handle_lsm_open(ctx, file);
}

/* ---- variant: tp_btf sys_exit (typed registers) ---- */

SEC("tp_btf/sys_exit")
int BPF_PROG(tp_btf_sys_exit, struct pt_regs *regs, long ret)
{
	handle_exit(regs, regs->orig_ax, ret, true);
	vg_hub_next(ctx, regs->orig_ax, VG_HUB_FILE, true);
	return 0;
}

/* ---- variant: raw_tracepoint sys_exit ---- */

SEC("raw_tracepoint/sys_exit")
int raw_tp_sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];

	return handle_exit(regs, BPF_CORE_READ(regs, orig_ax), ctx->args[1], false);
}
