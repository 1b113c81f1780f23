// SPDX-License-Identifier: GPL-2.0
/* The file sensor's share of a policy: its watch set, record types and pre-filter. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/log.h"
#include "sensors/sensor_file.h"
#include "sensors/sensor_prefilter.h"
#include "sensors/storm_flush.h"

static const struct vg_file_watch everything = { "/", VG_FACC_ALL };
static const struct vg_file_watch nothing = { "/", 0 };	/* every entry shed */

/*
 * The watch set last applied, kept so that the overhead budget can shed
 * entries and give them back (vg_file_shed_entries): per entry, the tier
 * that may shed it (0: never). One file sensor per agent.
 */
static struct {
	struct vg_file_watch *w;
	uint8_t *tier;
	bool *exact;		/* an exact path of the policy's: watched by identity too */
	char **owned;		/* every path of w, ours */
	size_t n, n_owned;
	bool bind_mounts;
	int shed;		/* entries of this tier and below are left out */
} cur;

/* The access classes the rules naming value @i of @acc can match (all, without them). */
static __u32 access_of(const uint32_t *acc, size_t i)
{
	return acc ? acc[i] : VG_FACC_ALL;
}

static uint8_t tier_of(const uint8_t *tier, size_t i)
{
	return tier ? tier[i] : 0;
}

/*
 * The policy's exact paths and prefixes as watch entries after the @n
 * already in @w, each watching only the accesses its rules can match. A
 * prefix not ending in '/' is a byte prefix for the sensor: it gets a '*'
 * (in a string kept in @owned).
 */
static size_t policy_paths(const struct vg_spec_values *path, struct vg_file_watch *w,
			   uint8_t *tier, bool *exact, size_t n, char **owned, size_t *n_owned)
{
	size_t i;

	for (i = 0; i < path->n_exact; i++) {
		tier[n] = tier_of(path->exact_tier, i);
		exact[n] = true;
		w[n++] = (struct vg_file_watch){ path->exact[i], access_of(path->exact_access, i) };
	}
	for (i = 0; i < path->n_prefixes; i++) {
		const char *pre = path->prefixes[i];
		__u32 acc = access_of(path->prefix_access, i);
		size_t len = strlen(pre);

		tier[n] = tier_of(path->prefix_tier, i);
		if (len && pre[len - 1] == '/') {
			w[n++] = (struct vg_file_watch){ pre, acc };
		} else if (asprintf(&owned[*n_owned], "%s*", pre) >= 0) {
			w[n++] = (struct vg_file_watch){ owned[*n_owned], acc };
			++*n_owned;
		}
	}
	return n;
}

/* The paths watched for every process (the agent's own files), after the @n in @w. */
static size_t any_actor_paths(const struct vg_sensor_spec *fs, struct vg_file_watch *w, size_t n,
			      char **owned, size_t *n_owned)
{
	size_t i;

	for (i = 0; i < fs->n_any_actor; i++) {
		const struct vg_spec_watch *a = &fs->any_actor[i];
		__u32 acc = (a->access & VG_FACC_ALL) << VG_WATCH_ANY_ACTOR_SHIFT;
		size_t len = strlen(a->path);

		if (!a->prefix || (len && a->path[len - 1] == '/'))
			w[n++] = (struct vg_file_watch){ a->path, acc };
		else if (asprintf(&owned[*n_owned], "%s*", a->path) >= 0)
			w[n++] = (struct vg_file_watch){ owned[(*n_owned)++], acc };
	}
	return n;
}

static void cur_free(void)
{
	size_t i;

	for (i = 0; i < cur.n_owned; i++)
		free(cur.owned[i]);
	free(cur.owned);
	free(cur.w);
	free(cur.tier);
	free(cur.exact);
	cur.w = NULL;
	cur.tier = NULL;
	cur.exact = NULL;
	cur.owned = NULL;
	cur.n = cur.n_owned = 0;
}

