// SPDX-License-Identifier: GPL-2.0
/*
 * Capture files (event/capture.h): what is written reads back byte for
 * byte, a restored process cache formats every record as the original
 * did, and a hostile file gets a one-line error with its offset, never a
 * read past what it holds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>
#include "event/capture.h"
#include "event/decode.h"
#include "event/event_format.h"
#include "event/proc_cache.h"
#include "lib/json.h"
#include "record_fixture.h"

static const struct vg_record_family *const families[] = {
	&vg_rec_process_family, &vg_rec_file_family, &vg_rec_net_family, &vg_rec_priv_family,
	&vg_rec_seccomp_family, &vg_rec_xattr_family, &vg_rec_cap_use_family,
};

static int write_proc(void *arg, const struct vg_proc *p)
{
	return vg_capture_write_proc(arg, p);
}

/* A capture of the fixture's cache and one record of @d; returns the record's size. */
static size_t write_capture(FILE *f, struct vg_proc_cache *c, unsigned char *rec,
			    const struct vg_record_desc *d)
{
	struct vg_capture_header h;
	bool print[VG_EV_TYPE_MAX] = { 0 };
	size_t size = build(rec, d, 3);

	print[d->type] = true;
	seed_cache(c, (const struct vg_hdr *)rec);
	vg_capture_header_init(&h, print, 10000000);
	assert_int_equal(vg_capture_write_header(f, &h), 0);
	assert_int_equal(vg_proc_cache_each(c, write_proc, f), 0);
	assert_int_equal(vg_capture_write_frame(f, VG_CAP_RECORD, rec, size), 0);
	rewind(f);
	return size;
}

static void to_json(struct vg_buf *b, struct vg_proc_cache *c, const void *rec, size_t size)
{
	struct vg_event_ctx ev;

	vg_buf_reset(b);
	vg_event_ctx_fill(&ev, c, rec, size);
	vg_event_to_json(b, &ev);
}

/* Reads @f back into a fresh cache; returns the record frame's bytes (in r->buf). */
static const void *read_capture(FILE *f, struct vg_capture_reader *r, struct vg_proc_cache *c,
				size_t *size, uint16_t type)
{
	const void *data = NULL;
	uint32_t kind;
	size_t len;
	int got;

	assert_int_equal(vg_capture_open(r, f, "t.cap"), 0);
	assert_true(r->hdr.print_types[type / 8] & (1u << (type % 8)));
	while ((got = vg_capture_next(r, &kind, &data, &len)) == 1) {
		struct vg_capture_proc_view v;

		if (kind == VG_CAP_RECORD)
			break;
		assert_int_equal(vg_capture_proc_parse(data, len, &v), 0);
		assert_non_null(vg_capture_proc_restore(c, &v));
	}
	assert_int_equal(got, 1);
	assert_int_equal(kind, VG_CAP_RECORD);
	vg_proc_cache_relink(c);
	*size = len;
	return data;
}

static void test_every_record_reads_back_and_formats_alike(void **state)
{
	static unsigned char rec[REC_BYTES];
	struct vg_buf live = { 0 }, replayed = { 0 };
	size_t i, j, n = 0;

	(void)state;
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		for (j = 0; j < families[i]->n; j++) {
			const struct vg_record_desc *d = &families[i]->descs[j];
			struct vg_proc_cache *c = vg_proc_cache_new(64, 1, 10000000);
			struct vg_proc_cache *c2 = vg_proc_cache_new(64, 1, 10000000);
			struct vg_capture_reader r;
			FILE *f = tmpfile();
			const void *back;
			size_t size, len;

			assert_non_null(f);
			size = write_capture(f, c, rec, d);
			back = read_capture(f, &r, c2, &len, d->type);
			assert_int_equal(len, size);
			assert_memory_equal(back, rec, size);
			to_json(&live, c, rec, size);
			to_json(&replayed, c2, back, len);
			assert_string_equal(replayed.data, live.data);
			vg_capture_close(&r);
			fclose(f);
			vg_proc_cache_free(c);
			vg_proc_cache_free(c2);
			n++;
		}
	assert_true(n > 30);
	vg_buf_free(&live);
	vg_buf_free(&replayed);
}

