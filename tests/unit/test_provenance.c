// SPDX-License-Identifier: GPL-2.0
/* File provenance (event/provenance.c): writers of files in writable places,
 * handed to the process that runs them; renames, copies, scripts, bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "event/proc_cache.h"
#include "event/provenance.h"

#define SEC 1000000000ULL

static unsigned char rec[8192];

/* An exec record of @tgid: @exe as the kernel's, @filename as given, @cwd, @argv (NUL-separated). */
static const struct vg_exec *exec_rec(uint32_t tgid, const char *exe, const char *filename,
				      const char *cwd, const char *argv, size_t argv_len)
{
	struct vg_exec *e = (struct vg_exec *)rec;
	char *tail = (char *)rec + sizeof(*e);
	size_t off = 0;

	memset(rec, 0, sizeof(rec));
	e->hdr.type = VG_EV_EXEC;
	e->hdr.tgid = e->hdr.pid = tgid;
	e->hdr.start_time_ns = tgid * SEC;
	e->hdr.ts_boot_ns = 100 * SEC;
#define PUT(field, s, n) do { e->field.off = off; e->field.len = (n); \
		memcpy(tail + off, (s), (n)); off += (n); } while (0)
	PUT(exe, exe, strlen(exe));
	PUT(filename, filename, strlen(filename));
	PUT(cwd, cwd, strlen(cwd));
	PUT(argv, argv, argv_len);
#undef PUT
	return e;
}

/* A file record of @tgid: @type on @path (@target for renames and links), @access. */
static const struct vg_file *file_rec(uint32_t tgid, uint16_t type, const char *path,
				      const char *target, uint32_t access, uint64_t ts)
{
	struct vg_file *f = (struct vg_file *)rec;
	char *tail = (char *)rec + sizeof(*f);

	memset(rec, 0, sizeof(rec));
	f->hdr.type = type;
	f->hdr.tgid = f->hdr.pid = tgid;
	f->hdr.start_time_ns = tgid * SEC;
	f->hdr.ts_boot_ns = ts;
	f->access = access;
	f->path.len = strlen(path);
	memcpy(tail, path, f->path.len);
	f->target.off = f->path.len;
	f->target.len = target ? strlen(target) : 0;
	if (target)
		memcpy(tail + f->path.len, target, f->target.len);
	return f;
}

struct world {
	struct vg_proc_cache *c;
	struct vg_provenance *s;
};

/* Process @tgid runs @exe with arguments @argv (@len bytes). */
static struct vg_proc *start(struct world *w, uint32_t tgid, const char *exe, const char *argv,
			     size_t len)
{
	const struct vg_exec *e = exec_rec(tgid, exe, exe, "/", argv, len);
	struct vg_proc *p;

	vg_proc_cache_on_exec(w->c, e);
	p = vg_proc_cache_lookup(w->c, tgid, tgid * SEC);
	assert_non_null(p);
	vg_provenance_on_exec(w->s, w->c, p, e);
	return p;
}

static void wrote(struct world *w, uint32_t tgid, const char *path, uint64_t ts)
{
	const struct vg_file *f = file_rec(tgid, VG_EV_FILE_OPEN, path, NULL,
					   VG_FACC_WRITE | VG_FACC_CREATE, ts);

	vg_provenance_on_file(w->s, w->c, f, sizeof(*f) + strlen(path),
			      vg_proc_cache_lookup(w->c, tgid, tgid * SEC));
}

/* The writer handed to a process that execs @path (as the kernel's executable). */
static const struct vg_writer *run(struct world *w, uint32_t tgid, const char *path)
{
	return start(w, tgid, path, "x", 1)->exe_writer;
}

static void setup(struct world *w)
{
	w->c = vg_proc_cache_new(1024, 60 * SEC, 0);
	w->s = vg_provenance_new();
	assert_non_null(w->c);
	assert_non_null(w->s);
}

static void teardown(struct world *w)
{
	vg_provenance_free(w->s);
	vg_proc_cache_free(w->c);
}

