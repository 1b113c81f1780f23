// SPDX-License-Identifier: GPL-2.0
/* String map: a prefix's hash grown piece by piece is its hash, and finds it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "lib/strmap.h"

static void test_hash_grows_prefix_by_prefix(void **state)
{
	static const char path[] = "/var/tmp/vigil-bench/data/file.txt";
	static const size_t cuts[] = { 1, 5, 9, 21, sizeof(path) - 1 };
	uint64_t h = VG_STRMAP_HASH_INIT;
	size_t i, done = 0;

	(void)state;
	assert_true(vg_strmap_hash("", 0) == VG_STRMAP_HASH_INIT);
	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		h = vg_strmap_hash_more(h, path + done, cuts[i] - done);
		done = cuts[i];
		assert_true(h == vg_strmap_hash(path, done));
	}
}

static void test_find_hashed_finds_only_what_is_there(void **state)
{
	static const char path[] = "/var/tmp/x/file";
	struct vg_strmap m = { 0 };
	struct vg_strmap_slot *s;
	int val = 7;

	(void)state;
	assert_null(vg_strmap_find_hashed(&m, "/var/", 5, vg_strmap_hash("/var/", 5)));
	s = vg_strmap_get(&m, "/var/tmp/", 9, true);
	assert_non_null(s);
	s->val = &val;
	assert_ptr_equal(vg_strmap_find_hashed(&m, path, 9, vg_strmap_hash(path, 9)), s);
	assert_null(vg_strmap_find_hashed(&m, path, 5, vg_strmap_hash(path, 5)));
	assert_null(vg_strmap_find_hashed(&m, path, 10, vg_strmap_hash(path, 10)));
	vg_strmap_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_grows_prefix_by_prefix),
		cmocka_unit_test(test_find_hashed_finds_only_what_is_there),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
