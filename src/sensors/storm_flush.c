// SPDX-License-Identifier: GPL-2.0
/*
 * Storm aggregation, user-space side of the sensors: the file sensor's
 * never-trie, each sensor's run-time knobs (maps, written after load), and
 * the flush program's loader and runner (one per sensor).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bpf/storm.h"
#include "lib/log.h"
#include "sensors/sensor_file.h"
#include "sensors/storm_flush.h"
#include "storm_flush.skel.h"

struct vg_storm_flush {
	struct storm_flush_bpf *skel;
	int prog_fd;		/* the file sensor's open keys; -1: another sensor */
	int recs_fd;		/* record keys */
};

static int map_fd(const struct vg_sensor *s, const char *name)
{
	struct bpf_map *m = s->obj ? bpf_object__find_map_by_name(s->obj, name) : NULL;

	return m ? bpf_map__fd(m) : -ENOENT;
}

static int set_cfg(const struct vg_sensor *s, const struct vg_storm_cfg *cfg)
{
	__u32 zero = 0;
	int fd = map_fd(s, "storm_cfg");

	if (fd < 0)
		return fd;
	return bpf_map_update_elem(fd, &zero, cfg, BPF_ANY) < 0 ? -errno : 0;
}

/* Keys of @fd not among the @n in @keep go. */
static void never_prune(int fd, const struct vg_watch_key *keep, size_t n)
{
	struct vg_watch_key cur, next;
	void *prev = NULL;
	size_t i;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		for (i = 0; i < n; i++)
			if (keep[i].prefixlen == next.prefixlen &&
			    !memcmp(keep[i].data, next.data, next.prefixlen / 8))
				break;
		if (i == n) {
			bpf_map_delete_elem(fd, &next);
			prev = NULL;	/* deleting invalidates the walk */
			continue;
		}
		cur = next;
		prev = &cur;
	}
}

/* Whether never-trie entry @a (watch-prefix syntax) covers entry @b. */
static bool never_covers(const char *a, const char *b)
{
	size_t len = strlen(a);

	if (!strcmp(a, b))
		return true;
	if (len && a[len - 1] == '*')
		len--;
	else if (!len || a[len - 1] != '/')
		return false;	/* an exact path covers only itself */
	return !strncmp(a, b, len);
}

/*
 * The never-trie from @st, each key's value the bits of every entry that
 * covers it (the longest match alone answers); false when a prefix does
 * not fit (then nothing may be held). *@what: the bits of all entries.
 */
static bool never_fill(int fd, const struct vg_storm_spec *st, __u32 *what)
{
	struct vg_watch_key *keys = calloc(st->n_never + 1, sizeof(*keys));
	bool home, ok = keys != NULL;
	size_t i, j;

	*what = 0;
	for (i = 0; ok && i < st->n_never; i++) {
		__u32 v = 0;

		for (j = 0; j < st->n_never; j++)
			if (never_covers(st->never[j], st->never[i]))
				v |= st->never_for[j];
		*what |= v;
		ok = vg_file_watch_key(st->never[i], &keys[i], &home) == 0 && !home &&
		     bpf_map_update_elem(fd, &keys[i], &v, BPF_ANY) == 0;
	}
	if (ok)
		never_prune(fd, keys, st->n_never);
	free(keys);
	return ok;
}

/* The record keys' knobs; @on false: nothing held. @never: file records check storm_never. */
static int rec_apply(struct vg_sensor *s, const struct vg_storm_spec *st, bool on, bool never)
{
	struct vg_storm_rcfg cfg = { 0 };
	__u32 zero = 0;
	int fd = map_fd(s, "storm_rcfg");

	if (fd < 0)
		return fd;
	if (on && st->burst) {
		cfg.burst = st->burst;
		cfg.window_ns = st->window_ns;
		cfg.never = never;
		memcpy(cfg.types, st->types, sizeof(cfg.types));
	}
	return bpf_map_update_elem(fd, &zero, &cfg, BPF_ANY) < 0 ? -errno : 0;
}

