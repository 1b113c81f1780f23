/* SPDX-License-Identifier: GPL-2.0 */
/* vigil run's safe-change options (signed bundles, canary), as an argp child. */
#ifndef VIGIL_RUN_SAFE_CHANGE_H
#define VIGIL_RUN_SAFE_CHANGE_H

#include <argp.h>
#include "agent/agent_policy.h"

struct vg_run_safe_change {
	struct vg_agent_policy_opts policy;
	const char *keys_dir;
	char host_id[256];
	struct vg_trusted_keys keys;
};

/* Its options; the parser's input is a struct vg_run_safe_change (defaults set at init). */
extern const struct argp vg_run_safe_change_argp;
/* After parsing: loads the trusted keys. 0, or <0 after one error line. */
int vg_run_safe_change_ready(struct vg_run_safe_change *s);

#endif
