// SPDX-License-Identifier: GPL-2.0
/* Process cache: identity under pid reuse, LRU eviction, grace period, /proc seeding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "event/proc_cache.h"

#define SEC 1000000000ULL
#define TICK (10 * 1000000ULL)

static unsigned char rec[4096];

static const struct vg_exec *exec_rec(uint32_t tgid, uint64_t start, uint32_t ppid,
				      uint64_t pstart, const char *exe, const char *argv,
				      size_t argv_len)
{
	struct vg_exec *e = (struct vg_exec *)rec;
	char *tail = (char *)rec + sizeof(*e);

	memset(rec, 0, sizeof(rec));
	e->hdr.type = VG_EV_EXEC;
	e->hdr.tgid = e->hdr.pid = tgid;
	e->hdr.start_time_ns = start;
	e->ppid = ppid;
	e->parent_start_time_ns = pstart;
	e->uid = 1000;
	e->exe.off = 0;
	e->exe.len = strlen(exe);
	memcpy(tail, exe, e->exe.len);
	e->argv.off = e->exe.len;
	e->argv.len = argv_len;
	memcpy(tail + e->exe.len, argv, argv_len);
	return e;
}

static struct vg_exit exit_rec(uint32_t tgid, uint64_t start, uint64_t now)
{
	struct vg_exit x = { 0 };

	x.hdr.type = VG_EV_EXIT;
	x.hdr.tgid = tgid;
	x.hdr.start_time_ns = start;
	x.hdr.ts_boot_ns = now;
	return x;
}

static struct vg_fork fork_rec(uint32_t tgid, uint64_t start, uint32_t ppid, uint64_t pstart)
{
	struct vg_fork f = { 0 };

	f.hdr.type = VG_EV_FORK;
	f.hdr.tgid = tgid;
	f.hdr.start_time_ns = start;
	f.ppid = ppid;
	f.parent_start_time_ns = pstart;
	return f;
}

static void test_pid_reuse_keeps_identities_apart(void **state)
{
	struct vg_proc_cache *c = vg_proc_cache_new(64, 5 * SEC, TICK);
	struct vg_exit x;
	struct vg_proc *a, *b;

	(void)state;
	vg_proc_cache_on_exec(c, exec_rec(100, 1 * SEC, 1, 0, "/bin/old", "old", 3));
	x = exit_rec(100, 1 * SEC, 2 * SEC);
	vg_proc_cache_on_exit(c, &x);
	/* Same pid, new process. */
	vg_proc_cache_on_exec(c, exec_rec(100, 3 * SEC, 1, 0, "/bin/new", "new", 3));
	a = vg_proc_cache_lookup(c, 100, 1 * SEC);
	b = vg_proc_cache_lookup(c, 100, 3 * SEC);
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a->exe, "/bin/old");
	assert_string_equal(b->exe, "/bin/new");
	assert_true(a->exit_ns != 0);
	assert_true(b->exit_ns == 0);
	/* A start time that matches neither is neither. */
	assert_null(vg_proc_cache_lookup(c, 100, 2 * SEC));
	vg_proc_cache_free(c);
}

static void test_ancestry_and_fork_inherits_image(void **state)
{
	struct vg_proc_cache *c = vg_proc_cache_new(64, 5 * SEC, TICK);
	const struct vg_proc *anc[8];
	struct vg_fork f;
	struct vg_proc *child;

	(void)state;
	vg_proc_cache_on_exec(c, exec_rec(10, 1 * SEC, 0, 0, "/sbin/init", "init", 4));
	vg_proc_cache_on_exec(c, exec_rec(20, 2 * SEC, 10, 1 * SEC, "/usr/sbin/sshd", "sshd\0-D", 7));
	f = fork_rec(30, 3 * SEC, 20, 2 * SEC);
	vg_proc_cache_on_fork(c, &f);
	child = vg_proc_cache_lookup(c, 30, 3 * SEC);
	assert_non_null(child);
	assert_string_equal(child->exe, "/usr/sbin/sshd");
	assert_int_equal(child->args_len, 7);
	assert_int_equal(vg_proc_cache_ancestors(c, child, anc, 8), 2);
	assert_int_equal(anc[0]->tgid, 20);
	assert_int_equal(anc[1]->tgid, 10);
	/* The bound on depth is honoured. */
	assert_int_equal(vg_proc_cache_ancestors(c, child, anc, 1), 1);
	vg_proc_cache_free(c);
}

