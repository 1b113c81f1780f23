/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A seccomp profile in the OCI / Docker JSON format: a default action, the
 * architectures it covers, and groups of syscall names with an action.
 * `vigil advise seccomp` builds one from a recording (and widens an old one
 * with --merge); `vigil sandbox` reads one and applies it.
 */
#ifndef VIGIL_SC_PROFILE_H
#define VIGIL_SC_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bpf/seccomp_record.h"

#define VG_SC_ACTION_BYTES 32
#define VG_SC_MAX_RULES 1024
#define VG_SC_MAX_NAMES 4096		/* per rule */
#define VG_SC_MAX_FILE_BYTES (4u << 20)

/* The comment of the group vigil adds: syscalls always needed, not recorded. */
#define VG_SC_ADDED_COMMENT \
	"added by vigil, not seen in the recording: always needed to exec the target, exit, or return from a signal handler"

/* A sorted set of names. */
struct vg_sc_names {
	char **v;
	size_t n, cap;
};

struct vg_sc_rule {
	struct vg_sc_names names;
	char action[VG_SC_ACTION_BYTES];	/* "SCMP_ACT_ALLOW", ... */
	int errno_ret;				/* -1: not given */
	bool added;				/* the VG_SC_ADDED_COMMENT group */
};

struct vg_sc_profile {
	char default_action[VG_SC_ACTION_BYTES];
	int default_errno;			/* -1: not given */
	struct vg_sc_names arches;		/* "SCMP_ARCH_X86_64", ... */
	struct vg_sc_rule *rules;
	size_t n_rules;
	struct vg_sc_names unknown;		/* recorded numbers libseccomp cannot name: "ARCH:NR" */
};

int vg_sc_names_add(struct vg_sc_names *s, const char *name);
bool vg_sc_names_has(const struct vg_sc_names *s, const char *name);
void vg_sc_names_free(struct vg_sc_names *s);

void vg_sc_profile_free(struct vg_sc_profile *p);

/*
 * Builds a profile allowing what the bitmaps hold (and, with @base, what
 * @base allows: --merge), plus the always-needed syscalls in their own
 * commented group. @default_action: "SCMP_ACT_ERRNO" or
 * "SCMP_ACT_KILL_PROCESS"; NULL keeps @base's (ERRNO without @base).
 * @base must allow and nothing else; -EINVAL (with @err) otherwise.
 */
int vg_sc_profile_build(struct vg_sc_profile *out, const struct vg_sc_bitmap seen[VG_SC_ABIS],
			const struct vg_sc_profile *base, const char *default_action,
			char *err, size_t err_len);

/* The syscalls a profile allows, every group together (for outputs and tests). */
int vg_sc_profile_allowed(const struct vg_sc_profile *p, struct vg_sc_names *out);

#endif
