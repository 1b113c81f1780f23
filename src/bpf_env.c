// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "bpf_env.h"
#include "log.h"

#define TRACEFS_MAGIC_NR 0x74726163
#define BPF_FS_MAGIC_NR 0xcafe4a11
#define CAPTURE_BYTES 65536

static char capture[CAPTURE_BYTES];
static size_t capture_len;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[2048];
	int n = vsnprintf(line, sizeof(line), fmt, ap);

	if (n < 0)
		return 0;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (capture_len + n >= CAPTURE_BYTES)
		capture_len = 0;	/* only the latest load matters */
	memcpy(capture + capture_len, line, n);
	capture_len += n;
	capture[capture_len] = '\0';
	if (vg_log_verbosity >= VG_LOG_DEBUG || level == LIBBPF_WARN)
		vg_log(VG_LOG_DEBUG, "libbpf: %s", line);
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

size_t vg_env_load_reason(char *buf, size_t size)
{
	const char *fail = NULL, *p, *log_begin, *log_end, *best = NULL;
	size_t best_len = 0;
	char prog[128] = "", err[128] = "";

	/* "libbpf: prog 'x': BPF program load failed: Permission denied" */
	for (p = capture; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *e = strchr(p, '\n');
		const char *f = strstr(p, "load failed: ");

		if (f && (!e || f < e) && strstr(p, "prog '") && strstr(p, "prog '") < f)
			fail = p;
	}
	if (fail) {
		sscanf(strstr(fail, "prog '"), "prog '%127[^']'", prog);
		sscanf(strstr(fail, "load failed: ") + strlen("load failed: "), "%127[^\n]", err);
	}
	/* The verifier's last meaningful line is usually the reason. */
	log_begin = strstr(capture, "-- BEGIN PROG LOAD LOG --");
	log_end = log_begin ? strstr(log_begin, "-- END PROG LOAD LOG --") : NULL;
	if (log_begin && log_end) {
		for (p = strchr(log_begin, '\n'); p && p < log_end; p = strchr(p + 1, '\n')) {
			const char *l = p + 1;
			const char *e = strchr(l, '\n');
			size_t n = e ? (size_t)(e - l) : strlen(l);

			if (l >= log_end)
				break;
			if (!is_skippable(l, n)) {
				best = l;
				best_len = n;
			}
		}
	}
	if (!fail && !best) {
		/* Anything libbpf said last. */
		return snprintf(buf, size, "%s", capture_len ? capture : "no details from libbpf");
	}
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
	if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0) {
		vg_err("cannot raise RLIMIT_MEMLOCK: %s", strerror(errno));
		return -errno;
	}
	return 0;
}
