/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which file accesses a rule can match, as the file sensor's VG_FACC_*
 * classes: the watch set gives each path only the classes of the rules
 * that name it, so a rule on writes does not pull every read of its
 * directory out of the kernel.
 */
#ifndef VIGIL_POLICY_ACCESS_H
#define VIGIL_POLICY_ACCESS_H

#include <stddef.h>
#include <stdint.h>

struct vg_rule;

/* The VG_FACC_* classes (with VG_FACC_READ_LIB for reads of library names
 * only) of the file records rule @r can match: a superset, never less. */
uint32_t vg_rule_file_access(const struct vg_rule *r);
/*
 * vg_rule_file_access() for the records under watched path (or prefix)
 * @path of @len bytes: reads there narrowed to VG_FACC_READ_HIDDEN when
 * every file.path glob of @r that can match under it names a hidden file
 * (a literal "/." in the pattern, as in ~/.aws/credentials): the kernel
 * then sends only reads of paths holding "/.".
 */
uint32_t vg_rule_file_access_at(const struct vg_rule *r, const char *path, size_t len);

#endif
