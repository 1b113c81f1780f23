// SPDX-License-Identifier: GPL-2.0
/* Policy reloads: compiled on their own thread, swapped in by the worker. */
#include <errno.h>
#include <libgen.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#include "agent/reload.h"
#include "lib/log.h"

#define RELOAD_SETTLE_MS 100

void vg_reload_init(struct vg_reload *r, const char *const *paths, size_t n_paths)
{
	memset(r, 0, sizeof(*r));
	r->paths = paths;
	r->n_paths = n_paths;
	r->wake_fd = r->inotify_fd = -1;
}

static void report_diags(const struct vg_policy *p, bool report, int err)
{
	const struct vg_diag *d;
	size_t i, n;

	d = vg_policy_diags(p, &n);
	/* Diagnostics are already "file:line:col: error: ..." lines. */
	for (i = 0; report && i < n; i++)
		fprintf(stderr, "%s\n", d[i].text);
	if (!report && n)
		vg_err("policy reload failed, keeping the running policy: %s", d[0].text);
	else if (!report)
		vg_err("policy reload failed, keeping the running policy: %s", strerror(-err));
}

struct vg_loaded *vg_reload_compile(struct vg_reload *r, bool report)
{
	struct vg_loaded *l = calloc(1, sizeof(*l));
	int err;

	if (!l || !(l->p = vg_policy_new())) {
		free(l);
		return NULL;
	}
	/* The agent enforces what these files say: only root may have written them. */
	vg_policy_require_root_owned(l->p);
	err = vg_policy_source_load(l, r->paths, r->n_paths, &r->trust);
	if (l->status != VG_LOAD_OK) {
		/* One clear line; the running policy stays. */
		if (l->status == VG_LOAD_SKIPPED)
			vg_info("policy %s", l->why);
		else
			vg_err("policy %s%s", l->why, report ? "" : "; keeping the running policy");
		vg_policy_free(l->p);
		l->p = NULL;
		return l;
	}
	if (!err)
		err = vg_policy_compile(l->p);
	if (err || vg_policy_n_errors(l->p)) {
		report_diags(l->p, report, err);
		vg_loaded_free(l);
		return NULL;
	}
	if (report)
		report_diags(l->p, true, 0);	/* warnings */
	return l;
}

/* Watches each policy path's directory: editors replace files by rename. */
static void watch_paths(struct vg_reload *r)
{
	size_t i;

	r->inotify_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	r->watch_wd = calloc(r->n_paths, sizeof(*r->watch_wd));
	r->watch_dir = calloc(r->n_paths, sizeof(*r->watch_dir));
	if (r->inotify_fd < 0 || !r->watch_wd || !r->watch_dir) {
		vg_warn("cannot watch policy files for changes; reload with SIGHUP");
		return;
	}
	for (i = 0; i < r->n_paths; i++) {
		struct stat st;
		char dir[4096];

		snprintf(dir, sizeof(dir), "%s", r->paths[i]);
		r->watch_dir[i] = stat(r->paths[i], &st) == 0 && S_ISDIR(st.st_mode);
		r->watch_wd[i] = -1;
		if (!r->watch_dir[i]) {
			/* dirname() works in place or returns "."; never snprintf a string onto itself. */
			const char *d = dirname(dir);

			memmove(dir, d, strlen(d) + 1);
		}
		r->watch_wd[i] = inotify_add_watch(r->inotify_fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO |
						   IN_CREATE | IN_DELETE | IN_MOVED_FROM);
		if (r->watch_wd[i] < 0)
			vg_warn("cannot watch %s for policy changes: %s", dir, strerror(errno));
	}
}

/*
 * A change in a watched directory that holds a signed bundle: only its
 * signature, written last by `vigil policy sign`, commits a new bundle.
 * Reloading on the rules or the manifest would judge a bundle half-written
 * and refuse it; a file changed without a new signature is refused at the
 * next reload (and its write is alerted by the self-defense rules).
 */
static bool dir_change_touches_policy(const char *dir, const char *name)
{
	char manifest[4096];

	if (!strcmp(name, VG_BUNDLE_SIG))
		return true;
	snprintf(manifest, sizeof(manifest), "%s/%s", dir, VG_BUNDLE_MANIFEST);
	if (!strcmp(name, VG_BUNDLE_MANIFEST) || access(manifest, F_OK) == 0)
		return false;	/* a bundle: wait for its signature */
	return vg_policy_file_name(name);
}

