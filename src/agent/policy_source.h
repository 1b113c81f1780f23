/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the agent's policy comes from and what it is: plain policy files,
 * or a signed bundle (policy/bundle.h) checked against the trusted keys,
 * the running version (no downgrade) and this host's rollout wave.
 */
#ifndef VIGIL_POLICY_SOURCE_H
#define VIGIL_POLICY_SOURCE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include "policy/bundle.h"
#include "policy/policy.h"

enum vg_load_status { VG_LOAD_OK, VG_LOAD_REFUSED, VG_LOAD_SKIPPED };

/* A compiled policy with its origin; or why there is none. */
struct vg_loaded {
	enum vg_load_status status;
	struct vg_policy *p;		/* NULL unless VG_LOAD_OK */
	bool bundle;			/* from a signed bundle: info is set */
	struct vg_bundle_info info;
	unsigned char digest[VG_DIGEST_BYTES];	/* the bundle's, else of the files */
	char digest_hex[2 * VG_DIGEST_BYTES + 1];
	char why[512];			/* refused or skipped: one line */
	bool last_known_good;		/* loaded from the last-known-good store */
};

struct vg_policy_trust {
	const struct vg_trusted_keys *keys;	/* NULL: plain policy files */
	const char *host_id;
	bool allow_downgrade;
	bool no_default;			/* --no-default-policy: the files alone */
	_Atomic uint64_t running_version;	/* of the bundle in use; the worker sets it */
};

/*
 * Loads the built-in default (unless @t->no_default), then @paths on top
 * of it (a bundle when @t has keys), into @l->p and fills the origin: a
 * bundle's digest is the bundle's own (the default is the binary's part),
 * plain files' digest covers every source, the default's included.
 * 0; else <0 with @l->status and @l->why set (REFUSED: not signed right,
 * tampered, older than the running one; SKIPPED: outside the rollout).
 */
int vg_policy_source_load(struct vg_loaded *l, const char *const *paths, size_t n_paths,
			  struct vg_policy_trust *t);
/* SHA-256 of a policy's files (names and bytes), hex too. */
void vg_policy_source_digest(const struct vg_policy *p, unsigned char *d, char *hex);
void vg_loaded_free(struct vg_loaded *l);
/* Adds the built-in default policy's files to @p: 0 or <0. */
int vg_policy_source_add_default(struct vg_policy *p);
/* The policy's own rules, not counting the agent's self-defense ones. */
size_t vg_loaded_n_rules(const struct vg_loaded *l);

/*
 * The built-in default policy, embedded at build time: policy/default.yaml
 * and the rules for containers, policy/containers.yaml.
 */
extern const char vg_default_policy_yaml[], vg_containers_policy_yaml[];

#endif
