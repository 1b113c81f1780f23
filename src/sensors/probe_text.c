// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's answers as text: errno names, lockdown and LSM lists,
 * mountinfo, verifier logs and /proc/PID/maps parsed by pure functions
 * (unit-tested as non-root), and the small /proc, /sys and securityfs
 * reads that feed them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include "sensors/probe_text.h"

#define SECURITYFS_ROOT "/sys/kernel/security"
#define MAPS_BYTES (256 * 1024)

/* ---- pure helpers ---------------------------------------------------- */

const char *vg_errno_name(int err, char *buf, size_t size)
{
	static const struct { int err; const char *name; } names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
		{ EINTR, "EINTR" }, { EIO, "EIO" }, { E2BIG, "E2BIG" },
		{ EBADF, "EBADF" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
		{ EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
		{ EEXIST, "EEXIST" }, { ENODEV, "ENODEV" }, { ENOTDIR, "ENOTDIR" },
		{ EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" }, { ERANGE, "ERANGE" },
		{ ENOSYS, "ENOSYS" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ EAFNOSUPPORT, "EAFNOSUPPORT" }, { ELOOP, "ELOOP" },
		{ 524, "ENOTSUPP" },	/* kernel-internal, leaks out of bpf() */
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	snprintf(buf, size, "E%d", err);
	return buf;
}

void vg_errno_text(int err, char *buf, size_t size)
{
	char nb[16];
	const char *name = vg_errno_name(err, nb, sizeof(nb));

	if (err == 524)
		snprintf(buf, size, "not supported by this kernel (%s)", name);
	else
		snprintf(buf, size, "%s (%s)", strerror(err), name);
}

int vg_parse_lockdown(const char *text, char *mode, size_t size)
{
	const char *open = text ? strchr(text, '[') : NULL;
	const char *close = open ? strchr(open, ']') : NULL;

	if (!open || !close || close == open + 1)
		return -EINVAL;
	snprintf(mode, size, "%.*s", (int)(close - open - 1), open + 1);
	return 0;
}

int vg_parse_lsm_list(const char *text, char (*names)[32], int max)
{
	const char *p = text;
	int n = 0;

	while (p && *p && n < max) {
		size_t len = strcspn(p, ",\n");
		size_t skip = strspn(p, " \t");

		if (len > skip) {
			size_t l = len - skip;

			while (l && (p[skip + l - 1] == ' ' || p[skip + l - 1] == '\t'))
				l--;
			if (l) {
				snprintf(names[n], sizeof(names[n]), "%.*s", (int)l, p + skip);
				n++;
			}
		}
		p += len;
		if (*p)
			p++;
	}
	return n;
}

bool vg_lsm_list_has(const char *text, const char *lsm)
{
	char names[64][32];
	int i, n = vg_parse_lsm_list(text, names, 64);

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], lsm))
			return true;
	return false;
}

/*
 * mountinfo: "36 35 98:0 / /mnt rw,noatime master:1 - cgroup2 cgroup2 rw"
 * (fields after the mount point until " - " are optional).
 */
int vg_parse_cgroup2_mount(const char *mountinfo, char *out, size_t size)
{
	const char *line = mountinfo;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char buf[4096], root[4096], point[4096], fstype[64];
		const char *sep;

		if (len < sizeof(buf)) {
			memcpy(buf, line, len);
			buf[len] = '\0';
			sep = strstr(buf, " - ");
			if (sep && sscanf(buf, "%*s %*s %*s %4095s %4095s", root, point) == 2 &&
			    sscanf(sep + 3, "%63s", fstype) == 1 && !strcmp(fstype, "cgroup2")) {
				snprintf(out, size, "%s", point);
				return 0;
			}
		}
		line = end ? end + 1 : NULL;
	}
	return -ENOENT;
}

static bool is_stat_line(const char *l, size_t n)
{
	static const char *const skip[] = { "processed ", "verification time", "stack depth",
					   "mark_precise", "last_idx", "regs=", "parent ",
					   "func#", "Validating ", "reg type unsupported" };
	size_t i;

	if (n == 0)
		return true;
	for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (n >= strlen(skip[i]) && !strncmp(l, skip[i], strlen(skip[i])))
			return true;
	return false;
}

size_t vg_verifier_reason(const char *log, char *out, size_t size)
{
	const char *p = log, *best = NULL;
	size_t best_len = 0;

	if (size)
		out[0] = '\0';
	while (p && *p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		size_t digits = strspn(p, "0123456789");

		/* Instruction and state dumps ("0: (85) call ...", "0: R1=ctx()") are context. */
		if (!is_stat_line(p, n) && !(digits && digits < n && p[digits] == ':')) {
			best = p;
			best_len = n;
		}
		p = e ? e + 1 : NULL;
	}
	if (!best)
		return 0;
	snprintf(out, size, "%.*s", (int)best_len, best);
	return strlen(out);
}

int vg_parse_maps_offset(const char *maps, unsigned long addr, unsigned long *off,
			 char *path, size_t path_size)
{
	const char *line = maps;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		unsigned long start, stop, pgoff;
		char perms[8];
		int pos = 0;

		if (sscanf(line, "%lx-%lx %7s %lx %*s %*s%n", &start, &stop, perms, &pgoff,
			   &pos) == 4 && addr >= start && addr < stop) {
			const char *p = line + pos;
			size_t len;

			while (*p == ' ')
				p++;
			len = end ? (size_t)(end - p) : strlen(p);
			if (len == 0 || *p != '/')
				return -ENOENT;
			*off = addr - start + pgoff;
			snprintf(path, path_size, "%.*s", (int)len, p);
			return 0;
		}
		line = end ? end + 1 : NULL;
	}
	return -ENOENT;
}

/* ---- files ----------------------------------------------------------- */

int vg_probe_read_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return n;
}

/* Whole file, for /proc/self/maps and mountinfo (read() returns them in pieces). */
char *vg_probe_read_all(const char *path)
{
	size_t cap = MAPS_BYTES, len = 0;
	char *buf = malloc(cap);
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

int vg_probe_cgroup2_mount(char *out, size_t size)
{
	char *mi = vg_probe_read_all("/proc/self/mountinfo");
	int err;

	if (!mi)
		return -errno;
	err = vg_parse_cgroup2_mount(mi, out, size);
	free(mi);
	return err;
}

int vg_probe_read_securityfs(const char *name, char *buf, size_t size, bool *mounted)
{
	char path[256];
	struct statfs st;

	*mounted = false;
	if (statfs(SECURITYFS_ROOT, &st) < 0)
		return -errno;
	if ((long)st.f_type != SECURITYFS_MAGIC) {
		if (mount("securityfs", SECURITYFS_ROOT, "securityfs", 0, NULL) < 0)
			return -errno;
		*mounted = true;
	}
	snprintf(path, sizeof(path), SECURITYFS_ROOT "/%s", name);
	return vg_probe_read_file(path, buf, size);
}
