// SPDX-License-Identifier: GPL-2.0
/* The fanotify guard's share of a policy: the paths deny rules decide alone. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "sensors/fanotify_guard.h"

/* The guard's copy of one target (it outlives the policy that named it). */
static int fan_rule(struct vg_fan_rule *r, const struct vg_deny_target *t)
{
	memset(r, 0, sizeof(*r));
	r->path = strndup(t->path, t->len);
	r->rule_name = strdup(t->rule);
	if (!r->path || !r->rule_name) {
		free(r->path);
		free(r->rule_name);
		return -ENOMEM;
	}
	r->len = t->len;
	r->prefix = t->prefix;
	r->exec = t->exec;		/* reading or copying the binary stays allowed */
	r->audit = t->audit;
	r->writes_only = t->writes_only;
	r->rule_id = t->rule_id;
	return 0;
}

int vg_fan_guard_apply(struct vg_fan_guard *g, const struct vg_kernel_spec *spec,
		       struct vg_rule_set *decided)
{
	size_t i, n = spec->n_deny_targets;
	struct vg_fan_rule *v = calloc(n ? n : 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (fan_rule(&v[i], &spec->deny_targets[i])) {
			vg_fan_rules_free(v, i);
			return -ENOMEM;
		}
		/* Reported by the guard, in audit mode too. */
		vg_rule_set_add(decided, spec->deny_targets[i].rule_id);
	}
	return vg_fan_guard_set_rules(g, v, n);
}
