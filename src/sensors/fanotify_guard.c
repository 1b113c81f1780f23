// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <time.h>
#include <unistd.h>
#include "sensors/fanotify_guard.h"
#include "lib/log.h"
#include "lib/timefmt.h"

#define PERM_MASK (FAN_OPEN_PERM | FAN_OPEN_EXEC_PERM)

void vg_fan_rules_free(struct vg_fan_rule *rules, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(rules[i].path);
		free(rules[i].rule_name);
	}
	free(rules);
}

int vg_fan_guard_init(struct vg_fan_guard *g)
{
	int err;

	memset(g, 0, sizeof(*g));
	pthread_mutex_init(&g->lock, NULL);
	g->wd.pid = -1;
	g->marks.in_fd = -1;
	g->fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK,
			      O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	if (g->fd < 0) {
		err = -errno;
		vg_err("file deny needs fanotify permission events: fanotify_init: %s", strerror(errno));
		return err;
	}
	err = vg_fan_marks_init(&g->marks, g->fd);
	if (err) {
		close(g->fd);
		g->fd = -1;
	}
	return err;
}

struct publish {
	struct vg_fan_guard *g;
	struct vg_fan_rule *rules;
	size_t n;
};

/* Called once the new marks are in place: the reader starts using the rules. */
static void publish_rules(void *arg)
{
	struct publish *p = arg;
	struct vg_fan_rule *old;
	size_t n_old;

	pthread_mutex_lock(&p->g->lock);
	old = p->g->rules;
	n_old = p->g->n_rules;
	p->g->rules = p->rules;
	p->g->n_rules = p->n;

	pthread_mutex_unlock(&p->g->lock);
	p->rules = old;
	p->n = n_old;
}

/*
 * The marks are set outside g->lock (a subtree walk can take a while); the
 * reader only waits for the swap of the rule array.
 */
int vg_fan_guard_set_rules(struct vg_fan_guard *g, struct vg_fan_rule *rules, size_t n)
{
	struct publish p = { g, rules, n };
	struct vg_fan_target *t = calloc(n ? n : 1, sizeof(*t));
	size_t i;
	int err;

	if (!t) {
		vg_fan_rules_free(rules, n);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		t[i].path = strndup(rules[i].path, rules[i].len);
		if (!t[i].path) {
			vg_fan_targets_free(t, n);
			vg_fan_rules_free(rules, n);
			return -ENOMEM;
		}
		t[i].len = rules[i].len;
		t[i].prefix = rules[i].prefix;
		/* An exec opens the file too: open rules answer both events. */
		t[i].mask = rules[i].exec ? FAN_OPEN_EXEC_PERM : PERM_MASK;
	}
	err = vg_fan_marks_set(&g->marks, t, n, publish_rules, &p);
	vg_fan_rules_free(p.rules, p.n);	/* the old rules, once swapped */
	return err;
}

/* Under lock: the rule that decides @path, or NULL. */
static const struct vg_fan_rule *match(const struct vg_fan_guard *g, const char *path, size_t len,
				       bool exec, bool writes)
{
	size_t i;

	for (i = 0; i < g->n_rules; i++) {
		const struct vg_fan_rule *r = &g->rules[i];

		if ((r->exec && !exec) || (r->writes_only && (exec || !writes)))
			continue;
		if (r->prefix ? (len >= r->len && !memcmp(path, r->path, r->len))
			      : (len == r->len && !memcmp(path, r->path, len)))
			return r;
	}
	return NULL;
}

const char *vg_fan_outcome_str(enum vg_fan_outcome o)
{
	switch (o) {
	case VG_FAN_DENIED:
		return "denied";
	case VG_FAN_WOULD_DENY:
		return "would have denied";
	case VG_FAN_WATCHDOG_ALLOWED:
		return "allowed by the watchdog (agent stalled)";
	}
	return "?";
}

