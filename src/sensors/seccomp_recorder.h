/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seccomp recorder (bpf/seccomp_record.bpf.c): which syscalls a target
 * makes, aggregated in the kernel as one bitmap per syscall ABI. The target
 * is a set of followed processes (each with every descendant forked after
 * it is followed) and/or a cgroup v2 directory with every cgroup below it.
 */
#ifndef VIGIL_SECCOMP_RECORDER_H
#define VIGIL_SECCOMP_RECORDER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "bpf/seccomp_record.h"
#include "sensors/sensor.h"

struct vg_sc_recorder {
	struct vg_sensor s;
	int armed_fd, seen_fd, stats_fd;
	struct vg_sc_pid_set *pids;	/* the kernel's set, mapped */
};

struct vg_sc_recording {
	struct vg_sc_bitmap seen[VG_SC_ABIS];
	uint64_t stats[VG_SC_STATS];	/* enum vg_sc_stat, summed over CPUs */
};

/* Loads and attaches; @cgroup_path may be NULL. One error line on failure. */
int vg_sc_recorder_start(struct vg_sc_recorder *r, const char *cgroup_path);
/* Follows @tgid (and what it forks from now on). */
int vg_sc_recorder_follow(struct vg_sc_recorder *r, pid_t tgid);
/* Follows @tgid from its next exec (a command vigil forked and will run). */
int vg_sc_recorder_follow_from_exec(struct vg_sc_recorder *r, pid_t tgid);
/* Follows @tgid and its descendants alive now (from /proc). */
int vg_sc_recorder_follow_tree(struct vg_sc_recorder *r, pid_t tgid);
/* Whether any followed (or armed) process is still alive. */
bool vg_sc_recorder_following(const struct vg_sc_recorder *r);
/* What has been recorded so far. */
int vg_sc_recorder_read(const struct vg_sc_recorder *r, struct vg_sc_recording *out);
void vg_sc_recorder_stop(struct vg_sc_recorder *r);

#endif
