// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>
#include "event/container.h"
#include "event/container_cgset.h"

#define VG_CONTAINERS_MAX 8192		/* live containers; more are seen as host processes */
#define CGROUP_SLOTS 1024		/* cgroup id -> container, direct-mapped */
#define PROC_CGROUP_BYTES 8192
#define CGROUP2_SUPER_MAGIC 0x63677270
#define SET_SLOTS 1024			/* (v2 id, cgroup_set) -> container or host */
#define SET_TTL_NS (30 * 1000000000ULL)	/* then /proc is read again (a v1 cgroup renamed) */

struct cgroup_slot {
	uint64_t cgroup_id;		/* 0: empty */
	struct vg_container *k;		/* not a reference: cleared when @k goes */
};

/* What a checked /proc/PID/cgroup said of every process in these cgroups. */
struct set_slot {
	uint64_t cgroup_id, cgroup_set;	/* cgroup_set 0: empty */
	uint64_t until_ns;		/* CLOCK_MONOTONIC */
	struct vg_container *k;		/* NULL: the host; not a reference, as above */
};

struct vg_containers {
	char root[256];
	char procfs[256];
	bool v1;			/* cgroup v1 controllers mounted: read /proc/PID/cgroup */
	struct vg_container **live;
	size_t n;
	struct cgroup_slot slots[CGROUP_SLOTS];
	struct set_slot sets[SET_SLOTS];
	struct vg_cg_mounts mounts;	/* v1 hosts: to check a /proc read against its record */
	struct vg_containers_stats st;
};

const char *vg_container_runtime_name(enum vg_container_runtime r)
{
	static const char *const n[] = { "", "docker", "containerd", "cri-o", "podman" };

	return (unsigned)r <= VG_RT_PODMAN ? n[r] : "";
}

/* Whether /sys/fs/cgroup is cgroup v2 alone; else v1 (or hybrid) paths tell more. */
static bool host_has_v1(const char *root)
{
	char path[300];
	struct statfs sf;

	snprintf(path, sizeof(path), "%s/sys/fs/cgroup", root);
	return statfs(path, &sf) || sf.f_type != CGROUP2_SUPER_MAGIC;
}

struct vg_containers *vg_containers_new(const char *root, const char *procfs)
{
	struct vg_containers *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->live = calloc(VG_CONTAINERS_MAX, sizeof(*c->live));
	if (!c->live) {
		free(c);
		return NULL;
	}
	snprintf(c->root, sizeof(c->root), "%s", root ? root : "");
	snprintf(c->procfs, sizeof(c->procfs), "%s", procfs ? procfs : "/proc");
	c->v1 = host_has_v1(c->root);
	if (c->v1) {
		char mi[300];

		snprintf(mi, sizeof(mi), "%s/self/mountinfo", c->procfs);
		vg_cg_mounts_load(&c->mounts, mi);
	}
	return c;
}

static void container_free(struct vg_container *k)
{
	free(k->name);
	free(k->image);
	free(k->pod_name);
	free(k->pod_namespace);
	free(k);
}

void vg_containers_free(struct vg_containers *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++)
		container_free(c->live[i]);
	vg_cg_mounts_close(&c->mounts);
	free(c->live);
	free(c);
}

size_t vg_containers_count(const struct vg_containers *c)
{
	return c->n;
}

struct vg_container *vg_container_get(struct vg_container *k)
{
	if (k)
		k->refs++;
	return k;
}

void vg_container_put(struct vg_containers *c, struct vg_container *k)
{
	size_t i;

	if (!k || --k->refs)
		return;
	for (i = 0; i < CGROUP_SLOTS; i++)
		if (c->slots[i].k == k)
			c->slots[i] = (struct cgroup_slot){ 0 };
	for (i = 0; i < SET_SLOTS; i++)
		if (c->sets[i].k == k)
			c->sets[i] = (struct set_slot){ 0 };
	for (i = 0; i < c->n; i++)
		if (c->live[i] == k) {
			c->live[i] = c->live[--c->n];
			break;
		}
	container_free(k);
}

/* The live container with @ref's id, else a new one with its state read; NULL if full. */
static struct vg_container *intern(struct vg_containers *c, const struct vg_container_ref *ref)
{
	struct vg_container *k;
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!memcmp(c->live[i]->ref.id, ref->id, VG_CONTAINER_ID_LEN))
			return vg_container_get(c->live[i]);
	if (c->n == VG_CONTAINERS_MAX)
		return NULL;
	k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	k->ref = *ref;
	vg_container_read_state(k, c->root);
	k->refs = 1;
	c->live[c->n++] = k;
	return k;
}

