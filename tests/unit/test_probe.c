// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the pure parsers behind `vigil probe` (no root, no kernel). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "sensors/probe.h"

static void lockdown_picks_bracketed_mode(void **state)
{
	char mode[32];

	(void)state;
	assert_int_equal(vg_parse_lockdown("none [integrity] confidentiality", mode, sizeof(mode)), 0);
	assert_string_equal(mode, "integrity");
	assert_int_equal(vg_parse_lockdown("[none] integrity confidentiality\n", mode, sizeof(mode)), 0);
	assert_string_equal(mode, "none");
	assert_int_equal(vg_parse_lockdown("none integrity [confidentiality]", mode, sizeof(mode)), 0);
	assert_string_equal(mode, "confidentiality");
}

static void lockdown_rejects_unbracketed(void **state)
{
	char mode[32] = "untouched";

	(void)state;
	assert_int_equal(vg_parse_lockdown("none integrity confidentiality", mode, sizeof(mode)),
			 -EINVAL);
	assert_int_equal(vg_parse_lockdown("", mode, sizeof(mode)), -EINVAL);
	assert_int_equal(vg_parse_lockdown("[] none", mode, sizeof(mode)), -EINVAL);
	assert_int_equal(vg_parse_lockdown("none [integrity", mode, sizeof(mode)), -EINVAL);
	assert_int_equal(vg_parse_lockdown(NULL, mode, sizeof(mode)), -EINVAL);
	assert_string_equal(mode, "untouched");
}

static void lockdown_truncates_to_buffer(void **state)
{
	char mode[4];

	(void)state;
	assert_int_equal(vg_parse_lockdown("[confidentiality]", mode, sizeof(mode)), 0);
	assert_string_equal(mode, "con");
}

static void lsm_list_splits_on_commas(void **state)
{
	char names[8][32];
	int n;

	(void)state;
	n = vg_parse_lsm_list("lockdown,capability,landlock,bpf", names, 8);
	assert_int_equal(n, 4);
	assert_string_equal(names[0], "lockdown");
	assert_string_equal(names[1], "capability");
	assert_string_equal(names[2], "landlock");
	assert_string_equal(names[3], "bpf");
}

static void lsm_list_skips_empty_and_spaces(void **state)
{
	char names[8][32];
	int n;

	(void)state;
	n = vg_parse_lsm_list(" capability ,, selinux,bpf\n", names, 8);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "capability");
	assert_string_equal(names[1], "selinux");
	assert_string_equal(names[2], "bpf");
	assert_int_equal(vg_parse_lsm_list("", names, 8), 0);
	assert_int_equal(vg_parse_lsm_list(NULL, names, 8), 0);
}

static void lsm_list_stops_at_max(void **state)
{
	char names[2][32];

	(void)state;
	assert_int_equal(vg_parse_lsm_list("a,b,c,d", names, 2), 2);
	assert_string_equal(names[1], "b");
}

static void lsm_has_matches_whole_names(void **state)
{
	(void)state;
	assert_true(vg_lsm_list_has("lockdown,capability,bpf", "bpf"));
	assert_true(vg_lsm_list_has("bpf", "bpf"));
	assert_false(vg_lsm_list_has("lockdown,capability,landlock", "bpf"));
	assert_false(vg_lsm_list_has("lockdown,bpfx,capability", "bpf"));
	assert_false(vg_lsm_list_has("", "bpf"));
}

static void cgroup2_mount_found_among_v1(void **state)
{
	static const char mi[] =
		"25 30 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
		"33 25 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
		"34 33 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
		"43 33 0:38 / /sys/fs/cgroup/unified rw,relatime shared:9 master:3 - cgroup2 cgroup2 rw\n";
	char out[128];

	(void)state;
	assert_int_equal(vg_parse_cgroup2_mount(mi, out, sizeof(out)), 0);
	assert_string_equal(out, "/sys/fs/cgroup/unified");
}

static void cgroup2_mount_absent(void **state)
{
	static const char mi[] =
		"33 25 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
		"34 33 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n";
	char out[128];

	(void)state;
	assert_int_equal(vg_parse_cgroup2_mount(mi, out, sizeof(out)), -ENOENT);
	assert_int_equal(vg_parse_cgroup2_mount("", out, sizeof(out)), -ENOENT);
}

