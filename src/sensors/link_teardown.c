// SPDX-License-Identifier: GPL-2.0
/* Destroying many BPF links at once: the kernel's per-link waits overlap. */
#include <pthread.h>
#include <stdbool.h>
#include <bpf/libbpf.h>
#include "sensors/link_teardown.h"

#define TEARDOWN_THREADS_MAX 32

/* Every step-th link from the first: one thread's share. */
struct slice {
	struct bpf_link **links;
	int first, step, n;
};

static void *destroy_slice(void *arg)
{
	const struct slice *sl = arg;
	int i;

	for (i = sl->first; i < sl->n; i += sl->step) {
		bpf_link__destroy(sl->links[i]);
		sl->links[i] = NULL;
	}
	return NULL;
}

void vg_links_destroy(struct bpf_link **links, int n)
{
	int threads = n < TEARDOWN_THREADS_MAX ? n : TEARDOWN_THREADS_MAX;
	struct slice slices[TEARDOWN_THREADS_MAX];
	pthread_t tids[TEARDOWN_THREADS_MAX];
	bool started[TEARDOWN_THREADS_MAX] = { false };
	int i;

	for (i = 0; i < threads; i++) {
		slices[i] = (struct slice){ links, i, threads, n };
		started[i] = i > 0 && !pthread_create(&tids[i], NULL, destroy_slice, &slices[i]);
	}
	/* The first slice, and any whose thread did not start, run here. */
	for (i = 0; i < threads; i++)
		if (!started[i])
			destroy_slice(&slices[i]);
	for (i = 0; i < threads; i++)
		if (started[i])
			pthread_join(tids[i], NULL);
}
