/* SPDX-License-Identifier: GPL-2.0 */
/* Diagnostics: "file:line:col: error: ... (hint: ...)" lines, collected in the policy. */
#ifndef VIGIL_POLICY_DIAG_H
#define VIGIL_POLICY_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include "policy/policy_model.h"

/* Reports "file:line:col: error|warning: msg (hint: ...)"; @hint may be NULL. */
void vg_diag_at(struct vg_policy *p, bool error, struct pos pos, const char *hint,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Position of byte @off of the scalar's value in its source file. */
struct pos vg_scalar_pos(const struct src_scalar *s, size_t off);

#endif
