// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel-module code path of the privilege sensor on hand-built records
 * (this development kernel has no module support, so no real ones): decode
 * validation and JSON/text formatting of init_module, finit_module and
 * delete_module records.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "event/decode.h"
#include "event/event_format.h"
#include "event/rec_priv.h"

struct rec_buf {
	struct vg_module m;
	char tail[256];
};

/* Builds a module record with up to three tail strings; returns its size. */
static size_t build(struct rec_buf *r, uint32_t call, int64_t ret, const char *name,
		    const char *path, const char *params)
{
	size_t off = 0;

	memset(r, 0, sizeof(*r));
	r->m.hdr.type = VG_EV_MODULE;
	r->m.hdr.version = VG_ABI_VERSION;
	r->m.hdr.ts_boot_ns = 1000;
	r->m.hdr.start_time_ns = 500;
	r->m.hdr.pid = r->m.hdr.tgid = 4242;
	strcpy(r->m.hdr.comm, "insmod");
	r->m.sys.call = call;
	r->m.sys.ret = ret;
	r->m.fd = -1;
#define PUT(field, s) do { \
		r->m.field.off = off; \
		r->m.field.len = s ? strlen(s) : 0; \
		if (s) memcpy(r->tail + off, s, strlen(s)); \
		off += r->m.field.len; \
	} while (0)
	PUT(name, name);
	PUT(path, path);
	PUT(params, params);
#undef PUT
	r->m.hdr.size = sizeof(r->m) + off;
	return r->m.hdr.size;
}

static char *to_json(const void *rec, size_t size, struct vg_buf *b)
{
	struct vg_event_ctx ev;

	vg_buf_reset(b);
	vg_event_ctx_fill(&ev, NULL, rec, size);
	vg_event_to_json(b, &ev);
	vg_buf_append(b, "", 1);
	return b->data;
}

static char *to_text(const void *rec, size_t size, struct vg_buf *b)
{
	struct vg_event_ctx ev;

	vg_buf_reset(b);
	vg_event_ctx_fill(&ev, NULL, rec, size);
	vg_event_to_text(b, &ev);
	vg_buf_append(b, "", 1);
	return b->data;
}

static void test_finit_module_denied(void **state)
{
	struct rec_buf r;
	struct vg_buf b = { 0 };
	size_t size;
	char *j;

	(void)state;
	size = build(&r, VG_PC_FINIT_MODULE, -1, NULL, "/tmp/rootkit.ko", "hide=1");
	r.m.fd = 3;
	r.m.mod_flags = 2;
	assert_int_equal(vg_decode_check(&r, size, NULL), VG_DEC_OK);
	j = to_json(&r, size, &b);
	assert_non_null(strstr(j, "\"event\":{\"kind\":\"event\",\"action\":\"module\""));
	assert_non_null(strstr(j, "\"syscall\":{\"name\":\"finit_module\",\"result\":-1},\"error\":{\"code\":\"EPERM\"}"));
	assert_non_null(strstr(j, "\"module\":{\"operation\":\"load\",\"parameters\":\"hide=1\",\"flags\":\"0x2\",\"truncated\":false}"));
	assert_non_null(strstr(j, "\"file\":{\"path\":\"/tmp/rootkit.ko\",\"descriptor\":3}"));
	assert_null(strstr(j, "\"image_size\""));
	j = to_text(&r, size, &b);
	assert_non_null(strstr(j, "finit_module /tmp/rootkit.ko = EPERM"));
	vg_buf_free(&b);
}

static void test_init_module_loaded(void **state)
{
	struct rec_buf r;
	struct vg_buf b = { 0 };
	size_t size;
	char *j;

	(void)state;
	size = build(&r, VG_PC_INIT_MODULE, 0, NULL, NULL, "");
	r.m.len = 123456;
	assert_int_equal(vg_decode_check(&r, size, NULL), VG_DEC_OK);
	j = to_json(&r, size, &b);
	assert_non_null(strstr(j, "\"syscall\":{\"name\":\"init_module\",\"result\":0}"));
	assert_non_null(strstr(j, "\"module\":{\"operation\":\"load\",\"parameters\":\"\",\"image_size\":123456,\"truncated\":false}"));
	assert_null(strstr(j, "\"file\""));
	vg_buf_free(&b);
}

static void test_delete_module(void **state)
{
	struct rec_buf r;
	struct vg_buf b = { 0 };
	size_t size;
	char *j;

	(void)state;
	size = build(&r, VG_PC_DELETE_MODULE, -2, "evil_mod", NULL, NULL);
	r.m.mod_flags = 0x800;	/* O_NONBLOCK */
	r.m.sys.flags = VG_PRIV_STR_TRUNC;
	assert_int_equal(vg_decode_check(&r, size, NULL), VG_DEC_OK);
	j = to_json(&r, size, &b);
	assert_non_null(strstr(j, "\"syscall\":{\"name\":\"delete_module\",\"result\":-2},\"error\":{\"code\":\"ENOENT\"}"));
	assert_non_null(strstr(j, "\"module\":{\"operation\":\"unload\",\"name\":\"evil_mod\",\"flags\":\"0x800\",\"truncated\":true}"));
	j = to_text(&r, size, &b);
	assert_non_null(strstr(j, "delete_module evil_mod = ENOENT"));
	vg_buf_free(&b);
}

static void test_module_record_out_of_bounds_rejected(void **state)
{
	struct rec_buf r;
	size_t size;

	(void)state;
	size = build(&r, VG_PC_FINIT_MODULE, 0, NULL, "/x.ko", "a=b");
	r.m.params.len += 1;	/* one byte past the tail */
	assert_int_equal(vg_decode_check(&r, size, NULL), VG_DEC_STR_BOUNDS);
	size = build(&r, VG_PC_FINIT_MODULE, 0, NULL, "/x.ko", NULL);
	assert_int_equal(vg_decode_check(&r, sizeof(r.m) - 8, NULL), VG_DEC_SIZE_MISMATCH);
	r.m.hdr.size = sizeof(r.m) - 8;
	assert_int_equal(vg_decode_check(&r, sizeof(r.m) - 8, NULL), VG_DEC_SHORT);
	(void)size;
}

static void test_descriptor_and_names(void **state)
{
	const struct vg_record_desc *d = vg_record_desc(VG_EV_MODULE);

	(void)state;
	assert_non_null(d);
	assert_string_equal(d->kind, "module");
	assert_int_equal(d->fixed_size, sizeof(struct vg_module));
	assert_int_equal(d->n_strs, 3);
	assert_string_equal(vg_priv_call_name(VG_PC_INIT_MODULE), "init_module");
	assert_string_equal(vg_priv_call_name(VG_PC_FINIT_MODULE), "finit_module");
	assert_string_equal(vg_priv_call_name(VG_PC_DELETE_MODULE), "delete_module");
	assert_null(vg_priv_call_name(VG_PC_MAX));
	assert_string_equal(vg_bpf_cmd_name(5), "BPF_PROG_LOAD");
	assert_string_equal(vg_iouring_op_name(18), "OPENAT");
	assert_string_equal(vg_ptrace_request_name(0x4206), "PTRACE_SEIZE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finit_module_denied),
		cmocka_unit_test(test_init_module_loaded),
		cmocka_unit_test(test_delete_module),
		cmocka_unit_test(test_module_record_out_of_bounds_rejected),
		cmocka_unit_test(test_descriptor_and_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
