/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How many live processes run each executable, by a 64-bit hash of its
 * path: the process cache keeps it so an unlink or rename can tell in O(1)
 * whether it removes the file some process is running. One node per
 * distinct executable, so it is bounded by the cache's own capacity.
 */
#ifndef VIGIL_EXE_COUNT_H
#define VIGIL_EXE_COUNT_H

#include <stddef.h>
#include <stdint.h>

struct vg_exe_count;

struct vg_exe_count *vg_exe_count_new(size_t expected);
void vg_exe_count_free(struct vg_exe_count *s);
uint64_t vg_exe_count_hash(const char *path, size_t len);
/* Returns 0, or -ENOMEM (the executable is then not counted). */
int vg_exe_count_add(struct vg_exe_count *s, uint64_t h);
void vg_exe_count_del(struct vg_exe_count *s, uint64_t h);
uint32_t vg_exe_count_get(const struct vg_exe_count *s, uint64_t h);
/* Distinct executables counted (for tests and metrics). */
size_t vg_exe_count_size(const struct vg_exe_count *s);

#endif
