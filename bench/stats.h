/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a bench loop generated, for bench/overhead.py to compare with what a
 * monitor reported: with $VIGIL_BENCH_STATS set, "generated N" and "marker
 * TEXT" (a string every line a monitor writes about these events holds:
 * the file's path, the program's path, the port) go to that file.
 * bench_stats_more() appends one more "KEY N" line.
 */
#ifndef VIGIL_BENCH_STATS_H
#define VIGIL_BENCH_STATS_H

#include <stdio.h>
#include <stdlib.h>

static inline void bench_stats(long generated, const char *marker)
{
	const char *path = getenv("VIGIL_BENCH_STATS");
	FILE *f;

	if (!path || !*path)
		return;
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		return;
	}
	fprintf(f, "generated %ld\nmarker %s\n", generated, marker);
	fclose(f);
}

static inline void bench_stats_more(const char *key, long n)
{
	const char *path = getenv("VIGIL_BENCH_STATS");
	FILE *f;

	if (!path || !*path)
		return;
	f = fopen(path, "a");
	if (!f) {
		perror(path);
		return;
	}
	fprintf(f, "%s %ld\n", key, n);
	fclose(f);
}

#endif
