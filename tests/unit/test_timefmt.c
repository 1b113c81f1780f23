// SPDX-License-Identifier: GPL-2.0
/* @timestamp text: the per-second memo gives what gmtime and strftime give. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "lib/timefmt.h"

/* The text the formatter made before it kept the last second. */
static void reference(uint64_t ns, char *buf, size_t size)
{
	time_t secs = ns / 1000000000ULL;
	struct tm tm;
	size_t n;

	gmtime_r(&secs, &tm);
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%06uZ", (unsigned)(ns % 1000000000ULL / 1000));
}

static void test_rfc3339_matches_strftime(void **state)
{
	static const uint64_t times[] = {
		0, 999999999, 1000000000, 1796627723000000000ull, 1796627723000001000ull,
		1796627723999999999ull, 1796627724000000000ull, 1796627723123456789ull,
		951782400000000000ull,	/* 2000-02-29 */
	};
	char got[48], want[48];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		n = vg_format_rfc3339(times[i], got, sizeof(got));
		reference(times[i], want, sizeof(want));
		assert_string_equal(got, want);
		assert_int_equal(n, strlen(want));
		/* Again, now from the memo of this second. */
		vg_format_rfc3339(times[i], got, sizeof(got));
		assert_string_equal(got, want);
	}
	assert_string_equal((vg_format_rfc3339(1796627723123456789ull, got, sizeof(got)), got),
			    "2026-12-07T07:15:23.123456Z");
}

static void test_rfc3339_small_buffer_is_cut(void **state)
{
	char got[12];

	(void)state;
	vg_format_rfc3339(1796627723123456789ull, got, sizeof(got));
	assert_string_equal(got, "2026-12-07T");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3339_matches_strftime),
		cmocka_unit_test(test_rfc3339_small_buffer_is_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
