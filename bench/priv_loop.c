// SPDX-License-Identifier: GPL-2.0
/*
 * The privilege sensor's fast path: syscalls it hooks whose calls nobody
 * asked for. One op = prctl(PR_GET_DUMPABLE) (rejected by option in the
 * kernel) + setuid(own uid) (credentials saved and compared: no change, no
 * event) + kill(self, 0) (a signal to oneself: rejected). Prints ops/s.
 * usage: priv_loop SECONDS
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
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
	uid_t uid = getuid();
	pid_t self = getpid();
	unsigned long ops = 0;
	int i;

	do {
		for (i = 0; i < 1000; i++) {
			prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
			if (setuid(uid) < 0)
				return 1;
			kill(self, 0);
		}
		ops += 1000;
		t = now();
	} while (t - start < secs);
	printf("%.1f\n", ops / (t - start));
	return 0;
}
