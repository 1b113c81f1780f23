/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Process cache: what we know of every process, keyed by (tgid, start time)
 * because pids are reused. Seeded from /proc so processes older than the
 * agent have ancestry; bounded (LRU); an exited process stays for a grace
 * period (and while it has live children) so late events still resolve.
 *
 * /proc gives start times in clock ticks while the kernel gives ns: seeded
 * entries match any start time within their tick, and learn the exact
 * start the first time an event names them.
 */
#ifndef VIGIL_PROC_CACHE_H
#define VIGIL_PROC_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bpf/vigil_abi.h"
#include "event/container.h"

/* Who last wrote a file (provenance.c): kept with the process that runs it. */
struct vg_writer {
	uint32_t pid;
	uint64_t start_ns;		/* the writer's, to find it in the cache */
	uint64_t written_ns;		/* boot clock */
	bool had_network;		/* the writer (or its parent, or the source it copied) connected */
	bool copied;			/* a copy: had_network comes from the source named on its command line */
	char exe[];			/* the writer's executable, NUL-terminated */
};

struct vg_proc {
	uint32_t tgid;
	uint32_t ppid;
	uint64_t start_ns;		/* boot clock, ns */
	uint64_t parent_start_ns;
	uint32_t uid, euid, gid, egid;
	char comm[VG_COMM_LEN];
	char *exe;			/* executable path, never NULL once set */
	char *args;			/* NUL-separated argv */
	size_t args_len;
	bool args_truncated;
	uint64_t exit_ns;		/* 0 while alive */
	bool seeded;			/* learnt from /proc, not from an event */
	struct vg_container *container;	/* a reference; NULL: on the host (or unknown) */
	bool had_network;		/* a connection of it was seen (provenance.c) */
	struct vg_writer *exe_writer;	/* who wrote its executable, when known; owned */
	/* cache internals */
	uint64_t seed_tick_ns;		/* seeded: start floored to the /proc tick; else 0 */
	uint32_t live_children;
	uint64_t exe_hash;		/* counted in the running set under this hash */
	bool exe_counted;
	struct vg_proc *hnext, *lru_prev, *lru_next;
};

struct vg_proc_cache_stats {
	uint64_t entries, hits, misses, evicted, expired, seeded;
	uint64_t ancestry_walks;	/* ancestries looked up (vg_ancestry_get) */
	uint64_t ancestry_late;		/* ... after the cache's links had changed (a bug) */
};

struct vg_proc_cache;

/* @tick_ns: length of a /proc clock tick (1e9 / CLK_TCK); 0 picks it. */
struct vg_proc_cache *vg_proc_cache_new(size_t capacity, uint64_t grace_ns, uint64_t tick_ns);
void vg_proc_cache_free(struct vg_proc_cache *c);
/*
 * Resolve each process's container with @k from now on (before seeding);
 * @k must outlive the cache.
 */
void vg_proc_cache_set_containers(struct vg_proc_cache *c, struct vg_containers *k);

struct vg_proc *vg_proc_cache_lookup(struct vg_proc_cache *c, uint32_t tgid, uint64_t start_ns);
/* The latest process with @tgid (for a pid reported without its start time); NULL if none. */
struct vg_proc *vg_proc_cache_newest(struct vg_proc_cache *c, uint32_t tgid);

/* Updates the cache from a validated record of the process sensor. */
void vg_proc_cache_on_exec(struct vg_proc_cache *c, const struct vg_exec *e);
void vg_proc_cache_on_fork(struct vg_proc_cache *c, const struct vg_fork *f);
void vg_proc_cache_on_exit(struct vg_proc_cache *c, const struct vg_exit *x);

/* Adds (or refreshes) an entry; used by the /proc seeder and tests. */
struct vg_proc *vg_proc_cache_put(struct vg_proc_cache *c, uint32_t tgid, uint64_t start_ns,
				  bool coarse);
void vg_proc_set_exe(struct vg_proc *p, const char *exe, size_t len);
void vg_proc_set_args(struct vg_proc *p, const char *args, size_t len, bool truncated);

/*
 * Whether some live process runs the executable at @path (exact path as the
 * kernel resolved it at exec, or /proc/PID/exe for seeded processes).
 */
bool vg_proc_cache_exe_running(const struct vg_proc_cache *c, const char *path, size_t len);

/* Fills @out with @p's ancestors, parent first; returns how many. */
size_t vg_proc_cache_ancestors(struct vg_proc_cache *c, const struct vg_proc *p,
			       const struct vg_proc **out, size_t max);

#define VG_MAX_ANCESTORS 12

/*
 * A record's ancestry, walked the first time something asks for it (a rule
 * that reads a parent or ancestor field, an alert or event line that prints
 * it): most records need none. Exact as long as it is asked for before the
 * cache's links change: the worker takes a record, updates the cache, then
 * evaluates and prints it, and only the next record (or the idle sweep)
 * changes the cache again. The cache's link generation is kept to check it
 * (ancestry_late).
 */
struct vg_ancestry {
	struct vg_proc_cache *cache;	/* NULL: a fixed list (or none) */
	const struct vg_proc *proc;
	uint64_t gen;			/* the cache's link generation at init */
	bool done;
	size_t n;
	const struct vg_proc *list[VG_MAX_ANCESTORS];	/* parent first */
};

/* Walks nothing yet: @p's ancestors in @c, when first asked. @c or @p NULL: none. */
void vg_ancestry_init(struct vg_ancestry *a, struct vg_proc_cache *c, const struct vg_proc *p);
/* A known list (tests, replays): copies up to VG_MAX_ANCESTORS of @list. */
void vg_ancestry_fixed(struct vg_ancestry *a, const struct vg_proc *const *list, size_t n);
/* The ancestors, parent first (walked now if not yet); returns how many. */
size_t vg_ancestry_get(struct vg_ancestry *a, const struct vg_proc *const **list);

/* Drops exited entries older than the grace period; returns how many. */
size_t vg_proc_cache_sweep(struct vg_proc_cache *c, uint64_t now_ns);

/* Calls @fn for every entry, oldest first, until it returns non-zero (returned). */
int vg_proc_cache_each(const struct vg_proc_cache *c, int (*fn)(void *arg, const struct vg_proc *p),
		       void *arg);
/*
 * An entry as another cache held it (a capture's snapshot): its fields,
 * exe and args copied, parent links as given. Call vg_proc_cache_relink
 * once every such entry is in, so parents count their children.
 */
struct vg_proc *vg_proc_cache_restore(struct vg_proc_cache *c, const struct vg_proc *from);
void vg_proc_cache_relink(struct vg_proc_cache *c);

/* Seeds from a procfs mount (normally "/proc"); returns entries added or <0. */
int vg_proc_cache_seed(struct vg_proc_cache *c, const char *procfs);

void vg_proc_cache_get_stats(const struct vg_proc_cache *c, struct vg_proc_cache_stats *st);

#endif