/* Under lock. */
static void queue_report(struct vg_fan_guard *g, const struct vg_fan_rule *r, const char *path,
			 pid_t pid, enum vg_fan_outcome outcome, bool exec, uint64_t boot_ns)
{
	struct vg_fan_report *rep;

	if (g->rep_count == VG_FAN_REPORTS) {
		g->st.reports_dropped++;
		return;
	}
	rep = &g->reports[(g->rep_head + g->rep_count++) % VG_FAN_REPORTS];
	rep->rule_id = r->rule_id;
	snprintf(rep->rule_name, sizeof(rep->rule_name), "%s", r->rule_name);
	snprintf(rep->path, sizeof(rep->path), "%.*s", (int)sizeof(rep->path) - 1, path);
	rep->pid = pid;
	rep->outcome = outcome;
	rep->exec = exec;
	rep->boot_ns = boot_ns;
}

/* Under lock. */
static void answer(struct vg_fan_guard *g, int fd, bool allow)
{
	struct fanotify_response resp = { .fd = fd, .response = allow ? FAN_ALLOW : FAN_DENY };

	if (write(g->fd, &resp, sizeof(resp)) < 0 && errno != ENOENT)
		g->st.errors++;
}

/* Decides the event held in watchdog slot @slot, unless the watchdog has. */
static void handle(struct vg_fan_guard *g, const struct fanotify_event_metadata *m,
		   unsigned int slot, uint64_t token)
{
	bool exec = m->mask & FAN_OPEN_EXEC_PERM;
	char link[64], path[4096];
	const struct vg_fan_rule *r;
	bool ours;
	ssize_t len;

	vg_fan_wd_beat(&g->wd);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", m->fd);
	len = readlink(link, path, sizeof(path) - 1);
	if (len < 0)
		len = 0;
	path[len] = '\0';
	pthread_mutex_lock(&g->lock);
	r = match(g, path, len, exec, true);
	/* A --protect path: whether it writes is read from /proc, outside the lock. */
	if (r && r->writes_only) {
		bool writes;

		pthread_mutex_unlock(&g->lock);
		writes = vg_fan_open_writes(m->pid);
		pthread_mutex_lock(&g->lock);
		r = match(g, path, len, exec, writes);
	}
	/* Answer first; nothing after this can delay the opener. */
	ours = vg_fan_wd_release(&g->wd, slot, token);
	if (ours)
		answer(g, m->fd, !r || r->audit);
	g->st.events++;
	if (!r)
		g->st.allowed += ours;
	else if (r->audit)
		g->st.would_deny++;
	else if (ours)
		g->st.denied++;
	if (r)
		queue_report(g, r, path, m->pid,
			     r->audit ? VG_FAN_WOULD_DENY
				      : ours ? VG_FAN_DENIED : VG_FAN_WATCHDOG_ALLOWED,
			     exec, vg_boot_now_ns());
	pthread_mutex_unlock(&g->lock);
	close(m->fd);
}

/* Events the watchdog read and allowed while the guard was not reading. */
static void report_watchdog_seen(struct vg_fan_guard *g)
{
	struct vg_fan_wd_seen s;

	while (vg_fan_wd_take_seen(&g->wd, &s)) {
		size_t len = strlen(s.path);
		const struct vg_fan_rule *r;

		pthread_mutex_lock(&g->lock);
		g->st.events++;
		/* Too late to ask whether it wrote: reported as if it did. */
		r = match(g, s.path, len, s.exec, true);
		if (r && r->audit)
			g->st.would_deny++;
		if (r)
			queue_report(g, r, s.path, s.pid,
				     r->audit ? VG_FAN_WOULD_DENY : VG_FAN_WATCHDOG_ALLOWED, s.exec,
				     s.boot_ns);
		pthread_mutex_unlock(&g->lock);
	}
}

static bool is_perm(const struct fanotify_event_metadata *m)
{
	return m->vers == FANOTIFY_METADATA_VERSION && m->fd >= 0 && (m->mask & PERM_MASK);
}

