// SPDX-License-Identifier: GPL-2.0
/* Start with the configured policy, or the last-known-good one when it keeps failing. */
#include <stdlib.h>
#include <string.h>
#include "agent/policy_fallback.h"
#include "lib/log.h"
#include "lib/timefmt.h"

static struct vg_loaded *use_lkg(struct vg_policy_fallback *f, struct vg_loaded *l,
				 const char *reason)
{
	struct vg_loaded *g = vg_lkg_load(&f->lkg);

	if (!g)
		return l;
	vg_warn("%s: starting with the last-known-good policy %.12s from %s", reason, g->digest_hex,
		f->lkg.dir);
	vg_loaded_free(l);
	return g;
}

struct vg_loaded *vg_fallback_start(struct vg_policy_fallback *f, struct vg_reload *r,
				    const char *state_dir, unsigned crash_max, long crash_window_s)
{
	char lkg_hex[2 * VG_DIGEST_BYTES + 1] = "", reason[256];
	struct vg_loaded *l;
	bool have;
	unsigned n;

	memset(f, 0, sizeof(*f));
	f->crash_max = crash_max;
	f->crash_window_s = crash_window_s;
	if (state_dir && !vg_lkg_open(&f->lkg, state_dir))
		vg_crash_journal_open(&f->journal, state_dir);
	l = vg_reload_compile(r, true);
	have = vg_lkg_present(&f->lkg, lkg_hex);
	if (!have)
		return l;
	if (!l || l->status == VG_LOAD_REFUSED)
		return use_lkg(f, l, "the configured policy cannot be loaded");
	if (l->status == VG_LOAD_SKIPPED)
		return use_lkg(f, l, "this host is not in the bundle's rollout wave");
	n = vg_crash_journal_count(&f->journal, l->digest_hex, crash_window_s);
	if (n >= crash_max && strcmp(lkg_hex, l->digest_hex)) {
		snprintf(reason, sizeof(reason),
			 "crash loop: %u abnormal exits within %ld min of taking policy %.12s", n,
			 crash_window_s / 60, l->digest_hex);
		return use_lkg(f, l, reason);
	}
	return l;
}

void vg_fallback_running(struct vg_policy_fallback *f, const struct vg_loaded *cur,
			 double after_s)
{
	char lkg_hex[2 * VG_DIGEST_BYTES + 1] = "";

	vg_crash_journal_running(&f->journal, cur->digest_hex);
	f->save_at_ns = 0;
	if (f->lkg.ok && !cur->last_known_good &&
	    !(vg_lkg_present(&f->lkg, lkg_hex) && !strcmp(lkg_hex, cur->digest_hex)))
		f->save_at_ns = vg_boot_now_ns() + (uint64_t)(after_s * 1e9);
}

void vg_fallback_promoted(struct vg_policy_fallback *f, const struct vg_loaded *cur)
{
	vg_crash_journal_running(&f->journal, cur->digest_hex);
	f->save_at_ns = 0;
	vg_lkg_save(&f->lkg, cur);
}

void vg_fallback_tick(struct vg_policy_fallback *f, const struct vg_loaded *cur)
{
	if (!f->save_at_ns || vg_boot_now_ns() < f->save_at_ns)
		return;
	f->save_at_ns = 0;
	vg_lkg_save(&f->lkg, cur);
}

void vg_fallback_fini(struct vg_policy_fallback *f)
{
	vg_crash_journal_clean_exit(&f->journal);
}
