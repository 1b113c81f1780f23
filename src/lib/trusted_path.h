/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whether a file the agent trusts (policy, and later keys and config) could
 * have been written by someone other than root: like sshd's StrictModes.
 */
#ifndef VIGIL_LIB_TRUSTED_PATH_H
#define VIGIL_LIB_TRUSTED_PATH_H

#include <stddef.h>

/*
 * 0 if @path, after resolving symlinks, and every directory above it are
 * owned by root and not writable by group or others (a directory that is
 * may still hold it when it is root-owned and sticky, like /tmp). Else a
 * negative errno (-EPERM for a failed check) and one line in @why saying
 * which path and what is wrong.
 */
int vg_trusted_path(const char *path, char *why, size_t size);

#endif
