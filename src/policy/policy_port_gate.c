// SPDX-License-Identifier: GPL-2.0
/*
 * The network sensor's distinct-port gate (policy_port_gate.h): threshold
 * rules that count distinct destination ports per process on connect
 * records ("20 ports in 5 s") need only the first connect of each process
 * to each port in each window, so the kernel keeps the window and sends
 * just those; the rule stops holding every connect on the host open.
 *
 * The kernel's window must be the threshold's (policy_threshold.c: fixed,
 * opened by the first record of a key, timed by the record's timestamp),
 * so a rule qualifies only when nothing but the process decides whether a
 * connect counts: its condition reads process fields only (the same for
 * every connect of one process), its key is the process and it reads
 * connect records alone. Anything else leaves it as any other rule.
 */
#include <string.h>
#include "policy/policy_model.h"
#include "policy/policy_port_gate.h"

/* Whether condition @n reads process fields only (depth bounded by the parser). */
static bool process_fields_only(const struct node *n)
{
	size_t i;

	if (n->kind == N_CMP)
		return !strncmp(n->field->name, "process.", 8) ||
		       !strncmp(n->field->name, "container.", 10);
	for (i = 0; i < n->n_kids; i++)
		if (!process_fields_only(n->kids[i]))
			return false;
	return true;
}

static bool gate_shaped(const struct vg_rule *r)
{
	return r->kinds == VG_KB(VG_K_CONNECT) && r->thd_count && r->thd_per_ns &&
	       r->thd_distinct && !strcmp(r->thd_distinct->name, "destination.port") &&
	       r->n_thd_keys == 1 && !strcmp(r->thd_keys[0]->name, "process.pid") &&
	       !r->seq_of && !r->n_steps && !r->silent && process_fields_only(r->cond);
}

uint64_t vg_port_gate_build(struct vg_policy *p)
{
	uint64_t window = 0;
	size_t i;

	for (i = 0; i < p->matchers.n; i++) {
		struct vg_rule *r = p->matchers.v[i];

		r->port_gate = false;
		/* One window in the kernel: a rule with another one stays open. */
		if (!gate_shaped(r) || (window && r->thd_per_ns != window))
			continue;
		window = r->thd_per_ns;
		r->port_gate = true;
	}
	return window;
}
