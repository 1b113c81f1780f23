// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "event/exe_count.h"
#include "event/proc_cache.h"

struct vg_proc_cache {
	struct vg_proc **buckets;
	size_t n_buckets;		/* power of two */
	size_t capacity;
	uint64_t grace_ns;
	uint64_t tick_ns;
	struct vg_proc *lru_head, *lru_tail;	/* head: most recently used */
	struct vg_proc_cache_stats st;
	struct vg_containers *containers;	/* NULL: containers are not resolved */
	struct vg_exe_count *running;	/* executables of live processes */
	uint64_t link_gen;		/* +1 whenever an entry or a parent link comes or goes */
};

/* Hashed by tgid alone: entries sharing a tgid are rare (pid reuse). */
static uint64_t hash_tgid(uint32_t tgid)
{
	uint64_t h = tgid;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

static uint64_t tick_floor(const struct vg_proc_cache *c, uint64_t ns)
{
	return ns - ns % c->tick_ns;
}

struct vg_proc_cache *vg_proc_cache_new(size_t capacity, uint64_t grace_ns, uint64_t tick_ns)
{
	struct vg_proc_cache *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	if (capacity < 16)
		capacity = 16;
	c->capacity = capacity;
	c->n_buckets = 1;
	while (c->n_buckets < capacity * 2)
		c->n_buckets <<= 1;
	c->buckets = calloc(c->n_buckets, sizeof(*c->buckets));
	if (!c->buckets) {
		free(c);
		return NULL;
	}
	c->running = vg_exe_count_new(capacity);
	if (!c->running) {
		free(c->buckets);
		free(c);
		return NULL;
	}
	c->grace_ns = grace_ns;
	if (!tick_ns) {
		long hz = sysconf(_SC_CLK_TCK);

		tick_ns = 1000000000ULL / (uint64_t)(hz > 0 ? hz : 100);
	}
	c->tick_ns = tick_ns;
	return c;
}

/* The running set counts @p's executable while @p lives. */
static void exe_untrack(struct vg_proc_cache *c, struct vg_proc *p)
{
	if (p->exe_counted)
		vg_exe_count_del(c->running, p->exe_hash);
	p->exe_counted = false;
}

static void exe_track(struct vg_proc_cache *c, struct vg_proc *p)
{
	exe_untrack(c, p);
	if (!p->exe || p->exit_ns)
		return;
	p->exe_hash = vg_exe_count_hash(p->exe, strlen(p->exe));
	p->exe_counted = vg_exe_count_add(c->running, p->exe_hash) == 0;
}

bool vg_proc_cache_exe_running(const struct vg_proc_cache *c, const char *path, size_t len)
{
	return len && vg_exe_count_get(c->running, vg_exe_count_hash(path, len)) > 0;
}

static void proc_free(struct vg_proc_cache *c, struct vg_proc *p)
{
	exe_untrack(c, p);
	if (c->containers)
		vg_container_put(c->containers, p->container);
	free(p->exe);
	free(p->args);
	free(p->exe_writer);
	free(p);
}

void vg_proc_cache_free(struct vg_proc_cache *c)
{
	struct vg_proc *p, *next;

	if (!c)
		return;
	for (p = c->lru_head; p; p = next) {
		next = p->lru_next;
		proc_free(c, p);
	}
	vg_exe_count_free(c->running);
	free(c->buckets);
	free(c);
}

static void lru_unlink(struct vg_proc_cache *c, struct vg_proc *p)
{
	if (p->lru_prev)
		p->lru_prev->lru_next = p->lru_next;
	else
		c->lru_head = p->lru_next;
	if (p->lru_next)
		p->lru_next->lru_prev = p->lru_prev;
	else
		c->lru_tail = p->lru_prev;
	p->lru_prev = p->lru_next = NULL;
}

static void lru_push_head(struct vg_proc_cache *c, struct vg_proc *p)
{
	p->lru_prev = NULL;
	p->lru_next = c->lru_head;
	if (c->lru_head)
		c->lru_head->lru_prev = p;
	c->lru_head = p;
	if (!c->lru_tail)
		c->lru_tail = p;
}

static struct vg_proc **bucket_of(struct vg_proc_cache *c, uint32_t tgid)
{
	return &c->buckets[hash_tgid(tgid) & (c->n_buckets - 1)];
}

static void hash_unlink(struct vg_proc_cache *c, struct vg_proc *p)
{
	struct vg_proc **pp = bucket_of(c, p->tgid);

	for (; *pp; pp = &(*pp)->hnext) {
		if (*pp == p) {
			*pp = p->hnext;
			p->hnext = NULL;
			return;
		}
	}
}

static void hash_link(struct vg_proc_cache *c, struct vg_proc *p)
{
	struct vg_proc **pp = bucket_of(c, p->tgid);

	p->hnext = *pp;
	*pp = p;
}

/*
 * Same process: same tgid and the exact start time, or, for an entry seeded
 * from /proc, a start time in the same clock tick. A seeded entry learns its
 * exact start from the first event that names it.
 */
static struct vg_proc *find_any(struct vg_proc_cache *c, uint32_t tgid, uint64_t start)
{
	struct vg_proc *p;

	for (p = *bucket_of(c, tgid); p; p = p->hnext) {
		if (p->tgid != tgid)
			continue;
		if (p->start_ns == start)
			return p;
		if (p->seed_tick_ns && p->seed_tick_ns == tick_floor(c, start)) {
			if (start != p->seed_tick_ns)
				p->start_ns = start;
			return p;
		}
	}
	return NULL;
}

static void remove_entry(struct vg_proc_cache *c, struct vg_proc *p)
{
	if (!p->exit_ns) {
		struct vg_proc *parent = find_any(c, p->ppid, p->parent_start_ns);

		if (parent && parent->live_children)
			parent->live_children--;
	}
	hash_unlink(c, p);
	lru_unlink(c, p);
	proc_free(c, p);
	c->st.entries--;
	c->link_gen++;
}

struct vg_proc *vg_proc_cache_lookup(struct vg_proc_cache *c, uint32_t tgid, uint64_t start_ns)
{
	struct vg_proc *p = find_any(c, tgid, start_ns);

	if (!p) {
		c->st.misses++;
		return NULL;
	}
	c->st.hits++;
	lru_unlink(c, p);
	lru_push_head(c, p);
	return p;
}

struct vg_proc *vg_proc_cache_newest(struct vg_proc_cache *c, uint32_t tgid)
{
	struct vg_proc *p, *best = NULL;

	for (p = *bucket_of(c, tgid); p; p = p->hnext)
		if (p->tgid == tgid && (!best || p->start_ns > best->start_ns))
			best = p;
	return best;
}

struct vg_proc *vg_proc_cache_put(struct vg_proc_cache *c, uint32_t tgid, uint64_t start_ns,
				  bool coarse)
{
	struct vg_proc *p;

	if (coarse)
		start_ns = tick_floor(c, start_ns);
	p = find_any(c, tgid, start_ns);
	if (p) {
		lru_unlink(c, p);
		lru_push_head(c, p);
		return p;
	}
	if (c->st.entries >= c->capacity && c->lru_tail) {
		remove_entry(c, c->lru_tail);
		c->st.evicted++;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->tgid = tgid;
	p->start_ns = start_ns;
	p->seed_tick_ns = coarse ? start_ns : 0;
	hash_link(c, p);
	lru_push_head(c, p);
	c->st.entries++;
	c->link_gen++;
	return p;
}

static char *dup_bytes(const char *s, size_t len)
{
	char *d = malloc(len + 1);

	if (d) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	return d;
}

void vg_proc_set_exe(struct vg_proc *p, const char *exe, size_t len)
{
	char *d = dup_bytes(exe, len);

	if (d) {
		free(p->exe);
		p->exe = d;
	}
}

void vg_proc_set_args(struct vg_proc *p, const char *args, size_t len, bool truncated)
{
	char *d = dup_bytes(args, len);

	if (d) {
		free(p->args);
		p->args = d;
		p->args_len = len;
		p->args_truncated = truncated;
	}
}

static void set_parent(struct vg_proc_cache *c, struct vg_proc *p, uint32_t ppid,
		       uint64_t parent_start)
{
	struct vg_proc *parent;

	if (p->ppid == ppid && p->parent_start_ns == parent_start)
		return;
	p->ppid = ppid;
	p->parent_start_ns = parent_start;
	c->link_gen++;
	parent = find_any(c, ppid, parent_start);
	if (parent && !p->exit_ns)
		parent->live_children++;
}

void vg_proc_cache_on_exec(struct vg_proc_cache *c, const struct vg_exec *e)
{
	const char *tail = (const char *)e + sizeof(*e);
	struct vg_proc *p = vg_proc_cache_put(c, e->hdr.tgid, e->hdr.start_time_ns, false);

	if (!p)
		return;
	set_parent(c, p, e->ppid, e->parent_start_time_ns);
	p->uid = e->uid;
	p->euid = e->euid;
	p->gid = e->gid;
	p->egid = e->egid;
	memcpy(p->comm, e->hdr.comm, sizeof(p->comm));
	p->comm[sizeof(p->comm) - 1] = '\0';
	vg_proc_set_exe(p, tail + e->exe.off, e->exe.len);
	exe_track(c, p);
	vg_proc_set_args(p, tail + e->argv.off, e->argv.len,
			 (e->flags & VG_EXEC_ARGV_TRUNC) != 0);
	p->seeded = false;
	free(p->exe_writer);	/* a new image: provenance.c tells its writer */
	p->exe_writer = NULL;
	if (c->containers) {
		/* Runtimes move a process into the container before it execs. */
		struct vg_container *k = vg_containers_of(c->containers, e->hdr.cgroup_id,
							  e->cgroup_set, tail + e->cgroup.off,
							  e->cgroup.len, e->hdr.tgid);

		vg_container_put(c->containers, p->container);
		p->container = k;
	}
}

void vg_proc_cache_set_containers(struct vg_proc_cache *c, struct vg_containers *k)
{
	c->containers = k;
}

void vg_proc_cache_on_fork(struct vg_proc_cache *c, const struct vg_fork *f)
{
	struct vg_proc *parent = vg_proc_cache_lookup(c, f->ppid, f->parent_start_time_ns);
	struct vg_proc *p = vg_proc_cache_put(c, f->hdr.tgid, f->hdr.start_time_ns, false);

	if (!p)
		return;
	/* put() may have evicted @parent: look it up again. */
	parent = find_any(c, f->ppid, f->parent_start_time_ns);
	set_parent(c, p, f->ppid, f->parent_start_time_ns);
	memcpy(p->comm, f->hdr.comm, sizeof(p->comm));
	p->comm[sizeof(p->comm) - 1] = '\0';
	/* Until it execs, a child runs its parent's image. */
	if (parent) {
		p->uid = parent->uid;
		p->euid = parent->euid;
		p->gid = parent->gid;
		p->egid = parent->egid;
		if (parent->exe && !p->exe) {
			vg_proc_set_exe(p, parent->exe, strlen(parent->exe));
			exe_track(c, p);
		}
		if (parent->args && !p->args)
			vg_proc_set_args(p, parent->args, parent->args_len, parent->args_truncated);
		if (!p->container)
			p->container = vg_container_get(parent->container);
	}
}

void vg_proc_cache_on_exit(struct vg_proc_cache *c, const struct vg_exit *x)
{
	struct vg_proc *p = find_any(c, x->hdr.tgid, x->hdr.start_time_ns);
	struct vg_proc *parent;

	if (!p || p->exit_ns)
		return;
	p->exit_ns = x->hdr.ts_boot_ns ? x->hdr.ts_boot_ns : 1;
	exe_untrack(c, p);
	parent = find_any(c, p->ppid, p->parent_start_ns);
	if (parent && parent->live_children)
		parent->live_children--;
}

size_t vg_proc_cache_ancestors(struct vg_proc_cache *c, const struct vg_proc *p,
			       const struct vg_proc **out, size_t max)
{
	size_t n = 0;

	while (p && n < max && p->ppid) {
		const struct vg_proc *parent = find_any(c, p->ppid, p->parent_start_ns);

		if (!parent || parent == p)
			break;
		out[n++] = parent;
		p = parent;
	}
	return n;
}

void vg_ancestry_init(struct vg_ancestry *a, struct vg_proc_cache *c, const struct vg_proc *p)
{
	a->cache = p ? c : NULL;
	a->proc = p;
	a->gen = c ? c->link_gen : 0;
	a->done = !a->cache;
	a->n = 0;
}

void vg_ancestry_fixed(struct vg_ancestry *a, const struct vg_proc *const *list, size_t n)
{
	vg_ancestry_init(a, NULL, NULL);
	a->n = list ? (n < VG_MAX_ANCESTORS ? n : VG_MAX_ANCESTORS) : 0;
	if (a->n)
		memcpy(a->list, list, a->n * sizeof(*list));
}

size_t vg_ancestry_get(struct vg_ancestry *a, const struct vg_proc *const **list)
{
	if (!a->done) {
		struct vg_proc_cache *c = a->cache;

		c->st.ancestry_walks++;
		if (c->link_gen != a->gen)
			c->st.ancestry_late++;
		a->n = vg_proc_cache_ancestors(c, a->proc, a->list, VG_MAX_ANCESTORS);
		a->done = true;
	}
	*list = a->list;
	return a->n;
}

size_t vg_proc_cache_sweep(struct vg_proc_cache *c, uint64_t now_ns)
{
	struct vg_proc *p, *prev;
	size_t n = 0;

	for (p = c->lru_tail; p; p = prev) {
		prev = p->lru_prev;
		if (!p->exit_ns || p->live_children || now_ns < p->exit_ns + c->grace_ns)
			continue;
		remove_entry(c, p);
		n++;
	}
	c->st.expired += n;
	return n;
}

void vg_proc_cache_get_stats(const struct vg_proc_cache *c, struct vg_proc_cache_stats *st)
{
	*st = c->st;
}

/* ---- seeding from /proc ---- */

static ssize_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, total = 0;

	if (fd < 0)
		return -errno;
	while ((size_t)total < size - 1) {
		n = read(fd, buf + total, size - 1 - total);
		if (n <= 0)
			break;
		total += n;
	}
	close(fd);
	buf[total] = '\0';
	return total;
}

struct seed {
	uint32_t tgid, ppid;
	uint64_t start;
};

static int seed_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct seed *)a)->tgid, y = ((const struct seed *)b)->tgid;

	return x < y ? -1 : x > y;
}

