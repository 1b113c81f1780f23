// SPDX-License-Identifier: GPL-2.0
/*
 * How full a candidate policy would make the kernel's policy maps: its
 * kernel share counted against each map's max_entries, before anything is
 * loaded. The fullest map is what the map_fill gate judges.
 */
#include <string.h>
#include "agent/canary.h"
#include "bpf/file_watch.h"
#include "policy/policy_spec.h"

/* Like the exec_rules map of the process sensor (sensor_process.bpf.c). */
#define EXEC_RULE_ENTRIES 4096

struct map_use {
	const char *name;
	size_t used, max;
};

static void fullest(const struct map_use *m, size_t n, struct vg_canary_fill *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t permille = m[i].max ? m[i].used * 1000 / m[i].max : 0;

		if (permille >= out->permille) {
			out->permille = permille;
			out->map = m[i].name;
		}
	}
}

int vg_canary_fill(const struct vg_policy *p, bool every_event, struct vg_canary_fill *out)
{
	const struct vg_sensor_spec *fs;
	const struct vg_spec_values *path;
	struct vg_kernel_spec spec;
	size_t pf_max = 0;
	int s, err;

	memset(out, 0, sizeof(*out));
	out->map = "none";
	err = vg_policy_kernel_spec(p, every_event, &spec);
	if (err)
		return err;
	fs = &spec.sensor[VG_SENSOR_FILE];
	path = &fs->field[VG_SPEC_FILE_PATH];
	for (s = 0; s < VG_SENSOR_MAX; s++) {
		const struct vg_spec_values *u = &spec.sensor[s].field[VG_SPEC_UID];
		const struct vg_spec_values *c = &spec.sensor[s].field[VG_SPEC_CGROUP];

		if (u->on && u->n_nums > pf_max)
			pf_max = u->n_nums;
		if (c->on && c->n_nums > pf_max)
			pf_max = c->n_nums;
	}
	{
		const struct map_use m[] = {
			{ "watch_trie", (path->on ? path->n_exact + path->n_prefixes : 1) +
					fs->n_any_actor, VG_WATCH_MAX_ENTRIES },
			{ "inode_watch", path->on ? path->n_exact : 0, VG_INODE_WATCH_MAX },
			{ "exec_rules", spec.n_exec_kills, EXEC_RULE_ENTRIES },
			{ "vg_exe_filter", spec.exe.n, VG_EXE_FILTER_ENTRIES },
			{ "vg_pf_uids_cgroups", pf_max, VG_PF_MAX_VALUES },
		};

		fullest(m, sizeof(m) / sizeof(m[0]), out);
	}
	vg_kernel_spec_free(&spec);
	return 0;
}
