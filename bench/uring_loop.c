// SPDX-License-Identifier: GPL-2.0
/*
 * The cheapest event the sensors export: an io_uring no-op. One
 * io_uring_enter submits BATCH of them, and the kernel fires its
 * io_uring_submit_req tracepoint (the privilege sensor's io_uring record)
 * once per request, so one CPU makes millions of events a second where a
 * syscall per event tops out near 700,000. One op = one request. Prints
 * ops/s; VIGIL_BENCH_STATS gets "generated N" (bench/stats.h).
 * With RATE, it keeps to RATE requests a second (a steady stream, not
 * bursts): what a consumer sustains, not only what it drains.
 * Raw system calls, not liburing: `make bench` installs no test packages.
 * usage: uring_loop SECONDS [BATCH [RATE]]
 */
#include <linux/io_uring.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "stats.h"

struct ring {
	int fd;
	unsigned entries;
	unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail;
	struct io_uring_sqe *sqes;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int ring_init(struct ring *r, unsigned entries)
{
	struct io_uring_params p;
	char *sq, *cq;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = entries * 2;
	r->fd = syscall(__NR_io_uring_setup, entries, &p);
	if (r->fd < 0)
		return -1;
	r->entries = p.sq_entries;
	sq = mmap(NULL, p.sq_off.array + p.sq_entries * sizeof(unsigned), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
	cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || r->sqes == MAP_FAILED)
		return -1;
	r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned *)(sq + p.sq_off.array);
	r->cq_head = (unsigned *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
	return 0;
}

/* Submits @n no-ops and waits for them all; their completions are dropped. */
static int ring_nops(struct ring *r, unsigned n)
{
	unsigned tail = *r->sq_tail, i;

	for (i = 0; i < n; i++) {
		unsigned idx = (tail + i) & *r->sq_mask;

		memset(&r->sqes[idx], 0, sizeof(r->sqes[idx]));
		r->sqes[idx].opcode = IORING_OP_NOP;
		r->sq_array[idx] = idx;
	}
	__atomic_store_n(r->sq_tail, tail + n, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, r->fd, n, n, IORING_ENTER_GETEVENTS, NULL, 0) != (long)n)
		return -1;
	__atomic_store_n(r->cq_head, __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE),
			 __ATOMIC_RELEASE);
	return 0;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0, start, t;
	unsigned batch = argc > 2 ? (unsigned)atoi(argv[2]) : 256;
	double rate = argc > 3 ? atof(argv[3]) : 0;
	unsigned long ops = 0;
	struct ring r;

	if (batch < 1 || batch > 4096 || ring_init(&r, batch)) {
		perror("io_uring");
		return 1;
	}
	if (batch > r.entries)
		batch = r.entries;
	start = now();
	do {
		if (ring_nops(&r, batch)) {
			perror("io_uring_enter");
			return 1;
		}
		ops += batch;
		t = now();
		/* Ahead of RATE: wait for the schedule (spinning: a sleep overshoots). */
		while (rate > 0 && ops > (t - start) * rate && t - start < secs)
			t = now();
	} while (t - start < secs);
	printf("%.0f ops/s\n", ops / (t - start));
	bench_stats(ops, "io_uring no-op");
	return 0;
}
