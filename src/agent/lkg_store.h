/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The last-known-good policy on disk: the files of the last policy that
 * proved itself (promoted after its canary window, or ran that long from
 * start), as compiled, in STATE/lkg, swapped in atomically. The state
 * directory must be root-owned and writable by root only.
 */
#ifndef VIGIL_LKG_STORE_H
#define VIGIL_LKG_STORE_H

#include <stdbool.h>
#include "agent/policy_source.h"

struct vg_lkg_store {
	char dir[4096];			/* STATE/lkg */
	char state[4000];
	bool ok;			/* usable: created and trusted */
};

/* Creates @state_dir (mode 0700) if missing and checks it. 0, or <0 and one warning. */
int vg_lkg_open(struct vg_lkg_store *s, const char *state_dir);
/* Whether a last-known-good policy is stored; its origin digest in @hex when so. */
bool vg_lkg_present(const struct vg_lkg_store *s, char hex[2 * VG_DIGEST_BYTES + 1]);
/* Stores @l's files and origin, replacing the previous one atomically. 0 or <0. */
int vg_lkg_save(struct vg_lkg_store *s, const struct vg_loaded *l);
/* Compiles the stored policy; NULL (after one error line) if it cannot. */
struct vg_loaded *vg_lkg_load(struct vg_lkg_store *s);

#endif
