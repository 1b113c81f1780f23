/* SPDX-License-Identifier: GPL-2.0 */
/* vigil's version ("0.1.0"; the Makefile reads it from here) and, built from git, the commit. */
#ifndef VIGIL_VERSION_H
#define VIGIL_VERSION_H

#define VG_VERSION "0.1.0"

/* VG_VERSION and the commit ("0.1.0+g3b8829d"): build/gen/version.c, written by the Makefile. */
extern const char vg_version[];
/* The git commit the Makefile saw, or "unknown" (vigil_build_info, OTLP). */
const char *vg_build_commit(void);

#endif
