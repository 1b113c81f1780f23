/* SPDX-License-Identifier: GPL-2.0 */
/* Applies a seccomp profile to the calling process with libseccomp. */
#ifndef VIGIL_SC_SANDBOX_H
#define VIGIL_SC_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include "seccomp/profile.h"

/*
 * Loads @p as this process's seccomp filter (no_new_privs is set). With
 * @log_only, what the default action would refuse is logged by the kernel
 * (SCMP_ACT_LOG) and allowed. Names libseccomp does not know are skipped
 * and counted in @skipped. Returns 0, or <0 with one line in @err.
 */
int vg_sc_sandbox_apply(const struct vg_sc_profile *p, bool log_only, size_t *skipped,
			char *err, size_t err_len);

#endif
