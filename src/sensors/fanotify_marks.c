// SPDX-License-Identifier: GPL-2.0
/*
 * Deny at any depth under a prefix, with fanotify inode marks.
 *
 * Why per-directory marks and not FAN_MARK_FILESYSTEM (+ ignore marks): a
 * filesystem mark makes every open on that filesystem -- for a prefix on /,
 * every open on the host -- wait for this process to read /proc/self/fd and
 * answer. That puts the host's whole I/O behind one thread and its watchdog,
 * and ignore marks cannot carve a subtree back out (they are per inode or
 * mount too: we would have to mark everything outside the prefix instead).
 * A mount mark would be exact only when the prefix is a mount of its own.
 * Per-directory marks with FAN_EVENT_ON_CHILD cost only opens under the
 * prefix (and, for a byte prefix such as /etc/cron, the files next to it in
 * /etc, which user space then allows by path).
 *
 * Why inotify to see new directories and not a second fanotify group with
 * FAN_REPORT_DFID_NAME: both need one mark per directory; inotify gives the
 * watch descriptor we already key our table on, needs no file handles
 * (open_by_handle_at, a mount fd per filesystem) to get back to a path, and
 * inotify_add_watch on the same inode returns the same wd, which is how a
 * directory moved inside the tree is recognised and its path updated.
 *
 * What remains open:
 *  - a file opened in a brand-new directory before the marker thread has
 *    marked it is not asked about: mkdir d && cat d/f within the inotify
 *    round trip (median 0.4 ms, p99 7 ms on a busy 2-core host; longer while
 *    a large subtree is being walked). Nothing in fanotify asks before a
 *    directory is created or entered, so only a filesystem mark (rejected
 *    above) would close it;
 *  - a directory moved out of the prefix keeps its permission mark (we can
 *    no longer find it by path to remove it): its opens are then allowed by
 *    the user-space path check, at the cost of a round trip, until exit;
 *  - mounts below a prefix are not entered (warned once per mount), and
 *    past VG_FAN_MAX_DIRS directories nothing more is marked (warned);
 *  - if the inotify queue overflows, everything is walked again.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sensors/fanotify_marks.h"
#include "lib/log.h"
#include "lib/timefmt.h"

#define DIR_WATCH_MASK (IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_MOVE_SELF | IN_ONLYDIR)
#define EVENT_BITS (FAN_OPEN_PERM | FAN_OPEN_EXEC_PERM)
#define NFTW_FDS 16

struct vg_fan_dir {
	int wd;			/* 0: empty slot (inotify wds start at 1) */
	bool top;		/* a walk starts here: if it goes, walk again */
	bool moved;		/* its path went stale in a rename; gone unless seen again */
	uint32_t gen;
	uint64_t want, applied;	/* fanotify mask wanted / set on the inode */
	dev_t dev;
	ino_t ino;
	char *path;
};

void vg_fan_targets_free(struct vg_fan_target *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(t[i].path);
	free(t);
}

/* ---- the table of marked directories, by inotify wd ---- */

static size_t slot_of(const struct vg_fan_marks *m, int wd)
{
	return ((uint32_t)wd * 2654435761u) & (m->cap - 1);
}

static struct vg_fan_dir *dir_find(struct vg_fan_marks *m, int wd)
{
	size_t i;

	if (!m->cap)
		return NULL;
	for (i = slot_of(m, wd); m->dirs[i].wd; i = (i + 1) & (m->cap - 1))
		if (m->dirs[i].wd == wd)
			return &m->dirs[i];
	return NULL;
}

static int dir_grow(struct vg_fan_marks *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64, i, k;
	struct vg_fan_dir *old = m->dirs, *nd = calloc(cap, sizeof(*nd));

	if (!nd)
		return -ENOMEM;
	for (i = 0; i < m->cap; i++) {
		if (!old[i].wd)
			continue;
		for (k = ((uint32_t)old[i].wd * 2654435761u) & (cap - 1); nd[k].wd; k = (k + 1) & (cap - 1))
			;
		nd[k] = old[i];
	}
	free(old);
	m->dirs = nd;
	m->cap = cap;
	return 0;
}

static struct vg_fan_dir *dir_insert(struct vg_fan_marks *m, int wd)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap && dir_grow(m))
		return NULL;
	for (i = slot_of(m, wd); m->dirs[i].wd; i = (i + 1) & (m->cap - 1))
		;
	memset(&m->dirs[i], 0, sizeof(m->dirs[i]));
	m->dirs[i].wd = wd;
	m->n++;
	return &m->dirs[i];
}

