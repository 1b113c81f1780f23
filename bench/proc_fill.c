// SPDX-License-Identifier: GPL-2.0
/*
 * proc_fill N [exec]: keeps N sleeping processes alive, to fill vigil's
 * process cache. Each child pauses (a fork: the cache copies its parent's
 * image) or, with "exec", runs `sleep 100000 <index>` (its own argv).
 * Prints "ready N" once all exist, then waits for its stdin to close (or
 * SIGTERM/SIGINT) and kills and reaps every child it made.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 0, i, made = 0;
	int use_exec = argc > 2 && !strcmp(argv[2], "exec");
	pid_t *kids;
	char buf[64];

	if (n <= 0 || n > 1000000) {
		fprintf(stderr, "usage: proc_fill N [exec]\n");
		return 2;
	}
	kids = calloc(n, sizeof(*kids));
	if (!kids)
		return 1;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	for (i = 0; i < n && !stop; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("proc_fill: fork");
			break;
		}
		if (pid == 0) {
			signal(SIGTERM, SIG_DFL);
			signal(SIGINT, SIG_DFL);
			if (use_exec) {
				snprintf(buf, sizeof(buf), "%ld", i);
				execl("/bin/sleep", "sleep", "100000", buf, (char *)NULL);
				_exit(127);
			}
			for (;;)
				pause();
		}
		kids[made++] = pid;
	}
	printf("ready %ld\n", made);
	fflush(stdout);
	while (!stop && read(0, buf, sizeof(buf)) > 0)
		;
	for (i = 0; i < made; i++)
		kill(kids[i], SIGKILL);
	for (i = 0; i < made; i++)
		waitpid(kids[i], NULL, 0);
	free(kids);
	return made == n ? 0 : 1;
}
