// SPDX-License-Identifier: GPL-2.0
/* Are our BPF links still attached, and still running our programs? */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "agent/self_check.h"
#include "sensors/syscall_hub.h"
#include "lib/prom.h"
#include "lib/timefmt.h"

#define CHECK_EVERY_NS (1000ULL * 1000000ULL)

static int count_links(const struct vg_agent *a)
{
	struct bpf_link *hub[2];
	int i, n = vg_hub_links(hub, 2);

	for (i = 0; i < a->n_sensors; i++)
		n += a->sensors[i].n_links;
	return n;
}

static void add_link(struct vg_self_check *c, struct bpf_link *link, const char *sensor)
{
	struct vg_self_link *l = &c->l[c->n];
	struct bpf_link_info info = { 0 };
	__u32 len = sizeof(info);

	if (c->n >= VG_SELF_CHECK_MAX_LINKS)
		return;
	l->fd = bpf_link__fd(link);
	if (l->fd < 0 || bpf_obj_get_info_by_fd(l->fd, &info, &len))
		return;		/* not a kernel link (e.g. a socket filter) */
	l->link_id = info.id;
	l->prog_id = info.prog_id;
	l->type = info.type;
	l->sensor = sensor;
	c->n++;
}

static void record(struct vg_self_check *c, struct vg_agent *a)
{
	struct bpf_link *hub[2];
	int i, k, n_hub = vg_hub_links(hub, 2);

	c->n = 0;
	c->links_seen = count_links(a);
	for (i = 0; i < a->n_sensors; i++)
		for (k = 0; k < a->sensors[i].n_links; k++)
			add_link(c, a->sensors[i].links[k], a->sensors[i].desc->name);
	for (k = 0; k < n_hub; k++)
		add_link(c, hub[k], "syscall-hub");
	c->recorded = true;
	atomic_store(&c->healthy, true);
}

/*
 * NULL if @l is as we attached it, else what changed. Looked up by id, not
 * through the sensor's fd: that one closes when the agent detaches.
 */
static const char *changed(const struct vg_self_link *l, char *buf, size_t size)
{
	struct bpf_link_info info = { 0 };
	__u32 len = sizeof(info);
	int fd = bpf_link_get_fd_by_id(l->link_id), err;

	err = fd < 0 ? -errno : bpf_obj_get_info_by_fd(fd, &info, &len) ? -errno : 0;
	if (fd >= 0)
		close(fd);
	if (err) {
		snprintf(buf, size, "is gone: %s", strerror(-err));
		return buf;
	}
	if (info.prog_id != l->prog_id) {
		snprintf(buf, size, "runs program %u, not ours (%u)", info.prog_id, l->prog_id);
		return buf;
	}
	/* A detached link keeps its program but loses its target. */
	if ((info.type == BPF_LINK_TYPE_CGROUP && !info.cgroup.cgroup_id) ||
	    (info.type == BPF_LINK_TYPE_NETNS && !info.netns.netns_ino) ||
	    (info.type == BPF_LINK_TYPE_XDP && !info.xdp.ifindex))
		return "was detached";
	return NULL;
}

void vg_self_check_run(struct vg_self_check *c, struct vg_agent *a,
		       void (*report)(void *ctx, const char *why), void *ctx)
{
	uint64_t now = vg_boot_now_ns();
	char buf[128], why[256];
	size_t i;

	if (now < c->next_ns || atomic_load(&a->stopping))
		return;
	c->next_ns = now + CHECK_EVERY_NS;
	/* Again when a reload attached a sensor the policy needs now. */
	if (!c->recorded || count_links(a) != c->links_seen) {
		record(c, a);
		return;
	}
	atomic_fetch_add(&c->checks, 1);
	for (i = 0; i < c->n; i++) {
		const char *what;

		if (c->l[i].failed || !(what = changed(&c->l[i], buf, sizeof(buf))))
			continue;
		if (atomic_load(&a->stopping))
			return;		/* detached by us, while we looked */
		c->l[i].failed = true;
		atomic_fetch_add(&c->failures, 1);
		atomic_store(&c->healthy, false);
		snprintf(why, sizeof(why), "self-check: the %s sensor's BPF link %u (program %u) %s",
			 c->l[i].sensor, c->l[i].link_id, c->l[i].prog_id, what);
		report(ctx, why);
	}
	if (!c->hub_failed && vg_hub_changed(buf, sizeof(buf)) && !atomic_load(&a->stopping)) {
		c->hub_failed = true;
		atomic_fetch_add(&c->failures, 1);
		atomic_store(&c->healthy, false);
		snprintf(why, sizeof(why), "self-check: %s", buf);
		report(ctx, why);
	}
}

void vg_self_check_metrics(struct vg_self_check *c, struct vg_buf *out)
{
	vg_prom_one(out, "vigil_self_check_links", "gauge",
		    "BPF links the agent checks are still attached and still its own.", c->n);
	vg_prom_one(out, "vigil_self_check_runs_total", "counter", "Self-checks run.", c->checks);
	vg_prom_one(out, "vigil_self_check_failures_total", "counter",
		    "Links found detached, replaced or gone (each a critical alert).", c->failures);
	vg_prom_one(out, "vigil_self_check_healthy", "gauge",
		    "1 while every link is as the agent attached it.", atomic_load(&c->healthy));
}
