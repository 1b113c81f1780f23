/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fanotify guard's watchdog, in its own process (vigil-fanwd).
 *
 * A thread in the agent cannot answer for an agent that is stopped
 * (SIGSTOP, a debugger, a stalled page-in): every open of a watched path
 * would wait for it. The watchdog is a forked child that shares the
 * fanotify group and one shared page with the guard thread:
 *  - the guard publishes each event it has read in a slot before deciding
 *    it; whoever takes the slot back first (guard or watchdog) answers, so
 *    an event is answered once, and the watchdog answers "allow" for a slot
 *    held longer than the deadline;
 *  - the guard beats a heartbeat; when it is older than the deadline the
 *    watchdog reads the group's queue itself and allows what it finds,
 *    noting pid and path so the guard can report them when it is back.
 * The child leaves when the agent is gone (its parent changes); the kernel
 * then allows whatever is pending as the last fd of the group closes.
 */
#ifndef VIGIL_FANOTIFY_WATCHDOG_H
#define VIGIL_FANOTIFY_WATCHDOG_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define VG_FAN_DEADLINE_MS 500
#define VG_FAN_SLOTS 64		/* events the guard reads at once */
#define VG_FAN_SEEN 256		/* events the watchdog read and allowed, for reports */

struct vg_fan_wd_slot {
	/* 0: free; else a hold token, (sequence << 32) | fd: the sequence
	 * tells a reused fd number from the event it was before */
	_Atomic uint64_t held;
	_Atomic uint64_t since_ns;
};

/* An event the watchdog read from the queue and allowed. */
struct vg_fan_wd_seen {
	uint64_t boot_ns;
	int32_t pid;
	bool exec;
	char path[512];
};

struct vg_fan_wd_shared {
	_Atomic uint64_t heartbeat_ns;
	_Atomic uint64_t allowed;	/* events the watchdog answered */
	_Atomic uint64_t seen_dropped;	/* allowed, but no room to note them */
	_Atomic uint32_t seen_head, seen_tail;	/* guard consumes, watchdog produces */
	struct vg_fan_wd_slot slot[VG_FAN_SLOTS];
	struct vg_fan_wd_seen seen[VG_FAN_SEEN];
};

struct vg_fan_wd {
	struct vg_fan_wd_shared *sh;
	pid_t pid;
	uint32_t seq;			/* guard thread only */
};

/* Forks the watchdog for fanotify group @fan_fd; <0 with one error line. */
int vg_fan_wd_start(struct vg_fan_wd *w, int fan_fd);
/* Stops and reaps it; the group's fd is the caller's to close after. */
void vg_fan_wd_stop(struct vg_fan_wd *w);

/* The guard thread is alive and reading. */
void vg_fan_wd_beat(struct vg_fan_wd *w);
/* The guard holds event @fd in slot @i and will answer it; returns the token. */
uint64_t vg_fan_wd_hold(struct vg_fan_wd *w, unsigned int i, int fd);
/* Takes slot @i back: true if the guard still has to answer the event. */
bool vg_fan_wd_release(struct vg_fan_wd *w, unsigned int i, uint64_t token);
/* Next event the watchdog allowed on its own; false when there is none. */
bool vg_fan_wd_take_seen(struct vg_fan_wd *w, struct vg_fan_wd_seen *out);
uint64_t vg_fan_wd_allowed(const struct vg_fan_wd *w);
uint64_t vg_fan_wd_seen_dropped(const struct vg_fan_wd *w);

#endif
