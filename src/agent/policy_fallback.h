/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Last-known-good fallback: at start, the configured policy unless the
 * agent died crash_max times within crash_window_s of taking it, or it
 * cannot be loaded; then the last-known-good one, said in one line. A
 * policy becomes last-known-good when promoted, or when it has run a
 * canary window's length (5 s with no window) since start.
 */
#ifndef VIGIL_POLICY_FALLBACK_H
#define VIGIL_POLICY_FALLBACK_H

#include <stdint.h>
#include "agent/crash_journal.h"
#include "agent/lkg_store.h"
#include "agent/reload.h"

struct vg_policy_fallback {
	struct vg_lkg_store lkg;
	struct vg_crash_journal journal;
	uint64_t save_at_ns;		/* when the start policy proves itself; 0: done */
	unsigned crash_max;
	long crash_window_s;
};

/*
 * Compiles the start policy with @r (diagnostics printed), or falls back.
 * NULL or not VG_LOAD_OK: the agent cannot start.
 */
struct vg_loaded *vg_fallback_start(struct vg_policy_fallback *f, struct vg_reload *r,
				    const char *state_dir, unsigned crash_max, long crash_window_s);
/* The agent runs @cur from now; it becomes last-known-good after @after_s. */
void vg_fallback_running(struct vg_policy_fallback *f, const struct vg_loaded *cur,
			 double after_s);
/* @cur was promoted after its canary window: last-known-good now. */
void vg_fallback_promoted(struct vg_policy_fallback *f, const struct vg_loaded *cur);
/* Worker thread, now and then: saves @cur once it proved itself. */
void vg_fallback_tick(struct vg_policy_fallback *f, const struct vg_loaded *cur);
/* A clean exit. */
void vg_fallback_fini(struct vg_policy_fallback *f);

#endif
