// SPDX-License-Identifier: GPL-2.0
/* The last-known-good policy: written to a fresh directory, then exchanged in. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "agent/lkg_store.h"
#include "agent/self_defense.h"
#include "lib/file_read.h"
#include "lib/log.h"
#include "lib/trusted_path.h"

#define ORIGIN "origin"

int vg_lkg_open(struct vg_lkg_store *s, const char *state_dir)
{
	char why[4400];
	int err;

	memset(s, 0, sizeof(*s));
	snprintf(s->state, sizeof(s->state), "%s", state_dir);
	snprintf(s->dir, sizeof(s->dir), "%s/lkg", state_dir);
	if (mkdir(state_dir, 0700) && errno != EEXIST) {
		err = -errno;
		vg_warn("last-known-good disabled: cannot create %s: %s", state_dir, strerror(errno));
		return err;
	}
	err = vg_trusted_path(state_dir, why, sizeof(why));
	if (err) {
		vg_warn("last-known-good disabled: %s", why);
		return err;
	}
	s->ok = true;
	return 0;
}

bool vg_lkg_present(const struct vg_lkg_store *s, char hex[2 * VG_DIGEST_BYTES + 1])
{
	char path[4200], *text;
	size_t len;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", s->dir, ORIGIN);
	if (!s->ok || vg_file_read(path, 4096, &text, &len))
		return false;
	ok = sscanf(text, "digest %64s", hex) == 1 && strlen(hex) == 2 * VG_DIGEST_BYTES;
	free(text);
	return ok;
}

static int write_all(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, data, len) != (ssize_t)len || fsync(fd))
		err = errno ? -errno : -EIO;
	close(fd);
	return err;
}

/* "dir/NN-base.yaml" for source @i: the order and the names survive. */
static void stored_name(char *out, size_t size, const char *dir, size_t i, const char *name)
{
	const char *base = strrchr(name, '/');

	if (!base)
		base = strrchr(name, ':');
	snprintf(out, size, "%s/%04zu-%s", dir, i, base ? base + 1 : name);
}

static int write_dir(const char *dir, const struct vg_loaded *l)
{
	char path[4400], origin[256];
	size_t i;
	int err = 0;

	if (mkdir(dir, 0700))
		return -errno;
	for (i = 0; !err && i < vg_policy_n_sources(l->p); i++) {
		const char *name, *text;
		size_t len;

		name = vg_policy_source(l->p, i, &text, &len);
		if (vg_self_defense_source(name))
			continue;	/* names this run's pid; every run adds its own */
		stored_name(path, sizeof(path), dir, i, name);
		err = write_all(path, text, len);
	}
	snprintf(origin, sizeof(origin), "digest %s\nbundle %d\nversion %" PRIu64 "\n", l->digest_hex,
		 l->bundle, l->bundle ? l->info.version : 0);
	snprintf(path, sizeof(path), "%s/%s", dir, ORIGIN);
	return err ? err : write_all(path, origin, strlen(origin));
}

/* Our own flat directory: its files, then itself. */
static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	rmdir(dir);
}

int vg_lkg_save(struct vg_lkg_store *s, const struct vg_loaded *l)
{
	char tmp[4200];
	struct stat st;
	int err;

	if (!s->ok)
		return -ENOENT;
	snprintf(tmp, sizeof(tmp), "%s/lkg.new", s->state);
	remove_dir(tmp);	/* left by a crash during a save */
	err = write_dir(tmp, l);
	if (!err) {
		/* Exchange, so there is always one whole last-known-good. */
		if (lstat(s->dir, &st) == 0)
			err = renameat2(AT_FDCWD, tmp, AT_FDCWD, s->dir, RENAME_EXCHANGE) ? -errno : 0;
		else
			err = rename(tmp, s->dir) ? -errno : 0;
	}
	remove_dir(tmp);
	if (err)
		vg_warn("cannot save the last-known-good policy in %s: %s", s->dir, strerror(-err));
	else
		vg_info("last-known-good: saved policy %.12s in %s", l->digest_hex, s->dir);
	return err;
}

static void read_origin(const struct vg_lkg_store *s, struct vg_loaded *l)
{
	char path[4200], *text;
	unsigned long long version = 0;
	int bundle = 0;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", s->dir, ORIGIN);
	if (vg_file_read(path, 4096, &text, &len))
		return;
	if (sscanf(text, "digest %64s\nbundle %d\nversion %llu", l->digest_hex, &bundle, &version) == 3 &&
	    bundle) {
		l->bundle = true;
		l->info.version = version;
		l->info.rollout_percent = 100;
		l->info.canary_window_s = -1;
	}
	free(text);
}

struct vg_loaded *vg_lkg_load(struct vg_lkg_store *s)
{
	struct vg_loaded *l = calloc(1, sizeof(*l));
	const struct vg_diag *d;
	size_t n;
	int err;

	if (!l || !(l->p = vg_policy_new())) {
		free(l);
		return NULL;
	}
	vg_policy_require_root_owned(l->p);
	err = vg_policy_add_path(l->p, s->dir);
	if (!err)
		err = vg_self_defense_add(l->p);
	if (!err)
		err = vg_policy_compile(l->p);
	if (err || vg_policy_n_errors(l->p)) {
		d = vg_policy_diags(l->p, &n);
		vg_err("last-known-good policy %s unusable: %s", s->dir, n ? d[0].text : strerror(-err));
		vg_loaded_free(l);
		return NULL;
	}
	read_origin(s, l);
	l->last_known_good = true;
	return l;
}
