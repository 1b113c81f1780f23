// SPDX-License-Identifier: GPL-2.0
/* The agent's own cgroup v2 with memory.max and cpu.max. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "agent/self_confine.h"
#include "lib/file_read.h"
#include "lib/log.h"
#include "lib/prom.h"
#include "sensors/probe_text.h"

#define CPU_PERIOD_US 100000

static int put(const char *dir, const char *file, const char *text)
{
	char path[4400];
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* Whether @root's cgroup.controllers lists @name. */
static bool has_controller(const char *root, const char *name)
{
	char path[4400], *text, *save = NULL, *w;
	bool found = false;
	size_t len;

	snprintf(path, sizeof(path), "%s/cgroup.controllers", root);
	if (vg_file_read(path, 4096, &text, &len))
		return false;
	for (w = strtok_r(text, " \n", &save); w && !found; w = strtok_r(NULL, " \n", &save))
		found = !strcmp(w, name);
	free(text);
	return found;
}

/* Our cgroup v2 path ("0::/path" of /proc/self/cgroup), as a cgroup.procs file. */
static void home_of(struct vg_self_confine *c, const char *root)
{
	char *text, *line;
	size_t len;

	snprintf(c->home, sizeof(c->home), "%s/cgroup.procs", root);
	if (vg_file_read("/proc/self/cgroup", 65536, &text, &len))
		return;
	line = strstr(text, "0::/");
	if (line && (line == text || line[-1] == '\n')) {
		line[strcspn(line, "\n")] = '\0';
		snprintf(c->home, sizeof(c->home), "%s%s/cgroup.procs", root, line + 3);
	}
	free(text);
}

static int set_limits(struct vg_self_confine *c)
{
	char v[64];
	int err = 0;

	if (c->memory_max) {
		snprintf(v, sizeof(v), "%" PRIu64, c->memory_max);
		err = put(c->dir, "memory.max", v);
	}
	if (!err && c->cpu_millis) {
		snprintf(v, sizeof(v), "%u %u", c->cpu_millis * (CPU_PERIOD_US / 1000), CPU_PERIOD_US);
		err = put(c->dir, "cpu.max", v);
	}
	snprintf(v, sizeof(v), "%d", (int)getpid());
	return err ? err : put(c->dir, "cgroup.procs", v);
}

int vg_self_confine_check(uint64_t memory_max, uint32_t cpu_millis, char *root, size_t size,
			  char *why, size_t why_size)
{
	if (vg_probe_cgroup2_mount(root, size)) {
		snprintf(why, why_size, "no cgroup v2 hierarchy is mounted");
		return -ENOENT;
	}
	if ((memory_max && !has_controller(root, "memory")) ||
	    (cpu_millis && !has_controller(root, "cpu"))) {
		snprintf(why, why_size,
			 "cgroup v2 at %.150s has no memory or cpu controller (cgroup v1 or hybrid host)",
			 root);
		return -EOPNOTSUPP;
	}
	return 0;
}

int vg_self_confine(struct vg_self_confine *c, uint64_t memory_max, uint32_t cpu_millis)
{
	char root[4096];
	int err;

	memset(c, 0, sizeof(*c));
	c->memory_max = memory_max;
	c->cpu_millis = cpu_millis;
	if (!memory_max && !cpu_millis)
		return 0;
	err = vg_self_confine_check(memory_max, cpu_millis, root, sizeof(root), c->why,
				    sizeof(c->why));
	if (err)
		return err;
	home_of(c, root);
	put(root, "cgroup.subtree_control", memory_max && cpu_millis ? "+memory +cpu" :
					     memory_max ? "+memory" : "+cpu");
	snprintf(c->dir, sizeof(c->dir), "%s/vigil-%d", root, (int)getpid());
	if (mkdir(c->dir, 0755) && errno != EEXIST) {
		err = -errno;
		snprintf(c->why, sizeof(c->why), "cannot create %.150s: %s", c->dir, strerror(errno));
		c->dir[0] = '\0';
		return err;
	}
	err = set_limits(c);
	if (err) {
		snprintf(c->why, sizeof(c->why), "cannot set limits in %.150s: %s", c->dir,
			 strerror(-err));
		rmdir(c->dir);
		c->dir[0] = '\0';
		return err;
	}
	c->confined = true;
	return 0;
}

void vg_self_confine_fini(struct vg_self_confine *c)
{
	char pid[32];
	int fd;

	if (!c->dir[0])
		return;
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	fd = open(c->home, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, pid, strlen(pid)) < 0)
			vg_warn("cannot leave %s: %s", c->dir, strerror(errno));
		close(fd);
	}
	if (rmdir(c->dir))
		vg_warn("cannot remove %s: %s", c->dir, strerror(errno));
	c->dir[0] = '\0';
}

void vg_self_confine_metrics(const struct vg_self_confine *c, struct vg_buf *out)
{
	vg_prom_one(out, "vigil_self_confined", "gauge",
		    "1 when the agent runs in its own cgroup with the limits below.", c->confined);
	vg_prom_one(out, "vigil_self_memory_max_bytes", "gauge",
		    "memory.max the agent set on itself (0: none).", c->confined ? c->memory_max : 0);
	vg_prom_one(out, "vigil_self_cpu_max_millicores", "gauge",
		    "cpu.max the agent set on itself, thousandths of a CPU (0: none).",
		    c->confined ? c->cpu_millis : 0);
}
