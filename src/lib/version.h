/* SPDX-License-Identifier: GPL-2.0 */
/* vigil's version: the package version and, built from git, the commit ("0.1.0+g3b8829d"). */
#ifndef VIGIL_VERSION_H
#define VIGIL_VERSION_H

extern const char vg_version[];	/* build/gen/version.c, written by the Makefile */

#endif
