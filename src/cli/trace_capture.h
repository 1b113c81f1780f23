/* SPDX-License-Identifier: GPL-2.0 */
/* Capture files from the command line: `--capture FILE` and `vigil trace read FILE`. */
#ifndef VIGIL_CLI_TRACE_CAPTURE_H
#define VIGIL_CLI_TRACE_CAPTURE_H

#include <stdio.h>

/*
 * @path opened for a capture ("-": standard output): created 0600 (it
 * holds command lines and paths), truncated, never through a symlink.
 * NULL after a one-line error.
 */
FILE *vg_capture_create(const char *path);

#endif
