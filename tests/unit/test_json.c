// SPDX-License-Identifier: GPL-2.0
/* JSON escaping of hostile strings (argv, paths): always valid JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "event/event_format.h"
#include "lib/json.h"

static const char *escape(const char *s, size_t len)
{
	static struct vg_buf b;

	vg_buf_reset(&b);
	vg_json_escape(&b, s, len);
	return b.data ? b.data : "";
}

static void test_quotes_backslash_newlines(void **state)
{
	(void)state;
	assert_string_equal(escape("a\"b\\c", 5), "a\\\"b\\\\c");
	assert_string_equal(escape("l1\nl2\r\t", 7), "l1\\nl2\\r\\t");
}

static void test_control_bytes(void **state)
{
	(void)state;
	assert_string_equal(escape("\x01\x1b[31m\x7f", 7), "\\u0001\\u001b[31m\x7f");
	/* An embedded NUL is data, not the end. */
	assert_string_equal(escape("a\0b", 3), "a\\u0000b");
}

static void test_utf8_valid_kept_invalid_replaced(void **state)
{
	(void)state;
	assert_string_equal(escape("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80", 15),
			    "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80");
	assert_string_equal(escape("\xff", 1), "\\ufffd");
	/* Truncated sequence, overlong '/', UTF-16 surrogate, past U+10FFFF. */
	assert_string_equal(escape("\xe2\x82", 2), "\\ufffd\\ufffd");
	assert_string_equal(escape("\xc0\xaf", 2), "\\ufffd\\ufffd");
	assert_string_equal(escape("\xed\xa0\x80", 3), "\\ufffd\\ufffd\\ufffd");
	assert_string_equal(escape("\xf4\x90\x80\x80", 4), "\\ufffd\\ufffd\\ufffd\\ufffd");
}

/*
 * Plain text is copied 8 bytes at a time: a byte that needs escaping is
 * found at every offset of a long string, whatever lies around it.
 */
static void test_escape_at_every_offset(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "\"", "\\\"" }, { "\\", "\\\\" }, { "\n", "\\n" }, { "\x01", "\\u0001" },
		{ "\x1f", "\\u001f" }, { "\xff", "\\ufffd" }, { "\xc3\xa9", "\xc3\xa9" },
		{ " ", " " }, { "\x7f", "\x7f" }, { "!", "!" }, { "]", "]" }, { "#", "#" },
	};
	char in[64], want[96];
	size_t c, at, n = 40;

	(void)state;
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		size_t len = strlen(cases[c].in), olen = strlen(cases[c].out);

		for (at = 0; at + len <= n; at++) {
			memset(in, 'a', n);
			memcpy(in + at, cases[c].in, len);
			memset(want, 'a', at);
			memcpy(want + at, cases[c].out, olen);
			memset(want + at + olen, 'a', n - at - len);
			want[at + olen + n - at - len] = '\0';
			assert_string_equal(escape(in, n), want);
		}
	}
}

static void test_writer_structure(void **state)
{
	struct vg_buf b = { 0 };
	struct vg_json j;

	(void)state;
	vg_json_init(&j, &b);
	vg_json_obj_begin(&j);
	vg_json_key(&j, "a");
	vg_json_u64(&j, 1);
	vg_json_key(&j, "b");
	vg_json_arr_begin(&j);
	vg_json_cstr(&j, "x");
	vg_json_i64(&j, -2);
	vg_json_obj_begin(&j);
	vg_json_obj_end(&j);
	vg_json_arr_end(&j);
	vg_json_key(&j, "c");
	vg_json_null(&j);
	vg_json_obj_end(&j);
	assert_string_equal(b.data, "{\"a\":1,\"b\":[\"x\",-2,{}],\"c\":null}");
	vg_buf_free(&b);
}

static void test_args_split_on_nul(void **state)
{
	struct vg_buf b = { 0 };
	struct vg_json j;

	(void)state;
	vg_json_init(&j, &b);
	vg_json_args(&j, "sh\0-c\0echo \"hi\"\n", sizeof("sh\0-c\0echo \"hi\"\n") - 1);
	assert_string_equal(b.data, "[\"sh\",\"-c\",\"echo \\\"hi\\\"\\n\"]");
	vg_buf_reset(&b);
	vg_json_init(&j, &b);
	vg_json_args(&j, "", 0);
	assert_string_equal(b.data, "[]");
	vg_buf_reset(&b);
	/* An empty argument in the middle is kept. */
	vg_json_init(&j, &b);
	vg_json_args(&j, "a\0\0b", 4);
	assert_string_equal(b.data, "[\"a\",\"\",\"b\"]");
	vg_buf_free(&b);
}

static void test_text_args_quote_and_escape(void **state)
{
	struct vg_buf b = { 0 };

	(void)state;
	vg_text_args(&b, "true\0beta gamma\0a\x1b", sizeof("true\0beta gamma\0a\x1b") - 1);
	assert_string_equal(b.data, "true \"beta gamma\" \"a\\x1b\"");
	vg_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quotes_backslash_newlines),
		cmocka_unit_test(test_control_bytes),
		cmocka_unit_test(test_utf8_valid_kept_invalid_replaced),
		cmocka_unit_test(test_escape_at_every_offset),
		cmocka_unit_test(test_writer_structure),
		cmocka_unit_test(test_args_split_on_nul),
		cmocka_unit_test(test_text_args_quote_and_escape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