/* A download (a writer with a connection) is known to the process that runs it. */
static void test_writer_and_network(void **state)
{
	struct world w;
	const struct vg_writer *wr;

	(void)state;
	setup(&w);
	start(&w, 10, "/usr/bin/curl", "curl", 4)->had_network = true;
	wrote(&w, 10, "/tmp/d/tool", 40 * SEC);
	wr = run(&w, 11, "/tmp/d/tool");
	assert_non_null(wr);
	assert_string_equal(wr->exe, "/usr/bin/curl");
	assert_int_equal(wr->pid, 10);
	assert_true(wr->had_network);
	assert_false(wr->copied);
	assert_int_equal(wr->written_ns, 40 * SEC);
	/* A linker's output: a writer without network. */
	start(&w, 20, "/usr/bin/x86_64-linux-gnu-ld.bfd", "ld", 2);
	wrote(&w, 20, "/tmp/d/a.out", 50 * SEC);
	wr = run(&w, 21, "/tmp/d/a.out");
	assert_string_equal(wr->exe, "/usr/bin/x86_64-linux-gnu-ld.bfd");
	assert_false(wr->had_network);
	/* Outside the writable places, and never written: nothing. */
	wrote(&w, 10, "/usr/local/bin/tool", 60 * SEC);
	assert_null(run(&w, 22, "/usr/local/bin/tool"));
	assert_null(run(&w, 23, "/tmp/d/other"));
	teardown(&w);
}

/* wget opens its output before it connects: the exec still sees the connection. */
static void test_network_seen_after_the_write(void **state)
{
	struct world w;
	struct vg_proc *wget;

	(void)state;
	setup(&w);
	wget = start(&w, 10, "/usr/bin/wget", "wget", 4);
	wrote(&w, 10, "/tmp/tool", 40 * SEC);
	wget->had_network = true;
	assert_true(run(&w, 11, "/tmp/tool")->had_network);
	teardown(&w);
}

/* A shell that opened a socket (/dev/tcp) hands it to the cat that writes the file. */
static void test_network_of_the_parent(void **state)
{
	struct world w;
	struct vg_proc *cat;

	(void)state;
	setup(&w);
	start(&w, 30, "/usr/bin/bash", "bash", 4)->had_network = true;
	cat = start(&w, 31, "/usr/bin/cat", "cat", 3);
	cat->ppid = 30;
	cat->parent_start_ns = 30 * SEC;
	wrote(&w, 31, "/tmp/tool", 40 * SEC);
	assert_true(run(&w, 32, "/tmp/tool")->had_network);
	/* Further up does not count: a CI runner's builds are not downloads. */
	cat = start(&w, 33, "/usr/bin/cat", "cat", 3);
	cat->ppid = 31;
	cat->parent_start_ns = 31 * SEC;
	wrote(&w, 33, "/tmp/built", 41 * SEC);
	assert_false(run(&w, 34, "/tmp/built")->had_network);
	teardown(&w);
}

/* An append by a process without network keeps a download's origin; a truncating rewrite does not. */
static void test_append_keeps_origin(void **state)
{
	struct world w;
	const struct vg_file *f;

	(void)state;
	setup(&w);
	start(&w, 10, "/usr/bin/curl", "curl", 4)->had_network = true;
	wrote(&w, 10, "/tmp/tool", 40 * SEC);
	start(&w, 11, "/usr/bin/bash", "bash", 4);
	f = file_rec(11, VG_EV_FILE_OPEN, "/tmp/tool", NULL, VG_FACC_WRITE, 41 * SEC);
	vg_provenance_on_file(w.s, w.c, f, sizeof(*f) + 9, vg_proc_cache_lookup(w.c, 11, 11 * SEC));
	assert_string_equal(run(&w, 12, "/tmp/tool")->exe, "/usr/bin/bash");
	assert_true(run(&w, 13, "/tmp/tool")->had_network);
	f = file_rec(11, VG_EV_FILE_OPEN, "/tmp/tool", NULL, VG_FACC_WRITE | VG_FACC_TRUNCATE, 42 * SEC);
	vg_provenance_on_file(w.s, w.c, f, sizeof(*f) + 9, vg_proc_cache_lookup(w.c, 11, 11 * SEC));
	assert_false(run(&w, 14, "/tmp/tool")->had_network);
	teardown(&w);
}

