/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's answers as text: small reads of /proc, /sys and securityfs,
 * and pure parsers of what they hold (unit-tested as non-root).
 */
#ifndef VIGIL_PROBE_TEXT_H
#define VIGIL_PROBE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Reads a small text file; strips the trailing newline. Returns length or <0. */
int vg_probe_read_file(const char *path, char *buf, size_t size);

/* A whole file that read() returns in pieces (/proc/self/maps); malloc'd, or NULL. */
char *vg_probe_read_all(const char *path);

/*
 * Reads a securityfs file (/sys/kernel/security/@name), mounting securityfs
 * first if needed; *@mounted is set when this call mounted it.
 * Returns bytes read or <0 (negative errno).
 */
int vg_probe_read_securityfs(const char *name, char *buf, size_t size, bool *mounted);

/* Mount point of cgroup v2 from /proc/self/mountinfo. Returns 0 or <0. */
int vg_probe_cgroup2_mount(char *out, size_t size);

/* --- pure (no kernel access) ------------------------------------------- */

/* "EPERM", "ENOTSUPP", ... for a positive errno; "E<n>" when unknown. */
const char *vg_errno_name(int err, char *buf, size_t size);

/* "Operation not permitted (EPERM)" for a positive errno. */
void vg_errno_text(int err, char *buf, size_t size);

/*
 * Lockdown file "none [integrity] confidentiality" → "integrity".
 * Returns 0, or -EINVAL when no mode is bracketed.
 */
int vg_parse_lockdown(const char *text, char *mode, size_t size);

/*
 * LSM list "lockdown,capability,bpf" → up to @max names of @name_size
 * bytes in @names. Returns the number of names.
 */
int vg_parse_lsm_list(const char *text, char (*names)[32], int max);

/* Whether the comma-separated LSM list contains exactly @lsm. */
bool vg_lsm_list_has(const char *text, const char *lsm);

/*
 * Mount point of the first cgroup2 filesystem in /proc/self/mountinfo
 * text. Returns 0, or -ENOENT when there is none.
 */
int vg_parse_cgroup2_mount(const char *mountinfo, char *out, size_t size);

/*
 * The most telling line of a verifier log: the last one that is not
 * statistics ("processed N insns", "verification time"...). Returns its
 * length (0 when none) and copies it to @out.
 */
size_t vg_verifier_reason(const char *log, char *out, size_t size);

/*
 * File offset of @addr from /proc/PID/maps text: the mapping containing it
 * gives start and file offset. Returns 0 with *@off set, or -ENOENT.
 */
int vg_parse_maps_offset(const char *maps, unsigned long addr, unsigned long *off,
			 char *path, size_t path_size);

#endif
