// SPDX-License-Identifier: GPL-2.0
/* Verifying a signed policy bundle, trusted keys, and the rollout wave. */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/file_read.h"
#include "lib/trusted_path.h"
#include "policy/bundle.h"

int vg_hex_decode(const char *hex, size_t hex_len, unsigned char *out, size_t n)
{
	size_t bin_len = 0;

	if (hex_len != 2 * n ||
	    sodium_hex2bin(out, n, hex, hex_len, NULL, &bin_len, NULL) || bin_len != n)
		return -EINVAL;
	return 0;
}

void vg_hex_encode(const unsigned char *in, size_t n, char *out)
{
	sodium_bin2hex(out, 2 * n + 1, in, n);
}

/* "ed25519 HEX\n" with @n bytes of key or signature. */
static int parse_tagged_hex(const char *text, const char *tag, unsigned char *out, size_t n)
{
	size_t tl = strlen(tag), hl;

	if (strncmp(text, tag, tl) || text[tl] != ' ')
		return -EINVAL;
	text += tl + 1;
	hl = strspn(text, "0123456789abcdefABCDEF");
	if (text[hl] && strcmp(text + hl, "\n"))
		return -EINVAL;
	return vg_hex_decode(text, hl, out, n);
}

static int load_key(struct vg_trusted_keys *k, const char *dir, const char *name, char *why,
		    size_t size)
{
	char path[4096], *text;
	size_t len;
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	err = vg_trusted_path(path, why, size);
	if (err)
		return err;
	err = vg_file_read(path, 4096, &text, &len);
	if (err) {
		snprintf(why, size, "%s: cannot read: %s", path, strerror(-err));
		return err;
	}
	err = parse_tagged_hex(text, "ed25519", k->pk[k->n], 32);
	free(text);
	if (err) {
		snprintf(why, size, "%s: not an Ed25519 public key (\"ed25519 HEX\")", path);
		return err;
	}
	snprintf(k->name[k->n++], sizeof(k->name[0]), "%s", name);
	return 0;
}

static int pub_name(const struct dirent *d)
{
	size_t len = strlen(d->d_name);

	return d->d_name[0] != '.' && len > 4 && !strcmp(d->d_name + len - 4, ".pub");
}

int vg_trusted_keys_load(struct vg_trusted_keys *k, const char *dir, char *why, size_t size)
{
	struct dirent **ents = NULL;
	int n, i, err;

	memset(k, 0, sizeof(*k));
	if (sodium_init() < 0) {
		snprintf(why, size, "libsodium failed to initialise");
		return -EIO;
	}
	err = vg_trusted_path(dir, why, size);
	if (err)
		return err;
	n = scandir(dir, &ents, pub_name, alphasort);
	if (n < 0) {
		snprintf(why, size, "%s: cannot list: %s", dir, strerror(errno));
		return -errno;
	}
	for (i = 0; i < n; i++) {
		if (!err && k->n == VG_BUNDLE_MAX_KEYS) {
			snprintf(why, size, "%s: more than %d keys (limit)", dir, VG_BUNDLE_MAX_KEYS);
			err = -EFBIG;
		}
		if (!err)
			err = load_key(k, dir, ents[i]->d_name, why, size);
		free(ents[i]);
	}
	free(ents);
	if (!err && !k->n) {
		snprintf(why, size, "%s: no trusted keys (*.pub)", dir);
		err = -ENOENT;
	}
	return err;
}

static int check_signature(const struct vg_bundle_files *b, const struct vg_trusted_keys *k,
			   struct vg_bundle_info *info, char *why, size_t size)
{
	const struct vg_bundle_file *m = vg_bundle_files_get(b, VG_BUNDLE_MANIFEST);
	const struct vg_bundle_file *s = vg_bundle_files_get(b, VG_BUNDLE_SIG);
	unsigned char sig[crypto_sign_BYTES];
	size_t i;