static void *guard_main(void *arg)
{
	struct vg_fan_guard *g = arg;
	/* no more events at once than the watchdog has slots */
	struct fanotify_event_metadata buf[VG_FAN_SLOTS];
	uint64_t token[VG_FAN_SLOTS];
	struct pollfd pfd = { g->fd, POLLIN, 0 };

	while (!atomic_load(&g->stop)) {
		const struct fanotify_event_metadata *m;
		unsigned int i, n_held = 0;
		ssize_t n, len;

		vg_fan_wd_beat(&g->wd);
		report_watchdog_seen(g);
		if (poll(&pfd, 1, VG_FAN_DEADLINE_MS / 5) <= 0)
			continue;
		vg_fan_wd_beat(&g->wd);	/* first thing on waking: see the watchdog */
		len = n = read(g->fd, buf, sizeof(buf));
		if (n <= 0)
			continue;
		/* Hand the whole batch to the watchdog before deciding any of it. */
		for (m = buf; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
			if (is_perm(m)) {
				token[n_held] = vg_fan_wd_hold(&g->wd, n_held, m->fd);
				n_held++;
			}
		}
		i = 0;
		n = len;	/* FAN_EVENT_NEXT counts it down */
		for (m = buf; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
			if (is_perm(m)) {
				handle(g, m, i, token[i]);
				i++;
			} else if (m->vers == FANOTIFY_METADATA_VERSION && m->fd >= 0) {
				close(m->fd);
			}
		}
	}
	return NULL;
}

int vg_fan_guard_start(struct vg_fan_guard *g)
{
	int err = vg_fan_wd_start(&g->wd, g->fd);

	if (err)
		return err;
	err = -pthread_create(&g->thread, NULL, guard_main, g);
	if (err) {
		vg_fan_wd_stop(&g->wd);
		return err;
	}
	err = vg_fan_marks_start(&g->marks);
	if (err) {
		atomic_store(&g->stop, true);
		pthread_join(g->thread, NULL);
		vg_fan_wd_stop(&g->wd);
		return err;
	}
	g->started = true;
	return 0;
}

bool vg_fan_guard_has_rule(struct vg_fan_guard *g, uint32_t rule_id)
{
	bool found = false;
	size_t i;

	pthread_mutex_lock(&g->lock);
	for (i = 0; i < g->n_rules && !found; i++)
		found = g->rules[i].rule_id == rule_id;
	pthread_mutex_unlock(&g->lock);
	return found;
}

size_t vg_fan_guard_take_reports(struct vg_fan_guard *g, struct vg_fan_report *out, size_t max)
{
	size_t n = 0;

	pthread_mutex_lock(&g->lock);
	while (n < max && g->rep_count) {
		out[n++] = g->reports[g->rep_head];
		g->rep_head = (g->rep_head + 1) % VG_FAN_REPORTS;
		g->rep_count--;
	}
	pthread_mutex_unlock(&g->lock);
	return n;
}

void vg_fan_guard_get_stats(struct vg_fan_guard *g, struct vg_fan_stats *st)
{
	pthread_mutex_lock(&g->lock);
	*st = g->st;
	pthread_mutex_unlock(&g->lock);
	st->watchdog_allowed = vg_fan_wd_allowed(&g->wd);
	st->reports_dropped += vg_fan_wd_seen_dropped(&g->wd);
	vg_fan_marks_get_stats(&g->marks, &st->marks);
}

void vg_fan_guard_fini(struct vg_fan_guard *g)
{
	if (g->started) {
		atomic_store(&g->stop, true);
		pthread_join(g->thread, NULL);
		vg_fan_wd_stop(&g->wd);
	}
	vg_fan_marks_fini(&g->marks);
	/* Closing the group allows every event still pending. */
	if (g->fd >= 0)
		close(g->fd);
	vg_fan_rules_free(g->rules, g->n_rules);
	pthread_mutex_destroy(&g->lock);
	memset(g, 0, sizeof(*g));
	g->fd = -1;
}
