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

/* The access classes the rules naming value @i of @acc can match (all, without them). */
static __u32 access_of(const uint32_t *acc, size_t i)
{
	return acc ? acc[i] : VG_FACC_ALL;
}

/*
 * The policy's exact paths and prefixes as watch entries after the @n
 * already in @w, each watching only the accesses its rules can match. A
 * prefix not ending in '/' is a byte prefix for the sensor: it gets a '*'
 * (in a string kept in @owned).
 */
static size_t policy_paths(const struct vg_spec_values *path, struct vg_file_watch *w, size_t n,
			   char **owned, size_t *n_owned)
{
	size_t i;

	for (i = 0; i < path->n_exact; i++)
		w[n++] = (struct vg_file_watch){ path->exact[i], access_of(path->exact_access, i) };
	for (i = 0; i < path->n_prefixes; i++) {
		const char *pre = path->prefixes[i];
		__u32 acc = access_of(path->prefix_access, i);
		size_t len = strlen(pre);

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
	struct vg_file_cfg cfg;
	char **owned;
	int err;

	cap = vg_file_default_watch_len + 1 + path->n_exact + path->n_prefixes + fs->n_any_actor;
	w = calloc(cap, sizeof(*w));
	owned = calloc(cap, sizeof(*owned));
	if (!w || !owned) {
		free(w);
		free(owned);
		return -ENOMEM;
	}
	if (spec->every_event)
		for (i = 0; i < vg_file_default_watch_len; i++)
			w[n++] = vg_file_default_watch[i];
	if (fs->used && !path->on)
		w[n++] = everything;
	else if (fs->used)
		n = policy_paths(path, w, n, owned, &n_owned);
	if (fs->used)
		n = any_actor_paths(fs, w, n, owned, &n_owned);
	vg_file_cfg_init(&cfg);
	cfg.watch = n ? w : &everything;
	cfg.n_watch = n;
	if (fs->bind_mounts)
		cfg.bind_mask = VG_FILE_BIND_ACCESS;
	err = vg_file_watch_apply(s, &cfg);
	if (err && n) {
		vg_warn("the policy's file paths do not fit the kernel watch set: watching every path");
		cfg.watch = &everything;
		cfg.n_watch = 1;
		err = vg_file_watch_apply(s, &cfg);
	}
	for (i = 0; i < n_owned; i++)
		free(owned[i]);
	free(owned);
	free(w);
	return err;
}

int vg_file_apply_policy(struct vg_sensor *s, const struct vg_kernel_spec *spec,
			 struct vg_rule_set *decided)
{
	const struct vg_sensor_spec *fs = &spec->sensor[VG_SENSOR_FILE];
	const struct vg_spec_values *path = &fs->field[VG_SPEC_FILE_PATH];
	bool exact = fs->used && path->on;
	int err = apply_watch(s, spec);

	(void)decided;
	/* The exact paths are sensitive files: another name for one is the same file. */
	if (!err)
		err = vg_file_identity_apply(s, exact ? path->exact : NULL,
					     exact ? path->n_exact : 0);
	if (!err)
		err = vg_file_storm_apply(s, &spec->storm, spec->every_event);
	return err ? err : vg_pf_apply(s, VG_SENSOR_FILE, spec);
}