/* Backward-shift deletion keeps every probe chain unbroken. */
static void dir_delete(struct vg_fan_marks *m, struct vg_fan_dir *d)
{
	size_t mask = m->cap - 1, i = d - m->dirs, j = i, k;

	free(d->path);
	for (;;) {
		j = (j + 1) & mask;
		if (!m->dirs[j].wd)
			break;
		k = slot_of(m, m->dirs[j].wd);
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		m->dirs[i] = m->dirs[j];
		i = j;
	}
	memset(&m->dirs[i], 0, sizeof(m->dirs[i]));
	m->n--;
}

/* ---- what a directory is to the targets ---- */

void vg_fan_classify_dir(const struct vg_fan_target *t, size_t n, const char *path, size_t len,
			 struct vg_fan_dir_class *c)
{
	size_t i;

	/* "D/" is path[0..len) + '/'; the root is "" + '/'. */
	if (len == 1 && path[0] == '/')
		len = 0;
	memset(c, 0, sizeof(*c));
	for (i = 0; i < n; i++) {
		const char *p = t[i].path;
		size_t pl = t[i].len;

		if (!t[i].prefix)
			continue;
		if (pl <= len + 1 && !memcmp(p, path, pl < len ? pl : len) && (pl <= len || p[len] == '/')) {
			/* D/ starts with the prefix: all below it matches. */
			c->subtree = c->watch = true;
			c->mask |= t[i].mask | FAN_EVENT_ON_CHILD;
		} else if (pl > len + 1 && !memcmp(p, path, len) && p[len] == '/') {
			/* The prefix runs through D: watch for it to appear. */
			c->watch = true;
			if (!memchr(p + len + 1, '/', pl - len - 1))
				c->mask |= t[i].mask | FAN_EVENT_ON_CHILD;	/* D/crontab */
		} else {
			continue;
		}
		if (!c->why)
			c->why = &t[i];
	}
}

/* ---- marking ---- */

static void classify(const struct vg_fan_marks *m, const char *path, struct vg_fan_dir_class *c)
{
	vg_fan_classify_dir(m->targets, m->n_targets, path, strlen(path), c);
}

static void warn_over_bound(struct vg_fan_marks *m, struct vg_fan_target *t)
{
	if (!t || t->warned)
		return;
	t->warned = true;
	vg_warn("deny prefix '%.*s': more than %zu directories, marked %zu; files in the others "
		"are not denied", (int)t->len, t->path, m->max_dirs, t->n_marked);
}

/*
 * Watches and marks directory @path as @c says. -E2BIG past the bound; 0 if
 * it vanished meanwhile (its parent's watch covers what comes next).
 */
static int dir_ensure(struct vg_fan_marks *m, const char *path, bool top,
		      const struct vg_fan_dir_class *c)
{
	struct vg_fan_target *why = (struct vg_fan_target *)c->why;
	char proc[64];
	struct vg_fan_dir *d;
	struct stat st;
	int fd, wd, err = 0;

	/* Through an fd, so the watch, the mark and dev/ino are one inode. */
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st)) {
		close(fd);
		return 0;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	wd = inotify_add_watch(m->in_fd, proc, DIR_WATCH_MASK);
	if (wd < 0) {
		err = errno == ENOSPC ? -E2BIG : 0;
		if (errno == ENOSPC && !m->inotify_full_warned) {
			m->inotify_full_warned = true;
			vg_warn("deny rules: inotify watch limit reached at %s (%zu watched; raise "
				"fs.inotify.max_user_watches): new directories there are not denied",
				path, m->n);
		}
		goto out;
	}
	d = dir_find(m, wd);
	if (!d || strcmp(d->path, path)) {
		char *p = strdup(path);

		if (!p) {
			err = -ENOMEM;
			goto drop;
		}
		if (!d) {
			if (m->n >= m->max_dirs)
				err = -E2BIG;
			else if (!(d = dir_insert(m, wd)))
				err = -ENOMEM;
			if (err) {
				free(p);
				goto drop;
			}
		}
		free(d->path);
		d->path = p;
	}
	if (why && d->gen != m->gen)
		why->n_marked++;
	d->gen = m->gen;
	d->top |= top;
	d->moved = false;
	d->dev = st.st_dev;
	d->ino = st.st_ino;
	d->want = c->mask;
	if ((c->mask & EVENT_BITS) && (c->mask & ~d->applied)) {
		if (fanotify_mark(m->fan_fd, FAN_MARK_ADD, c->mask, fd, NULL) == 0) {
			d->applied |= c->mask;
		} else {
			if (!m->mark_errors++)
				vg_warn("deny rules: cannot mark %s: %s", path, strerror(errno));
		}
	}
	goto out;
drop:
	if (!dir_find(m, wd))	/* a watch we just made and do not keep */
		inotify_rm_watch(m->in_fd, wd);
out:
	close(fd);
	return err;
}

