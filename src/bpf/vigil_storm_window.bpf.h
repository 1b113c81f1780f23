/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Storm aggregation's one decision, shared by the file-open keys
 * (vigil_ratelimit.bpf.h) and the record keys (vigil_storm_rec.bpf.h): is
 * this event one too many for its key in this window? The window and
 * burst bookkeeping is best effort across CPUs (a few more records may
 * pass a window); the held count is exact (hooks only add, atomically).
 */
#ifndef VIGIL_STORM_WINDOW_BPF_H
#define VIGIL_STORM_WINDOW_BPF_H

#include "storm.h"

/* The leading fields of struct vg_storm_state and struct vg_storm_rstate. */
struct storm_window {
	__u64 window_start_ns;
	__u64 last_ns;
	__u64 held;
	__u64 reported;
	__u32 passed;
};

_Static_assert(__builtin_offsetof(struct vg_storm_state, passed) ==
	       __builtin_offsetof(struct storm_window, passed), "storm_window leads vg_storm_state");
_Static_assert(__builtin_offsetof(struct vg_storm_rstate, passed) ==
	       __builtin_offsetof(struct storm_window, passed), "storm_window leads vg_storm_rstate");

/* True: held (counted in @w and VG_CNT_SUPPRESSED), not to be sent. */
static __always_inline bool vg_storm_over(struct storm_window *w, __u32 burst, __u64 window_ns,
					  __u64 now)
{
	if (now - w->window_start_ns >= window_ns) {
		w->window_start_ns = now;
		w->passed = 1;
		return false;
	}
	if (w->passed < burst) {
		__sync_fetch_and_add(&w->passed, 1);
		return false;
	}
	__sync_fetch_and_add(&w->held, 1);
	w->last_ns = now;
	vg_count(VG_CNT_SUPPRESSED);
	return true;
}

#endif
