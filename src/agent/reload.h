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
#include "policy/policy.h"

struct vg_reload {
	const char *const *paths;	/* policy files or directories; none: built-in default */
	size_t n_paths;
	_Atomic(struct vg_policy *) pending;	/* compiled, not yet in use */
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
 * Compiles a fresh policy from the paths (or the built-in one). With
 * @report every diagnostic is printed; else a failure is logged as a
 * failed reload. NULL if it has errors.
 */
struct vg_policy *vg_reload_compile(const struct vg_reload *r, bool report);
/* Starts the reload thread and watches the paths' directories. */
int vg_reload_start(struct vg_reload *r);
/* Asks for a reload. Safe from any thread. */
void vg_reload_request(struct vg_reload *r);

/* Loads a policy's kernel share; <0 if it could not. */
typedef int (*vg_reload_apply_fn)(void *ctx, const struct vg_policy *p);

/*
 * Worker thread, between two events: when a policy was compiled since,
 * loads it with @apply and moves the throttle state of *@cur into it,
 * then frees *@cur and puts it in its place. If @apply fails, the running
 * policy is applied again and stays. Returns whether *@cur changed.
 */
bool vg_reload_swap(struct vg_reload *r, struct vg_policy **cur, vg_reload_apply_fn apply,
		    void *ctx);
void vg_reload_fini(struct vg_reload *r);

/*
 * The built-in default policy, embedded at build time: policy/default.yaml
 * and the rules for containers, policy/containers.yaml.
 */
extern const char vg_default_policy_yaml[], vg_containers_policy_yaml[];

#endif
