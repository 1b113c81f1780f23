// SPDX-License-Identifier: GPL-2.0
/* A bundle's files into memory: from a directory, or from a ustar archive. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/file_read.h"
#include "lib/trusted_path.h"
#include "policy/bundle_files.h"
#include "policy/policy.h"

#define TAR_BLOCK 512

bool vg_bundle_name_ok(const char *name)
{
	size_t len = strlen(name);

	return len && len < 256 && name[0] != '.' && !strchr(name, '/');
}

static bool wanted(const char *name)
{
	return !strcmp(name, VG_BUNDLE_MANIFEST) || !strcmp(name, VG_BUNDLE_SIG) ||
	       vg_policy_file_name(name);
}

/* Takes ownership of @data. */
static int add(struct vg_bundle_files *b, const char *name, char *data, size_t len, char *why,
	       size_t size)
{
	if (vg_bundle_files_get(b, name)) {
		snprintf(why, size, "%s appears twice", name);
		free(data);
		return -EINVAL;
	}
	if (b->n == VG_BUNDLE_MAX_FILES || len > VG_BUNDLE_MAX_BYTES - b->bytes) {
		snprintf(why, size, "more than %u files or %u MiB (limit)", VG_BUNDLE_MAX_FILES,
			 VG_BUNDLE_MAX_BYTES >> 20);
		free(data);
		return -EFBIG;
	}
	snprintf(b->f[b->n].name, sizeof(b->f[b->n].name), "%s", name);
	b->f[b->n].data = data;
	b->f[b->n].len = len;
	b->n++;
	b->bytes += len;
	return 0;
}

int vg_bundle_files_dir(struct vg_bundle_files *b, const char *dir, bool root_owned, char *why,
			size_t size)
{
	struct dirent **ents = NULL;
	int n, i, err = 0;

	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0) {
		snprintf(why, size, "cannot list: %s", strerror(errno));
		return -errno;
	}
	for (i = 0; i < n; i++) {
		char path[4096], *data;
		size_t len;

		if (!err && ents[i]->d_name[0] != '.' && wanted(ents[i]->d_name)) {
			snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
			err = root_owned ? vg_trusted_path(path, why, size) : 0;
			if (!err && (err = vg_file_read(path, VG_BUNDLE_MAX_BYTES, &data, &len)))
				snprintf(why, size, "%s: cannot read: %s", ents[i]->d_name,
					 strerror(-err));
			else if (!err)
				err = add(b, ents[i]->d_name, data, len, why, size);
		}
		free(ents[i]);
	}
	free(ents);
	return err;
}

/* An octal field of a tar header; -1 if it is not one. */
static long long tar_octal(const unsigned char *f, size_t n)
{
	long long v = 0;
	size_t i = 0;

	while (i < n && f[i] == ' ')
		i++;
	if (i == n || f[i] < '0' || f[i] > '7')
		return -1;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v > (1LL << 40))
			return -1;
		v = v * 8 + (f[i] - '0');
	}
	return v;
}

/* The member's base name; NULL for a name with more than one directory level. */
static const char *tar_base(const unsigned char *h, char *name, size_t size)
{
	const char *slash;

	snprintf(name, size, "%.*s", 100, (const char *)h);
	if (!strncmp(name, "./", 2))
		memmove(name, name + 2, strlen(name + 2) + 1);
	slash = strchr(name, '/');
	if (slash && strchr(slash + 1, '/'))
		return NULL;
	return slash ? slash + 1 : name;
}

static int tar_member(struct vg_bundle_files *b, const unsigned char *h, const char *data,
		      size_t len, char *why, size_t size)
{
	char name[128];
	const char *base = tar_base(h, name, sizeof(name));
	char type = (char)h[156];
	char *copy;

	if (type == '5' || (base && !*base))
		return 0;	/* the directory itself */
	if (!base || (type != '0' && type != '\0')) {
		snprintf(why, size, "tar member %.100s: only plain files at the top level", name);
		return -EINVAL;
	}
	if (!vg_bundle_name_ok(base) || !wanted(base))
		return 0;	/* not part of a bundle: ignored like in a directory */
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, data, len);
	copy[len] = '\0';
	return add(b, base, copy, len, why, size);
}

int vg_bundle_files_tar(struct vg_bundle_files *b, const char *path, char *why, size_t size)
{
	static const unsigned char zero[TAR_BLOCK];
	char *tar;
	size_t len, off = 0;
	int err = vg_file_read(path, VG_BUNDLE_MAX_BYTES, &tar, &len);

	if (err) {
		snprintf(why, size, "cannot read: %s", strerror(-err));
		return err;
	}
	while (!err && off + TAR_BLOCK <= len) {
		const unsigned char *h = (const unsigned char *)tar + off;
		long long sz;

		if (!memcmp(h, zero, TAR_BLOCK))
			break;	/* end of archive */
		sz = tar_octal(h + 124, 12);
		if (sz < 0 || (size_t)sz > len - off - TAR_BLOCK) {
			snprintf(why, size, "not a tar archive, or truncated at byte %zu", off);
			err = -EINVAL;
			break;
		}
		err = tar_member(b, h, tar + off + TAR_BLOCK, sz, why, size);
		off += TAR_BLOCK + (((size_t)sz + TAR_BLOCK - 1) / TAR_BLOCK) * TAR_BLOCK;
	}
	free(tar);
	return err;
}

const struct vg_bundle_file *vg_bundle_files_get(const struct vg_bundle_files *b,
						 const char *name)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (!strcmp(b->f[i].name, name))
			return &b->f[i];
	return NULL;
}

void vg_bundle_files_free(struct vg_bundle_files *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		free(b->f[i].data);
	b->n = b->bytes = 0;
}