/* Takes marks off @d's inode, if @d->path still names that inode. */
static void dir_unmark(struct vg_fan_marks *m, struct vg_fan_dir *d, uint64_t bits)
{
	struct stat st;
	int fd;

	if (!bits)
		return;
	fd = open(d->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && !fstat(fd, &st) && st.st_dev == d->dev && st.st_ino == d->ino &&
	    !fanotify_mark(m->fan_fd, FAN_MARK_REMOVE, bits, fd, NULL))
		d->applied &= ~bits;
	else
		m->leaked++;
	if (fd >= 0)
		close(fd);
}

/* nftw has no context argument; one walk at a time (under m->lock). */
static __thread struct walk {
	struct vg_fan_marks *m;
	dev_t dev;
	bool top;
	int err;
} *cur_walk;

static int walk_cb(const char *fpath, const struct stat *sb, int type, struct FTW *ftw)
{
	struct walk *w = cur_walk;
	struct vg_fan_dir_class c;
	int err;

	if (type != FTW_D)
		return FTW_CONTINUE;
	if (ftw->level == 0) {
		w->dev = sb->st_dev;
	} else if (sb->st_dev != w->dev) {
		classify(w->m, fpath, &c);
		vg_warn("deny prefix '%.*s': not descending into the mount at %s",
			c.why ? (int)c.why->len : 0, c.why ? c.why->path : "", fpath);
		return FTW_SKIP_SUBTREE;
	}
	classify(w->m, fpath, &c);
	if (!c.watch)
		return FTW_SKIP_SUBTREE;
	err = dir_ensure(w->m, fpath, w->top && ftw->level == 0, &c);
	if (err == -E2BIG) {
		warn_over_bound(w->m, (struct vg_fan_target *)c.why);
		w->err = err;
		return FTW_STOP;
	}
	if (err) {
		w->err = err;
		return FTW_STOP;
	}
	return FTW_CONTINUE;
}

/* Watches and marks @path and whatever below it the targets need. */
static int cover(struct vg_fan_marks *m, const char *path, bool top)
{
	struct vg_fan_dir_class c;
	struct dirent *de;
	DIR *dir;
	int err;

	classify(m, path, &c);
	if (!c.watch)
		return 0;
	if (c.subtree) {
		struct walk w = { .m = m, .top = top }, *prev = cur_walk;

		cur_walk = &w;
		nftw(path, walk_cb, NFTW_FDS, FTW_PHYS | FTW_ACTIONRETVAL);
		cur_walk = prev;
		return w.err;
	}
	/* An ancestor of some prefix: only the children on its way matter. */
	err = dir_ensure(m, path, top, &c);
	if (err) {
		if (err == -E2BIG)
			warn_over_bound(m, (struct vg_fan_target *)c.why);
		return err;
	}
	dir = opendir(path);
	if (!dir)
		return 0;
	while (!err && (de = readdir(dir))) {
		char child[PATH_MAX];
		struct stat st;
		int n;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		n = snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "", de->d_name);
		if (n < 0 || (size_t)n >= sizeof(child))
			continue;
		if (de->d_type != DT_DIR &&
		    (de->d_type != DT_UNKNOWN || lstat(child, &st) || !S_ISDIR(st.st_mode)))
			continue;
		err = cover(m, child, false);
	}
	closedir(dir);
	return err;
}

/* The deepest existing directory from which @t can be reached. */
static void walk_start(const struct vg_fan_target *t, char *s, size_t size)
{
	struct stat st;
	char *slash;

	snprintf(s, size, "%.*s", (int)t->len, t->path);
	/* "/srv/secret/": from /srv, to see secret/ itself appear; "/etc/cron": from /etc. */
	slash = strrchr(s, '/');
	if (slash)
		*slash = '\0';
	if (t->len && t->path[t->len - 1] == '/' && (slash = strrchr(s, '/')))
		*slash = '\0';
	for (;;) {
		if (!*s) {
			snprintf(s, size, "/");
			return;
		}
		if (!stat(s, &st) && S_ISDIR(st.st_mode))
			return;
		slash = strrchr(s, '/');
		*slash = '\0';
	}
}

