// SPDX-License-Identifier: GPL-2.0
/*
 * net_loop SECONDS: TCP connect + accept + close on 127.0.0.1, in a loop;
 * prints connections/s. The server side closes first so that TIME_WAIT
 * lands on the listener's port, not on the client's ephemeral ports.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
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
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	long ops = 0;
	char port[8];
	int l;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(l, 128) < 0 ||
	    getsockname(l, (struct sockaddr *)&sa, &len) < 0) {
		perror("net_loop: listener");
		return 1;
	}
	start = now();
	do {
		int c = socket(AF_INET, SOCK_STREAM, 0), a;

		if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			perror("net_loop: connect");
			return 1;
		}
		a = accept(l, NULL, NULL);
		if (a < 0) {
			perror("net_loop: accept");
			return 1;
		}
		close(a);
		close(c);
		ops++;
		t = now();
	} while (t - start < secs);
	printf("%.1f\n", ops / (t - start));
	snprintf(port, sizeof(port), "%u", ntohs(sa.sin_port));
	bench_stats(ops, port);
	bench_stats_more("ops", ops);
	return 0;
}
