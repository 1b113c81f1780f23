// SPDX-License-Identifier: GPL-2.0
/* exec_loop SECONDS: fork + exec /bin/true + wait, in a loop; prints ops/s. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0, start = now(), t;
	long ops = 0;

	do {
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		waitpid(pid, NULL, 0);
		ops++;
		t = now();
	} while (t - start < secs);
	printf("%.1f\n", ops / (t - start));
	return 0;
}