static void begin_gen(struct vg_fan_marks *m)
{
	size_t i;

	m->gen++;
	for (i = 0; i < m->n_targets; i++) {
		m->targets[i].n_marked = 0;
		m->targets[i].warned = false;
	}
}

static void cover_targets(struct vg_fan_marks *m)
{
	char start[PATH_MAX];
	size_t i;

	for (i = 0; i < m->n_targets; i++) {
		if (!m->targets[i].prefix || !m->targets[i].len || m->targets[i].path[0] != '/')
			continue;
		walk_start(&m->targets[i], start, sizeof(start));
		cover(m, start, true);
	}
}

/* Drops what this generation did not see again, and marks it no longer wants. */
static void sweep(struct vg_fan_marks *m)
{
	int *gone = NULL;
	size_t n_gone = 0, i;

	for (i = 0; i < m->cap; i++) {
		struct vg_fan_dir *d = &m->dirs[i];
		uint64_t bits;

		if (!d->wd)
			continue;
		if (d->gen != m->gen || d->moved) {
			int *ng = realloc(gone, (n_gone + 1) * sizeof(*gone));

			if (!ng)
				break;
			gone = ng;
			gone[n_gone++] = d->wd;
			continue;
		}
		bits = d->want & EVENT_BITS ? d->applied & ~d->want : d->applied;
		dir_unmark(m, d, bits);
	}
	for (i = 0; i < n_gone; i++) {
		struct vg_fan_dir *d = dir_find(m, gone[i]);

		if (!d)
			continue;
		dir_unmark(m, d, d->applied);
		inotify_rm_watch(m->in_fd, d->wd);
		dir_delete(m, d);
	}
	free(gone);
}

static void rescan(struct vg_fan_marks *m)
{
	m->rescans++;
	begin_gen(m);
	cover_targets(m);
	sweep(m);
}

static bool under(const char *path, const char *dir, size_t len)
{
	return !strncmp(path, dir, len) && (path[len] == '\0' || path[len] == '/');
}

static void flag_moved(struct vg_fan_marks *m, const char *path)
{
	size_t len = strlen(path), i;

	for (i = 0; i < m->cap; i++)
		if (m->dirs[i].wd && under(m->dirs[i].path, path, len))
			m->dirs[i].moved = true;
}

/* A rename we saw both ends of: the directories below keep their inodes. */
static void rename_paths(struct vg_fan_marks *m, const char *from, const char *to)
{
	size_t len = strlen(from), i;

	for (i = 0; i < m->cap; i++) {
		struct vg_fan_dir *d = &m->dirs[i];
		char *p;

		if (!d->wd || !under(d->path, from, len))
			continue;
		if (asprintf(&p, "%s%s", to, d->path + len) < 0)
			continue;
		free(d->path);
		d->path = p;
	}
}

static void handle_events(struct vg_fan_marks *m, const char *buf, ssize_t n)
{
	char moved_from[PATH_MAX] = "";
	uint32_t cookie = 0;
	bool need_rescan = false, need_sweep = false;
	const struct inotify_event *ev;
	ssize_t off;

	for (off = 0; off < n; off += sizeof(*ev) + ev->len) {
		char child[PATH_MAX];
		struct vg_fan_dir *d;
		int len;

		ev = (const void *)(buf + off);
		if (ev->mask & IN_Q_OVERFLOW) {
			need_rescan = true;
			continue;
		}
		d = dir_find(m, ev->wd);
		if (!d)
			continue;
		if (ev->mask & IN_IGNORED) {	/* deleted, or its filesystem went away */
			need_rescan |= d->top;
			dir_delete(m, d);
			continue;
		}
		if (ev->mask & IN_MOVE_SELF) {
			need_rescan |= d->top;
			continue;
		}
		if (!(ev->mask & IN_ISDIR) || !ev->len)
			continue;
		len = snprintf(child, sizeof(child), "%s/%s", strcmp(d->path, "/") ? d->path : "",
			       ev->name);
		if (len < 0 || (size_t)len >= sizeof(child))
			continue;
		if (ev->mask & IN_MOVED_FROM) {
			flag_moved(m, child);
			need_sweep = true;
			snprintf(moved_from, sizeof(moved_from), "%s", child);
			cookie = ev->cookie;
		} else if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
			if ((ev->mask & IN_MOVED_TO) && cookie && ev->cookie == cookie)
				rename_paths(m, moved_from, child);
			cookie = 0;
			cover(m, child, false);
		}
	}
	if (need_rescan)
		rescan(m);
	else if (need_sweep)
		sweep(m);
}