/* The kept watch set into the kernel, less the entries shed now. */
static int apply_kept(struct vg_sensor *s)
{
	struct vg_file_watch *w = calloc(cur.n + 1, sizeof(*w));
	const char **ids = calloc(cur.n + 1, sizeof(*ids));
	struct vg_file_cfg cfg;
	size_t i, n = 0, n_ids = 0;
	int err;

	if (!w || !ids) {
		free(w);
		free(ids);
		return -ENOMEM;
	}
	for (i = 0; i < cur.n; i++) {
		if (cur.tier[i] && cur.tier[i] <= cur.shed)
			continue;
		w[n++] = cur.w[i];
		if (cur.exact[i])
			ids[n_ids++] = cur.w[i].prefix;
	}
	if (!n && cur.n)
		w[n++] = nothing;
	vg_file_cfg_init(&cfg);
	cfg.watch = n ? w : &everything;
	cfg.n_watch = n;
	if (cur.bind_mounts)
		cfg.bind_mask = VG_FILE_BIND_ACCESS;
	err = vg_file_watch_apply(s, &cfg);
	if (err && n) {
		vg_warn("the policy's file paths do not fit the kernel watch set: watching every path");
		cfg.watch = &everything;
		cfg.n_watch = 1;
		err = vg_file_watch_apply(s, &cfg);
	}
	/* The exact paths are sensitive files: another name for one is the same file. */
	if (!err)
		err = vg_file_identity_apply(s, ids, n_ids);
	free(w);
	free(ids);
	return err;
}

static bool own_path(char *const *owned, size_t n, const char *p)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (owned[i] == p)
			return true;
	return false;
}

/*
 * The watch set is what the policy's file rules can match: their exact
 * paths and prefixes, or everything when some file rule leaves the path
 * open. Opens outside it never leave the kernel.
 */
static int apply_watch(struct vg_sensor *s, const struct vg_kernel_spec *spec)
{
	const struct vg_sensor_spec *fs = &spec->sensor[VG_SENSOR_FILE];
	const struct vg_spec_values *path = &fs->field[VG_SPEC_FILE_PATH];
	size_t n = 0, n_owned = 0, cap, i;
	struct vg_file_watch *w;
	uint8_t *tier;
	bool *exact;
	char **owned;

	cap = vg_file_default_watch_len + 1 + path->n_exact + path->n_prefixes + fs->n_any_actor;
	w = calloc(cap, sizeof(*w));
	tier = calloc(cap, sizeof(*tier));
	exact = calloc(cap, sizeof(*exact));
	owned = calloc(2 * cap, sizeof(*owned));
	if (!w || !tier || !exact || !owned) {
		free(w);
		free(tier);
		free(exact);
		free(owned);
		return -ENOMEM;
	}
	if (spec->every_event)
		for (i = 0; i < vg_file_default_watch_len; i++)
			w[n++] = vg_file_default_watch[i];
	if (fs->used && !path->on)
		w[n++] = everything;
	else if (fs->used)
		n = policy_paths(path, w, tier, exact, n, owned, &n_owned);
	if (fs->used)
		n = any_actor_paths(fs, w, n, owned, &n_owned);
	/* Kept past this policy's life: every path ours. */
	for (i = 0; i < n; i++)
		if (!own_path(owned, n_owned, w[i].prefix) && (owned[n_owned] = strdup(w[i].prefix)))
			w[i].prefix = owned[n_owned++];
	cur_free();
	cur.w = w;
	cur.tier = tier;
	cur.exact = exact;
	cur.owned = owned;
	cur.n = n;
	cur.n_owned = n_owned;
	cur.bind_mounts = fs->bind_mounts;
	return apply_kept(s);
}

int vg_file_shed_entries(struct vg_sensor *s, int level, char *names, size_t size)
{
	int changed = level > cur.shed ? level : cur.shed, n = 0, err;
	size_t i, off = strlen(names);

	if (!cur.w || level == cur.shed)
		return 0;
	cur.shed = level;
	for (i = 0; i < cur.n; i++) {
		if (cur.tier[i] != changed)
			continue;
		n++;
		if (off < size)
			off += snprintf(names + off, size - off, "%sfile:%s", off ? "," : "",
					cur.w[i].prefix);
	}
	err = apply_kept(s);
	return err ? err : n;
}

int vg_file_apply_policy(struct vg_sensor *s, const struct vg_kernel_spec *spec,
			 struct vg_rule_set *decided)
{
	int err = apply_watch(s, spec);

	(void)decided;
	if (!err)
		err = vg_file_storm_apply(s, &spec->storm, spec->every_event);
	return err ? err : vg_pf_apply(s, VG_SENSOR_FILE, spec);
}
