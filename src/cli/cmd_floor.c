// SPDX-License-Identifier: GPL-2.0
/*
 * vigil floor NAME: attaches empty programs on the hooks a sensor uses and
 * waits for SIGINT/SIGTERM. Benchmarks run it to measure the cost of
 * tracing itself, the floor vigil's overhead is compared against.
 * vigil floor --hooks FILE: the same on a list of attach points, one a line
 * as `vigil bpf` prints them (bench/overhead.py lists `vigil run`'s).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sensors/bpf_env.h"
#include "cli/commands.h"
#include "lib/log.h"
#include "sensors/floor_hooks.h"
#include "sensors/sensor_skel.h"
#include "floor_exec.skel.h"
#include "floor_priv.skel.h"
#include "floor_file.skel.h"
#include "floor_net.skel.h"
#include "floor_seccomp.skel.h"

#define FLOOR_DESC(nm, skel, progs_)						\
	VG_SENSOR_SKEL(skel);							\
	static const struct vg_variant nm##_variants[] = { { "floor", progs_ } }; \
	static const struct vg_sensor_desc nm##_desc = {			\
		.name = #nm,							\
		VG_SENSOR_VARIANTS(nm##_variants),				\
		VG_SENSOR_SKEL_OPS(skel),					\
	}

static const char *const exec_progs[] = { "floor_exec", "floor_fork", "floor_exit", NULL };
FLOOR_DESC(exec, floor_exec_bpf, exec_progs);
/* Programs outside the variant list always load: only the io_uring one is named. */
static const char *const priv_progs[] = { "floor_iouring_submit_req", NULL };
FLOOR_DESC(priv, floor_priv_bpf, priv_progs);
static const char *const file_progs[] = { "floor_sys_exit", NULL };
FLOOR_DESC(file, floor_file_bpf, file_progs);

static const char *const net_progs[] = {
	"floor_state", "floor_reset", "floor_exec", "floor_sys_enter", "floor_sys_exit", NULL
};
FLOOR_DESC(net, floor_net_bpf, net_progs);

static const char *const seccomp_progs[] = { "floor_sys_enter", NULL };
FLOOR_DESC(seccomp, floor_seccomp_bpf, seccomp_progs);

/* One row per sensor with a benchmark. */
static const struct vg_sensor_desc *const floors[] = {
	&exec_desc,
	&priv_desc,
	&file_desc,
	&net_desc,
	&seccomp_desc,
};

/* One attach point a line; blank lines and '#' comments skipped. */
static int read_hooks(const char *path, char **points, int *n)
{
	char line[512];
	FILE *f = fopen(path, "r");
	int lineno = 0, err = 0;

	*n = 0;
	if (!f) {
		vg_err("%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		size_t len = strcspn(line, "\n");

		lineno++;
		if (len == sizeof(line) - 1 || *n == VG_FLOOR_MAX_HOOKS) {
			vg_err("%s:%d:1: %s", path, lineno,
			       *n == VG_FLOOR_MAX_HOOKS ? "too many hooks" : "line too long");
			err = -1;
			break;
		}
		line[len] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		points[*n] = strdup(line);
		if (!points[*n]) {
			vg_err("out of memory");
			err = -1;
			break;
		}
		(*n)++;
	}
	if (!err && ferror(f)) {
		vg_err("%s: read error", path);
		err = -1;
	}
	fclose(f);
	return err;
}

/* Blocked before anything loads, so that no thread takes them. */
static void block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, set, NULL);
}

static void wait_signal(const sigset_t *set)
{
	int sig;

	vg_info("ready");
	sigwait(set, &sig);
}

static int floor_hooks(const char *path)
{
	static struct vg_floor_hooks h;
	static char *points[VG_FLOOR_MAX_HOOKS];
	char why[600];
	sigset_t set;
	int n, i, err = read_hooks(path, points, &n);

	if (!err && !n) {
		vg_err("%s: no hooks", path);
		err = -1;
	}
	block_signals(&set);
	if (!err && vg_env_prepare())
		err = -1;
	if (!err && vg_floor_hooks_attach(&h, (const char *const *)points, n, why, sizeof(why))) {
		vg_err("floor: %s", why);
		err = -1;
	}
	if (!err) {
		wait_signal(&set);
		vg_floor_hooks_detach(&h);
	}
	for (i = 0; i < n; i++)
		free(points[i]);
	return err ? 1 : 0;
}

int vg_cmd_floor(int argc, char **argv)
{
	const struct vg_sensor_desc *d = NULL;
	struct vg_sensor s;
	sigset_t set;
	size_t i;
	int err;

	if (argc == 3 && !strcmp(argv[1], "--hooks"))
		return floor_hooks(argv[2]);
	if (argc != 2 || !strcmp(argv[1], "--help")) {
		fprintf(argc == 2 ? stdout : stderr,
			"usage: vigil floor NAME   (attach empty programs on a sensor's hooks until SIGINT)\n"
			"       vigil floor --hooks FILE   (... on attach points as vigil bpf prints them,"
			" one a line)\nnames:");
		for (i = 0; i < sizeof(floors) / sizeof(floors[0]); i++)
			fprintf(argc == 2 ? stdout : stderr, " %s", floors[i]->name);
		fprintf(argc == 2 ? stdout : stderr, "\n");
		return argc == 2 ? 0 : 2;
	}
	for (i = 0; i < sizeof(floors) / sizeof(floors[0]); i++)
		if (!strcmp(floors[i]->name, argv[1]))
			d = floors[i];
	if (!d) {
		vg_err("no floor named '%s'", argv[1]);
		return 2;
	}
	block_signals(&set);
	if (vg_env_prepare())
		return 1;
	err = vg_sensor_load(&s, d, NULL, 4096, true);
	if (err)
		return 1;
	wait_signal(&set);
	vg_sensor_unload(&s);
	return 0;
}
