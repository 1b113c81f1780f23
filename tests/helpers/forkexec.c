// SPDX-License-Identifier: GPL-2.0
/*
 * forkexec N [PARALLEL]: starts N short-lived processes as fast as it can
 * (each re-executes this binary as "forkexec child I", which exits at once),
 * keeping PARALLEL in flight, then prints "I PID" for each child so a test
 * can check that every exec was reported with the right identity.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n, parallel, started = 0, running = 0, i;
	pid_t *pids;
	char self[4096];
	ssize_t len;

	if (argc == 3 && !strcmp(argv[1], "child"))
		return 0;
	if (argc < 2) {
		fprintf(stderr, "usage: forkexec N [PARALLEL]\n");
		return 2;
	}
	n = atoi(argv[1]);
	parallel = argc > 2 ? atoi(argv[2]) : 8;
	pids = calloc(n, sizeof(*pids));
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (!pids || len <= 0)
		return 1;
	self[len] = '\0';
	while (started < n || running > 0) {
		if (started < n && running < parallel) {
			char idx[16];
			pid_t pid;

			snprintf(idx, sizeof(idx), "%d", started);
			pid = fork();
			if (pid < 0) {
				perror("fork");
				return 1;
			}
			if (pid == 0) {
				execl(self, "forkexec", "child", idx, (char *)NULL);
				_exit(127);
			}
			pids[started++] = pid;
			running++;
			continue;
		}
		if (wait(NULL) > 0)
			running--;
	}
	for (i = 0; i < n; i++)
		printf("%d %d\n", i, pids[i]);
	return 0;
}
