/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which inodes the fanotify deny guard marks, and keeping that right while
 * the tree changes: every directory under a deny prefix (FAN_EVENT_ON_CHILD
 * makes its files' opens ask us), the directory holding the files a byte
 * prefix like /etc/cron names, and the exact files of '=' rules. An inotify
 * watch on each marked directory (and on the ancestors a prefix still needs)
 * brings directories created or moved in later; a thread of its own marks
 * them, so the permission-event reader never waits on this work.
 */
#ifndef VIGIL_FANOTIFY_MARKS_H
#define VIGIL_FANOTIFY_MARKS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Directories marked in all (inotify watches and fanotify marks each). */
#define VG_FAN_MAX_DIRS 16384

/* One path a deny rule names. */
struct vg_fan_target {
	char *path;
	size_t len;
	bool prefix;		/* byte prefix (startswith), else the exact file */
	uint64_t mask;		/* FAN_OPEN_PERM and/or FAN_OPEN_EXEC_PERM */
	size_t n_marked;	/* directories marked for it in this generation */
	bool warned;		/* over-the-bound warning given this generation */
};

struct vg_fan_dir;

struct vg_fan_marks {
	int fan_fd;		/* the permission group (the guard owns it) */
	int in_fd;		/* inotify: directories created or moved in */
	size_t max_dirs;
	pthread_mutex_t lock;	/* everything below; never taken by the reader */
	pthread_t thread;
	bool started;
	atomic_bool stop;
	struct vg_fan_target *targets;
	size_t n_targets;
	struct vg_fan_dir *dirs;	/* open addressing by inotify wd */
	size_t cap, n;
	uint32_t gen;
	bool inotify_full_warned;
	uint64_t rescans, leaked, mark_errors;
};

struct vg_fan_marks_stats {
	uint64_t dirs, rescans, leaked, mark_errors;
};

int vg_fan_marks_init(struct vg_fan_marks *m, int fan_fd);
int vg_fan_marks_start(struct vg_fan_marks *m);
/*
 * Marks what @targets need (takes ownership), then calls @publish (the guard
 * swaps its rules there: new marks exist before the rules that use them),
 * then removes the marks only the old targets needed. Errors: the first
 * exact file that could not be marked (-errno), after marking the rest.
 */
int vg_fan_marks_set(struct vg_fan_marks *m, struct vg_fan_target *targets, size_t n,
		     void (*publish)(void *ctx), void *ctx);
void vg_fan_marks_get_stats(struct vg_fan_marks *m, struct vg_fan_marks_stats *st);
void vg_fan_marks_fini(struct vg_fan_marks *m);
void vg_fan_targets_free(struct vg_fan_target *t, size_t n);

/* Exposed for unit tests: how directory @path (no trailing '/') relates to the targets. */
struct vg_fan_dir_class {
	bool subtree;		/* every file below it is under some prefix */
	bool watch;		/* it or something below it can be: watch for new dirs */
	uint64_t mask;		/* fanotify mask for its children (0: none) */
	const struct vg_fan_target *why;	/* the first target that wants it */
};
void vg_fan_classify_dir(const struct vg_fan_target *t, size_t n, const char *path, size_t len,
			 struct vg_fan_dir_class *c);

#endif
