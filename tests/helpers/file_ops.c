// SPDX-License-Identifier: GPL-2.0
/*
 * Test helper for the file sensor: performs exactly ONE file system call
 * named on the command line, through syscall(2) so that the libc cannot
 * substitute another call, and prints "ok RET" or "err ERRNO".
 *   file_ops OP ARGS...
 * Ops that need an fd (fchmod, fchown, ftruncate, openat_dirfd, futimens)
 * open it first with O_PATH-free flags and say so in the output; opens
 * print "fd N PATH" with PATH from /proc/self/fd/N.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int report(long ret)
{
	if (ret < 0) {
		printf("err %d\n", errno);
		return 1;
	}
	printf("ok %ld\n", ret);
	return 0;
}

static int report_fd(long fd)
{
	char link[64], path[4096];
	ssize_t n;

	if (fd < 0)
		return report(fd);
	snprintf(link, sizeof(link), "/proc/self/fd/%ld", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		n = 0;
	path[n] = '\0';
	printf("fd %ld %s\n", fd, path);
	return 0;
}

static long num(const char *s)
{
	return strtol(s, NULL, 0);
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";
	const char *a = argc > 2 ? argv[2] : NULL;
	const char *b = argc > 3 ? argv[3] : NULL;
	const char *c = argc > 4 ? argv[4] : NULL;
	struct timeval tv[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	struct timespec ts[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	long fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(op, "open"))
		return report_fd(syscall(SYS_open, a, (int)num(b), 0644));
	if (!strcmp(op, "open_as_nobody")) {	/* a failing open: EACCES */
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			return report(-1);
		return report_fd(syscall(SYS_open, a, O_RDONLY));
	}
	if (!strcmp(op, "openat"))
		return report_fd(syscall(SYS_openat, AT_FDCWD, a, (int)num(b), 0640));
	if (!strcmp(op, "openat_dirfd")) {	/* DIR NAME */
		fd = open(a, O_RDONLY | O_DIRECTORY);
		if (fd < 0)
			return report(fd);
		return report_fd(syscall(SYS_openat, (int)fd, b, O_RDONLY));
	}
	if (!strcmp(op, "openat2")) {
		struct open_how how = { .flags = O_RDWR | O_CREAT, .mode = 0600 };

		return report_fd(syscall(SYS_openat2, AT_FDCWD, a, &how, sizeof(how)));
	}
	if (!strcmp(op, "creat"))
		return report_fd(syscall(SYS_creat, a, 0755));
	if (!strcmp(op, "unlink"))
		return report(syscall(SYS_unlink, a));
	if (!strcmp(op, "unlinkat"))
		return report(syscall(SYS_unlinkat, AT_FDCWD, a, 0));
	if (!strcmp(op, "unlinkat_dir"))
		return report(syscall(SYS_unlinkat, AT_FDCWD, a, AT_REMOVEDIR));
	if (!strcmp(op, "rmdir"))
		return report(syscall(SYS_rmdir, a));
	if (!strcmp(op, "rename"))
		return report(syscall(SYS_rename, a, b));
	if (!strcmp(op, "renameat"))
		return report(syscall(SYS_renameat, AT_FDCWD, a, AT_FDCWD, b));
	if (!strcmp(op, "renameat2"))
		return report(syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, 1 /* NOREPLACE */));
	if (!strcmp(op, "chmod"))
		return report(syscall(SYS_chmod, a, (mode_t)num(b)));
	if (!strcmp(op, "fchmod")) {
		fd = open(a, O_RDONLY);
		return report(fd < 0 ? fd : syscall(SYS_fchmod, (int)fd, (mode_t)num(b)));
	}
	if (!strcmp(op, "fchmodat"))
		return report(syscall(SYS_fchmodat, AT_FDCWD, a, (mode_t)num(b)));
	if (!strcmp(op, "chown"))
		return report(syscall(SYS_chown, a, (uid_t)num(b), (gid_t)num(c)));
	if (!strcmp(op, "lchown"))
		return report(syscall(SYS_lchown, a, (uid_t)num(b), (gid_t)num(c)));
	if (!strcmp(op, "fchown")) {
		fd = open(a, O_RDONLY);
		return report(fd < 0 ? fd : syscall(SYS_fchown, (int)fd, (uid_t)num(b), (gid_t)num(c)));
	}
	if (!strcmp(op, "fchownat"))
		return report(syscall(SYS_fchownat, AT_FDCWD, a, (uid_t)num(b), (gid_t)num(c),
				      AT_SYMLINK_NOFOLLOW));
	if (!strcmp(op, "truncate"))
		return report(syscall(SYS_truncate, a, num(b)));
	if (!strcmp(op, "ftruncate")) {
		fd = open(a, O_WRONLY);
		return report(fd < 0 ? fd : syscall(SYS_ftruncate, (int)fd, num(b)));
	}
	if (!strcmp(op, "link"))
		return report(syscall(SYS_link, a, b));
	if (!strcmp(op, "linkat"))
		return report(syscall(SYS_linkat, AT_FDCWD, a, AT_FDCWD, b, 0));
	if (!strcmp(op, "symlink"))
		return report(syscall(SYS_symlink, a, b));
	if (!strcmp(op, "symlinkat"))
		return report(syscall(SYS_symlinkat, a, AT_FDCWD, b));
	if (!strcmp(op, "mknod"))
		return report(syscall(SYS_mknod, a, S_IFIFO | 0640, 0));
	if (!strcmp(op, "mknodat"))
		return report(syscall(SYS_mknodat, AT_FDCWD, a, S_IFCHR | 0600, makedev(1, 3)));
	if (!strcmp(op, "utimes"))
		return report(syscall(SYS_utimes, a, tv));
	if (!strcmp(op, "utimensat"))
		return report(syscall(SYS_utimensat, AT_FDCWD, a, ts, 0));
	if (!strcmp(op, "mount_bind"))
		return report(syscall(SYS_mount, a, b, NULL, MS_BIND, NULL));
	if (!strcmp(op, "umount2"))
		return report(syscall(SYS_umount2, a, 0));
	if (!strcmp(op, "memfd_create"))
		return report_fd(syscall(SYS_memfd_create, a, 1 /* MFD_CLOEXEC */));
	fprintf(stderr, "file_ops: unknown op '%s'\n", op);
	return 2;
}