/* /proc/PID/cgroup into @buf; its length, 0 when it cannot be read (the process is gone). */
static size_t read_proc_cgroup(const struct vg_containers *c, uint32_t tgid, char *buf, size_t size)
{
	char path[300];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%u/cgroup", c->procfs, tgid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, size);
	close(fd);
	return n > 0 ? (size_t)n : 0;
}

/* Each line of /proc/PID/cgroup ("ID:controllers:PATH"); the first that names a container. */
static bool parse_proc(const char *buf, size_t n, struct vg_container_ref *ref)
{
	const char *line, *end = buf + n;

	for (line = buf; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *eol = nl ? nl : end;
		const char *p = memchr(line, ':', (size_t)(eol - line));

		p = p ? memchr(p + 1, ':', (size_t)(eol - p - 1)) : NULL;
		if (p && vg_container_parse_cgroup(p + 1, (size_t)(eol - p - 1), ref))
			return true;
		line = eol + 1;
	}
	return false;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static struct set_slot *set_slot_of(struct vg_containers *c, uint64_t cgroup_id, uint64_t cgroup_set)
{
	return &c->sets[(cgroup_set ^ (cgroup_id * 0x9e3779b97f4a7c15ULL)) % SET_SLOTS];
}

/*
 * The container /proc/@tgid/cgroup names, or NULL. With the record's
 * @cgroup_set, an answer whose text names exactly the record's cgroups is
 * remembered for them (a process moved since its exec names others), and
 * a remembered one spares the read.
 */
static struct vg_container *from_proc(struct vg_containers *c, uint64_t cgroup_id,
				      uint64_t cgroup_set, uint32_t tgid)
{
	struct set_slot *slot = set_slot_of(c, cgroup_id, cgroup_set);
	struct vg_container_ref ref;
	struct vg_container *k = NULL;
	char buf[PROC_CGROUP_BYTES];
	uint64_t now = cgroup_set ? mono_ns() : 0;
	bool named;
	size_t n;

	if (cgroup_set && slot->cgroup_set == cgroup_set && slot->cgroup_id == cgroup_id &&
	    now < slot->until_ns) {
		c->st.set_hits++;
		return vg_container_get(slot->k);
	}
	n = read_proc_cgroup(c, tgid, buf, sizeof(buf));
	c->st.proc_reads++;
	named = n && parse_proc(buf, n, &ref);
	if (named)
		k = intern(c, &ref);
	/* A container that did not fit (k NULL) is not remembered as the host. */
	if (n && (k || !named) && vg_cg_text_matches(&c->mounts, buf, n, cgroup_id, cgroup_set))
		*slot = (struct set_slot){ cgroup_id, cgroup_set, now + SET_TTL_NS, k };
	else if (n && cgroup_set)
		c->st.set_unchecked++;
	return k;
}

void vg_containers_get_stats(const struct vg_containers *c, struct vg_containers_stats *st)
{
	*st = c->st;
}

struct vg_container *vg_containers_of(struct vg_containers *c, uint64_t cgroup_id,
				      uint64_t cgroup_set, const char *v2_path, size_t v2_len,
				      uint32_t tgid)
{
	struct cgroup_slot *slot = &c->slots[cgroup_id % CGROUP_SLOTS];
	struct vg_container_ref ref;
	struct vg_container *k;

	if (cgroup_id && slot->cgroup_id == cgroup_id)
		return vg_container_get(slot->k);
	if (v2_path && vg_container_parse_cgroup(v2_path, v2_len, &ref)) {
		k = intern(c, &ref);
		/* A v2 cgroup is one container's: later processes need no parsing. */
		if (k && cgroup_id)
			*slot = (struct cgroup_slot){ cgroup_id, k };
		return k;
	}
	/*
	 * v1 controllers may hold a container the v2 path does not show; the
	 * v2 id is then shared with the host, so the answer is remembered
	 * under the record's v1 cgroups too (from_proc).
	 */
	if (c->v1 || !v2_path)
		return from_proc(c, cgroup_id, c->v1 ? cgroup_set : 0, tgid);
	return NULL;
}
