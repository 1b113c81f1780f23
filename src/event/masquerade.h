/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Masquerading: the name a process shows (its comm, its argv[0]) against
 * the executable the kernel runs. Pure functions of an exec record's
 * strings, so they can be tested without one.
 */
#ifndef VIGIL_MASQUERADE_H
#define VIGIL_MASQUERADE_H

#include <stdbool.h>
#include <stddef.h>

struct vg_exec_names {
	const char *comm;		/* NUL-padded, at most VG_COMM_LEN bytes */
	const char *exe;		/* the kernel's executable path */
	size_t exe_len;
	const char *invoked;		/* the name given to execve */
	size_t invoked_len;
	const char *argv0;		/* first argument (not NUL-terminated) */
	size_t argv0_len;
	bool script;			/* an interpreter runs the invoked file */
};

/*
 * The basename of argv[0] as ps shows it: a login shell's leading '-'
 * dropped. Empty when there is no argv[0].
 */
const char *vg_argv0_name(const char *argv0, size_t len, size_t *out_len);

/*
 * Whether the process's comm or argv[0] names another program than its
 * executable: the comm compared with the executable's basename cut to the
 * kernel's 15 bytes, argv[0]'s basename compared whole. Scripts (comm is
 * the script's name), execs by descriptor (/dev/fd/N, /proc/self/fd/N) and
 * executables without a name on disk never mismatch: other rules see them.
 */
bool vg_name_mismatch(const struct vg_exec_names *n);

#endif
