// SPDX-License-Identifier: GPL-2.0
/* Rule actions taken from user space, and the outcome each alert reports. */
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "agent/actions.h"
#include "lib/timefmt.h"

/* /proc/PID/stat start time (ticks) equals the record's: same process. */
static bool same_process(uint32_t tgid, uint64_t start_ns)
{
	char path[64], buf[1024];
	unsigned long long ticks = 0;
	const char *p;
	long hz = sysconf(_SC_CLK_TCK);
	ssize_t n;
	int fd, field;

	snprintf(path, sizeof(path), "/proc/%u/stat", tgid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	for (field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &ticks) != 1 || hz <= 0)
		return false;
	return ticks == start_ns / (1000000000ULL / hz);
}

static const char *kill_process(struct vg_kill_counts *k, struct vg_alert *al,
				const struct vg_hdr *h)
{
	if (h->flags & VG_HF_KILLED) {
		k->kernel++;
		return "killed in kernel";
	}
	if (al->mode == VG_MODE_AUDIT)
		return "would have killed";
	/* Never a reused pid: the start time must still match. */
	if (!same_process(h->tgid, h->start_time_ns)) {
		k->failed++;
		return "kill skipped: process already gone";
	}
	if (kill(h->tgid, SIGKILL) < 0) {
		k->failed++;
		return "kill failed";
	}
	al->action_latency_ns = vg_boot_now_ns() - h->ts_boot_ns;
	k->user++;
	return "killed by agent";
}

const char *vg_action_take(struct vg_kill_counts *k, struct vg_alert *al, const struct vg_hdr *h)
{
	switch (al->action) {
	case VG_ACT_ALERT:
		return "alerted";
	case VG_ACT_KILL:
		return kill_process(k, al, h);
	case VG_ACT_DENY:
		if (al->mode == VG_MODE_AUDIT)
			return "would have denied";
		return "alerted (no deny hook for this event kind)";
	}
	return "alerted";
}
