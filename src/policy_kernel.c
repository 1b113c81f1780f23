// SPDX-License-Identifier: GPL-2.0
/*
 * Policy into sensor maps and kernel guards: the rules decided at the hook
 * (exec kills in the process sensor's exec_rules map) and the deny rules a
 * fanotify permission hook enforces where BPF LSM is refused.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "log.h"
#include "policy_int.h"
#include "policy_kernel.h"
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

static const struct vg_field *exe_field(void)
{
	static const char name[] = "process.executable.path";

	return fields_lookup(name, sizeof(name) - 1);
}

/*
 * Deny rules a fanotify permission hook can decide alone: event open with a
 * condition only on file.path, or event exec with one only on
 * process.executable.path (=, in, startswith).
 */
int policy_file_deny_rules(const struct vg_policy *p, vg_file_deny_cb cb, void *ctx)
{
	static const char fpath[] = "file.path";
	const struct vg_field *file_path = fields_lookup(fpath, sizeof(fpath) - 1);
	const struct vg_field *exe = exe_field();
	size_t i, k;
	int err;

	for (i = 0; i < p->active.n; i++) {
		const struct vg_rule *r = p->active.v[i];
		const struct node *n = r->cond;
		bool exec;

		if (r->action != VG_ACT_DENY || n->kind != N_CMP)
			continue;
		if (r->kinds == VG_KB(VG_K_OPEN) && n->field == file_path)
			exec = false;
		else if (r->kinds == VG_KB(VG_K_EXEC) && n->field == exe)
			exec = true;
		else
			continue;
		if (n->op == OP_STARTS) {
			for (k = 0; k < n->n_strs; k++) {
				err = cb(ctx, r->name, n->strs[k], n->lens[k], true, exec, r->index,
					 r->mode == VG_MODE_AUDIT);
				if (err)
					return err;
			}
		} else if (n->op == OP_EQ) {
			for (k = 0; k < n->set.cap; k++) {
				const struct strmap_slot *s = &n->set.slots[k];

				if (!s->key)
					continue;
				err = cb(ctx, r->name, s->key, s->len, false, exec, r->index,
					 r->mode == VG_MODE_AUDIT);
				if (err)
					return err;
			}
		}
	}
	return 0;
}

uint32_t policy_rule_id(const struct vg_rule *r)
{
	return r->index;
}