static void test_lru_eviction_bounds_memory(void **state)
{
	struct vg_proc_cache *c = vg_proc_cache_new(16, 5 * SEC, TICK);
	struct vg_proc_cache_stats st;
	uint32_t i;

	(void)state;
	for (i = 1; i <= 16; i++)
		vg_proc_cache_put(c, i, i * SEC, false);
	/* Touch pid 1 so that pid 2 is the least recently used. */
	assert_non_null(vg_proc_cache_lookup(c, 1, 1 * SEC));
	vg_proc_cache_put(c, 100, 100 * SEC, false);
	vg_proc_cache_get_stats(c, &st);
	assert_int_equal(st.entries, 16);
	assert_int_equal(st.evicted, 1);
	assert_non_null(vg_proc_cache_lookup(c, 1, 1 * SEC));
	assert_null(vg_proc_cache_lookup(c, 2, 2 * SEC));
	assert_non_null(vg_proc_cache_lookup(c, 100, 100 * SEC));
	vg_proc_cache_free(c);
}

static void test_grace_period_and_live_children(void **state)
{
	struct vg_proc_cache *c = vg_proc_cache_new(64, 5 * SEC, TICK);
	struct vg_exit x;
	struct vg_fork f;

	(void)state;
	vg_proc_cache_on_exec(c, exec_rec(10, 1 * SEC, 0, 0, "/bin/parent", "p", 1));
	vg_proc_cache_on_exec(c, exec_rec(11, 1 * SEC, 0, 0, "/bin/lonely", "l", 1));
	f = fork_rec(12, 2 * SEC, 10, 1 * SEC);
	vg_proc_cache_on_fork(c, &f);
	x = exit_rec(10, 1 * SEC, 10 * SEC);
	vg_proc_cache_on_exit(c, &x);
	x = exit_rec(11, 1 * SEC, 10 * SEC);
	vg_proc_cache_on_exit(c, &x);
	/* Within the grace period nothing goes. */
	assert_int_equal(vg_proc_cache_sweep(c, 12 * SEC), 0);
	assert_non_null(vg_proc_cache_lookup(c, 11, 1 * SEC));
	/* After it, the childless one goes; the parent stays for its live child. */
	assert_int_equal(vg_proc_cache_sweep(c, 16 * SEC), 1);
	assert_null(vg_proc_cache_lookup(c, 11, 1 * SEC));
	assert_non_null(vg_proc_cache_lookup(c, 10, 1 * SEC));
	x = exit_rec(12, 2 * SEC, 17 * SEC);
	vg_proc_cache_on_exit(c, &x);
	assert_int_equal(vg_proc_cache_sweep(c, 30 * SEC), 2);
	assert_null(vg_proc_cache_lookup(c, 10, 1 * SEC));
	vg_proc_cache_free(c);
}

static void test_seeded_entry_matches_within_tick(void **state)
{
	struct vg_proc_cache *c = vg_proc_cache_new(64, 5 * SEC, TICK);
	struct vg_proc *p, *child;
	const struct vg_proc *anc[4];

	(void)state;
	/* /proc said 123 ticks: the kernel's exact start is within that tick. */
	p = vg_proc_cache_put(c, 50, 123 * TICK, true);
	vg_proc_set_exe(p, "/bin/seeded", 11);
	assert_ptr_equal(vg_proc_cache_lookup(c, 50, 123 * TICK + 4567), p);
	assert_int_equal(p->start_ns, 123 * TICK + 4567);
	/* A child seeded with the coarse parent start still finds it. */
	child = vg_proc_cache_put(c, 51, 124 * TICK, true);
	child->ppid = 50;
	child->parent_start_ns = 123 * TICK;
	assert_int_equal(vg_proc_cache_ancestors(c, child, anc, 4), 1);
	assert_ptr_equal(anc[0], p);
	/* A different tick is a different process. */
	assert_null(vg_proc_cache_lookup(c, 50, 125 * TICK));
	vg_proc_cache_free(c);
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fwrite(data, 1, len, f);
	fclose(f);
}