/* @bytes as a capture: the error of the first failing step (open or a frame). */
static const char *first_error(const void *bytes, size_t size, char *err, size_t err_size)
{
	struct vg_capture_reader r;
	FILE *f = fmemopen((void *)bytes, size, "r");
	const void *data;
	uint32_t kind;
	size_t len;
	int got;

	assert_non_null(f);
	got = vg_capture_open(&r, f, "bad.cap");
	if (!got)
		while ((got = vg_capture_next(&r, &kind, &data, &len)) == 1)
			;
	snprintf(err, err_size, "%s", got < 0 ? r.err : "");
	vg_capture_close(&r);
	fclose(f);
	return err;
}

static size_t valid_header(unsigned char *buf)
{
	struct vg_capture_header h;
	bool print[VG_EV_TYPE_MAX] = { 0 };

	vg_capture_header_init(&h, print, 10000000);
	memcpy(buf, &h, sizeof(h));
	return sizeof(h);
}

static void test_hostile_files_get_one_line_with_the_offset(void **state)
{
	static unsigned char buf[sizeof(struct vg_capture_header) + 64];
	struct vg_capture_header *h = (void *)buf;
	struct vg_capture_frame *fr = (void *)(buf + sizeof(*h));
	size_t n = valid_header(buf);
	char err[512];

	(void)state;
	assert_string_equal(first_error(buf, n, err, sizeof(err)), "");
	assert_non_null(strstr(first_error(buf, 10, err, sizeof(err)),
			       "bad.cap: offset 10: not a vigil capture"));
	memcpy(h->magic, "VIGILCAX", 8);
	assert_non_null(strstr(first_error(buf, n, err, sizeof(err)), "offset 0: not a vigil capture"));
	valid_header(buf);
	h->abi = VG_ABI_VERSION + 1;
	assert_non_null(strstr(first_error(buf, n, err, sizeof(err)), "records of ABI version"));
	valid_header(buf);
	h->tick_ns = 0;
	assert_non_null(strstr(first_error(buf, n, err, sizeof(err)), "clock tick of 0 ns"));
	valid_header(buf);
	/* Frames: cut head, unknown kind, a length no writer makes, cut payload. */
	assert_non_null(strstr(first_error(buf, n + 3, err, sizeof(err)), "frame head cut short"));
	*fr = (struct vg_capture_frame){ .kind = 9, .len = 8 };
	assert_non_null(strstr(first_error(buf, n + 16, err, sizeof(err)), "unknown frame kind 9"));
	*fr = (struct vg_capture_frame){ .kind = VG_CAP_RECORD, .len = VG_MAX_RECORD_BYTES + 1 };
	assert_non_null(strstr(first_error(buf, n + 16, err, sizeof(err)), "larger than any writer"));
	*fr = (struct vg_capture_frame){ .kind = VG_CAP_RECORD, .len = 40 };
	snprintf(err, sizeof(err), "bad.cap: offset %zu: frame of 40 bytes cut short", n);
	assert_string_equal(first_error(buf, n + 8 + 20, err + 256, 256), err);
}

static void test_process_entries_must_add_up(void **state)
{
	unsigned char buf[sizeof(struct vg_capture_proc) + 8];
	struct vg_capture_proc *p = (void *)buf;
	struct vg_capture_proc_view v;

	(void)state;
	memset(buf, 0, sizeof(buf));
	p->exe_len = 5;
	p->args_len = 3;
	assert_int_equal(vg_capture_proc_parse(buf, sizeof(buf), &v), 0);
	assert_ptr_equal(v.args, v.exe + 5);
	p->args_len = 4;
	assert_int_not_equal(vg_capture_proc_parse(buf, sizeof(buf), &v), 0);
	p->exe_len = 0xffffffff;	/* would wrap a 32-bit sum */
	p->args_len = 9;
	assert_int_not_equal(vg_capture_proc_parse(buf, sizeof(buf), &v), 0);
	assert_int_not_equal(vg_capture_proc_parse(buf, sizeof(*p) - 1, &v), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_record_reads_back_and_formats_alike),
		cmocka_unit_test(test_hostile_files_get_one_line_with_the_offset),
		cmocka_unit_test(test_process_entries_must_add_up),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
