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

/*
 * The policy's exact paths and prefixes as watch entries after the @n
 * already in @w. A prefix not ending in '/' is a byte prefix for the
 * sensor: it gets a '*' (in a string kept in @owned).
 */
static size_t policy_paths(const struct vg_spec_values *path, struct vg_file_watch *w, size_t n,
			   char **owned, size_t *n_owned)
{
	size_t i;

	for (i = 0; i < path->n_exact; i++)
		w[n++] = (struct vg_file_watch){ path->exact[i], VG_FACC_ALL };
	for (i = 0; i < path->n_prefixes; i++) {
		const char *pre = path->prefixes[i];
		size_t len = strlen(pre);

		if (len && pre[len - 1] == '/') {
			w[n++] = (struct vg_file_watch){ pre, VG_FACC_ALL };
		} else if (asprintf(&owned[*n_owned], "%s*", pre) >= 0) {
			w[n++] = (struct vg_file_watch){ owned[*n_owned], VG_FACC_ALL };
			++*n_owned;
		}
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

	cap = vg_file_default_watch_len + 1 + path->n_exact + path->n_prefixes;
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
