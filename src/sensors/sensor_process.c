// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "lib/log.h"
#include "sensors/sensor_process.h"
#include "sensors/sensor_skel.h"
#include "sensor_process.skel.h"

static const char *const tp_btf_progs[] = { "tp_btf_exec", "tp_btf_fork", "tp_btf_exit", NULL };
static const char *const raw_tp_progs[] = { "raw_tp_exec", "raw_tp_fork", "raw_tp_exit", NULL };

static const struct vg_variant variants[] = {
	{ "tp_btf", tp_btf_progs },
	{ "raw_tracepoint", raw_tp_progs },
};

VG_SENSOR_SKEL(sensor_process_bpf);

static int configure(void *skel, const void *cfg)
{
	return vg_task_filter_configure(sensor_process_bpf_object(skel), cfg);
}

static int post_load(struct vg_sensor *s, const void *cfg)
{
	return vg_task_filter_post_load(s->obj, cfg);
}

const struct vg_sensor_desc vg_process_sensor = {
	.name = "process",
	/* Context for every other sensor's records: from the start. */
	.run_attach_at_load = true,
	VG_SENSOR_VARIANTS(variants),
	VG_SENSOR_SKEL_OPS(sensor_process_bpf),
	.configure = configure,
	.post_load = post_load,
	.apply_policy = vg_process_apply_policy,
};

int vg_process_put_exec_kill(struct vg_sensor *s, const char *path, bool prefix,
			     const struct vg_path_rule *rule, struct vg_path_rule_key *key_out)
{
	struct sensor_process_bpf *skel = s->skel;
	struct vg_path_rule_key key;
	size_t len = strlen(path);

	/* An exact path keeps its NUL so that it never matches a longer name. */
	if (len == 0 || path[0] != '/' || len + !prefix > VG_RULE_PATH_BYTES ||
	    rule->n_ids > VG_PATH_RULE_IDS) {
		vg_err("kill rule '%s': need an absolute path (or prefix ending in '*') under %d bytes",
		       path, VG_RULE_PATH_BYTES);
		return -EINVAL;
	}
	memset(&key, 0, sizeof(key));
	memcpy(key.data, path, len);
	key.prefixlen = (len + !prefix) * 8;
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.exec_rules), &key, rule, BPF_ANY) < 0) {
		int err = -errno;

		vg_err("kill rule '%s': %s", path, strerror(errno));
		return err;
	}
	if (key_out)
		*key_out = key;
	return 0;
}

int vg_process_add_exec_kill(struct vg_sensor *s, const char *path, __u32 rule_id, bool audit)
{
	struct vg_path_rule rule = { .rule_id = rule_id, .action = VG_KACT_KILL, .audit = audit };
	size_t len = strlen(path);
	bool prefix = len > 0 && path[len - 1] == '*';
	char buf[VG_RULE_PATH_BYTES + 1];

	if (len - prefix >= sizeof(buf)) {
		vg_err("kill rule '%s': need an absolute path (or prefix ending in '*') under %d bytes",
		       path, VG_RULE_PATH_BYTES);
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%.*s", (int)(len - prefix), path);
	return vg_process_put_exec_kill(s, buf, prefix, &rule, NULL);
}

int vg_process_prune_exec_kills(struct vg_sensor *s, const struct vg_path_rule_key *keep,
				size_t n_keep)
{
	struct sensor_process_bpf *skel = s->skel;
	int fd = bpf_map__fd(skel->maps.exec_rules);
	struct vg_path_rule_key key, *old = NULL, *grown;
	size_t n = 0, cap = 0, i, j;
	int err = 0;

	/* Collect first: deleting while walking the trie would restart the walk. */
	while (bpf_map_get_next_key(fd, n ? &old[n - 1] : NULL, &key) == 0) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			grown = realloc(old, cap * sizeof(*old));
			if (!grown) {
				free(old);
				return -ENOMEM;
			}
			old = grown;
		}
		old[n++] = key;
	}
	for (i = 0; i < n && !err; i++) {
		for (j = 0; j < n_keep && memcmp(&old[i], &keep[j], sizeof(key)); j++)
			;
		if (j == n_keep && bpf_map_delete_elem(fd, &old[i]) < 0 && errno != ENOENT)
			err = -errno;
	}
	free(old);
	return err;
}