/* /proc/PID/stat: "pid (comm) state ppid ... starttime(22)". comm may hold ')' */
static int parse_stat(const char *buf, struct seed *s, char *comm, size_t comm_size)
{
	const char *open = strchr(buf, '(');
	const char *close = strrchr(buf, ')');
	unsigned long long start = 0;
	unsigned ppid = 0;
	size_t n;
	int field;
	const char *p;

	if (!open || !close || close < open)
		return -EINVAL;
	n = close - open - 1;
	if (n >= comm_size)
		n = comm_size - 1;
	memcpy(comm, open + 1, n);
	comm[n] = '\0';
	/* Field 3 (state) starts after ") ". */
	p = close + 2;
	for (field = 3; *p && field < 22; field++) {
		if (field == 4)
			ppid = strtoul(p, NULL, 10);
		p = strchr(p, ' ');
		if (!p)
			return -EINVAL;
		p++;
	}
	if (field != 22)
		return -EINVAL;
	start = strtoull(p, NULL, 10);
	s->ppid = ppid;
	s->start = start;
	return 0;
}

static void seed_ids(struct vg_proc *p, const char *status)
{
	const char *u = strstr(status, "\nUid:");
	const char *g = strstr(status, "\nGid:");

	if (u)
		sscanf(u + 5, "%u %u", &p->uid, &p->euid);
	if (g)
		sscanf(g + 5, "%u %u", &p->gid, &p->egid);
}

