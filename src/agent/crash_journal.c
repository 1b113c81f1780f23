// SPDX-License-Identifier: GPL-2.0
/* The crash journal: a marker while running, a short list of deaths. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "agent/crash_journal.h"
#include "lib/file_read.h"
#include "lib/log.h"

#define LINE_MAX_BYTES 128

/* Replaces @path with @text (temporary file, fsync, rename). */
static void replace(const char *path, const char *text)
{
	char tmp[4300];
	size_t len = strlen(text);
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len || fsync(fd) || rename(tmp, path))
		vg_warn("crash journal: cannot write %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
}

/* Appends @line to the crash list, keeping the newest VG_CRASH_KEEP lines. */
static void add_crash(struct vg_crash_journal *j, const char *line)
{
	char *old = NULL, *out, *p;
	size_t len = 0, n = 0;

	if (vg_file_read(j->crashes, VG_CRASH_KEEP * LINE_MAX_BYTES, &old, &len))
		old = NULL;
	out = calloc(1, len + LINE_MAX_BYTES + 2);
	if (!out) {
		free(old);
		return;
	}
	for (p = old; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		n++;
	p = old;
	while (p && n >= VG_CRASH_KEEP && strchr(p, '\n')) {
		p = strchr(p, '\n') + 1;
		n--;
	}
	snprintf(out, len + LINE_MAX_BYTES + 2, "%s%.*s\n", p ? p : "", LINE_MAX_BYTES - 1,
		 line);
	replace(j->crashes, out);
	free(out);
	free(old);
}

void vg_crash_journal_open(struct vg_crash_journal *j, const char *state_dir)
{
	char *text;
	size_t len;

	snprintf(j->running, sizeof(j->running), "%s/running", state_dir);
	snprintf(j->crashes, sizeof(j->crashes), "%s/crashes", state_dir);
	j->ok = true;
	if (vg_file_read(j->running, LINE_MAX_BYTES, &text, &len))
		return;
	text[strcspn(text, "\n")] = '\0';
	vg_warn("the last run ended abnormally (%s); noted in %s", text, j->crashes);
	add_crash(j, text);
	snprintf(j->last, sizeof(j->last), "%s", text);
	j->found = true;
	free(text);
}

unsigned vg_crash_journal_count(const struct vg_crash_journal *j, const char *digest_hex,
				long window_s)
{
	long long now = time(NULL), t;
	char *text, *line, *save = NULL, digest[72];
	unsigned n = 0;
	size_t len;

	if (!j->ok || vg_file_read(j->crashes, VG_CRASH_KEEP * LINE_MAX_BYTES, &text, &len))
		return 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "%lld %71s", &t, digest) == 2 && !strcmp(digest, digest_hex) &&
		    t <= now && now - t <= window_s)
			n++;
	free(text);
	return n;
}

void vg_crash_journal_running(struct vg_crash_journal *j, const char *digest_hex)
{
	char line[LINE_MAX_BYTES];

	if (!j->ok)
		return;
	snprintf(line, sizeof(line), "%lld %s\n", (long long)time(NULL), digest_hex);
	replace(j->running, line);
}

void vg_crash_journal_clean_exit(struct vg_crash_journal *j)
{
	if (j->ok && unlink(j->running) && errno != ENOENT)
		vg_warn("crash journal: cannot remove %s: %s", j->running, strerror(errno));
}
