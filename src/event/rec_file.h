/* SPDX-License-Identifier: GPL-2.0 */
/* File records: the words and names their output is made of. */
#ifndef VIGIL_REC_FILE_H
#define VIGIL_REC_FILE_H

#include <stddef.h>
#include <stdint.h>

#define VG_FILE_MAX_WORDS 12

/*
 * Access words of an event: for opens from the open flags ("read", "write",
 * "read-write", "create", "exclusive", "truncate", "append", "directory",
 * "path", "tmpfile", "nofollow"), otherwise from the VG_FACC_* classes
 * ("delete", "rename", "attributes", "execute-mode", ...). Returns the count.
 */
size_t vg_file_access_words(uint16_t type, uint64_t open_flags, uint32_t access,
			    const char **words, size_t max);

/* Flag words of rename, unlink, the *at calls, memfd, mount; returns the count. */
size_t vg_file_flag_words(uint16_t syscall, uint64_t flags, const char **words, size_t max);

/* "openat", "rmdir", ... */
const char *vg_file_syscall_name(uint16_t syscall);

/* "EACCES" for 13; NULL if unknown. */
const char *vg_file_errno_name(int err);

/*
 * Lexical normalization of an absolute path in place: "//" → "/", "/./"
 * → "/", "/x/../" → "/". Returns the new length. Used only on paths joined
 * from the caller's string (path_source user).
 */
size_t vg_path_normalize(char *p, size_t len);

/* Octal mode as file.mode_octal shows it: "0644", "4755". */
void vg_file_mode_str(uint32_t mode, char *buf, size_t size);

#endif
