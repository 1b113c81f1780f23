/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which file accesses a rule can match, as the file sensor's VG_FACC_*
 * classes: the watch set gives each path only the classes of the rules
 * that name it, so a rule on writes does not pull every read of its
 * directory out of the kernel.
 */
#ifndef VIGIL_POLICY_ACCESS_H
#define VIGIL_POLICY_ACCESS_H

#include <stdint.h>

struct vg_rule;

/* The VG_FACC_* classes (with VG_FACC_READ_LIB for reads of library names
 * only) of the file records rule @r can match: a superset, never less. */
uint32_t vg_rule_file_access(const struct vg_rule *r);

#endif