static void *marks_main(void *arg)
{
	struct vg_fan_marks *m = arg;
	char buf[65536] __attribute__((aligned(__alignof__(struct inotify_event))));
	struct pollfd pfd = { m->in_fd, POLLIN, 0 };

	while (!atomic_load(&m->stop)) {
		ssize_t n;

		if (poll(&pfd, 1, 200) <= 0)
			continue;
		n = read(m->in_fd, buf, sizeof(buf));
		if (n <= 0)
			continue;
		pthread_mutex_lock(&m->lock);
		handle_events(m, buf, n);
		pthread_mutex_unlock(&m->lock);
	}
	return NULL;
}

int vg_fan_marks_init(struct vg_fan_marks *m, int fan_fd)
{
	memset(m, 0, sizeof(*m));
	m->fan_fd = fan_fd;
	m->max_dirs = VG_FAN_MAX_DIRS;
	pthread_mutex_init(&m->lock, NULL);
	m->in_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (m->in_fd < 0) {
		int err = -errno;

		vg_err("deny rules need inotify to follow new directories: %s", strerror(errno));
		pthread_mutex_destroy(&m->lock);
		return err;
	}
	return 0;
}

int vg_fan_marks_start(struct vg_fan_marks *m)
{
	int err = pthread_create(&m->thread, NULL, marks_main, m);

	if (err)
		return -err;
	m->started = true;
	return 0;
}

static uint64_t exact_mask(const struct vg_fan_target *t, size_t n, const char *path, size_t len)
{
	uint64_t mask = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (!t[i].prefix && t[i].len == len && !memcmp(t[i].path, path, len))
			mask |= t[i].mask;
	return mask;
}

int vg_fan_marks_set(struct vg_fan_marks *m, struct vg_fan_target *targets, size_t n,
		     void (*publish)(void *ctx), void *ctx)
{
	struct vg_fan_target *old;
	size_t i, n_old;
	uint64_t t0;
	int err = 0;

	pthread_mutex_lock(&m->lock);
	old = m->targets;
	n_old = m->n_targets;
	m->targets = targets;
	m->n_targets = n;
	/* New marks first, so no moment is unguarded; then drop what is gone. */
	for (i = 0; i < n; i++) {
		if (targets[i].prefix)
			continue;
		if (fanotify_mark(m->fan_fd, FAN_MARK_ADD, targets[i].mask, AT_FDCWD,
				  targets[i].path) < 0) {
			if (!err)
				err = -errno;
			vg_err("deny rule: cannot watch %s: %s", targets[i].path, strerror(errno));
		}
	}
	begin_gen(m);
	t0 = vg_boot_now_ns();
	cover_targets(m);
	vg_debug("deny rules: %zu directories watched and marked in %.1f ms", m->n,
		 (vg_boot_now_ns() - t0) / 1e6);
	publish(ctx);
	for (i = 0; i < n_old; i++) {
		uint64_t bits;

		if (old[i].prefix)
			continue;
		bits = old[i].mask & ~exact_mask(targets, n, old[i].path, old[i].len);
		if (bits)
			fanotify_mark(m->fan_fd, FAN_MARK_REMOVE, bits, AT_FDCWD, old[i].path);
	}
	sweep(m);
	pthread_mutex_unlock(&m->lock);
	vg_fan_targets_free(old, n_old);
	return err;
}

void vg_fan_marks_get_stats(struct vg_fan_marks *m, struct vg_fan_marks_stats *st)
{
	pthread_mutex_lock(&m->lock);
	st->dirs = m->n;
	st->rescans = m->rescans;
	st->leaked = m->leaked;
	st->mark_errors = m->mark_errors;
	pthread_mutex_unlock(&m->lock);
}

void vg_fan_marks_fini(struct vg_fan_marks *m)
{
	size_t i;

	if (m->started) {
		atomic_store(&m->stop, true);
		pthread_join(m->thread, NULL);
	}
	if (m->in_fd >= 0)
		close(m->in_fd);
	for (i = 0; i < m->cap; i++)
		free(m->dirs[i].path);
	free(m->dirs);
	vg_fan_targets_free(m->targets, m->n_targets);
	pthread_mutex_destroy(&m->lock);
	memset(m, 0, sizeof(*m));
	m->in_fd = -1;
}
