// SPDX-License-Identifier: GPL-2.0
/*
 * File sensor, pure parts: access and flag words, errno names, lexical path
 * normalization, watch-prefix keys and the compiled watch set (LPM masks
 * folded from shorter entries, ~/ twins), and one record through the
 * decoder and the JSON formatter.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "event/decode.h"
#include "event/event_format.h"
#include "event/rec_file.h"
#include "sensors/sensor_file.h"

static size_t words_of(uint16_t type, uint64_t flags, uint32_t acc, char *out, size_t size)
{
	const char *w[VG_FILE_MAX_WORDS];
	size_t n = vg_file_access_words(type, flags, acc, w, VG_FILE_MAX_WORDS), i;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i)
			strncat(out, ",", size - strlen(out) - 1);
		strncat(out, w[i], size - strlen(out) - 1);
	}
	return n;
}

static void test_open_access_words(void **state)
{
	char s[256];

	(void)state;
	words_of(VG_EV_FILE_OPEN, O_RDONLY, VG_FACC_READ, s, sizeof(s));
	assert_string_equal(s, "read");
	words_of(VG_EV_FILE_OPEN, O_WRONLY | O_CREAT | O_TRUNC, 0, s, sizeof(s));
	assert_string_equal(s, "write,create,truncate");
	words_of(VG_EV_FILE_OPEN, O_RDWR | O_APPEND | O_EXCL | O_CREAT, VG_FACC_EXECMODE, s, sizeof(s));
	assert_string_equal(s, "read-write,create,exclusive,append,execute-mode");
	words_of(VG_EV_FILE_OPEN, O_PATH | O_DIRECTORY, 0, s, sizeof(s));
	assert_string_equal(s, "path,directory");
	words_of(VG_EV_FILE_OPEN, O_RDWR | O_TMPFILE, 0, s, sizeof(s));
	assert_string_equal(s, "read-write,tmpfile");
	words_of(VG_EV_FILE_OPEN, O_RDONLY | O_NOFOLLOW, 0, s, sizeof(s));
	assert_string_equal(s, "read,nofollow");
}

static void test_op_access_words(void **state)
{
	char s[256];

	(void)state;
	words_of(VG_EV_FILE_CHMOD, 0, VG_FACC_ATTR | VG_FACC_EXECMODE, s, sizeof(s));
	assert_string_equal(s, "attributes,execute-mode");
	words_of(VG_EV_FILE_UNLINK, 0, VG_FACC_DELETE, s, sizeof(s));
	assert_string_equal(s, "delete");
	words_of(VG_EV_FILE_LINK, 0, VG_FACC_CREATE | VG_FACC_RENAME, s, sizeof(s));
	assert_string_equal(s, "create,rename");
	/* a bounded array is never overrun */
	{
		const char *w[2];

		assert_int_equal(vg_file_access_words(VG_EV_FILE_OPEN, O_RDWR | O_CREAT | O_TRUNC,
						      0, w, 2), 2);
	}
}

static void test_flag_words(void **state)
{
	const char *w[VG_FILE_MAX_WORDS];

	(void)state;
	assert_int_equal(vg_file_flag_words(VG_FSC_RENAMEAT2, 1 | 2, w, VG_FILE_MAX_WORDS), 2);
	assert_string_equal(w[0], "noreplace");
	assert_string_equal(w[1], "exchange");
	assert_int_equal(vg_file_flag_words(VG_FSC_UNLINKAT, 0x200, w, VG_FILE_MAX_WORDS), 1);
	assert_string_equal(w[0], "removedir");
	assert_int_equal(vg_file_flag_words(VG_FSC_MEMFD_CREATE, 3, w, VG_FILE_MAX_WORDS), 2);
	assert_string_equal(w[1], "allow-sealing");
	assert_int_equal(vg_file_flag_words(VG_FSC_MOUNT, 4096 | 16384, w, VG_FILE_MAX_WORDS), 2);
	assert_string_equal(w[0], "bind");
	assert_string_equal(w[1], "rec");
	assert_int_equal(vg_file_flag_words(VG_FSC_OPENAT, 0xffff, w, VG_FILE_MAX_WORDS), 0);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(vg_file_errno_name(EACCES), "EACCES");
	assert_string_equal(vg_file_errno_name(ENOENT), "ENOENT");
	assert_null(vg_file_errno_name(0));
	assert_string_equal(vg_file_syscall_name(VG_FSC_RENAMEAT2), "renameat2");
	assert_string_equal(vg_file_syscall_name(VG_FSC_MEMFD_CREATE), "memfd_create");
	assert_string_equal(vg_file_syscall_name(9999), "unknown");
}

