// SPDX-License-Identifier: GPL-2.0
/* Policy into sensor maps: the rules the kernel decides on its own. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "log.h"
#include "policy_int.h"
#include "sensor_process.h"

int policy_install_exec_kills(const struct vg_policy *p, struct vg_sensor *process_sensor)
{
	const struct vg_prefilter *pf = policy_prefilter(p);
	char path[VG_RULE_PATH_BYTES + 2];
	size_t i, j;
	int err;

	if (!pf)
		return -EINVAL;
	for (i = 0; i < pf->n_kernel_rules; i++) {
		const struct vg_kernel_rule *k = &pf->kernel_rules[i];

		for (j = 0; j < k->n_exact; j++) {
			err = vg_process_add_exec_kill(process_sensor, k->exact[j], k->rule_index,
						       k->audit);
			if (err)
				return err;
		}
		for (j = 0; j < k->n_prefixes; j++) {
			/* The sensor reads a trailing '*' as "prefix". */
			snprintf(path, sizeof(path), "%s*", k->prefixes[j]);
			err = vg_process_add_exec_kill(process_sensor, path, k->rule_index, k->audit);
			if (err)
				return err;
		}
		vg_debug("policy: rule '%s' kills in the exec hook%s", k->rule,
			 k->audit ? " (audit)" : "");
	}
	return 0;
}
