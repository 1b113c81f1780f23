/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Policy reloads: on request (SIGHUP) or when a policy file changes, a
 * fresh policy compiles on the reload thread; the worker swaps it in
 * between two events (vg_reload_swap), so no event is lost or evaluated
 * twice, and a policy that fails to compile never replaces the running one.
 */
#ifndef VIGIL_RELOAD_H
#define VIGIL_RELOAD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "agent/policy_source.h"
#include "policy/policy.h"

struct vg_reload {
	const char *const *paths;	/* policy files or directories; none: built-in default */
	size_t n_paths;
	struct vg_policy_trust trust;	/* signed bundles only, when it has keys */
	_Atomic(struct vg_loaded *) pending;	/* compiled (or refused), not yet seen by the worker */
	int wake_fd;			/* eventfd: reload requested */
	int inotify_fd;
	int *watch_wd;			/* per path: its directory's watch */
	bool *watch_dir;		/* per path: a directory (else one file) */
	pthread_t thread;
	bool thread_started;
	atomic_bool stop;
	_Atomic uint64_t ok, failed;	/* read by metrics */
};

void vg_reload_init(struct vg_reload *r, const char *const *paths, size_t n_paths);
/*
 * Compiles a fresh policy from the paths (or the built-in one), verifying
 * bundles against the trusted keys. With @report every diagnostic is
 * printed; else a failure is logged as a failed reload. NULL if it has
 * errors or was refused; a bundle outside this host's rollout wave is
 * returned with its status set to skipped and no policy.
 */
struct vg_loaded *vg_reload_compile(struct vg_reload *r, bool report);
/* Starts the reload thread and watches the paths' directories. */
int vg_reload_start(struct vg_reload *r);
/* Asks for a reload. Safe from any thread. */
void vg_reload_request(struct vg_reload *r);

/* Loads a policy's kernel share; <0 if it could not. */
typedef int (*vg_reload_apply_fn)(void *ctx, const struct vg_policy *p);

/* Worker thread: what the reload thread made since the last call, or NULL. */
struct vg_loaded *vg_reload_take(struct vg_reload *r);
/*
 * Worker thread, between two events: loads @next with @apply and moves
 * the throttle state of *@cur into it, then frees *@cur and puts @next in
 * its place. If @apply fails, the running policy is applied again and
 * stays, and @next is freed. Returns whether *@cur changed.
 */
bool vg_reload_adopt(struct vg_reload *r, struct vg_loaded **cur, struct vg_loaded *next,
		     vg_reload_apply_fn apply, void *ctx);
void vg_reload_fini(struct vg_reload *r);

#endif