static void norm(const char *in, const char *want)
{
	char buf[256];
	size_t n;

	strcpy(buf, in);
	n = vg_path_normalize(buf, strlen(buf));
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static void test_path_normalize(void **state)
{
	(void)state;
	norm("/tmp/../etc/passwd", "/etc/passwd");
	norm("/a/./b//c/", "/a/b/c");
	norm("/a/b/../../..", "/");
	norm("/../..", "/");
	norm("/", "/");
	norm("//etc///shadow", "/etc/shadow");
	norm("/home/u/.ssh/../.bashrc", "/home/u/.bashrc");
	norm("/a/..b/c", "/a/..b/c");		/* "..b" is a name */
	norm("relative/../x", "relative/../x");	/* only absolute paths */
}

static void test_watch_key(void **state)
{
	struct vg_watch_key k;
	bool home;
	char big[300];

	(void)state;
	assert_int_equal(vg_file_watch_key("/etc", &k, &home), 0);
	assert_false(home);
	assert_int_equal(k.prefixlen, 5 * 8);
	assert_memory_equal(k.data, "/etc/", 5);
	assert_int_equal(vg_file_watch_key("/etc/", &k, &home), 0);
	assert_int_equal(k.prefixlen, 5 * 8);
	assert_int_equal(vg_file_watch_key("/etc/cron*", &k, &home), 0);
	assert_int_equal(k.prefixlen, 9 * 8);
	assert_memory_equal(k.data, "/etc/cron", 9);
	assert_int_equal(vg_file_watch_key("~/.ssh", &k, &home), 0);
	assert_true(home);
	assert_memory_equal(k.data, "/.ssh/", 6);
	assert_int_equal(vg_file_watch_key("/", &k, &home), 0);
	assert_int_equal(k.prefixlen, 8);
	assert_int_equal(vg_file_watch_key("etc", &k, &home), -EINVAL);
	assert_int_equal(vg_file_watch_key("", &k, &home), -EINVAL);
	assert_int_equal(vg_file_watch_key("/a*b", &k, &home), -EINVAL);
	assert_int_equal(vg_file_watch_key("/a**", &k, &home), -EINVAL);
	assert_int_equal(vg_file_watch_key("~/", &k, &home), -EINVAL);
	memset(big, 'a', sizeof(big));
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(vg_file_watch_key(big, &k, &home), -ENAMETOOLONG);
}

static const struct vg_watch_entry *find(const struct vg_watch_entry *e, int n, bool home,
					 const char *key)
{
	int i;

	for (i = 0; i < n; i++)
		if (e[i].home == home && e[i].key.prefixlen == strlen(key) * 8 &&
		    !memcmp(e[i].key.data, key, strlen(key)))
			return &e[i];
	return NULL;
}

static void test_watch_compile(void **state)
{
	static const struct vg_file_watch w[] = {
		{ "/", VG_FACC_MOUNT },
		{ "/etc", VG_FACC_WRITE },
		{ "/etc/shadow", VG_FACC_READ },
		{ "/etc/", VG_FACC_DELETE },		/* same key as "/etc": masks add up */
		{ "~/.ssh", VG_FACC_READ },
	};
	struct vg_watch_entry e[16];
	const struct vg_watch_entry *x;
	int n;

	(void)state;
	n = vg_file_watch_compile(w, 5, VG_FACC_ALL, e, 16);
	assert_int_equal(n, 5);	/* "/", "/etc/", "/etc/shadow/", home "/.ssh/", "/root/.ssh/" */
	x = find(e, n, false, "/etc/shadow/");
	assert_non_null(x);
	/* the longest match carries what its shorter prefixes watch */
	assert_int_equal(x->mask, VG_FACC_READ | VG_FACC_WRITE | VG_FACC_DELETE | VG_FACC_MOUNT);
	x = find(e, n, false, "/etc/");
	assert_int_equal(x->mask, VG_FACC_WRITE | VG_FACC_DELETE | VG_FACC_MOUNT);
	x = find(e, n, false, "/root/.ssh/");
	assert_non_null(x);
	assert_int_equal(x->mask, VG_FACC_READ | VG_FACC_MOUNT);
	x = find(e, n, true, "/.ssh/");
	assert_non_null(x);
	assert_int_equal(x->mask, VG_FACC_READ);	/* home entries stand alone */
	/* --write-only: reads disappear everywhere */
	n = vg_file_watch_compile(w, 5, VG_FACC_MODIFY, e, 16);
	assert_int_equal(find(e, n, false, "/etc/shadow/")->mask,
			 VG_FACC_WRITE | VG_FACC_DELETE | VG_FACC_MOUNT);
	assert_int_equal(find(e, n, true, "/.ssh/")->mask, 0);
	/* too small an output and bad prefixes are errors */
	assert_int_equal(vg_file_watch_compile(w, 5, VG_FACC_ALL, e, 2), -E2BIG);
	{
		static const struct vg_file_watch bad[] = { { "etc", VG_FACC_ALL } };

		assert_int_equal(vg_file_watch_compile(bad, 1, VG_FACC_ALL, e, 16), -EINVAL);
	}
	/* the built-in set compiles */
	{
		struct vg_watch_entry big[2 * 64];

		assert_true(vg_file_watch_compile(vg_file_default_watch, vg_file_default_watch_len,
						  VG_FACC_ALL, big, 128) > 0);
	}
}

/* One chown record (path + requested tail) through decode and JSON. */
static void test_record_json(void **state)
{
	static unsigned char buf[512];
	struct vg_file *f = (struct vg_file *)buf;
	const char *path = "/etc/passwd", *req = "passwd";
	size_t size = sizeof(*f) + strlen(path) + strlen(req);
	struct vg_event_ctx ev;
	struct vg_buf out = { 0 };

	(void)state;
	memset(buf, 0, sizeof(buf));
	f->hdr.type = VG_EV_FILE_CHOWN;
	f->hdr.version = VG_ABI_VERSION;
	f->hdr.size = size;
	f->ret = -EPERM;
	f->uid = 1000;
	f->gid = (uint32_t)-1;
	f->syscall = VG_FSC_FCHOWNAT;
	f->access = VG_FACC_ATTR;
	f->fflags = VG_FILE_PATH_USER;
	f->path.off = 0;
	f->path.len = strlen(path);
	f->requested.off = strlen(path);
	f->requested.len = strlen(req);
	memcpy(buf + sizeof(*f), path, strlen(path));
	memcpy(buf + sizeof(*f) + strlen(path), req, strlen(req));
	assert_int_equal(vg_decode_check(buf, size, NULL), VG_DEC_OK);
	vg_event_ctx_fill(&ev, NULL, buf, size);
	vg_event_to_json(&out, &ev);
	assert_non_null(strstr(out.data, "\"kind\":\"event\",\"action\":\"chown\""));
	assert_non_null(strstr(out.data, "\"syscall\":{\"name\":\"fchownat\"}"));
	assert_non_null(strstr(out.data, "\"outcome\":\"failure\""));
	assert_non_null(strstr(out.data, "\"path\":\"/etc/passwd\""));
	assert_non_null(strstr(out.data, "\"path_source\":\"user\""));
	assert_non_null(strstr(out.data, "\"requested_path\":\"passwd\""));
	assert_non_null(strstr(out.data, "\"owner\":{\"id\":1000}"));
	assert_null(strstr(out.data, "null"));	/* group left unchanged: absent, not null */
	assert_non_null(strstr(out.data, "\"code\":\"EPERM\""));
	/* a string reaching past the record is refused */
	f->requested.len += 1;
	assert_int_equal(vg_decode_check(buf, size, NULL), VG_DEC_STR_BOUNDS);
	vg_buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_access_words),
		cmocka_unit_test(test_op_access_words),
		cmocka_unit_test(test_flag_words),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_path_normalize),
		cmocka_unit_test(test_watch_key),
		cmocka_unit_test(test_watch_compile),
		cmocka_unit_test(test_record_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