int vg_proc_cache_each(const struct vg_proc_cache *c, int (*fn)(void *arg, const struct vg_proc *p),
		       void *arg)
{
	const struct vg_proc *p;
	int err;

	/* Oldest first: a reader that evicts keeps the newest, as this cache did. */
	for (p = c->lru_tail; p; p = p->lru_prev) {
		err = fn(arg, p);
		if (err)
			return err;
	}
	return 0;
}

struct vg_proc *vg_proc_cache_restore(struct vg_proc_cache *c, const struct vg_proc *from)
{
	struct vg_proc *p = vg_proc_cache_put(c, from->tgid, from->start_ns, from->seed_tick_ns != 0);

	if (!p)
		return NULL;
	p->ppid = from->ppid;
	p->parent_start_ns = from->parent_start_ns;
	p->exit_ns = from->exit_ns;
	p->uid = from->uid;
	p->euid = from->euid;
	p->gid = from->gid;
	p->egid = from->egid;
	p->seeded = from->seeded;
	memcpy(p->comm, from->comm, sizeof(p->comm));
	p->comm[sizeof(p->comm) - 1] = '\0';
	if (from->exe)
		vg_proc_set_exe(p, from->exe, strlen(from->exe));
	if (from->args)
		vg_proc_set_args(p, from->args, from->args_len, from->args_truncated);
	if (p->exe && !p->exit_ns)
		exe_track(c, p);
	c->link_gen++;
	return p;
}