/* mv keeps the writer, ln shares it, rm forgets it; cp of a download inherits its origin. */
static void test_rename_link_unlink_copy(void **state)
{
	static const char cp_args[] = "cp\0/tmp/dl\0/tmp/copy";
	struct world w;
	const struct vg_writer *wr;
	const struct vg_file *f;

	(void)state;
	setup(&w);
	start(&w, 10, "/usr/bin/curl", "curl", 4)->had_network = true;
	wrote(&w, 10, "/tmp/part", 40 * SEC);
	f = file_rec(12, VG_EV_FILE_RENAME, "/tmp/part", "/tmp/tool", VG_FACC_RENAME, 41 * SEC);
	vg_provenance_on_file(w.s, w.c, f, sizeof(*f) + 18, NULL);
	assert_null(run(&w, 13, "/tmp/part"));
	assert_string_equal(run(&w, 14, "/tmp/tool")->exe, "/usr/bin/curl");
	f = file_rec(12, VG_EV_FILE_LINK, "/tmp/hard", "/tmp/tool", VG_FACC_CREATE, 42 * SEC);
	vg_provenance_on_file(w.s, w.c, f, sizeof(*f) + 18, NULL);
	assert_true(run(&w, 15, "/tmp/hard")->had_network);
	f = file_rec(12, VG_EV_FILE_UNLINK, "/tmp/hard", NULL, VG_FACC_DELETE, 43 * SEC);
	vg_provenance_on_file(w.s, w.c, f, sizeof(*f) + 9, NULL);
	assert_null(run(&w, 16, "/tmp/hard"));
	/* The copy's writer is cp, its network origin the source's. */
	wrote(&w, 10, "/tmp/dl", 44 * SEC);
	start(&w, 17, "/usr/bin/cp", cp_args, sizeof(cp_args));
	wrote(&w, 17, "/tmp/copy", 45 * SEC);
	wr = run(&w, 18, "/tmp/copy");
	assert_string_equal(wr->exe, "/usr/bin/cp");
	assert_true(wr->had_network);
	assert_true(wr->copied);
	/* A copy of a file of unknown origin has none. */
	start(&w, 19, "/usr/bin/cp", "cp\0/usr/bin/true\0/tmp/t", 24);
	wrote(&w, 19, "/tmp/t", 46 * SEC);
	assert_false(run(&w, 20, "/tmp/t")->had_network);
	teardown(&w);
}

/* A script runs under its interpreter: its record is found by the name given to execve. */
static void test_script_by_invoked_name(void **state)
{
	struct world w;
	const struct vg_exec *e;
	struct vg_proc *p;

	(void)state;
	setup(&w);
	start(&w, 10, "/usr/bin/curl", "curl", 4)->had_network = true;
	wrote(&w, 10, "/tmp/d/s.sh", 40 * SEC);
	e = exec_rec(11, "/usr/bin/dash", "./s.sh", "/tmp/d", "sh", 2);
	vg_proc_cache_on_exec(w.c, e);
	p = vg_proc_cache_lookup(w.c, 11, 11 * SEC);
	vg_provenance_on_exec(w.s, w.c, p, e);
	assert_non_null(p->exe_writer);
	assert_true(p->exe_writer->had_network);
	teardown(&w);
}

/* The store keeps VG_PROVENANCE_MAX files, the least recently used going first. */
static void test_bounded(void **state)
{
	struct vg_provenance_stats st;
	struct world w;
	char path[64];
	int i;

	(void)state;
	setup(&w);
	start(&w, 10, "/usr/bin/curl", "curl", 4);
	for (i = 0; i < VG_PROVENANCE_MAX + 100; i++) {
		snprintf(path, sizeof(path), "/tmp/f%d", i);
		wrote(&w, 10, path, SEC + i);
	}
	vg_provenance_get_stats(w.s, &st);
	assert_int_equal(st.files, VG_PROVENANCE_MAX);
	assert_int_equal(st.evicted, 100);
	assert_true(st.bytes > VG_PROVENANCE_MAX * 32 && st.bytes < VG_PROVENANCE_MAX * 256);
	assert_null(run(&w, 11, "/tmp/f0"));
	assert_non_null(run(&w, 12, "/tmp/f100"));
	teardown(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writer_and_network),
		cmocka_unit_test(test_network_seen_after_the_write),
		cmocka_unit_test(test_network_of_the_parent),
		cmocka_unit_test(test_append_keeps_origin),
		cmocka_unit_test(test_rename_link_unlink_copy),
		cmocka_unit_test(test_script_by_invoked_name),
		cmocka_unit_test(test_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
