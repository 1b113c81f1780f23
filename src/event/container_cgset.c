// SPDX-License-Identifier: GPL-2.0
/*
 * Checks that /proc/PID/cgroup, read some time after an exec, still names
 * the cgroups the exec record gave (its cgroup v2 id and its cgroup_set,
 * bpf/cgroup_set.h): each line's path is looked up under a mount of its
 * hierarchy and its directory's inode number is that cgroup's id. Only a
 * text that passes may be remembered for the record's ids: a process moved
 * to other cgroups between its exec and the read fails the check.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "bpf/cgroup_set.h"
#include "event/container_cgset.h"

/* Whether every comma-separated item of @want[0..wlen) is one of @have's. */
static bool items_in(const char *want, size_t wlen, const char *have)
{
	size_t i = 0;

	while (i < wlen) {
		const char *comma = memchr(want + i, ',', wlen - i);
		size_t n = comma ? (size_t)(comma - want) - i : wlen - i;
		const char *h = have;
		bool found = false;

		while (!found && *h) {
			size_t hn = strcspn(h, ",");

			found = hn == n && !memcmp(h, want + i, n);
			h += hn + (h[hn] == ',');
		}
		if (!found)
			return false;
		i += n + 1;
	}
	return true;
}

/* One mountinfo line: a cgroup or cgroup2 mount, its root and a directory fd. */
static void add_mount(struct vg_cg_mounts *t, char *line)
{
	char *f[6], *sep = strstr(line, " - "), *save = NULL, *fstype, *opts;
	struct vg_cg_mount *m;
	int i;

	if (!sep || t->n == VG_CG_MOUNTS_MAX)
		return;
	*sep = '\0';
	f[0] = strtok_r(line, " ", &save);
	for (i = 1; i < 6 && f[i - 1]; i++)
		f[i] = strtok_r(NULL, " ", &save);
	fstype = strtok_r(sep + 3, " ", &save);
	strtok_r(NULL, " ", &save);	/* the source */
	opts = strtok_r(NULL, " \n", &save);
	/* An escaped root or mount point (a space in it) is left out: unchecked, never cached. */
	if (i < 6 || !f[4] || !fstype || !opts || strchr(f[3], '\\') || strchr(f[4], '\\'))
		return;
	if (strcmp(fstype, "cgroup") && strcmp(fstype, "cgroup2"))
		return;
	m = &t->m[t->n];
	m->v2 = !strcmp(fstype, "cgroup2");
	if (snprintf(m->opts, sizeof(m->opts), "%s", opts) >= (int)sizeof(m->opts) ||
	    snprintf(m->root, sizeof(m->root), "%s", f[3]) >= (int)sizeof(m->root))
		return;
	m->dirfd = open(f[4], O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (m->dirfd >= 0)
		t->n++;
}

void vg_cg_mounts_load(struct vg_cg_mounts *t, const char *mountinfo)
{
	char line[4096];
	FILE *f;

	t->n = 0;
	f = fopen(mountinfo, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		add_mount(t, line);
	fclose(f);
}

void vg_cg_mounts_close(struct vg_cg_mounts *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		close(t->m[i].dirfd);
	t->n = 0;
}

/*
 * The id of the cgroup at @path[0..len) of a hierarchy with controllers
 * @ctl[0..clen) (v2 when @v2), or 0 when no mount shows it.
 */
static uint64_t cgroup_id_of(const struct vg_cg_mounts *t, bool v2, const char *ctl, size_t clen,
			     const char *path, size_t len)
{
	char rel[4096];
	struct stat st;
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct vg_cg_mount *m = &t->m[i];
		size_t rl = strlen(m->root);

		if (m->v2 != v2 || (!v2 && !items_in(ctl, clen, m->opts)))
			continue;
		if (rl == 1)
			rl = 0;		/* root "/": every path is under it */
		if (len < rl || memcmp(path, m->root, rl) || (len > rl && path[rl] != '/'))
			continue;
		if (snprintf(rel, sizeof(rel), ".%.*s", (int)(len - rl), path + rl) >= (int)sizeof(rel))
			return 0;
		if (fstatat(m->dirfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
			return st.st_ino;
	}
	return 0;
}

bool vg_cg_text_matches(const struct vg_cg_mounts *t, const char *text, size_t len,
			uint64_t cgroup_id, uint64_t cgroup_set)
{
	const char *line = text, *end = text + len;
	uint64_t sum = 0;

	if (!cgroup_set || !t->n)
		return false;
	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *eol = nl ? nl : end;
		const char *c1 = memchr(line, ':', (size_t)(eol - line));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(eol - c1 - 1)) : NULL;
		char *num_end;
		unsigned long h;
		uint64_t id;

		if (!c2)
			return false;
		h = strtoul(line, &num_end, 10);
		if (num_end != c1)
			return false;
		id = cgroup_id_of(t, h == 0, c1 + 1, (size_t)(c2 - c1 - 1), c2 + 1,
				  (size_t)(eol - c2 - 1));
		if (!id || (h == 0 && id != cgroup_id))
			return false;
		if (h)
			sum += vg_cgset_term(h, id);
		line = eol + 1;
	}
	return sum == cgroup_set;
}
