// SPDX-License-Identifier: GPL-2.0
/*
 * scratch_stress DIR PROCS COUNT CPU
 *
 * Starts PROCS processes pinned to CPU (all on the same one, so that on a
 * preemptible kernel they interleave inside the sensor's programs). Each
 * makes DIR/<pid>/d<pid>/.../f<pid> (a deep path, long to resolve), then,
 * released together, opens that file COUNT times and tries COUNT times to
 * open DIR/<pid>/d<pid>/.../m<pid>, which does not exist (a joined path).
 * Every path names its own pid in each component, so a record that carries
 * another task's path is visible. Prints "pid N" per child; exits non-zero
 * if any child failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEPTH 12
#define MAX_PROCS 16

static int child(const char *dir, long count, int go_fd)
{
	char path[4096], missing[4096], c;
	int i, n, fd;
	long k;

	n = snprintf(path, sizeof(path), "%s/%d", dir, getpid());
	if (mkdir(path, 0755) && errno != EEXIST)
		return 1;
	for (i = 0; i < DEPTH; i++) {
		n += snprintf(path + n, sizeof(path) - n, "/d%d", getpid());
		if (mkdir(path, 0755) && errno != EEXIST)
			return 1;
	}
	memcpy(missing, path, n);
	snprintf(missing + n, sizeof(missing) - n, "/m%d", getpid());
	snprintf(path + n, sizeof(path) - n, "/f%d", getpid());
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	if (fd < 0)
		return 1;
	close(fd);
	if (read(go_fd, &c, 1) != 0)	/* EOF: everyone is ready */
		return 1;
	for (k = 0; k < count; k++) {
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return 1;
		close(fd);
		if (open(missing, O_RDONLY) >= 0)
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	pid_t pids[MAX_PROCS];
	int go[2], i, n, st, bad = 0;
	long count;
	cpu_set_t set;

	if (argc != 5) {
		fprintf(stderr, "usage: scratch_stress DIR PROCS COUNT CPU\n");
		return 2;
	}
	n = atoi(argv[2]);
	count = strtol(argv[3], NULL, 0);
	if (n < 1 || n > MAX_PROCS || count < 1 || pipe(go))
		return 2;
	CPU_ZERO(&set);
	CPU_SET(atoi(argv[4]), &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("sched_setaffinity");
		return 2;
	}
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			return 2;
		if (pids[i] == 0) {
			close(go[1]);
			_exit(child(argv[1], count, go[0]));
		}
		printf("pid %d\n", pids[i]);
	}
	fflush(stdout);
	close(go[0]);
	close(go[1]);		/* release them together */
	for (i = 0; i < n; i++) {
		if (waitpid(pids[i], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			bad = 1;
	}
	return bad;
}
