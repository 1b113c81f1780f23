// SPDX-License-Identifier: GPL-2.0
/*
 * exec_loop SECONDS [PROGRAM]: fork + exec PROGRAM (default /bin/true, run
 * with no argument: a copy of true or similar) + wait, in a loop; prints ops/s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "stats.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0, start = now(), t;
	const char *prog = argc > 2 ? argv[2] : "/bin/true";
	long ops = 0;
	int status;

	do {
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0) {
			execl(prog, prog, (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			return 1;	/* 127: PROGRAM did not run */
		ops++;
		t = now();
	} while (t - start < secs);
	printf("%.1f\n", ops / (t - start));
	bench_stats(ops, prog);
	bench_stats_more("ops", ops);
	return 0;
}
