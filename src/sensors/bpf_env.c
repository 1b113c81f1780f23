// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "sensors/bpf_env.h"
#include "lib/log.h"

#define TRACEFS_MAGIC_NR 0x74726163
#define BPF_FS_MAGIC_NR 0xcafe4a11
#define CAPTURE_BYTES 65536

/* Per thread: sensors load concurrently (agent_load.c), each reads its own failure. */
static __thread char capture[CAPTURE_BYTES];
static __thread size_t capture_len;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char *line = NULL;
	int n = vasprintf(&line, fmt, ap);
	const char *keep;

	if (n < 0)
		return 0;
	vg_log(VG_LOG_DEBUG, "libbpf: %s", line);
	/* Warnings carry the failure and the verifier log; keep only those. */
	if (level == LIBBPF_WARN) {
		/* A verifier log can be long: its end holds the reason. */
		keep = n >= CAPTURE_BYTES / 2 ? line + n - (CAPTURE_BYTES / 2 - 1) : line;
		n = strlen(keep);
		/* Keep the newest bytes: shift out the oldest. */
		if (capture_len + n >= CAPTURE_BYTES) {
			size_t drop = capture_len + n - (CAPTURE_BYTES - 1);

			if (drop > capture_len)
				drop = capture_len;
			memmove(capture, capture + drop, capture_len - drop);
			capture_len -= drop;
		}
		memcpy(capture + capture_len, keep, n);
		capture_len += n;
		capture[capture_len] = '\0';
	}
	free(line);
	return n;
}

void vg_env_capture_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}

void vg_env_capture_reset(void)
{
	capture_len = 0;
	capture[0] = '\0';
}

static int is_skippable(const char *l, size_t n)
{
	static const char *const skip[] = { "processed ", "verification time", "stack depth",
					   "-- END", "-- BEGIN", "libbpf:", "mark_precise" };
	size_t i;

	if (n == 0)
		return 1;
	for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (!strncmp(l, skip[i], strlen(skip[i])))
			return 1;
	return 0;
}

/* Last line of @from..@to that is not verifier bookkeeping. */
static const char *last_meaningful_line(const char *from, const char *to, size_t *len)
{
	const char *best = NULL, *l = from;

	while (l < to) {
		const char *e = memchr(l, '\n', to - l);
		size_t n = e ? (size_t)(e - l) : (size_t)(to - l);

		if (!is_skippable(l, n)) {
			best = l;
			*len = n;
		}
		if (!e)
			break;
		l = e + 1;
	}
	return best;
}

size_t vg_env_load_reason(char *buf, size_t size)
{
	const char *end = NULL, *p, *begin, *best = NULL, *q;
	char prog[128] = "", err[128] = "";
	size_t best_len = 0;

	/* "prog 'x': BPF program load failed: Permission denied" */
	for (p = capture; (q = strstr(p, "load failed: ")); p = q + 1) {
		const char *line = q;

		while (line > capture && line[-1] != '\n')
			line--;
		if (sscanf(line, "libbpf: prog '%127[^']'", prog) == 1 ||
		    sscanf(line, "prog '%127[^']'", prog) == 1)
			sscanf(q + strlen("load failed: "), "%127[^\n]", err);
	}
	/* The verifier's last meaningful line is usually the reason. */
	for (p = capture; (q = strstr(p, "-- END PROG LOAD LOG --")); p = q + 1)
		end = q;
	if (end) {
		begin = end;
		while (begin > capture && !(begin[0] == '-' && !strncmp(begin, "-- BEGIN", 8)))
			begin--;
		best = last_meaningful_line(begin, end, &best_len);
	}
	if (!prog[0] && !best)
		return snprintf(buf, size, "%.*s", (int)strcspn(capture, "\n"),
				capture_len ? capture : "no details from libbpf");
	return snprintf(buf, size, "program '%s': %s%s%.*s", prog[0] ? prog : "?",
			err[0] ? err : "refused", best ? ": " : "", (int)best_len, best ? best : "");
}

static int fs_has_magic(const char *path, long magic)
{
	struct statfs st;

	return statfs(path, &st) == 0 && (long)st.f_type == magic;
}

static int ensure_mount(const char *path, const char *type, long magic)
{
	if (fs_has_magic(path, magic))
		return 0;
	if (mkdir(path, 0700) < 0 && errno != EEXIST) {
		vg_err("cannot create %s: %s", path, strerror(errno));
		return -errno;
	}
	if (mount(type, path, type, 0, NULL) < 0) {
		vg_err("cannot mount %s on %s: %s", type, path, strerror(errno));
		return -errno;
	}
	vg_debug("mounted %s on %s", type, path);
	return 0;
}

int vg_env_prepare(void)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	int err;

	vg_env_capture_libbpf();
	if (geteuid() != 0) {
		vg_err("must run as root: loading BPF programs needs CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN");
		return -EPERM;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK) < 0) {
		vg_err("this kernel has no BTF (/sys/kernel/btf/vmlinux): vigil needs CONFIG_DEBUG_INFO_BTF=y");
		return -ENOENT;
	}
	err = ensure_mount("/sys/kernel/tracing", "tracefs", TRACEFS_MAGIC_NR);
	if (err)
		return err;
	err = ensure_mount("/sys/fs/bpf", "bpf", BPF_FS_MAGIC_NR);
	if (err)
		return err;
	/*
	 * Kernels since 5.11 charge BPF memory to the cgroup and ignore
	 * RLIMIT_MEMLOCK; older ones need it raised. Where the hard limit is
	 * fixed by the container, raise the soft limit as far as allowed.
	 */
	if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0 && getrlimit(RLIMIT_MEMLOCK, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0)
			vg_debug("cannot raise RLIMIT_MEMLOCK: %s", strerror(errno));
	}
	return 0;
}
