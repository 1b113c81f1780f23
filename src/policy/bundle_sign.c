// SPDX-License-Identifier: GPL-2.0
/* Key pairs, and signing a directory of policy files as a bundle. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "lib/file_read.h"
#include "policy/bundle.h"
#include "policy/bundle_sign.h"

/* Writes @text to @path through a temporary file and a rename. */
static int write_file(const char *path, const char *text, mode_t mode, char *why, size_t size)
{
	char tmp[4200];
	size_t len = strlen(text);
	int fd, err = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len || fsync(fd))
		err = -errno;
	if (fd >= 0 && close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err) {
		unlink(tmp);
		snprintf(why, size, "%s: cannot write: %s", path, strerror(-err));
	}
	return err;
}

int vg_bundle_keygen(const char *prefix, char *why, size_t size)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char hex[2 * crypto_sign_SECRETKEYBYTES + 1], text[300], path[4096];
	int err;

	if (sodium_init() < 0) {
		snprintf(why, size, "libsodium failed to initialise");
		return -EIO;
	}
	crypto_sign_keypair(pk, sk);
	vg_hex_encode(sk, sizeof(sk), hex);
	snprintf(text, sizeof(text), "ed25519-secret %s\n", hex);
	sodium_memzero(sk, sizeof(sk));
	snprintf(path, sizeof(path), "%s.key", prefix);
	err = write_file(path, text, 0600, why, size);
	sodium_memzero(text, sizeof(text));
	sodium_memzero(hex, sizeof(hex));
	if (err)
		return err;
	vg_hex_encode(pk, sizeof(pk), hex);
	snprintf(text, sizeof(text), "ed25519 %s\n", hex);
	snprintf(path, sizeof(path), "%s.pub", prefix);
	return write_file(path, text, 0644, why, size);
}

static int load_secret(const char *path, unsigned char sk[crypto_sign_SECRETKEYBYTES], char *why,
		       size_t size)
{
	static const char tag[] = "ed25519-secret ";
	char *text;
	size_t len, hl;
	int err = vg_file_read(path, 4096, &text, &len);

	if (err) {
		snprintf(why, size, "%s: cannot read: %s", path, strerror(-err));
		return err;
	}
	hl = strncmp(text, tag, sizeof(tag) - 1) ? 0 : strcspn(text + sizeof(tag) - 1, "\n");
	err = hl ? vg_hex_decode(text + sizeof(tag) - 1, hl, sk, crypto_sign_SECRETKEYBYTES)
		 : -EINVAL;
	sodium_memzero(text, len);
	free(text);
	if (err)
		snprintf(why, size, "%s: not an Ed25519 secret key (vigil policy keygen)", path);
	return err;
}

static json_t *manifest(const struct vg_bundle_files *b, const struct vg_bundle_sign_opts *o)
{
	json_t *root = json_object(), *files = json_object();
	char created[32], hex[2 * VG_DIGEST_BYTES + 8];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;

	gmtime_r(&now, &tm);
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_set_new(root, "format", json_string(VG_BUNDLE_FORMAT));
	json_object_set_new(root, "version", json_integer((json_int_t)o->version));
	json_object_set_new(root, "created", json_string(created));
	for (i = 0; i < b->n; i++) {
		unsigned char d[VG_DIGEST_BYTES];

		if (!vg_policy_file_name(b->f[i].name))
			continue;
		crypto_hash_sha256(d, (const unsigned char *)b->f[i].data, b->f[i].len);
		memcpy(hex, "sha256:", 7);
		vg_hex_encode(d, sizeof(d), hex + 7);
		json_object_set_new(files, b->f[i].name, json_string(hex));
	}
	json_object_set_new(root, "files", files);
	if (o->rollout_percent >= 0)
		json_object_set_new(root, "rollout",
				    json_pack("{s:f}", "percent", o->rollout_percent));
	if (o->canary_window_s >= 0)
		json_object_set_new(root, "canary_window_s", json_integer(o->canary_window_s));
	return root;
}

static int sign_files(const char *dir, const struct vg_bundle_files *b,
		      const unsigned char *sk, const struct vg_bundle_sign_opts *o, char *why,
		      size_t size)
{
	unsigned char sig[crypto_sign_BYTES];
	char hex[2 * crypto_sign_BYTES + 1], text[2 * crypto_sign_BYTES + 16], path[4200];
	json_t *root = manifest(b, o);
	char *m = root ? json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
	size_t mlen;
	int err;

	json_decref(root);
	if (!m)
		return -ENOMEM;
	mlen = strlen(m);
	m = realloc(m, mlen + 2);	/* a text file ends with a newline */
	if (!m)
		return -ENOMEM;
	memcpy(m + mlen, "\n", 2);
	crypto_sign_detached(sig, NULL, (const unsigned char *)m, mlen + 1, sk);
	snprintf(path, sizeof(path), "%s/%s", dir, VG_BUNDLE_MANIFEST);
	err = write_file(path, m, 0644, why, size);
	free(m);
	if (err)
		return err;
	vg_hex_encode(sig, sizeof(sig), hex);
	snprintf(text, sizeof(text), "ed25519 %s\n", hex);
	snprintf(path, sizeof(path), "%s/%s", dir, VG_BUNDLE_SIG);
	return write_file(path, text, 0644, why, size);
}

int vg_bundle_sign(const char *dir, const char *key_path, const struct vg_bundle_sign_opts *o,
		   char *why, size_t size)
{
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	struct vg_bundle_files *b;
	int err;

	if (sodium_init() < 0) {
		snprintf(why, size, "libsodium failed to initialise");
		return -EIO;
	}
	err = load_secret(key_path, sk, why, size);
	if (err)
		return err;
	b = calloc(1, sizeof(*b));
	err = b ? vg_bundle_files_dir(b, dir, false, why, size) : -ENOMEM;
	if (!err)
		err = sign_files(dir, b, sk, o, why, size);
	sodium_memzero(sk, sizeof(sk));
	if (b)
		vg_bundle_files_free(b);
	free(b);
	return err;
}
