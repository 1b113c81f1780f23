/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Policy engine: YAML rules (with lists and macros) are parsed, type-checked
 * against the field registry, compiled into typed matcher trees indexed by
 * event kind and by each rule's most selective literal, and into per-sensor
 * kernel pre-filter contents. Docs: docs/policy.md.
 *
 * Use: vg_policy_new(), vg_policy_add_path() per file or directory, then
 * vg_policy_compile(). Diagnostics ("file:line:col: error: ... (hint: ...)")
 * are collected, never printed; the caller prints them. A policy is
 * evaluated by one thread at a time (throttle state is not locked).
 * This header is the whole public API: it includes the parts' headers.
 */
#ifndef VIGIL_POLICY_H
#define VIGIL_POLICY_H

#include <stddef.h>
#include <stdio.h>
#include "policy/policy_eval.h"
#include "policy/policy_explain.h"
#include "policy/policy_filter.h"
#include "policy/policy_kernel.h"
#include "policy/policy_replay.h"
#include "policy/policy_spec.h"
#include "policy/policy_types.h"

struct vg_policy *vg_policy_new(void);
void vg_policy_free(struct vg_policy *p);

/* Adds a YAML file, or every *.yaml / *.yml of a directory (sorted). Returns 0 or <0. */
int vg_policy_add_path(struct vg_policy *p, const char *path);
/*
 * From now on, vg_policy_add_path() refuses files and directories that
 * someone other than root could have written (lib/trusted_path.h): the
 * agent sets it, so an unprivileged user cannot switch its rules off.
 */
void vg_policy_require_root_owned(struct vg_policy *p);
/*
 * Rule @rule (by name, once added) watches its file paths for every
 * process: in the kernel its file.path values get entries of their own for
 * the @access accesses (VG_FACC_*) only, and the rule leaves the file
 * sensor's uid/cgroup/executable pre-filter as the other rules set it, so
 * one rule on every actor does not open that filter for all. The rule must
 * need no more than @access and must constrain file.path at top level
 * (= or startswith); otherwise it is compiled like any rule. 0 or -E2BIG.
 */
int vg_policy_watch_any_actor(struct vg_policy *p, const char *rule, uint32_t access);
/*
 * Deny rule @rule (by name) denies opens for writing only, and never the
 * agent's own (its guard tells them apart): the agent's --protect.
 * 0, -E2BIG or -ENOMEM.
 */
int vg_policy_deny_writes_only(struct vg_policy *p, const char *rule);
/* Whether a directory entry named @name is a policy file (*.yaml, *.yml, not hidden). */
bool vg_policy_file_name(const char *name);
/* Adds YAML text; @name is used in diagnostics. */
int vg_policy_add_string(struct vg_policy *p, const char *name, const char *text);
/* The same for @len bytes that may hold NULs (reported, with their position). */
int vg_policy_add_buffer(struct vg_policy *p, const char *name, const char *text, size_t len);


/* Type-checks and compiles everything added. 0, or -EINVAL if any error was reported. */
int vg_policy_compile(struct vg_policy *p);

/* The merged policy as YAML, with where each definition and change came from (policy_show.c). */
void vg_policy_show(const struct vg_policy *p, FILE *out);

const struct vg_diag *vg_policy_diags(const struct vg_policy *p, size_t *n);
size_t vg_policy_n_errors(const struct vg_policy *p);
size_t vg_policy_n_rules(const struct vg_policy *p);	/* enabled, compiled rules */
/*
 * The files (and built-in texts) it was loaded from, in order, as read (the
 * bytes compiled): name (NULL past the last), text, length.
 */
size_t vg_policy_n_sources(const struct vg_policy *p);
const char *vg_policy_source(const struct vg_policy *p, size_t i, const char **text, size_t *len);

#endif
