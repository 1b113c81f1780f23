/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Signed policy bundles. A bundle is a directory (or an uncompressed tar
 * of one) holding policy files, manifest.json (format, version, creation
 * time, the SHA-256 of every file, optional rollout and canary window) and
 * manifest.sig (an Ed25519 signature of manifest.json). A bundle is taken
 * only whole: signed by a trusted key, every policy file listed with its
 * digest, nothing listed missing, nothing unlisted present. The bytes that
 * were checked are the bytes compiled. Docs: docs/signed-policy.md.
 */
#ifndef VIGIL_POLICY_BUNDLE_H
#define VIGIL_POLICY_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "policy/bundle_files.h"
#include "policy/policy.h"

#define VG_BUNDLE_FORMAT "vigil-policy-bundle/1"
#define VG_BUNDLE_MAX_KEYS 64
#define VG_BUNDLE_MAX_MANIFEST (1u << 20)
#define VG_DIGEST_BYTES 32
#define VG_ROLLOUT_BUCKETS 10000

struct vg_bundle_info {
	uint64_t version;
	char created[48];
	unsigned char digest[VG_DIGEST_BYTES];	/* SHA-256 of manifest.json: names the bundle */
	char digest_hex[2 * VG_DIGEST_BYTES + 1];
	double rollout_percent;		/* 100 when the manifest sets none */
	int64_t canary_window_s;	/* -1: the manifest sets none */
	char key[64];			/* the trusted key file that verified it */
	size_t n_files;
};

struct vg_trusted_keys {
	unsigned char pk[VG_BUNDLE_MAX_KEYS][32];
	char name[VG_BUNDLE_MAX_KEYS][64];
	size_t n;
};

/*
 * Loads every *.pub of @dir. The directory and each key must be root-owned
 * and writable by root only (lib/trusted_path.h). 0, or <0 with one line
 * in @why.
 */
int vg_trusted_keys_load(struct vg_trusted_keys *k, const char *dir, char *why, size_t size);

/*
 * Verifies the bundle at @path against @k and adds its policy files to @p
 * (named PATH/FILE in diagnostics). The bundle must be root-owned (like
 * the policy files) when @root_owned. 0, or <0 with one line in @why
 * (nothing was added to @p then).
 */
int vg_bundle_load(struct vg_policy *p, const char *path, const struct vg_trusted_keys *k,
		   bool root_owned, struct vg_bundle_info *info, char *why, size_t size);
/* Whether @path looks like a bundle: a directory with a manifest, or a *.tar. */
bool vg_bundle_path(const char *path);

/*
 * The host's rollout bucket for a bundle, 0..VG_ROLLOUT_BUCKETS-1: the
 * SHA-256 of the host id and the bundle digest, so each bundle picks its
 * own hosts and a host keeps its bucket across restarts.
 */
unsigned vg_rollout_bucket(const char *host_id, const unsigned char digest[VG_DIGEST_BYTES]);
/* Whether this host is in @b's wave (bucket below the percentage). */
bool vg_rollout_takes(const struct vg_bundle_info *b, const char *host_id, unsigned *bucket);
/* The host id: /etc/machine-id, else the host name. 0 or <0. */
int vg_host_id(char *buf, size_t size);

/* Hex helpers shared with bundle_sign.c: 0 or -EINVAL. */
int vg_hex_decode(const char *hex, size_t hex_len, unsigned char *out, size_t n);
void vg_hex_encode(const unsigned char *in, size_t n, char *out);

#endif