	if (!m) {
		snprintf(why, size, "unsigned: no %s", VG_BUNDLE_MANIFEST);
		return -EPERM;
	}
	if (!s) {
		snprintf(why, size, "unsigned: no %s", VG_BUNDLE_SIG);
		return -EPERM;
	}
	if (m->len > VG_BUNDLE_MAX_MANIFEST) {
		snprintf(why, size, "%s larger than %u KiB", VG_BUNDLE_MANIFEST,
			 VG_BUNDLE_MAX_MANIFEST >> 10);
		return -EFBIG;
	}
	if (parse_tagged_hex(s->data, "ed25519", sig, sizeof(sig))) {
		snprintf(why, size, "%s: not an Ed25519 signature (\"ed25519 HEX\")", VG_BUNDLE_SIG);
		return -EPERM;
	}
	crypto_hash_sha256(info->digest, (const unsigned char *)m->data, m->len);
	vg_hex_encode(info->digest, VG_DIGEST_BYTES, info->digest_hex);
	for (i = 0; i < k->n; i++) {
		if (!crypto_sign_verify_detached(sig, (const unsigned char *)m->data, m->len,
						 k->pk[i])) {
			snprintf(info->key, sizeof(info->key), "%s", k->name[i]);
			return 0;
		}
	}
	snprintf(why, size, "not signed by a trusted key (or %s was changed)", VG_BUNDLE_MANIFEST);
	return -EPERM;
}

static int manifest_meta(json_t *root, struct vg_bundle_info *info, char *why, size_t size)
{
	json_t *v = json_object_get(root, "version"), *r = json_object_get(root, "rollout");
	json_t *c = json_object_get(root, "created"), *w = json_object_get(root, "canary_window_s");
	json_t *pct = r ? json_object_get(r, "percent") : NULL;

	if (!json_is_string(json_object_get(root, "format")) ||
	    strcmp(json_string_value(json_object_get(root, "format")), VG_BUNDLE_FORMAT)) {
		snprintf(why, size, "%s: \"format\" must be \"%s\"", VG_BUNDLE_MANIFEST,
			 VG_BUNDLE_FORMAT);
		return -EINVAL;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		snprintf(why, size, "%s: \"version\" must be an integer >= 0", VG_BUNDLE_MANIFEST);
		return -EINVAL;
	}
	info->version = json_integer_value(v);
	snprintf(info->created, sizeof(info->created), "%s",
		 json_is_string(c) ? json_string_value(c) : "");
	info->rollout_percent = 100;
	if (r && (!json_is_object(r) || !json_is_number(pct) || json_number_value(pct) < 0 ||
		  json_number_value(pct) > 100)) {
		snprintf(why, size, "%s: \"rollout\" must be {\"percent\": 0..100}", VG_BUNDLE_MANIFEST);
		return -EINVAL;
	}
	if (r)
		info->rollout_percent = json_number_value(pct);
	info->canary_window_s = -1;
	if (w && (!json_is_integer(w) || json_integer_value(w) < 0 ||
		  json_integer_value(w) > 7 * 86400)) {
		snprintf(why, size, "%s: \"canary_window_s\" must be 0..604800", VG_BUNDLE_MANIFEST);
		return -EINVAL;
	}
	if (w)
		info->canary_window_s = json_integer_value(w);
	return 0;
}

/* Every listed file is present with its digest; every policy file is listed. */
static int check_files(json_t *files, const struct vg_bundle_files *b, char *why, size_t size)
{
	const char *name;
	json_t *val;
	size_t i;

	if (!json_is_object(files)) {
		snprintf(why, size, "%s: \"files\" must be an object", VG_BUNDLE_MANIFEST);
		return -EINVAL;
	}
	json_object_foreach(files, name, val) {
		const struct vg_bundle_file *f = vg_bundle_files_get(b, name);
		unsigned char want[VG_DIGEST_BYTES], got[VG_DIGEST_BYTES];
		const char *hex = json_is_string(val) ? json_string_value(val) : "";

		if (!vg_bundle_name_ok(name) || !vg_policy_file_name(name) ||
		    strncmp(hex, "sha256:", 7) || vg_hex_decode(hex + 7, strlen(hex + 7), want, 32)) {
			snprintf(why, size, "%s: bad entry for \"%.100s\"", VG_BUNDLE_MANIFEST, name);
			return -EINVAL;
		}
		if (!f) {
			snprintf(why, size, "%.100s is in the manifest but missing", name);
			return -EPERM;
		}
		crypto_hash_sha256(got, (const unsigned char *)f->data, f->len);
		if (memcmp(want, got, sizeof(got))) {
			snprintf(why, size, "%.100s: digest does not match the manifest (tampered)", name);
			return -EPERM;
		}
	}
	for (i = 0; i < b->n; i++) {
		if (vg_policy_file_name(b->f[i].name) && !json_object_get(files, b->f[i].name)) {
			snprintf(why, size, "%.100s is not in the manifest", b->f[i].name);
			return -EPERM;
		}
	}
	return 0;
}