int vg_storm_rec_apply(struct vg_sensor *s, const struct vg_storm_spec *st, bool every_event)
{
	return rec_apply(s, st, !every_event, false);
}

/*
 * The file sensor's storms: the never-trie (paths where rules need every
 * record) serves both its open keys and its record keys (other file
 * events), so both are off while it changes.
 */
int vg_file_storm_apply(struct vg_sensor *s, const struct vg_storm_spec *st, bool every_event)
{
	struct vg_storm_cfg cfg = { 0 };
	int fd = map_fd(s, "storm_never"), err;
	__u32 what;

	if (fd < 0)
		return fd;
	/* Off while the trie changes: a record held under the old rules is only counted late. */
	err = set_cfg(s, &cfg);
	if (!err)
		err = rec_apply(s, st, false, false);
	if (err || every_event || !st->burst)
		return err;
	if (!never_fill(fd, st, &what)) {
		vg_warn("storm aggregation: a rule's path does not fit the kernel's table: off");
		return 0;
	}
	err = rec_apply(s, st, true, what & VG_STORM_NEVER_REC);
	if (err || !st->on)
		return err;
	cfg.burst = st->burst;
	cfg.window_ns = st->window_ns;
	cfg.by_inode = !(what & VG_STORM_NEVER_OPEN);
	return set_cfg(s, &cfg);
}

static int reuse(struct bpf_map *m, const struct vg_sensor *file, const char *name)
{
	int fd = map_fd(file, name);

	return fd < 0 ? fd : bpf_map__reuse_fd(m, fd);
}

/* A storm map sensor @s lacks: a small stand-in (its program is not run). */
static int reuse_or_shrink(struct bpf_map *m, const struct vg_sensor *s, const char *name)
{
	int cpus = libbpf_num_possible_cpus();

	if (map_fd(s, name) >= 0)
		return reuse(m, s, name);
	return bpf_map__set_max_entries(m, cpus > 0 ? (__u32)cpus : 64);
}

struct vg_storm_flush *vg_storm_flush_open(const struct vg_sensor *s)
{
	struct vg_storm_flush *f = calloc(1, sizeof(*f));
	int err = -ENOMEM;

	if (!f)
		goto fail;
	f->skel = storm_flush_bpf__open();
	if (!f->skel)
		goto fail;
	err = reuse(f->skel->maps.events, s, "events");
	if (!err)
		err = reuse(f->skel->maps.vg_counters, s, "vg_counters");
	if (!err)
		err = reuse(f->skel->maps.storm_recs, s, "storm_recs");
	if (!err)
		err = reuse_or_shrink(f->skel->maps.storm_keys, s, "storm_keys");
	if (!err)
		err = storm_flush_bpf__load(f->skel);
	if (err)
		goto fail;
	f->prog_fd = map_fd(s, "storm_keys") < 0 ? -1 : bpf_program__fd(f->skel->progs.storm_flush);
	f->recs_fd = bpf_program__fd(f->skel->progs.storm_flush_recs);
	return f;
fail:
	vg_warn("storm aggregation: cannot load the flush program for sensor %s (%s): "
		"aggregation off", s->desc->name, strerror(-err));
	vg_storm_flush_close(f);
	return NULL;
}

static int run_prog(int fd)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	if (fd < 0)
		return 0;
	if (bpf_prog_test_run_opts(fd, &opts) < 0)
		return -errno;
	return (int)opts.retval;
}

int vg_storm_flush_run(struct vg_storm_flush *f)
{
	int a, b;

	if (!f)
		return 0;
	a = run_prog(f->prog_fd);
	b = run_prog(f->recs_fd);
	return a < 0 ? a : b < 0 ? b : a + b;
}

void vg_storm_flush_close(struct vg_storm_flush *f)
{
	if (!f)
		return;
	storm_flush_bpf__destroy(f->skel);
	free(f);
}
