// SPDX-License-Identifier: GPL-2.0
/*
 * Facts derived from an exec record: masquerading (name vs executable) and
 * the environment flags as policy fields; capability names of a capset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "event/masquerade.h"
#include "event/rec_priv.h"

static bool mismatch(const char *comm, const char *exe, const char *invoked, const char *argv0,
		     bool script)
{
	struct vg_exec_names n = {
		.comm = comm, .exe = exe, .exe_len = strlen(exe),
		.invoked = invoked, .invoked_len = strlen(invoked),
		.argv0 = argv0, .argv0_len = argv0 ? strlen(argv0) : 0, .script = script,
	};

	return vg_name_mismatch(&n);
}

static void test_name_mismatch(void **state)
{
	(void)state;
	/* The ordinary case and a login shell's "-bash". */
	assert_false(mismatch("sleep", "/usr/bin/sleep", "/bin/sleep", "sleep", false));
	assert_false(mismatch("bash", "/usr/bin/bash", "/bin/bash", "-bash", false));
	/* The kernel cuts comm at 15 bytes: a long name still matches. */
	assert_false(mismatch("systemd-journal", "/usr/lib/systemd/systemd-journald",
			      "/usr/lib/systemd/systemd-journald", "systemd-journald", false));
	/* A file named past the 15 bytes to pass the comm test: argv[0] is compared whole. */
	assert_false(mismatch("systemd-journal", "/tmp/systemd-journalX", "/tmp/systemd-journalX",
			      "systemd-journalX", false));
	assert_true(mismatch("systemd-journal", "/tmp/systemd-journalX", "/tmp/systemd-journalX",
			     "systemd-journald", false));
	/* A link named sshd to sleep; exec -a sshd sleep. */
	assert_true(mismatch("sshd", "/usr/bin/sleep", "/tmp/d/sshd", "/tmp/d/sshd", false));
	assert_true(mismatch("sleep", "/usr/bin/sleep", "/bin/sleep", "sshd", false));
	/* Scripts: comm is the script's name, the executable its interpreter. */
	assert_false(mismatch("deploy.sh", "/usr/bin/dash", "/opt/deploy.sh", "/bin/sh", true));
	/* Execs by descriptor and fileless executables are other rules' business. */
	assert_false(mismatch("3", "/tmp/x", "/dev/fd/3", "x", false));
	assert_false(mismatch("x", "/memfd:x (deleted)", "/proc/self/fd/4", "x", false));
	assert_false(mismatch("x", "/tmp/y (deleted)", "/tmp/y", "x", false));
	/* No executable, or no argv[0]: nothing to compare argv[0] with. */
	assert_false(mismatch("x", "", "", "x", false));
	assert_false(mismatch("true", "/usr/bin/true", "/bin/true", NULL, false));
	assert_false(mismatch("true", "/usr/bin/true", "/bin/true", "", false));
}

static void test_argv0_name(void **state)
{
	size_t len;
	const char *p;

	(void)state;
	p = vg_argv0_name("/usr/bin/ssh\0host", 17, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(p, "ssh", 3);
	p = vg_argv0_name("-bash", 5, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(p, "bash", 4);
	/* A lone "-" stays; a missing argv[0] is empty. */
	p = vg_argv0_name("-", 1, &len);
	assert_int_equal(len, 1);
	p = vg_argv0_name(NULL, 0, &len);
	assert_int_equal(len, 0);
	/* Not NUL-terminated within its length: the length bounds it. */
	p = vg_argv0_name("abcdef", 3, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(p, "abc", 3);
}

static void test_cap_names(void **state)
{
	const char *w[VG_CAP_MAX_NAMES];

	(void)state;
	assert_int_equal(vg_cap_names(0, w, VG_CAP_MAX_NAMES), 0);
	assert_int_equal(vg_cap_names((1ULL << 21) | (1ULL << 39), w, VG_CAP_MAX_NAMES), 2);
	assert_string_equal(w[0], "CAP_SYS_ADMIN");
	assert_string_equal(w[1], "CAP_BPF");
	/* Bits the table does not know are still reported, and @max bounds the output. */
	assert_int_equal(vg_cap_names(1ULL << 63, w, VG_CAP_MAX_NAMES), 1);
	assert_string_equal(w[0], "CAP_UNKNOWN");
	assert_int_equal(vg_cap_names(~0ULL, w, 3), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_mismatch),
		cmocka_unit_test(test_argv0_name),
		cmocka_unit_test(test_cap_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
