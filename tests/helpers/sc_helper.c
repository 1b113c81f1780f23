// SPDX-License-Identifier: GPL-2.0
/*
 * A small program for the seccomp tests (test_seccomp.py): reads a file
 * (/proc/self/stat: there in a bare container too),
 * writes a line, exits 0. "extra" does the same and then one syscall the
 * base run never makes (personality): exit 0 if it worked, 13 if it was refused
 * with EPERM, 14 on another error. "busy SECONDS" loops on socket+close
 * and getpriority, two syscalls the base run never makes, for that long.
 * "extra N" makes the extra call N times.
 * usage: sc_helper base | extra [N] | busy SECONDS
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/socket.h>

static int base(void)
{
	char buf[256];
	int fd = open("/proc/self/stat", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return 1;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return 1;
	return write(1, "sc_helper ok\n", 13) == 13 ? 0 : 1;
}

/* personality(0xffffffff) only reads the persona: harmless, unprivileged, rare. */
static int extra(int times)
{
	int i, rc = 0;

	for (i = 0; i < times; i++) {
		if (personality(0xffffffff) >= 0)
			rc = 0;
		else
			rc = errno == EPERM ? 13 : 14;
	}
	return rc;
}

static int busy(double secs)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		int s = socket(AF_INET, SOCK_DGRAM, 0);

		if (s >= 0)
			close(s);
		getpriority(PRIO_PROCESS, 0);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < secs);
	return 0;
}

int main(int argc, char **argv)
{
	int rc;

	if (argc < 2)
		return 2;
	if (!strcmp(argv[1], "busy"))
		return busy(argc > 2 ? atof(argv[2]) : 1.0);
	rc = base();
	if (rc || strcmp(argv[1], "extra"))
		return rc;
	return extra(argc > 2 ? atoi(argv[2]) : 1);
}
