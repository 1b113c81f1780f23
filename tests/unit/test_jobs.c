// SPDX-License-Identifier: GPL-2.0
/* vg_run_jobs: every job runs exactly once, whatever the thread count. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "lib/jobs.h"

#define N_JOBS 200

struct run {
	atomic_int runs[N_JOBS];
	pthread_t who[N_JOBS];
};

static void job(void *arg, int k)
{
	struct run *r = arg;

	atomic_fetch_add(&r->runs[k], 1);
	r->who[k] = pthread_self();
}

static void run_and_check(int n, int threads, struct run *r)
{
	int k;

	memset(r, 0, sizeof(*r));
	vg_run_jobs(n, threads, job, r);
	for (k = 0; k < N_JOBS; k++)
		assert_int_equal(atomic_load(&r->runs[k]), k < n ? 1 : 0);
}

static void test_each_job_once(void **state)
{
	static struct run r;
	int threads[] = { 1, 2, 4, VG_JOBS_THREADS_MAX, 100 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(threads) / sizeof(threads[0]); i++) {
		run_and_check(N_JOBS, threads[i], &r);
		run_and_check(3, threads[i], &r);
		run_and_check(0, threads[i], &r);
	}
}

static void test_one_thread_is_the_caller(void **state)
{
	static struct run r;
	int k;

	(void)state;
	run_and_check(N_JOBS, 1, &r);
	for (k = 0; k < N_JOBS; k++)
		assert_true(pthread_equal(r.who[k], pthread_self()));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_job_once),
		cmocka_unit_test(test_one_thread_is_the_caller),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
