// SPDX-License-Identifier: GPL-2.0
/* Ownership and mode checks on files the agent trusts (sshd's StrictModes). */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "lib/trusted_path.h"

/* One path: root-owned, and not writable by others unless a sticky directory. */
static int check_one(const char *path, bool is_target, char *why, size_t size)
{
	struct stat st;

	if (lstat(path, &st)) {
		int err = -errno;

		snprintf(why, size, "%s: %s", path, strerror(errno));
		return err;
	}
	if (st.st_uid != 0) {
		snprintf(why, size, "%s is owned by uid %u, not root (chown root %s)", path,
			 (unsigned)st.st_uid, path);
		return -EPERM;
	}
	if (!(st.st_mode & (S_IWGRP | S_IWOTH)))
		return 0;
	if (!is_target && S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX))
		return 0;	/* others may add to it, not replace what root put there */
	snprintf(why, size, "%s is writable by %s (mode %04o; chmod go-w %s)", path,
		 (st.st_mode & S_IWOTH) ? "everyone" : "its group",
		 (unsigned)(st.st_mode & 07777), path);
	return -EPERM;
}

int vg_trusted_path(const char *path, char *why, size_t size)
{
	char real[PATH_MAX], *slash;
	int err;

	if (!realpath(path, real)) {
		err = -errno;
		snprintf(why, size, "%s: %s", path, strerror(errno));
		return err;
	}
	err = check_one(real, true, why, size);
	/* Then each directory above it, up to /. */
	while (!err && (slash = strrchr(real, '/'))) {
		if (slash == real) {
			err = strcmp(real, "/") ? check_one("/", false, why, size) : 0;
			break;
		}
		*slash = '\0';
		err = check_one(real, false, why, size);
	}
	return err;
}
