// SPDX-License-Identifier: GPL-2.0
/*
 * The process sensor's share of a policy: its record types, the
 * executable trie every other sensor's filter reads (then each running
 * process's bits), and the exec kills decided in its exec hook.
 */
#include <errno.h>
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

int vg_process_apply_policy(struct vg_sensor *s, const struct vg_kernel_spec *spec,
			    struct vg_rule_set *decided)
{
	int err = vg_pf_apply_types(s, spec);

	/* Its records feed the cache: no filter of its own. Its hook reports its kills. */
	(void)decided;
	if (!err)
		err = vg_pf_exe_load(s, &spec->exe, spec->gen);
	if (!err)
		err = install_exec_kills(s, spec);
	return err;
}
