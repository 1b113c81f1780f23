// SPDX-License-Identifier: GPL-2.0
/* Opens and closes PATH read-only COUNT times; prints the number of successful opens. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long i, n, ok = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: file_openloop PATH COUNT\n");
		return 2;
	}
	n = strtol(argv[2], NULL, 0);
	for (i = 0; i < n; i++) {
		int fd = open(argv[1], O_RDONLY);

		if (fd >= 0) {
			ok++;
			close(fd);
		}
	}
	printf("%ld\n", ok);
	return ok == n ? 0 : 1;
}
