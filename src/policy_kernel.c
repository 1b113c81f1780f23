// SPDX-License-Identifier: GPL-2.0
/*
 * What of a compiled policy a sensor can enforce itself, in the hook:
 * exec kill rules whose whole condition is a test of the executable path
 * (=, in, startswith) become entries of the process sensor's exec_rules map.
 */
#include <string.h>
#include "policy_int.h"
#include "policy_kernel.h"

static const struct vg_field *exe_field(void)
{
	static const char name[] = "process.executable.path";

	return fields_lookup(name, sizeof(name) - 1);
}

struct set_walk {
	vg_exec_kill_cb cb;
	void *ctx;
	uint32_t rule_id;
	bool audit;
	int err;
};

int policy_exec_kill_rules(const struct vg_policy *p, vg_exec_kill_cb cb, void *ctx)
{
	const struct vg_field *exe = exe_field();
	size_t i, k;
	int err;

	for (i = 0; i < p->active.n; i++) {
		const struct vg_rule *r = p->active.v[i];
		const struct node *n = r->cond;
		uint32_t rule_id = r->index + 1;
		bool audit = r->mode == VG_MODE_AUDIT;

		if (r->action != VG_ACT_KILL || r->kinds != VG_KB(VG_K_EXEC) ||
		    n->kind != N_CMP || n->field != exe)
			continue;
		if (n->op == OP_STARTS) {
			for (k = 0; k < n->n_strs; k++) {
				err = cb(ctx, n->strs[k], n->lens[k], true, rule_id, audit);
				if (err)
					return err;
			}
		} else if (n->op == OP_EQ) {
			for (k = 0; k < n->set.cap; k++) {
				const struct strmap_slot *s = &n->set.slots[k];

				if (!s->key)
					continue;
				err = cb(ctx, s->key, s->len, false, rule_id, audit);
				if (err)
					return err;
			}
		}
	}
	return 0;
}

const char *policy_rule_name_by_id(const struct vg_policy *p, uint32_t rule_id)
{
	size_t i;

	for (i = 0; i < p->active.n; i++) {
		const struct vg_rule *r = p->active.v[i];

		if (r->index + 1 == rule_id)
			return r->name;
	}
	return NULL;
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
				err = cb(ctx, r->name, n->strs[k], n->lens[k], true, exec, r->index + 1,
					 r->mode == VG_MODE_AUDIT);
				if (err)
					return err;
			}
		} else if (n->op == OP_EQ) {
			for (k = 0; k < n->set.cap; k++) {
				const struct strmap_slot *s = &n->set.slots[k];

				if (!s->key)
					continue;
				err = cb(ctx, r->name, s->key, s->len, false, exec, r->index + 1,
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
	return r->index + 1;
}
