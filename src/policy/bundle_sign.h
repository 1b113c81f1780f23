/* SPDX-License-Identifier: GPL-2.0 */
/* Making signed policy bundles: key pairs, manifests and their signatures. */
#ifndef VIGIL_POLICY_BUNDLE_SIGN_H
#define VIGIL_POLICY_BUNDLE_SIGN_H

#include <stddef.h>
#include <stdint.h>

struct vg_bundle_sign_opts {
	uint64_t version;
	double rollout_percent;		/* <0: no rollout in the manifest */
	int64_t canary_window_s;	/* <0: none in the manifest */
};

/* Writes PREFIX.key (secret, mode 0600) and PREFIX.pub. 0 or <0, @why. */
int vg_bundle_keygen(const char *prefix, char *why, size_t size);
/*
 * Writes @dir/manifest.json (every policy file of @dir with its SHA-256)
 * and @dir/manifest.sig, signed with the secret key in @key_path.
 */
int vg_bundle_sign(const char *dir, const char *key_path, const struct vg_bundle_sign_opts *o,
		   char *why, size_t size);

#endif
