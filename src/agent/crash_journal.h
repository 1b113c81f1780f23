/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Abnormal exits, remembered across restarts: a running agent keeps
 * STATE/running (time and the digest of the policy in use); a clean exit
 * removes it, so finding it at start means the last run died. Those are
 * kept in STATE/crashes (the newest few) to detect a crash loop after a
 * policy change.
 */
#ifndef VIGIL_CRASH_JOURNAL_H
#define VIGIL_CRASH_JOURNAL_H

#include <stdbool.h>

#define VG_CRASH_KEEP 32

struct vg_crash_journal {
	char running[4200], crashes[4200];
	bool ok;
	bool found;			/* the last run died: report it once */
	char last[128];			/* its marker: start time and policy digest */
};

/* At start: files a leftover STATE/running as a crash. */
void vg_crash_journal_open(struct vg_crash_journal *j, const char *state_dir);
/* Abnormal exits with policy @digest_hex in the last @window_s seconds. */
unsigned vg_crash_journal_count(const struct vg_crash_journal *j, const char *digest_hex,
				long window_s);
/* The agent now runs policy @digest_hex (at start and at each promotion). */
void vg_crash_journal_running(struct vg_crash_journal *j, const char *digest_hex);
/* A clean exit: not a crash. */
void vg_crash_journal_clean_exit(struct vg_crash_journal *j);

#endif
