// SPDX-License-Identifier: GPL-2.0
/*
 * file_loop SECONDS [DIR [write]]: open + close of one file outside vigil's
 * default watch set (DIR/vigil-bench-XXXXXX/data/file.txt, DIR defaults to
 * /var/tmp), in a loop; prints ops/s. "write" opens it O_WRONLY (what the
 * bind-mount check looks at) instead of O_RDONLY. Removes what it created.
 * With $VIGIL_BENCH_STATS: "generated" counts the opens (the one that created
 * the file included), "file_calls" every call a file sensor watching DIR
 * reports: those opens, then the unlink and the two rmdirs of the clean-up.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	double secs = argc > 1 ? atof(argv[1]) : 2.0, start, t;
	char dir[256], sub[300], file[340];
	long ops = 0, calls;
	int fd, i, rc = 0;
	int how = argc > 3 && !strcmp(argv[3], "write") ? O_WRONLY : O_RDONLY;

	snprintf(dir, sizeof(dir), "%s/vigil-bench-XXXXXX", argc > 2 ? argv[2] : "/var/tmp");
	if (!mkdtemp(dir))
		return 1;
	snprintf(sub, sizeof(sub), "%s/data", dir);
	snprintf(file, sizeof(file), "%s/file.txt", sub);
	if (mkdir(sub, 0755) || (fd = open(file, O_CREAT | O_WRONLY, 0644)) < 0) {
		rc = 1;
		goto out;
	}
	close(fd);
	start = now();
	do {
		for (i = 0; i < 1000; i++) {
			fd = open(file, how);
			if (fd < 0) {
				rc = 1;
				goto out;
			}
			close(fd);
		}
		ops += 1000;
		t = now() - start;
	} while (t < secs);
	printf("%.1f\n", ops / t);
out:
	unlink(file);
	rmdir(sub);
	rmdir(dir);
	calls = ops + 1 + 3;	/* + the creating open, the unlink and the rmdirs */
	if (!rc) {
		bench_stats(ops + 1, file);
		bench_stats_more("file_calls", calls);
		bench_stats_more("ops", ops);
	}
	return rc;
}
