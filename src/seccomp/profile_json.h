/* SPDX-License-Identifier: GPL-2.0 */
/* A profile as OCI / Docker seccomp JSON, read and written. */
#ifndef VIGIL_SC_PROFILE_JSON_H
#define VIGIL_SC_PROFILE_JSON_H

#include "seccomp/profile.h"

/* The profile as indented JSON (malloc'd, no trailing newline), NULL on no memory. */
/*
 * Reads a profile file. Returns 0, or <0 with a one-line message in @err
 * ("FILE:LINE:COL: ..." for JSON syntax errors).
 */
int vg_sc_profile_read(const char *path, struct vg_sc_profile *p, char *err, size_t err_len);

char *vg_sc_profile_json(const struct vg_sc_profile *p);

#endif
