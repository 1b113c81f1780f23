/* SPDX-License-Identifier: GPL-2.0 */
/* A bundle's files in memory, read from its directory or its tar (bounded). */
#ifndef VIGIL_POLICY_BUNDLE_FILES_H
#define VIGIL_POLICY_BUNDLE_FILES_H

#include <stdbool.h>
#include <stddef.h>

#define VG_BUNDLE_MANIFEST "manifest.json"
#define VG_BUNDLE_SIG "manifest.sig"
#define VG_BUNDLE_MAX_FILES 1024
#define VG_BUNDLE_MAX_BYTES (64u << 20)

struct vg_bundle_file {
	char name[256];			/* base name, never a path */
	char *data;			/* NUL-terminated */
	size_t len;
};

struct vg_bundle_files {
	struct vg_bundle_file f[VG_BUNDLE_MAX_FILES];
	size_t n;
	size_t bytes;
};

/* Whether @name may be in a bundle: a plain base name, not hidden. */
bool vg_bundle_name_ok(const char *name);
/*
 * Reads the manifest, signature and policy files of directory @dir, each
 * root-owned (lib/trusted_path.h) when @root_owned. 0 or <0, @why.
 */
int vg_bundle_files_dir(struct vg_bundle_files *b, const char *dir, bool root_owned, char *why,
			size_t size);
/* Reads the regular files of tar @path (one directory level allowed). 0 or <0, @why. */
int vg_bundle_files_tar(struct vg_bundle_files *b, const char *path, char *why, size_t size);
const struct vg_bundle_file *vg_bundle_files_get(const struct vg_bundle_files *b,
						 const char *name);
void vg_bundle_files_free(struct vg_bundle_files *b);

#endif
