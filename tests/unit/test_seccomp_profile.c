// SPDX-License-Identifier: GPL-2.0
/*
 * Seccomp profiles without a kernel: bitmaps into names (libseccomp's
 * tables), the always-needed group, --merge, the JSON round trip, and
 * hostile profile files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <seccomp.h>
#include "lib/parse_num.h"
#include "seccomp/profile_json.h"
#include "seccomp/sc_names.h"

static void set_bit(struct vg_sc_bitmap *b, const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);

	assert_true(nr >= 0 && nr < VG_SC_MAX_NR);
	b->words[nr / 64] |= 1ULL << (nr % 64);
}

static struct vg_sc_profile build(const char *const *names, const struct vg_sc_profile *base)
{
	struct vg_sc_bitmap seen[VG_SC_ABIS];
	struct vg_sc_profile p;
	char err[256];

	memset(seen, 0, sizeof(seen));
	for (; *names; names++)
		set_bit(&seen[VG_SC_ABI_NATIVE], *names);
	assert_int_equal(vg_sc_profile_build(&p, seen, base, NULL, err, sizeof(err)), 0);
	return p;
}

static char *write_tmp(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/vg-sc-unit-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_names_and_added_group(void **state)
{
	static const char *const rec[] = { "read", "openat", "exit_group", NULL };
	struct vg_sc_profile p = build(rec, NULL);
	struct vg_sc_names all = { 0 };

	(void)state;
	assert_string_equal(p.default_action, "SCMP_ACT_ERRNO");
	assert_int_equal(p.default_errno, 1);
	assert_int_equal(p.n_rules, 2);
	assert_int_equal(p.rules[0].names.n, 3);
	assert_false(p.rules[0].added);
	assert_true(p.rules[1].added);
	/* exit_group was seen: not added again. */
	assert_false(vg_sc_names_has(&p.rules[1].names, "exit_group"));
	assert_true(vg_sc_names_has(&p.rules[1].names, "rt_sigreturn"));
	assert_true(vg_sc_names_has(&p.rules[1].names, "execve"));
	assert_int_equal(vg_sc_profile_allowed(&p, &all), 0);
	assert_int_equal(all.n, 3 + p.rules[1].names.n);
	assert_int_equal(vg_sc_category_of("openat"), VG_SC_CAT_FILE);
	assert_int_equal(vg_sc_category_of("ptrace"), VG_SC_CAT_PRIVILEGED);
	assert_int_equal(vg_sc_category_of("no_such_call"), VG_SC_CAT_OTHER);
	vg_sc_names_free(&all);
	vg_sc_profile_free(&p);
}

/* Write, read back, merge the same recording: the same bytes. */
static void test_merge_round_trip_is_idempotent(void **state)
{
	static const char *const rec[] = { "read", "write", "socket", NULL };
	static const char *const sub[] = { "read", NULL };
	struct vg_sc_profile p = build(rec, NULL), back, again;
	char *json = vg_sc_profile_json(&p), *json2, err[256], *path;

	(void)state;
	path = write_tmp(json);
	assert_int_equal(vg_sc_profile_read(path, &back, err, sizeof(err)), 0);
	again = build(sub, &back);
	json2 = vg_sc_profile_json(&again);
	assert_string_equal(json, json2);
	unlink(path);
	free(json);
	free(json2);
	vg_sc_profile_free(&p);
	vg_sc_profile_free(&back);
	vg_sc_profile_free(&again);
}

static void test_merge_keeps_unknown_names(void **state)
{
	static const char *const rec[] = { "read", NULL };
	char err[256], *path = write_tmp(
		"{\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
		"\"syscalls\":[{\"names\":[\"not_a_syscall_yet\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
	struct vg_sc_profile base, p;

	(void)state;
	assert_int_equal(vg_sc_profile_read(path, &base, err, sizeof(err)), 0);
	unlink(path);
	p = build(rec, &base);
	assert_string_equal(p.default_action, "SCMP_ACT_KILL_PROCESS");
	assert_true(vg_sc_names_has(&p.rules[0].names, "not_a_syscall_yet"));
	assert_true(vg_sc_names_has(&p.rules[0].names, "write"));
	assert_true(vg_sc_names_has(&p.rules[0].names, "read"));
	vg_sc_profile_free(&base);
	vg_sc_profile_free(&p);
}

static void expect_bad(const char *text, const char *needle)
{
	struct vg_sc_profile p;
	char err[256], *path = write_tmp(text);

	assert_true(vg_sc_profile_read(path, &p, err, sizeof(err)) < 0);
	unlink(path);
	if (!strstr(err, needle))
		fail_msg("error '%s' lacks '%s'", err, needle);
	assert_null(strchr(err, '\n'));
}

static void test_hostile_files(void **state)
{
	(void)state;
	expect_bad("{\"defaultAction\": \"SCMP_ACT_ERRNO\",\n \"syscalls\": [}", ":2:");
	expect_bad("[]", "JSON object");
	expect_bad("{\"defaultAction\": 3}", "defaultAction");
	expect_bad("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
		   "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0}]}]}", "args");
	expect_bad("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[7],"
		   "\"action\":\"SCMP_ACT_ALLOW\"}]}", "names");
	expect_bad("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":-1}", "defaultErrnoRet");
	expect_bad("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultAction\":\"SCMP_ACT_LOG\"}",
		   "duplicate");
}

static void test_durations(void **state)
{
	uint64_t ms;

	(void)state;
	assert_int_equal(vg_parse_duration_ms("500ms", &ms), 0);
	assert_int_equal(ms, 500);
	assert_int_equal(vg_parse_duration_ms("30", &ms), 0);
	assert_int_equal(ms, 30000);
	assert_int_equal(vg_parse_duration_ms("2h", &ms), 0);
	assert_int_equal(ms, 7200000);
	assert_true(vg_parse_duration_ms("5x", &ms) < 0);
	assert_true(vg_parse_duration_ms("-1s", &ms) < 0);
	assert_true(vg_parse_duration_ms("99999999999999999999h", &ms) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_and_added_group),
		cmocka_unit_test(test_merge_round_trip_is_idempotent),
		cmocka_unit_test(test_merge_keeps_unknown_names),
		cmocka_unit_test(test_hostile_files),
		cmocka_unit_test(test_durations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
