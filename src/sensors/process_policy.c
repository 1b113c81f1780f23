// SPDX-License-Identifier: GPL-2.0
/*
 * The process sensor's share of a policy: its record types, the
 * executable trie every other sensor's filter reads (then each running
 * process's bits), and the exec kills decided in its exec hook.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/log.h"
#include "sensors/sensor_prefilter.h"
#include "sensors/sensor_process.h"

static int install_exec_kills(struct vg_sensor *s, const struct vg_kernel_spec *spec)
{
	const struct vg_exec_kill *v = spec->exec_kills;
	size_t i, n = spec->n_exec_kills;
	struct vg_path_rule_key *keys = calloc(n ? n : 1, sizeof(*keys));
	int err = 0;

	if (!keys)
		return -ENOMEM;
	for (i = 0; !err && i < n; i++) {
		struct vg_path_rule rule = {
			.rule_id = v[i].rule_index, .action = VG_KACT_KILL, .audit = v[i].audit,
			.id_kind = v[i].id_kind, .n_ids = v[i].n_ids,
			.has_fallback = v[i].has_fallback,
			.fallback_rule_id = v[i].fallback_rule, .fallback_audit = v[i].fallback_audit,
		};

		memcpy(rule.ids, v[i].ids, sizeof(rule.ids));
		err = vg_process_put_exec_kill(s, v[i].path, v[i].prefix, &rule, &keys[i]);
		vg_debug("policy: exec of %s%s is killed in the hook for rule %u%s%s", v[i].path,
			 v[i].prefix ? "*" : "", v[i].rule_index, v[i].audit ? " (audit)" : "",
			 v[i].id_kind == VG_IDS_EUID ? " (some uids)" :
			 v[i].id_kind == VG_IDS_CGROUP ? " (some cgroups)" : "");
	}
	/* Only now drop what the previous policy had and this one does not. */
	if (!err)
		err = vg_process_prune_exec_kills(s, keys, n);
	free(keys);
	return err;
}

/*
 * The executable filter last applied, kept so that the overhead budget can
 * shed its values and give them back (vg_process_shed_entries): each entry
 * knows its bits at each shed level. Its paths are ours (the policy's die
 * with it). One process sensor per agent.
 */
static struct {
	struct vg_exe_filter f;
	uint32_t gen;
	int shed;
} cur;

static void cur_free(void)
{
	size_t i;

	for (i = 0; i < cur.f.n; i++)
		free((char *)cur.f.v[i].path);
	free(cur.f.v);
	memset(&cur.f, 0, sizeof(cur.f));
}

static int keep_exe(const struct vg_exe_filter *f, uint32_t gen)
{
	size_t i;

	cur_free();
	cur.gen = gen;
	cur.f.sensors = f->sensors;
	cur.f.v = calloc(f->n + 1, sizeof(*cur.f.v));
	if (!cur.f.v)
		return -ENOMEM;
	for (i = 0; i < f->n; i++) {
		cur.f.v[i] = f->v[i];
		cur.f.v[i].path = strdup(f->v[i].path);
		if (!cur.f.v[i].path) {
			cur.f.n = i;
			return -ENOMEM;
		}
	}
	cur.f.n = f->n;
	return 0;
}

/* The bits of entry @e at shed level @level. */
static uint32_t bits_at(const struct vg_exe_filter_entry *e, int level)
{
	return level <= 0 ? e->bits : e->shed_bits[(level > 2 ? 2 : level) - 1];
}

/* The kept filter into the kernel with each entry's bits at the level shed now. */
static int apply_kept(struct vg_sensor *s)
{
	struct vg_exe_filter f = cur.f;
	size_t i;
	int err;

	f.v = calloc(cur.f.n + 1, sizeof(*f.v));
	if (!f.v)
		return -ENOMEM;
	for (i = 0; i < f.n; i++) {
		f.v[i] = cur.f.v[i];
		f.v[i].bits = bits_at(&cur.f.v[i], cur.shed);
	}
	err = vg_pf_exe_load(s, &f, cur.gen);
	free(f.v);
	return err;
}

int vg_process_shed_entries(struct vg_sensor *s, int level, char *names, size_t size)
{
	int prev = cur.shed, n = 0, err;
	size_t i, off = strlen(names);

	if (!cur.f.sensors || level == cur.shed)
		return 0;
	cur.shed = level;
	for (i = 0; i < cur.f.n; i++) {
		const struct vg_exe_filter_entry *e = &cur.f.v[i];

		if (bits_at(e, prev) == bits_at(e, level))
			continue;
		n++;
		if (off < size)
			off += snprintf(names + off, size - off, "%sexe:%s%s", off ? "," : "",
					e->path, e->prefix ? "*" : "");
	}
	err = apply_kept(s);
	return err ? err : n;
}

int vg_process_apply_policy(struct vg_sensor *s, const struct vg_kernel_spec *spec,
			    struct vg_rule_set *decided)
{
	int err = vg_pf_apply_types(s, spec);

	/* Its records feed the cache: no filter of its own. Its hook reports its kills. */
	(void)decided;
	if (!err)
		err = keep_exe(&spec->exe, spec->gen);
	if (!err)
		err = apply_kept(s);
	if (!err)
		err = install_exec_kills(s, spec);
	return err;
}
