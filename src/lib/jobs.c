// SPDX-License-Identifier: GPL-2.0
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <unistd.h>
#include "lib/jobs.h"

struct queue {
	void (*job)(void *arg, int k);
	void *arg;
	int n;
	atomic_int next;	/* the next job to take */
};

static void *worker(void *p)
{
	struct queue *q = p;
	int k;

	while ((k = atomic_fetch_add(&q->next, 1)) < q->n)
		q->job(q->arg, k);
	return NULL;
}

void vg_run_jobs(int n, int max_threads, void (*job)(void *arg, int k), void *arg)
{
	struct queue q = { .job = job, .arg = arg, .n = n };
	pthread_t tids[VG_JOBS_THREADS_MAX];
	bool started[VG_JOBS_THREADS_MAX] = { false };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int i, threads = n < max_threads ? n : max_threads;

	if (threads > VG_JOBS_THREADS_MAX)
		threads = VG_JOBS_THREADS_MAX;
	if (cpus > 0 && cpus < threads)
		threads = cpus;
	atomic_init(&q.next, 0);
	for (i = 1; i < threads; i++)
		started[i] = !pthread_create(&tids[i], NULL, worker, &q);
	worker(&q);
	for (i = 1; i < threads; i++)
		if (started[i])
			pthread_join(tids[i], NULL);
}