static void test_seed_from_fake_procfs(void **state)
{
	char dir[] = "/tmp/vg-procfs-XXXXXX";
	char path[256];
	struct vg_proc_cache *c;
	struct vg_proc *p;
	const struct vg_proc *anc[4];
	static const char stat1[] = "1 (init) S 0 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0";
	/* A hostile comm with ") " inside must not shift the fields. */
	static const char stat2[] = "42 (a) b (c) S 1 42 42 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 700 0 0";

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/1", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/1/stat", dir);
	write_file(path, stat1, sizeof(stat1) - 1);
	snprintf(path, sizeof(path), "%s/42", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/42/stat", dir);
	write_file(path, stat2, sizeof(stat2) - 1);
	snprintf(path, sizeof(path), "%s/42/cmdline", dir);
	write_file(path, "a\0b c\0", 6);
	snprintf(path, sizeof(path), "%s/42/status", dir);
	{
		static const char status[] = "Name:\tx\nUid:\t1000\t1001\t1000\t1000\nGid:\t50\t51\t50\t50\n";

		write_file(path, status, sizeof(status) - 1);
	}

	c = vg_proc_cache_new(64, 5 * SEC, TICK);
	assert_int_equal(vg_proc_cache_seed(c, dir), 2);
	p = vg_proc_cache_lookup(c, 42, 700 * TICK + 99);
	assert_non_null(p);
	assert_true(p->seeded);
	assert_string_equal(p->comm, "a) b (c");
	assert_int_equal(p->ppid, 1);
	assert_int_equal(p->args_len, 5);
	assert_memory_equal(p->args, "a\0b c", 5);
	assert_int_equal(p->uid, 1000);
	assert_int_equal(p->euid, 1001);
	assert_int_equal(p->egid, 51);
	assert_int_equal(vg_proc_cache_ancestors(c, p, anc, 4), 1);
	assert_int_equal(anc[0]->tgid, 1);
	vg_proc_cache_free(c);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

/* The running set: an executable counts while some live process runs it. */
static void test_running_executables(void **state)
{
	struct vg_proc_cache *c = vg_proc_cache_new(16, 5 * SEC, TICK);
	struct vg_fork f;
	struct vg_exit x;
	uint32_t i;

	(void)state;
	assert_false(vg_proc_cache_exe_running(c, "/tmp/x", 6));
	vg_proc_cache_on_exec(c, exec_rec(10, 1 * SEC, 1, 0, "/tmp/x", "x", 1));
	assert_true(vg_proc_cache_exe_running(c, "/tmp/x", 6));
	assert_false(vg_proc_cache_exe_running(c, "/tmp/x2", 7));
	assert_false(vg_proc_cache_exe_running(c, "/tmp/", 5));
	assert_false(vg_proc_cache_exe_running(c, "", 0));
	/* A child runs its parent's image until it execs: counted twice. */
	f = fork_rec(11, 2 * SEC, 10, 1 * SEC);
	vg_proc_cache_on_fork(c, &f);
	x = exit_rec(10, 1 * SEC, 3 * SEC);
	vg_proc_cache_on_exit(c, &x);
	assert_true(vg_proc_cache_exe_running(c, "/tmp/x", 6));
	/* The child execs something else: nobody runs /tmp/x any more. */
	vg_proc_cache_on_exec(c, exec_rec(11, 2 * SEC, 10, 1 * SEC, "/bin/sleep", "sleep", 5));
	assert_false(vg_proc_cache_exe_running(c, "/tmp/x", 6));
	assert_true(vg_proc_cache_exe_running(c, "/bin/sleep", 10));
	/* Eviction of a live entry takes its count with it. */
	for (i = 100; i < 140; i++)
		vg_proc_cache_put(c, i, i * SEC, false);
	assert_false(vg_proc_cache_exe_running(c, "/bin/sleep", 10));
	vg_proc_cache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pid_reuse_keeps_identities_apart),
		cmocka_unit_test(test_ancestry_and_fork_inherits_image),
		cmocka_unit_test(test_lru_eviction_bounds_memory),
		cmocka_unit_test(test_grace_period_and_live_children),
		cmocka_unit_test(test_seeded_entry_matches_within_tick),
		cmocka_unit_test(test_seed_from_fake_procfs),
		cmocka_unit_test(test_running_executables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