/*
 * Whether a change in a watched directory touches the policy: a policy
 * file of a watched directory, or a watched file itself. Anything else
 * written there (a log, an editor's swap file) reloads nothing.
 */
static bool touches_policy(const struct vg_reload *r, const struct inotify_event *ev)
{
	size_t i;

	if (!ev->len)
		return false;
	for (i = 0; i < r->n_paths; i++) {
		const char *base = strrchr(r->paths[i], '/');

		if (r->watch_wd[i] != ev->wd)
			continue;
		if (r->watch_dir[i] ? dir_change_touches_policy(r->paths[i], ev->name) :
		    !strcmp(ev->name, base ? base + 1 : r->paths[i]))
			return true;
	}
	return false;
}

/* Reads every pending change; true if one touches the policy. */
static bool drain_changes(const struct vg_reload *r)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool touched = false;
	ssize_t n;

	while (r->inotify_fd >= 0 && (n = read(r->inotify_fd, buf, sizeof(buf))) > 0) {
		const struct inotify_event *ev;
		ssize_t off;

		for (off = 0; off + (ssize_t)sizeof(*ev) <= n; off += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(buf + off);
			touched |= touches_policy(r, ev);
		}
	}
	return touched;
}

static void *reload_main(void *arg)
{
	struct vg_reload *r = arg;
	struct pollfd fds[2] = { { r->wake_fd, POLLIN, 0 }, { r->inotify_fd, POLLIN, 0 } };
	char buf[4096];

	while (!atomic_load(&r->stop)) {
		struct vg_loaded *l, *old;
		bool requested;
		int n = poll(fds, r->inotify_fd >= 0 ? 2 : 1, 500);

		if (n <= 0)
			continue;
		/* Let a burst of writes settle, then drain both sources. */
		usleep(RELOAD_SETTLE_MS * 1000);
		requested = false;
		while (read(r->wake_fd, buf, sizeof(buf)) > 0)
			requested = true;
		if (drain_changes(r))
			requested = true;
		if (atomic_load(&r->stop))
			break;
		if (!requested)
			continue;	/* nothing that is policy changed */
		l = vg_reload_compile(r, false);
		if (!l || l->status == VG_LOAD_REFUSED)
			atomic_fetch_add(&r->failed, 1);
		if (!l)
			continue;
		old = atomic_exchange(&r->pending, l);
		vg_loaded_free(old);	/* superseded before the worker took it */
	}
	return NULL;
}

int vg_reload_start(struct vg_reload *r)
{
	int err;

	r->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->wake_fd < 0)
		return -errno;
	if (r->n_paths)
		watch_paths(r);
	err = pthread_create(&r->thread, NULL, reload_main, r);
	if (err)
		return -err;
	r->thread_started = true;
	return 0;
}

void vg_reload_request(struct vg_reload *r)
{
	uint64_t one = 1;

	if (r->wake_fd >= 0 && write(r->wake_fd, &one, sizeof(one)) < 0)
		vg_warn("cannot request a policy reload: %s", strerror(errno));
}

struct vg_loaded *vg_reload_take(struct vg_reload *r)
{
	return atomic_exchange(&r->pending, NULL);
}

bool vg_reload_adopt(struct vg_reload *r, struct vg_loaded **cur, struct vg_loaded *next,
		     vg_reload_apply_fn apply, void *ctx)
{
	if (apply(ctx, next->p) < 0) {
		vg_err("policy reload: kernel rules could not be loaded, keeping the running policy");
		apply(ctx, (*cur)->p);
		vg_loaded_free(next);
		atomic_fetch_add(&r->failed, 1);
		return false;
	}
	vg_policy_adopt_throttle(next->p, (*cur)->p);
	if (next->bundle)
		atomic_store(&r->trust.running_version, next->info.version);
	vg_loaded_free(*cur);
	*cur = next;
	return true;
}

void vg_reload_fini(struct vg_reload *r)
{
	if (r->thread_started) {
		atomic_store(&r->stop, true);
		vg_reload_request(r);
		pthread_join(r->thread, NULL);
	}
	if (r->wake_fd >= 0)
		close(r->wake_fd);
	if (r->inotify_fd >= 0)
		close(r->inotify_fd);
	free(r->watch_wd);
	free(r->watch_dir);
	vg_loaded_free(atomic_exchange(&r->pending, NULL));
	memset(r, 0, sizeof(*r));
	r->wake_fd = r->inotify_fd = -1;
}
