// SPDX-License-Identifier: GPL-2.0
/* Record validation: short, oversized, unknown-version and out-of-bounds records are counted and refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "event/decode.h"

static unsigned char buf[VG_MAX_RECORD_BYTES + 64];

/* An exec record with "abc" as argv in a 3-byte tail. */
static size_t make_exec(void)
{
	struct vg_exec *e = (struct vg_exec *)buf;
	size_t size = sizeof(*e) + 3;

	memset(buf, 0, sizeof(buf));
	e->hdr.type = VG_EV_EXEC;
	e->hdr.version = VG_ABI_VERSION;
	e->hdr.size = size;
	e->argv.off = 0;
	e->argv.len = 3;
	memcpy(buf + sizeof(*e), "abc", 3);
	return size;
}

static void test_valid_exec(void **state)
{
	struct vg_decode_stats st = { 0 };
	size_t size = make_exec(), len;
	const char *s;

	(void)state;
	assert_int_equal(vg_decode_check(buf, size, &st), VG_DEC_OK);
	assert_int_equal(st.ok, 1);
	s = vg_rec_str(buf, &((struct vg_exec *)buf)->argv, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(s, "abc", 3);
}

static void test_short_records(void **state)
{
	struct vg_decode_stats st = { 0 };
	size_t size = make_exec();

	(void)state;
	assert_int_equal(vg_decode_check(buf, 10, &st), VG_DEC_SHORT);
	/* Header says the full size but fewer bytes arrived. */
	assert_int_equal(vg_decode_check(buf, size - 1, &st), VG_DEC_SIZE_MISMATCH);
	/* A record too small for its type's fixed part. */
	((struct vg_hdr *)buf)->size = sizeof(struct vg_hdr) + 8;
	assert_int_equal(vg_decode_check(buf, sizeof(struct vg_hdr) + 8, &st), VG_DEC_SHORT);
	assert_int_equal(st.bad[VG_DEC_SHORT], 2);
	assert_int_equal(st.bad[VG_DEC_SIZE_MISMATCH], 1);
	assert_int_equal(st.ok, 0);
}

static void test_oversized_record(void **state)
{
	struct vg_decode_stats st = { 0 };

	(void)state;
	make_exec();
	((struct vg_hdr *)buf)->size = VG_MAX_RECORD_BYTES + 8;
	assert_int_equal(vg_decode_check(buf, VG_MAX_RECORD_BYTES + 8, &st), VG_DEC_OVERSIZE);
	assert_int_equal(st.bad[VG_DEC_OVERSIZE], 1);
}

static void test_unknown_version_and_type(void **state)
{
	struct vg_decode_stats st = { 0 };
	size_t size = make_exec();

	(void)state;
	((struct vg_hdr *)buf)->version = VG_ABI_VERSION + 1;
	assert_int_equal(vg_decode_check(buf, size, &st), VG_DEC_VERSION);
	size = make_exec();
	((struct vg_hdr *)buf)->type = 9999;
	assert_int_equal(vg_decode_check(buf, size, &st), VG_DEC_TYPE);
	size = make_exec();
	((struct vg_hdr *)buf)->type = VG_EV_FILE_LAST;	/* in range, not defined */
	if (!vg_record_desc(VG_EV_FILE_LAST))
		assert_int_equal(vg_decode_check(buf, size, &st), VG_DEC_TYPE);
	assert_int_equal(st.bad[VG_DEC_VERSION], 1);
}

static void test_string_out_of_bounds(void **state)
{
	struct vg_decode_stats st = { 0 };
	size_t size = make_exec();
	struct vg_exec *e = (struct vg_exec *)buf;

	(void)state;
	e->argv.len = 4;	/* one past the tail */
	assert_int_equal(vg_decode_check(buf, size, &st), VG_DEC_STR_BOUNDS);
	e->argv.len = 0;
	e->cwd.off = 0xffff;
	assert_int_equal(vg_decode_check(buf, size, &st), VG_DEC_STR_BOUNDS);
	assert_int_equal(st.bad[VG_DEC_STR_BOUNDS], 2);
}

static void test_fixed_record_with_tail_is_refused(void **state)
{
	struct vg_decode_stats st = { 0 };
	struct vg_exit *x = (struct vg_exit *)buf;

	(void)state;
	memset(buf, 0, sizeof(buf));
	x->hdr.type = VG_EV_EXIT;
	x->hdr.version = VG_ABI_VERSION;
	x->hdr.size = sizeof(*x);
	assert_int_equal(vg_decode_check(buf, sizeof(*x), &st), VG_DEC_OK);
	x->hdr.size = sizeof(*x) + 8;
	assert_int_equal(vg_decode_check(buf, sizeof(*x) + 8, &st), VG_DEC_SIZE_MISMATCH);
	assert_string_equal(vg_record_desc(VG_EV_EXIT)->kind, "exit");
}

/* A signal record with "bash" as its target's executable and, when @held, the storm count after it. */
static size_t make_signal(uint64_t held)
{
	struct vg_signal *g = (struct vg_signal *)buf;
	size_t size = sizeof(*g) + 4;

	memset(buf, 0, sizeof(buf));
	g->hdr.type = VG_EV_SIGNAL;
	g->hdr.version = VG_ABI_VERSION;
	g->target_exe.len = 4;
	memcpy(buf + sizeof(*g), "bash", 4);
	if (held) {
		g->hdr.flags |= VG_HF_HELD;
		memcpy(buf + size, &held, sizeof(held));
		size += sizeof(held);
	}
	g->hdr.size = size;
	return size;
}

/* A storm aggregate's count follows the record: checked apart from the tail, read by vg_rec_held. */
static void test_held_count_after_the_record(void **state)
{
	struct vg_decode_stats st = { 0 };
	struct vg_signal *g = (struct vg_signal *)buf;
	struct vg_cred *c = (struct vg_cred *)buf;
	struct vg_file *f = (struct vg_file *)buf;
	size_t size;

	(void)state;
	size = make_signal(0);
	assert_int_equal(vg_decode_check(buf, size, &st), VG_DEC_OK);
	assert_int_equal(vg_rec_held(&g->hdr), 0);
	size = make_signal(123456789012ULL);
	assert_int_equal(vg_decode_check(buf, size, &st), VG_DEC_OK);
	assert_true(vg_rec_held(&g->hdr) == 123456789012ULL);
	/* The count is not part of the tail: a string reaching into it is refused. */
	g->target_exe.len = 12;
	assert_int_equal(vg_decode_check(buf, size, &st), VG_DEC_STR_BOUNDS);
	/* A fixed record: exactly the count after it, no more, no less. */
	memset(buf, 0, sizeof(buf));
	c->hdr.type = VG_EV_CRED;
	c->hdr.version = VG_ABI_VERSION;
	c->hdr.flags = VG_HF_HELD;
	c->hdr.size = sizeof(*c) + 8;
	assert_int_equal(vg_decode_check(buf, sizeof(*c) + 8, &st), VG_DEC_OK);
	c->hdr.size = sizeof(*c) + 4;
	assert_int_not_equal(vg_decode_check(buf, sizeof(*c) + 4, &st), VG_DEC_OK);
	c->hdr.size = 4;
	assert_int_not_equal(vg_decode_check(buf, 4, &st), VG_DEC_OK);
	/* A file record carries its count in vg_file.suppressed. */
	memset(buf, 0, sizeof(buf));
	f->hdr.type = VG_EV_FILE_CHMOD;
	f->hdr.size = sizeof(*f);
	f->suppressed = 77;
	assert_int_equal(vg_rec_held(&f->hdr), 77);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_exec),
		cmocka_unit_test(test_short_records),
		cmocka_unit_test(test_oversized_record),
		cmocka_unit_test(test_unknown_version_and_type),
		cmocka_unit_test(test_string_out_of_bounds),
		cmocka_unit_test(test_fixed_record_with_tail_is_refused),
		cmocka_unit_test(test_held_count_after_the_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