static void verifier_reason_skips_statistics(void **state)
{
	static const char log[] =
		"func#0 @0\n"
		"0: R1=ctx() R10=fp0\n"
		"0: (85) call bpf_d_path#147\n"
		"unknown func bpf_d_path#147\n"
		"processed 1 insns (limit 1000000) max_states_per_insn 0 total_states 0\n"
		"verification time 12 usec\n"
		"stack depth 0\n";
	char out[128];

	(void)state;
	assert_int_equal(vg_verifier_reason(log, out, sizeof(out)), strlen("unknown func bpf_d_path#147"));
	assert_string_equal(out, "unknown func bpf_d_path#147");
	assert_int_equal(vg_verifier_reason("processed 2 insns\n", out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(vg_verifier_reason("", out, sizeof(out)), 0);
}

static void maps_offset_from_mapping(void **state)
{
	static const char maps[] =
		"55d0c0000000-55d0c0004000 r--p 00000000 08:01 1234 /usr/bin/vigil\n"
		"55d0c0004000-55d0c0010000 r-xp 00004000 08:01 1234 /usr/bin/vigil\n"
		"7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n"
		"7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0                          [stack]\n";
	unsigned long off = 0;
	char path[64];

	(void)state;
	assert_int_equal(vg_parse_maps_offset(maps, 0x55d0c0005230UL, &off, path, sizeof(path)), 0);
	assert_int_equal(off, 0x5230);
	assert_string_equal(path, "/usr/bin/vigil");
	/* anonymous and special mappings have no file to probe */
	assert_int_equal(vg_parse_maps_offset(maps, 0x7f0000000010UL, &off, path, sizeof(path)),
			 -ENOENT);
	assert_int_equal(vg_parse_maps_offset(maps, 0x7ffd00000010UL, &off, path, sizeof(path)),
			 -ENOENT);
	assert_int_equal(vg_parse_maps_offset(maps, 0x1000UL, &off, path, sizeof(path)), -ENOENT);
}

static void errno_names_and_text(void **state)
{
	char buf[96], nb[16];

	(void)state;
	assert_string_equal(vg_errno_name(EPERM, nb, sizeof(nb)), "EPERM");
	assert_string_equal(vg_errno_name(524, nb, sizeof(nb)), "ENOTSUPP");
	assert_string_equal(vg_errno_name(4000, nb, sizeof(nb)), "E4000");
	vg_errno_text(EPERM, buf, sizeof(buf));
	assert_string_equal(buf, "Operation not permitted (EPERM)");
	vg_errno_text(524, buf, sizeof(buf));
	assert_string_equal(buf, "not supported by this kernel (ENOTSUPP)");
}

static void hook_names_are_json_keys(void **state)
{
	int i;

	(void)state;
	assert_string_equal(vg_hook_name(VG_HOOK_TRACEPOINT), "tracepoint");
	assert_string_equal(vg_hook_name(VG_HOOK_TP_BTF), "tp_btf");
	assert_string_equal(vg_hook_name(VG_HOOK_LSM), "lsm");
	assert_string_equal(vg_hook_name(VG_HOOK_MAX), "?");
	for (i = 0; i < VG_HOOK_MAX; i++) {
		const char *n = vg_hook_name(i);

		assert_non_null(n);
		assert_true(strspn(n, "abcdefghijklmnopqrstuvwxyz_") == strlen(n));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lockdown_picks_bracketed_mode),
		cmocka_unit_test(lockdown_rejects_unbracketed),
		cmocka_unit_test(lockdown_truncates_to_buffer),
		cmocka_unit_test(lsm_list_splits_on_commas),
		cmocka_unit_test(lsm_list_skips_empty_and_spaces),
		cmocka_unit_test(lsm_list_stops_at_max),
		cmocka_unit_test(lsm_has_matches_whole_names),
		cmocka_unit_test(cgroup2_mount_found_among_v1),
		cmocka_unit_test(cgroup2_mount_absent),
		cmocka_unit_test(verifier_reason_skips_statistics),
		cmocka_unit_test(maps_offset_from_mapping),
		cmocka_unit_test(errno_names_and_text),
		cmocka_unit_test(hook_names_are_json_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
