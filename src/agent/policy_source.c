// SPDX-License-Identifier: GPL-2.0
/* Plain policy files or a signed bundle, with the checks a bundle must pass. */
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "agent/policy_source.h"
#include "agent/self_defense.h"

void vg_policy_source_digest(const struct vg_policy *p, unsigned char *d, char *hex)
{
	crypto_hash_sha256_state st;
	size_t i;

	crypto_hash_sha256_init(&st);
	for (i = 0; i < vg_policy_n_sources(p); i++) {
		const char *name, *text;
		size_t len;

		name = vg_policy_source(p, i, &text, &len);
		if (vg_self_defense_source(name))
			continue;	/* names this run's pid */
		crypto_hash_sha256_update(&st, (const unsigned char *)name, strlen(name) + 1);
		crypto_hash_sha256_update(&st, (const unsigned char *)text, len);
	}
	crypto_hash_sha256_final(&st, d);
	vg_hex_encode(d, VG_DIGEST_BYTES, hex);
}

static int refuse(struct vg_loaded *l, enum vg_load_status s, const char *fmt, const char *a,
		  const char *b)
{
	l->status = s;
	snprintf(l->why, sizeof(l->why), fmt, a, b);
	return -EPERM;
}

/* The bundle checks past its signature: version and rollout wave. */
static int admit(struct vg_loaded *l, const char *path, struct vg_policy_trust *t)
{
	uint64_t running = atomic_load(&t->running_version);
	unsigned bucket;

	if (l->info.version < running && !t->allow_downgrade) {
		l->status = VG_LOAD_REFUSED;
		snprintf(l->why, sizeof(l->why),
			 "%.200s: refused: version %" PRIu64 " is older than the running %" PRIu64
			 " (--allow-downgrade to take it)", path, l->info.version, running);
		return -EPERM;
	}
	if (!vg_rollout_takes(&l->info, t->host_id, &bucket)) {
		l->status = VG_LOAD_SKIPPED;
		snprintf(l->why, sizeof(l->why),
			 "%.200s: version %" PRIu64 " skipped: rollout %g%% and this host is in bucket %u of %u",
			 path, l->info.version, l->info.rollout_percent, bucket, VG_ROLLOUT_BUCKETS);
		return -EAGAIN;
	}
	return 0;
}

static int load_bundle(struct vg_loaded *l, const char *const *paths, size_t n_paths,
		       struct vg_policy_trust *t)
{
	char why[4400];
	int err;

	if (n_paths != 1)
		return refuse(l, VG_LOAD_REFUSED, "%.200s%s: with --trusted-keys, give exactly one bundle",
			      n_paths ? paths[0] : "(no policy)", "");
	/* The bundle is the user's part: it tunes the default, as plain files do. */
	err = t->no_default ? 0 : vg_policy_source_add_default(l->p);
	if (err)
		return err;
	err = vg_bundle_load(l->p, paths[0], t->keys, true, &l->info, why, sizeof(why));
	if (err)
		return refuse(l, VG_LOAD_REFUSED, "%.200s: refused: %.290s", paths[0], why);
	l->bundle = true;
	memcpy(l->digest, l->info.digest, sizeof(l->digest));
	memcpy(l->digest_hex, l->info.digest_hex, sizeof(l->digest_hex));
	err = admit(l, paths[0], t);
	return err ? err : vg_self_defense_add(l->p);
}

int vg_policy_source_load(struct vg_loaded *l, const char *const *paths, size_t n_paths,
			  struct vg_policy_trust *t)
{
	size_t i;
	int err = 0;

	if (t->keys)
		return load_bundle(l, paths, n_paths, t);
	if (!t->no_default)
		err = vg_policy_source_add_default(l->p);
	for (i = 0; !err && i < n_paths; i++)
		err = vg_policy_add_path(l->p, paths[i]);
	vg_policy_source_digest(l->p, l->digest, l->digest_hex);
	return err ? err : vg_self_defense_add(l->p);
}

int vg_policy_source_add_default(struct vg_policy *p)
{
	int err = vg_policy_add_string(p, "builtin:default.yaml", vg_default_policy_yaml);

	return err ? err : vg_policy_add_string(p, "builtin:containers.yaml", vg_containers_policy_yaml);
}

void vg_loaded_free(struct vg_loaded *l)
{
	if (!l)
		return;
	vg_policy_free(l->p);
	free(l);
}

size_t vg_loaded_n_rules(const struct vg_loaded *l)
{
	size_t n = vg_policy_n_rules(l->p), own = vg_self_defense_rules();

	return n > own ? n - own : 0;
}
