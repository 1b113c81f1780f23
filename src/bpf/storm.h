/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Storm aggregation, as the kernel and the agent share it: the per-key
 * state of the file sensor's in-kernel rate limit (vigil_ratelimit.bpf.h),
 * its run-time configuration, and the state the flush program
 * (storm_flush.bpf.c) reads to send a storm's last count.
 *
 * A key is one kind of event by one process image on one file: the same
 * process (tgid, start time, exec count, effective uid, name, cgroup), the
 * same file by the same name (device, inode, dentry, mount), the same call
 * (record type, syscall, flags, mode, access). Within a window the first `burst` records of a key leave the
 * kernel; the rest are only counted. The flush program, which the agent
 * runs about once a second, sends what a key held since its last flush as
 * one aggregate record: a copy of the key's first record whose
 * vg_file.suppressed says how many like it were held.
 */
#ifndef VIGIL_STORM_H
#define VIGIL_STORM_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif
#include "vigil_abi.h"

#define VG_STORM_KEYS		2048	/* keys the LRU map holds */
#define VG_STORM_PATH_BYTES	256	/* longest path a key may aggregate (longer: never held) */
#define VG_STORM_TAIL_BYTES	(VG_STORM_PATH_BYTES + VG_INODE_WATCH_PATH_BYTES)
#define VG_STORM_NEVER_MAX	1024	/* path prefixes where no record is held */
/* storm_never values: what may not be held there (a prefix's bits fold into longer keys) */
#define VG_STORM_NEVER_OPEN	1u	/* opens */
#define VG_STORM_NEVER_REC	2u	/* other file records (record keys) */

struct vg_storm_cfg {
	__u32 burst;		/* records per key and window; 0: aggregation off */
	__u32 by_inode;		/* 1: records of files watched by identity may be held too */
	__u64 window_ns;
};

struct vg_storm_key {
	__u64 start_time_ns;
	__u64 exec_id;		/* task->self_exec_id: an exec makes a new key */
	__u64 cgroup_id;
	__u64 dentry;		/* with mnt: the name the file was opened by */
	__u64 mnt;
	__u64 ino;
	__u64 flags;
	char comm[VG_COMM_LEN];
	__u32 tgid;
	__u32 euid;
	__u32 dev;
	__u32 mode;
	__u32 access;
	__u16 type;
	__u16 syscall;
};

/* The stored copy: struct vg_file, then its tail (path, then watched name). */
#define VG_STORM_REC_BYTES	(sizeof(struct vg_file) + VG_STORM_TAIL_BYTES)

/*
 * Per key. @rec is a copy of the first record of the key, its tail
 * holding the path, then the watched name: the flush program sends it with the
 * count and the time of the last held event. Only the hooks add to @held
 * (atomically); only the flush program, one run at a time, moves
 * @reported: so each held event is reported exactly once.
 */
struct vg_storm_state {
	__u64 window_start_ns;
	__u64 last_ns;		/* last event held */
	__u64 held;		/* events held, ever */
	__u64 reported;		/* of those, sent in aggregate records */
	__u32 passed;		/* records sent in this window */
	__u32 stored;		/* 1: rec and tail are filled */
	__u8 rec[VG_STORM_REC_BYTES];	/* struct vg_file + tail */
};

/*
 * Storms of other records (vigil_storm_rec.bpf.h): the key is the record
 * itself, fixed part and tail, with what differs between two like events
 * cleared (time, thread id, CPU, bytes after a name's NUL), plus the exec
 * count. Two records alike in every field a rule can read but those share
 * a key; two that differ anywhere else are two keys. Records longer than
 * VG_STORM_RKEY_BYTES are never held. Which record types may be held is the
 * policy's word (@types, one bit per record type).
 */
#define VG_STORM_RKEY_BYTES	512
#define VG_STORM_REC_KEYS	1024

struct vg_storm_rcfg {
	__u32 burst;		/* records per key and window; 0: off */
	__u32 never;		/* file sensor: some paths are kept out (storm_never) */
	__u64 window_ns;
	__u64 types[VG_EV_TYPE_MAX / 64];	/* bit t: records of type t may be held */
};

struct vg_storm_rkey {
	__u64 exec_id;		/* task->self_exec_id: an exec makes a new key */
	__u32 len;		/* record bytes */
	__u32 pad;
	__u8 rec[VG_STORM_RKEY_BYTES];
};

/*
 * Per key, like struct vg_storm_state: @rec is the key's first record as
 * sent, with room for the count the flush appends (VG_HF_HELD); a file
 * record carries it in vg_file.suppressed instead.
 */
struct vg_storm_rstate {
	__u64 window_start_ns;
	__u64 last_ns;
	__u64 held;
	__u64 reported;
	__u32 passed;
	__u32 len;
	__u8 rec[VG_STORM_RKEY_BYTES + sizeof(__u64)];
};

#endif
