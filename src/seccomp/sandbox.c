// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <seccomp.h>
#include "seccomp/sandbox.h"
#include "seccomp/sc_names.h"

/* The libseccomp action for a profile's action name; false if unknown. */
static bool action_of(const char *name, int errno_ret, uint32_t *out)
{
	int e = errno_ret >= 0 ? errno_ret : EPERM;

	if (!strcmp(name, "SCMP_ACT_ALLOW"))
		*out = SCMP_ACT_ALLOW;
	else if (!strcmp(name, "SCMP_ACT_ERRNO"))
		*out = SCMP_ACT_ERRNO((uint16_t)e);
	else if (!strcmp(name, "SCMP_ACT_KILL_PROCESS"))
		*out = SCMP_ACT_KILL_PROCESS;
	else if (!strcmp(name, "SCMP_ACT_KILL") || !strcmp(name, "SCMP_ACT_KILL_THREAD"))
		*out = SCMP_ACT_KILL_THREAD;
	else if (!strcmp(name, "SCMP_ACT_TRAP"))
		*out = SCMP_ACT_TRAP;
	else if (!strcmp(name, "SCMP_ACT_LOG"))
		*out = SCMP_ACT_LOG;
	else
		return false;
	return true;
}

static int add_arches(scmp_filter_ctx ctx, const struct vg_sc_profile *p, char *err,
		      size_t err_len)
{
	size_t i;

	for (i = 0; i < p->arches.n; i++) {
		uint32_t a = vg_seccomp_arch_token(p->arches.v[i]);
		int rc;

		if (!a) {
			snprintf(err, err_len, "unknown architecture %s", p->arches.v[i]);
			return -EINVAL;
		}
		rc = seccomp_arch_add(ctx, a);
		if (rc && rc != -EEXIST) {
			snprintf(err, err_len, "architecture %s: %s", p->arches.v[i], strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static int add_rules(scmp_filter_ctx ctx, const struct vg_sc_profile *p, uint32_t def,
		     size_t *skipped, char *err, size_t err_len)
{
	size_t r, i;

	for (r = 0; r < p->n_rules; r++) {
		const struct vg_sc_rule *rule = &p->rules[r];
		uint32_t act;

		if (!action_of(rule->action, rule->errno_ret, &act)) {
			snprintf(err, err_len, "syscalls[%zu]: unknown action %s", r, rule->action);
			return -EINVAL;
		}
		if (act == def)	/* libseccomp refuses a rule that repeats the default */
			continue;
		for (i = 0; i < rule->names.n; i++) {
			int nr = seccomp_syscall_resolve_name(rule->names.v[i]), rc;

			if (nr == __NR_SCMP_ERROR) {
				(*skipped)++;
				continue;
			}
			rc = seccomp_rule_add(ctx, act, nr, 0);
			if (rc) {
				snprintf(err, err_len, "syscall %s: %s", rule->names.v[i], strerror(-rc));
				return rc;
			}
		}
	}
	return 0;
}

int vg_sc_sandbox_apply(const struct vg_sc_profile *p, bool log_only, size_t *skipped,
			char *err, size_t err_len)
{
	scmp_filter_ctx ctx;
	uint32_t def;
	int rc;

	*skipped = 0;
	if (!action_of(p->default_action, p->default_errno, &def)) {
		snprintf(err, err_len, "unknown defaultAction %s", p->default_action);
		return -EINVAL;
	}
	if (log_only)
		def = SCMP_ACT_LOG;
	ctx = seccomp_init(def);
	if (!ctx) {
		snprintf(err, err_len, "libseccomp: cannot create a filter");
		return -ENOMEM;
	}
	rc = add_arches(ctx, p, err, err_len);
	if (!rc)
		rc = add_rules(ctx, p, def, skipped, err, err_len);
	if (!rc) {
		rc = seccomp_load(ctx);
		if (rc)
			snprintf(err, err_len, "cannot load the filter: %s", strerror(-rc));
	}
	seccomp_release(ctx);
	return rc;
}
