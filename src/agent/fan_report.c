// SPDX-License-Identifier: GPL-2.0
/* The fanotify guard's decisions, reported the engine's way, and its metrics. */
#include <errno.h>
#include <stddef.h>
#include <stdbool.h>
#include <string.h>
#include "agent/fan_report.h"
#include "lib/prom.h"

void vg_fan_queue_flush(struct vg_fan_queue *q, struct vg_fan_guard *g, uint64_t upto,
			vg_fan_report_fn report, void *ctx)
{
	size_t i, kept = 0;
	bool full;

	q->n += vg_fan_guard_take_reports(g, q->v + q->n, VG_FAN_PENDING - q->n);
	full = q->n == VG_FAN_PENDING;
	for (i = 0; i < q->n; i++) {
		if (full || q->v[i].boot_ns <= upto)
			report(ctx, &q->v[i]);
		else
			q->v[kept++] = q->v[i];
	}
	q->n = kept;
}

static void fill_exec(struct vg_exec *e, const struct vg_proc *p, size_t len)
{
	if (p) {
		e->ppid = p->ppid;
		e->parent_start_time_ns = p->parent_start_ns;
		e->uid = p->uid;
		e->euid = p->euid;
		e->gid = p->gid;
		e->egid = p->egid;
	}
	e->filename.len = e->exe.len = len;
}

static void fill_open(struct vg_file *f, const struct vg_fan_report *r, size_t len)
{
	f->ret = r->outcome == VG_FAN_DENIED ? -EPERM : 0;
	f->syscall = VG_FSC_OPENAT;
	f->dirfd = VG_FILE_AT_FDCWD;
	f->uid = f->gid = (__u32)-1;
	f->path.len = len;
}

/*
 * So that the alert goes the engine's way: severity, tags, the rule's own
 * message, the process with its ancestry. fanotify gives no start time.
 */
size_t vg_fan_report_record(const struct vg_fan_report *r, const struct vg_proc *p, void *buf,
			    size_t size)
{
	size_t len = strnlen(r->path, sizeof(r->path));
	struct vg_hdr *h = buf;
	size_t fixed = r->exec ? sizeof(struct vg_exec) : sizeof(struct vg_file);
	__u8 *tail = (__u8 *)buf + fixed;

	if (fixed + len > size)
		len = size - fixed;
	memset(buf, 0, fixed);
	h->type = r->exec ? VG_EV_EXEC : VG_EV_FILE_OPEN;
	h->version = VG_ABI_VERSION;
	h->size = fixed + len;
	h->ts_boot_ns = r->boot_ns;
	h->pid = h->tgid = r->pid;
	if (p) {
		h->start_time_ns = p->start_ns;
		h->euid = p->euid;
		memcpy(h->comm, p->comm, sizeof(h->comm));
	}
	memcpy(tail, r->path, len);
	if (r->exec)
		fill_exec(buf, p, len);
	else
		fill_open(buf, r, len);
	return h->size;
}

/* The guard's counters, one metric each: name, type, help, where in struct vg_fan_stats. */
static const struct {
	const char *name, *type, *help;
	size_t off;
} fan_metrics[] = {
	{ "vigil_fanotify_permission_events_total", "counter",
	  "Opens and executions of watched paths the fanotify guard was asked about.",
	  offsetof(struct vg_fan_stats, events) },
	{ "vigil_fanotify_denied_total", "counter",
	  "Opens and executions the fanotify guard refused (EPERM).",
	  offsetof(struct vg_fan_stats, denied) },
	{ "vigil_fanotify_would_deny_total", "counter",
	  "Opens and executions an audit-mode deny rule let through.",
	  offsetof(struct vg_fan_stats, would_deny) },
	{ "vigil_fanotify_watchdog_allowed_total", "counter",
	  "Permission events the watchdog answered \"allow\" because the agent was too late.",
	  offsetof(struct vg_fan_stats, watchdog_allowed) },
	{ "vigil_fanotify_reports_dropped_total", "counter",
	  "Guard decisions not reported as alerts: the report queue was full.",
	  offsetof(struct vg_fan_stats, reports_dropped) },
	{ "vigil_fanotify_answer_errors_total", "counter", "Answers the kernel refused.",
	  offsetof(struct vg_fan_stats, errors) },
	{ "vigil_fanotify_marked_directories", "gauge",
	  "Directories marked for deny rules on path prefixes.",
	  offsetof(struct vg_fan_stats, marks.dirs) },
};

void vg_fan_metrics(struct vg_fan_guard *g, struct vg_buf *out)
{
	struct vg_fan_stats st;
	size_t i;

	vg_fan_guard_get_stats(g, &st);
	for (i = 0; i < sizeof(fan_metrics) / sizeof(fan_metrics[0]); i++)
		vg_prom_one(out, fan_metrics[i].name, fan_metrics[i].type, fan_metrics[i].help,
			    *(const uint64_t *)((const char *)&st + fan_metrics[i].off));
}
