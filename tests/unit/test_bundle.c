// SPDX-License-Identifier: GPL-2.0
/*
 * Signed bundles without root: a signed directory verifies; a changed byte,
 * an unlisted file, a foreign key, a hostile manifest or tar is refused with
 * one line and adds nothing; rollout buckets are stable and bounded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "policy/bundle.h"
#include "policy/bundle_sign.h"

static char dir[64], bdir[128], keys[128], why[4400];
static struct vg_trusted_keys trusted;

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void sign(uint64_t version, const char *key)
{
	struct vg_bundle_sign_opts o = { version, -1, -1 };
	char path[256];

	snprintf(path, sizeof(path), "%s/%s.key", dir, key);
	assert_int_equal(vg_bundle_sign(bdir, path, &o, why, sizeof(why)), 0);
}

/* Verifies the bundle at @path; 0 or <0. The policy must be empty on refusal. */
static int load(const char *path, struct vg_bundle_info *info)
{
	struct vg_policy *p = vg_policy_new();
	int err = vg_bundle_load(p, path, &trusted, false, info, why, sizeof(why));

	if (err)
		assert_int_equal(vg_policy_n_sources(p), 0);
	vg_policy_free(p);
	return err;
}

static int setup(void **state)
{
	char path[256];

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vg-bundle-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(bdir, sizeof(bdir), "%s/b", dir);
	snprintf(keys, sizeof(keys), "%s/keys", dir);
	mkdir(bdir, 0755);
	mkdir(keys, 0755);
	snprintf(path, sizeof(path), "%s/keys/good", dir);
	assert_int_equal(vg_bundle_keygen(path, why, sizeof(why)), 0);
	snprintf(path, sizeof(path), "%s/keys/good.key", dir);
	snprintf(why, sizeof(why), "%s/good.key", dir);
	assert_int_equal(rename(path, why), 0);
	snprintf(path, sizeof(path), "%s/bad", dir);
	assert_int_equal(vg_bundle_keygen(path, why, sizeof(why)), 0);
	snprintf(path, sizeof(path), "%s/main.yaml", bdir);
	put(path, "rules:\n  - name: r\n    event: exec\n    condition: process.pid == 1\n"
		  "    output: x\n");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* Trusted keys must be root-owned: as another user there are none to test with. */
static void need_keys(void)
{
	if (getuid() != 0)
		skip();
	assert_int_equal(vg_trusted_keys_load(&trusted, keys, why, sizeof(why)), 0);
}

static void test_signed_bundle_verifies(void **state)
{
	struct vg_bundle_info info;

	(void)state;
	need_keys();
	sign(7, "good");
	assert_int_equal(load(bdir, &info), 0);
	assert_int_equal(info.version, 7);
	assert_int_equal(info.n_files, 1);
	assert_string_equal(info.key, "good.pub");
	assert_true(info.rollout_percent == 100);
}

static void test_refusals(void **state)
{
	struct vg_bundle_info info;
	char path[256];

	(void)state;
	need_keys();
	sign(1, "bad");
	assert_int_not_equal(load(bdir, &info), 0);
	assert_non_null(strstr(why, "not signed by a trusted key"));
	sign(1, "good");
	snprintf(path, sizeof(path), "%s/extra.yaml", bdir);
	put(path, "rules: []\n");
	assert_int_not_equal(load(bdir, &info), 0);
	assert_non_null(strstr(why, "extra.yaml is not in the manifest"));
	unlink(path);
	snprintf(path, sizeof(path), "%s/main.yaml", bdir);
	put(path, "rules: []\n");
	assert_int_not_equal(load(bdir, &info), 0);
	assert_non_null(strstr(why, "tampered"));
	snprintf(path, sizeof(path), "%s/manifest.sig", bdir);
	unlink(path);
	assert_int_not_equal(load(bdir, &info), 0);
	assert_non_null(strstr(why, "unsigned"));
	put(path, "ed25519 zz\n");
	assert_int_not_equal(load(bdir, &info), 0);
	assert_non_null(strstr(why, "not an Ed25519 signature"));
}

/* Hostile tars: truncated, bad sizes, nested paths, garbage. */
static void test_hostile_tar(void **state)
{
	static const char *const bodies[] = { "", "x", "not a tar at all, just text" };
	struct vg_bundle_info info;
	char path[256], block[1024];
	size_t i;

	(void)state;
	need_keys();
	snprintf(path, sizeof(path), "%s/t.tar", dir);
	for (i = 0; i < 3; i++) {
		put(path, bodies[i]);
		assert_int_not_equal(load(path, &info), 0);
	}
	memset(block, 0, sizeof(block));
	snprintf(block, 100, "a/b/c.yaml");
	memcpy(block + 124, "00000000010", 11);
	block[156] = '0';
	{
		FILE *f = fopen(path, "w");

		fwrite(block, 1, sizeof(block), f);
		fclose(f);
	}
	assert_int_not_equal(load(path, &info), 0);
	assert_non_null(strstr(why, "only plain files at the top level"));
	memcpy(block + 124, "77777777777", 11);	/* larger than the file */
	snprintf(block, 100, "c.yaml");
	{
		FILE *f = fopen(path, "w");

		fwrite(block, 1, sizeof(block), f);
		fclose(f);
	}
	assert_int_not_equal(load(path, &info), 0);
	assert_non_null(strstr(why, "truncated"));
}

static void test_rollout_buckets(void **state)
{
	struct vg_bundle_info b = { 0 };
	unsigned a1, a2, seen_other = 0, i;
	char host[32];

	(void)state;
	memset(b.digest, 0x5a, sizeof(b.digest));
	a1 = vg_rollout_bucket("host-a", b.digest);
	a2 = vg_rollout_bucket("host-a", b.digest);
	assert_int_equal(a1, a2);
	assert_true(a1 < VG_ROLLOUT_BUCKETS);
	for (i = 0; i < 200; i++) {
		snprintf(host, sizeof(host), "host-%u", i);
		b.rollout_percent = 0;
		assert_false(vg_rollout_takes(&b, host, NULL));
		b.rollout_percent = 100;
		assert_true(vg_rollout_takes(&b, host, NULL));
		b.rollout_percent = 50;
		seen_other += vg_rollout_takes(&b, host, NULL);
	}
	/* About half of 200 hosts: far from none and from all. */
	assert_true(seen_other > 60 && seen_other < 140);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signed_bundle_verifies),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_hostile_tar),
		cmocka_unit_test(test_rollout_buckets),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
