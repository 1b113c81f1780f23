/* SPDX-License-Identifier: GPL-2.0 */
/* Reading a whole file into memory, never more than a limit. */
#ifndef VIGIL_LIB_FILE_READ_H
#define VIGIL_LIB_FILE_READ_H

#include <stddef.h>

/*
 * Reads @path into a NUL-terminated buffer (*@out, to free) of *@len bytes.
 * 0, -EFBIG past @max bytes, or another negative errno.
 */
int vg_file_read(const char *path, size_t max, char **out, size_t *len);

#endif
