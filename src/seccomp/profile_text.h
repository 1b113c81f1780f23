/* SPDX-License-Identifier: GPL-2.0 */
/* A profile for people and for systemd: the summary by category, the unit lines. */
#ifndef VIGIL_SC_PROFILE_TEXT_H
#define VIGIL_SC_PROFILE_TEXT_H

#include <stdio.h>
#include "seccomp/profile.h"

/* SystemCallFilter=, SystemCallErrorNumber= (errno default) and SystemCallArchitectures=. */
void vg_sc_profile_print_systemd(FILE *f, const struct vg_sc_profile *p);
/* Allowed syscalls grouped by category, what vigil added and why, what has no name. */
void vg_sc_profile_print_summary(FILE *f, const struct vg_sc_profile *p);

#endif
