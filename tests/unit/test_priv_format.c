// SPDX-License-Identifier: GPL-2.0
/* Formatting of the privilege sensor's fixed records: credentials and bpf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "event/decode.h"
#include "event/event_format.h"
#include "event/rec_priv.h"

static char *to_json(const void *rec, size_t size, struct vg_buf *b)
{
	struct vg_event_ctx ev;

	vg_buf_reset(b);
	vg_event_ctx_fill(&ev, NULL, rec, size);
	vg_event_to_json(b, &ev);
	vg_buf_append(b, "", 1);
	return b->data;
}

static void hdr(struct vg_hdr *h, uint16_t type, uint32_t size)
{
	h->type = type;
	h->version = VG_ABI_VERSION;
	h->size = size;
	h->pid = h->tgid = 77;
	strcpy(h->comm, "x");
}

static void ids(struct vg_cred_set *c, uint32_t uid, uint32_t euid, uint64_t caps)
{
	memset(c, 0, sizeof(*c));
	c->uid = uid;
	c->euid = c->suid = c->fsuid = euid;
	c->gid = c->egid = c->sgid = c->fsgid = 100;
	c->cap_effective = c->cap_permitted = caps;
}

static char *cred_json(uint16_t type, uint32_t call, const struct vg_cred_set *o,
		       const struct vg_cred_set *n, struct vg_buf *b)
{
	static struct vg_cred c;

	memset(&c, 0, sizeof(c));
	hdr(&c.hdr, type, sizeof(c));
	c.sys.call = call;
	c.old_creds = *o;
	c.new_creds = *n;
	assert_int_equal(vg_decode_check(&c, sizeof(c), NULL), VG_DEC_OK);
	return to_json(&c, sizeof(c), b);
}

static void test_setuid_to_root_gains(void **state)
{
	struct vg_cred_set o, n;
	struct vg_buf b = { 0 };
	char *j;

	(void)state;
	ids(&o, 1000, 0, 0);
	ids(&n, 0, 0, 0);
	j = cred_json(VG_EV_CRED, VG_PC_SETUID, &o, &n, &b);
	assert_non_null(strstr(j, "\"kind\":\"event\",\"action\":\"setuid\""));
	assert_non_null(strstr(j, "\"syscall\":{\"name\":\"setuid\",\"result\":0,\"args\":["));
	assert_non_null(strstr(j, "\"new_user\":{\"id\":0}"));
	assert_non_null(strstr(j, "\"changed\":[\"uid\"]"));
	/* euid was already 0: nothing gained by this call */
	assert_non_null(strstr(j, "\"gained_privileges\":false"));
	ids(&o, 1000, 1000, 0);
	j = cred_json(VG_EV_PRIV_EXEC, VG_PC_EXECVE, &o, &n, &b);
	assert_non_null(strstr(j, "\"action\":\"privileged_exec\""));
	assert_non_null(strstr(j, "\"gained_privileges\":true"));
	vg_buf_free(&b);
}

static void test_root_dropping_to_nobody_is_no_gain(void **state)
{
	struct vg_cred_set o, n;
	struct vg_buf b = { 0 };
	char *j;

	(void)state;
	ids(&o, 0, 0, 0x1ffffffffffULL);
	ids(&n, 65534, 65534, 0);
	j = cred_json(VG_EV_CRED, VG_PC_SETRESUID, &o, &n, &b);
	assert_non_null(strstr(j, "\"gained_privileges\":false"));
	assert_non_null(strstr(j, "\"capabilities.effective\""));
	vg_buf_free(&b);
}

static void test_file_caps_gain(void **state)
{
	struct vg_cred_set o, n;
	struct vg_buf b = { 0 };
	char *j;

	(void)state;
	ids(&o, 1000, 1000, 0);
	ids(&n, 1000, 1000, 1u << 7);
	j = cred_json(VG_EV_PRIV_EXEC, VG_PC_EXECVE, &o, &n, &b);
	assert_non_null(strstr(j, "\"capabilities\":{\"effective\":\"0x80\",\"permitted\":\"0x80\""));
	assert_non_null(strstr(j, "\"changed\":[\"capabilities.effective\",\"capabilities.permitted\"]"));
	assert_non_null(strstr(j, "\"gained_privileges\":true"));
	/* another user's id, taken by a non-root caller: a gain */
	ids(&n, 1000, 1001, 0);
	j = cred_json(VG_EV_PRIV_EXEC, VG_PC_EXECVE, &o, &n, &b);
	assert_non_null(strstr(j, "\"gained_privileges\":true"));
	vg_buf_free(&b);
}

static void test_bpf_prog_load(void **state)
{
	struct vg_bpf r;
	struct vg_buf b = { 0 };
	char *j;

	(void)state;
	memset(&r, 0, sizeof(r));
	hdr(&r.hdr, VG_EV_BPF, sizeof(r));
	r.sys.call = VG_PC_BPF;
	r.sys.ret = 5;
	r.cmd = 5;
	r.prog_type = 1;
	r.insn_cnt = 2;
	memcpy(r.name, "sixteen_chars_nm", 16);	/* no NUL: fills the array */
	assert_int_equal(vg_decode_check(&r, sizeof(r), NULL), VG_DEC_OK);
	j = to_json(&r, sizeof(r), &b);
	assert_non_null(strstr(j, "\"bpf\":{\"command\":\"PROG_LOAD\",\"command_id\":5,"
			       "\"program\":{\"type\":\"socket_filter\",\"type_id\":1,"
			       "\"name\":\"sixteen_chars_nm\",\"instruction_count\":2"));
	assert_non_null(strstr(j, "\"fd\":5}"));
	r.sys.ret = -1;
	j = to_json(&r, sizeof(r), &b);
	assert_non_null(strstr(j, "\"error\":{\"code\":\"EPERM\"}"));
	assert_null(strstr(j, "\"fd\":"));
	vg_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setuid_to_root_gains),
		cmocka_unit_test(test_root_dropping_to_nobody_is_no_gain),
		cmocka_unit_test(test_file_caps_gain),
		cmocka_unit_test(test_bpf_prog_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