static int verify(const struct vg_bundle_files *b, const struct vg_trusted_keys *k,
		  struct vg_bundle_info *info, char *why, size_t size)
{
	const struct vg_bundle_file *m;
	json_error_t jerr;
	json_t *root;
	int err = check_signature(b, k, info, why, size);

	if (err)
		return err;
	m = vg_bundle_files_get(b, VG_BUNDLE_MANIFEST);
	root = json_loadb(m->data, m->len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(root)) {
		snprintf(why, size, "%s:%d:%d: %s", VG_BUNDLE_MANIFEST, jerr.line, jerr.column,
			 root ? "not an object" : jerr.text);
		json_decref(root);
		return -EINVAL;
	}
	err = manifest_meta(root, info, why, size);
	if (!err)
		err = check_files(json_object_get(root, "files"), b, why, size);
	if (!err)
		info->n_files = json_object_size(json_object_get(root, "files"));
	json_decref(root);
	return err;
}

bool vg_bundle_path(const char *path)
{
	char m[4096];
	size_t len = strlen(path);
	struct stat st;

	if (len > 4 && !strcmp(path + len - 4, ".tar"))
		return true;
	snprintf(m, sizeof(m), "%s/%s", path, VG_BUNDLE_MANIFEST);
	return stat(m, &st) == 0;
}

static int read_bundle(struct vg_bundle_files *b, const char *path, bool root_owned, char *why,
		       size_t size)
{
	struct stat st;
	int err;

	if (root_owned) {
		err = vg_trusted_path(path, why, size);
		if (err)
			return err;
	}
	if (stat(path, &st)) {
		snprintf(why, size, "%s", strerror(errno));
		return -errno;
	}
	return S_ISDIR(st.st_mode) ? vg_bundle_files_dir(b, path, root_owned, why, size)
				   : vg_bundle_files_tar(b, path, why, size);
}

int vg_bundle_load(struct vg_policy *p, const char *path, const struct vg_trusted_keys *k,
		   bool root_owned, struct vg_bundle_info *info, char *why, size_t size)
{
	struct vg_bundle_files *b = calloc(1, sizeof(*b));
	size_t i;
	int err;

	memset(info, 0, sizeof(*info));
	if (!b)
		return -ENOMEM;
	if (sodium_init() < 0) {
		snprintf(why, size, "libsodium failed to initialise");
		free(b);
		return -EIO;
	}
	err = read_bundle(b, path, root_owned, why, size);
	if (!err)
		err = verify(b, k, info, why, size);
	for (i = 0; !err && i < b->n; i++) {
		char name[4400];

		if (!vg_policy_file_name(b->f[i].name))
			continue;
		snprintf(name, sizeof(name), "%s/%s", path, b->f[i].name);
		err = vg_policy_add_buffer(p, name, b->f[i].data, b->f[i].len);
		if (err)
			snprintf(why, size, "%s: %s", b->f[i].name, strerror(-err));
	}
	vg_bundle_files_free(b);
	free(b);
	return err;
}

unsigned vg_rollout_bucket(const char *host_id, const unsigned char digest[VG_DIGEST_BYTES])
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];
	uint64_t v = 0;
	int i;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)host_id, strlen(host_id) + 1);
	crypto_hash_sha256_update(&st, digest, VG_DIGEST_BYTES);
	crypto_hash_sha256_final(&st, h);
	for (i = 0; i < 8; i++)
		v = v << 8 | h[i];
	return v % VG_ROLLOUT_BUCKETS;
}

bool vg_rollout_takes(const struct vg_bundle_info *b, const char *host_id, unsigned *bucket)
{
	unsigned bk = vg_rollout_bucket(host_id, b->digest);

	if (bucket)
		*bucket = bk;
	return bk < b->rollout_percent * (VG_ROLLOUT_BUCKETS / 100);
}

int vg_host_id(char *buf, size_t size)
{
	char *text;
	size_t len;

	if (vg_file_read("/etc/machine-id", 4096, &text, &len) == 0) {
		len = strcspn(text, " \t\r\n");
		if (len) {
			snprintf(buf, size, "%.*s", (int)len, text);
			free(text);
			return 0;
		}
		free(text);
	}
	if (gethostname(buf, size) < 0)
		return -errno;
	buf[size - 1] = '\0';
	return 0;
}
