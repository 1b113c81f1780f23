/* SPDX-License-Identifier: GPL-2.0 */
/* vigil's version and the commit it was built from (vigil_build_info, OTLP service.version). */
#ifndef VIGIL_VERSION_H
#define VIGIL_VERSION_H

#define VG_VERSION "0.1.0"

/* The git commit the Makefile saw, or "unknown". */
const char *vg_build_commit(void);

#endif
