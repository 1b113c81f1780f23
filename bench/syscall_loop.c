// SPDX-License-Identifier: GPL-2.0
/*
 * The seccomp recorder's hot path: the cheapest syscall there is, as fast
 * as it goes. One op = one getppid(). Prints ops/s.
 * usage: syscall_loop SECONDS
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0, start = now(), t;
	unsigned long ops = 0;
	int i;

	do {
		for (i = 0; i < 10000; i++)
			syscall(SYS_getppid);	/* not glibc's cached wrapper: a real syscall */
		ops += 10000;
		t = now();
	} while (t - start < secs);
	printf("%.1f\n", ops / (t - start));
	return 0;
}