void vg_proc_cache_relink(struct vg_proc_cache *c)
{
	struct vg_proc *p, *parent;

	for (p = c->lru_head; p; p = p->lru_next)
		p->live_children = 0;
	for (p = c->lru_head; p; p = p->lru_next) {
		if (!p->ppid || p->exit_ns)
			continue;
		parent = find_any(c, p->ppid, p->parent_start_ns);
		if (parent)
			parent->live_children++;
	}
	c->link_gen++;
}

int vg_proc_cache_seed(struct vg_proc_cache *c, const char *procfs)
{
	static char buf[65536];
	DIR *d = opendir(procfs);
	struct seed *seeds = NULL, *by_tgid;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	int added = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char path[512], comm[VG_COMM_LEN];
		struct vg_proc *p;
		struct seed s;
		ssize_t len;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		s.tgid = strtoul(de->d_name, NULL, 10);
		snprintf(path, sizeof(path), "%s/%s/stat", procfs, de->d_name);
		if (read_file(path, buf, sizeof(buf)) <= 0 || parse_stat(buf, &s, comm, sizeof(comm)))
			continue;
		s.start *= c->tick_ns;
		p = vg_proc_cache_put(c, s.tgid, s.start, true);
		if (!p)
			continue;
		p->seeded = true;
		memcpy(p->comm, comm, sizeof(p->comm));
		snprintf(path, sizeof(path), "%s/%s/exe", procfs, de->d_name);
		len = readlink(path, buf, sizeof(buf) - 1);
		if (len > 0) {
			vg_proc_set_exe(p, buf, len);
			exe_track(c, p);
		}
		snprintf(path, sizeof(path), "%s/%s/cmdline", procfs, de->d_name);
		len = read_file(path, buf, sizeof(buf));
		if (len > 0) {
			if (buf[len - 1] == '\0')
				len--;
			vg_proc_set_args(p, buf, len, false);
		}
		snprintf(path, sizeof(path), "%s/%s/status", procfs, de->d_name);
		if (read_file(path, buf, sizeof(buf)) > 0)
			seed_ids(p, buf);
		if (c->containers && !p->container)
			p->container = vg_containers_of(c->containers, 0, 0, NULL, 0, s.tgid);
		if (n == cap) {
			struct seed *ns = realloc(seeds, (cap = cap ? cap * 2 : 256) * sizeof(*seeds));

			if (!ns)
				break;
			seeds = ns;
		}
		seeds[n++] = s;
		added++;
	}
	closedir(d);
	/*
	 * Second pass: parents' start times, now that every entry exists. A
	 * sorted copy finds each parent: a scan per process was quadratic,
	 * 400 million steps on a host of 20,000 processes.
	 */
	by_tgid = n ? malloc(n * sizeof(*by_tgid)) : NULL;
	if (by_tgid) {
		memcpy(by_tgid, seeds, n * sizeof(*by_tgid));
		qsort(by_tgid, n, sizeof(*by_tgid), seed_cmp);
	}
	for (i = 0; by_tgid && i < n; i++) {
		struct vg_proc *p = find_any(c, seeds[i].tgid, seeds[i].start);
		struct seed key = { 0 }, *found;
		struct vg_proc *parent;

		if (!p || !seeds[i].ppid)
			continue;
		key.tgid = seeds[i].ppid;
		found = bsearch(&key, by_tgid, n, sizeof(*by_tgid), seed_cmp);
		if (!found)
			continue;
		parent = find_any(c, found->tgid, found->start);
		if (parent) {
			p->ppid = seeds[i].ppid;
			p->parent_start_ns = parent->start_ns;
			parent->live_children++;
			c->link_gen++;
		}
	}
	free(by_tgid);
	free(seeds);
	c->st.seeded += added;
	return added;
}
