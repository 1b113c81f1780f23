// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "event/format_file.h"

static const char *const syscall_names[VG_FSC_MAX] = {
	[VG_FSC_NONE] = "unknown",
	[VG_FSC_OPEN] = "open", [VG_FSC_OPENAT] = "openat", [VG_FSC_OPENAT2] = "openat2",
	[VG_FSC_CREAT] = "creat", [VG_FSC_OPEN_BY_HANDLE_AT] = "open_by_handle_at",
	[VG_FSC_UNLINK] = "unlink", [VG_FSC_UNLINKAT] = "unlinkat", [VG_FSC_RMDIR] = "rmdir",
	[VG_FSC_RENAME] = "rename", [VG_FSC_RENAMEAT] = "renameat",
	[VG_FSC_RENAMEAT2] = "renameat2",
	[VG_FSC_CHMOD] = "chmod", [VG_FSC_FCHMOD] = "fchmod", [VG_FSC_FCHMODAT] = "fchmodat",
	[VG_FSC_FCHMODAT2] = "fchmodat2",
	[VG_FSC_CHOWN] = "chown", [VG_FSC_FCHOWN] = "fchown", [VG_FSC_LCHOWN] = "lchown",
	[VG_FSC_FCHOWNAT] = "fchownat",
	[VG_FSC_TRUNCATE] = "truncate", [VG_FSC_FTRUNCATE] = "ftruncate",
	[VG_FSC_LINK] = "link", [VG_FSC_LINKAT] = "linkat",
	[VG_FSC_SYMLINK] = "symlink", [VG_FSC_SYMLINKAT] = "symlinkat",
	[VG_FSC_MKNOD] = "mknod", [VG_FSC_MKNODAT] = "mknodat",
	[VG_FSC_UTIME] = "utime", [VG_FSC_UTIMES] = "utimes", [VG_FSC_FUTIMESAT] = "futimesat",
	[VG_FSC_UTIMENSAT] = "utimensat",
	[VG_FSC_MOUNT] = "mount", [VG_FSC_UMOUNT2] = "umount2",
	[VG_FSC_MEMFD_CREATE] = "memfd_create",
	[VG_FSC_LSM_FILE_OPEN] = "file_open",
};

const char *vg_file_syscall_name(uint16_t syscall)
{
	if (syscall >= VG_FSC_MAX || !syscall_names[syscall])
		return "unknown";
	return syscall_names[syscall];
}

const char *vg_file_errno_name(int err)
{
	return err > 0 ? strerrorname_np(err) : NULL;
}

#define ADD(w) do { if (n < max) words[n++] = (w); } while (0)

size_t vg_file_access_words(uint16_t type, uint64_t flags, uint32_t access,
			    const char **words, size_t max)
{
	size_t n = 0;

	if (type == VG_EV_FILE_OPEN) {
		if (flags & O_PATH) {
			ADD("path");
		} else {
			switch (flags & O_ACCMODE) {
			case O_RDONLY: ADD("read"); break;
			case O_WRONLY: ADD("write"); break;
			default: ADD("read-write"); break;
			}
		}
		if ((flags & O_TMPFILE) == O_TMPFILE)
			ADD("tmpfile");
		else if (flags & O_DIRECTORY)
			ADD("directory");
		if (flags & O_CREAT)
			ADD("create");
		if (flags & O_EXCL)
			ADD("exclusive");
		if (flags & O_TRUNC)
			ADD("truncate");
		if (flags & O_APPEND)
			ADD("append");
		if (flags & O_NOFOLLOW)
			ADD("nofollow");
		if (access & VG_FACC_EXECMODE)
			ADD("execute-mode");
		return n;
	}
	if (access & VG_FACC_READ) ADD("read");
	if (access & VG_FACC_WRITE) ADD("write");
	if (access & VG_FACC_CREATE) ADD("create");
	if (access & VG_FACC_TRUNCATE) ADD("truncate");
	if (access & VG_FACC_DELETE) ADD("delete");
	if (access & VG_FACC_RENAME) ADD("rename");
	if (access & VG_FACC_ATTR) ADD("attributes");
	if (access & VG_FACC_EXECMODE) ADD("execute-mode");
	if (access & VG_FACC_MOUNT) ADD("mount");
	if (access & VG_FACC_MEMFD) ADD("memfd");
	return n;
}

struct flag_word {
	uint64_t bit;
	const char *word;
};

static const struct flag_word at_words[] = {
	{ 0x100, "symlink-nofollow" }, { 0x200, "removedir" }, { 0x400, "symlink-follow" },
	{ 0x1000, "empty-path" }, { 0 },
};
static const struct flag_word rename_words[] = {
	{ 1, "noreplace" }, { 2, "exchange" }, { 4, "whiteout" }, { 0 },
};
static const struct flag_word memfd_words[] = {
	{ 1, "cloexec" }, { 2, "allow-sealing" }, { 4, "hugetlb" }, { 8, "noexec-seal" },
	{ 0x10, "exec" }, { 0 },
};
static const struct flag_word umount_words[] = {
	{ 1, "force" }, { 2, "detach" }, { 4, "expire" }, { 8, "nofollow" }, { 0 },
};
static const struct flag_word mount_words[] = {
	{ 1, "rdonly" }, { 2, "nosuid" }, { 4, "nodev" }, { 8, "noexec" }, { 16, "synchronous" },
	{ 32, "remount" }, { 1024, "noatime" }, { 4096, "bind" }, { 8192, "move" },
	{ 16384, "rec" }, { 1 << 17, "unbindable" }, { 1 << 18, "private" },
	{ 1 << 19, "slave" }, { 1 << 20, "shared" }, { 0 },
};

size_t vg_file_flag_words(uint16_t syscall, uint64_t flags, const char **words, size_t max)
{
	const struct flag_word *t;
	size_t n = 0;

	switch (syscall) {
	case VG_FSC_RENAMEAT2: t = rename_words; break;
	case VG_FSC_MEMFD_CREATE: t = memfd_words; break;
	case VG_FSC_UMOUNT2: t = umount_words; break;
	case VG_FSC_MOUNT: t = mount_words; break;
	case VG_FSC_UNLINKAT: case VG_FSC_RMDIR: case VG_FSC_FCHMODAT2: case VG_FSC_FCHOWNAT:
	case VG_FSC_LINKAT: case VG_FSC_UTIMENSAT:
		t = at_words; break;
	default:
		return 0;
	}
	for (; t->word; t++)
		if (flags & t->bit)
			ADD(t->word);
	return n;
}

size_t vg_path_normalize(char *p, size_t len)
{
	size_t in = 0, out = 0;

	if (len == 0 || p[0] != '/')
		return len;
	while (in < len) {
		size_t s, clen;

		while (in < len && p[in] == '/')
			in++;
		s = in;
		while (in < len && p[in] != '/')
			in++;
		clen = in - s;
		if (clen == 0 || (clen == 1 && p[s] == '.'))
			continue;
		if (clen == 2 && p[s] == '.' && p[s + 1] == '.') {
			/* Drop the last component written (out never passes in). */
			while (out > 0 && p[out - 1] != '/')
				out--;
			if (out > 0)
				out--;
			continue;
		}
		p[out++] = '/';
		memmove(p + out, p + s, clen);
		out += clen;
	}
	if (out == 0)
		p[out++] = '/';
	return out;
}

void vg_file_mode_str(uint32_t mode, char *buf, size_t size)
{
	snprintf(buf, size, "%04o", mode & 07777);
}

/* ---- JSON ---- */

void vg_json_file_event(struct vg_json *j, const struct vg_event_ctx *ev)
{
	const struct vg_file *f = (const void *)ev->rec;

	vg_json_key(j, "action");
	vg_json_cstr(j, vg_file_syscall_name(f->syscall));
	vg_json_key(j, "outcome");
	vg_json_cstr(j, f->ret < 0 ? "failure" : "success");
}

/* Writes a path string, normalized when it came unchecked from the caller. */
static void json_path(struct vg_json *j, const struct vg_event_ctx *ev, const struct vg_str *s,
		      bool normalize, char **out, size_t *out_len)
{
	size_t len;
	const char *p = vg_rec_str(ev->rec, s, &len);
	char *copy = malloc(len + 1);

	if (!copy) {
		vg_json_str(j, p, len);
		*out = NULL;
		return;
	}
	memcpy(copy, p, len);
	if (normalize)
		len = vg_path_normalize(copy, len);
	vg_json_str(j, copy, len);
	*out = copy;
	*out_len = len;
}

static void json_words(struct vg_json *j, const char **w, size_t n)
{
	size_t i;

	vg_json_arr_begin(j);
	for (i = 0; i < n; i++)
		vg_json_cstr(j, w[i]);
	vg_json_arr_end(j);
}

static const char *mknod_type(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFIFO: return "fifo";
	case S_IFCHR: return "char";
	case S_IFBLK: return "block";
	case S_IFSOCK: return "socket";
	default: return "file";
	}
}

/* "/proc/PID/mem" (or task/TID/mem): the process whose memory is opened, else 0. */
static uint32_t proc_mem_target(const char *path, size_t len)
{
	unsigned long pid;
	char buf[64], *end;

	if (!path || len >= sizeof(buf) || len < 10 || strncmp(path, "/proc/", 6))
		return 0;
	memcpy(buf, path, len);
	buf[len] = '\0';
	pid = strtoul(buf + 6, &end, 10);
	if (end == buf + 6 || pid == 0 || pid > UINT32_MAX)
		return 0;
	if (!strcmp(end, "/mem"))
		return pid;
	if (!strncmp(end, "/task/", 6)) {
		strtoul(end + 6, &end, 10);
		if (!strcmp(end, "/mem"))
			return pid;
	}
	return 0;
}

/* target.process: whose memory an open of /proc/PID/mem reaches (injection). */
static void json_mem_target(struct vg_json *j, uint32_t pid)
{
	char link[64], exe[4096];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%u/exe", pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	vg_json_key(j, "target");
	vg_json_obj_begin(j);
	vg_json_key(j, "process");
	vg_json_obj_begin(j);
	vg_json_key(j, "pid");
	vg_json_u64(j, pid);
	vg_json_key(j, "executable");
	vg_json_obj_begin(j);
	vg_json_key(j, "path");
	if (n > 0)
		vg_json_str(j, exe, n);
	else
		vg_json_null(j);
	vg_json_obj_end(j);
	vg_json_obj_end(j);
	vg_json_obj_end(j);
}

void vg_json_file(struct vg_json *j, const struct vg_event_ctx *ev)
{
	const struct vg_file *f = (const void *)ev->rec;
	uint16_t type = f->hdr.type;
	const char *words[VG_FILE_MAX_WORDS];
	bool user = f->fflags & VG_FILE_PATH_USER;
	bool unchecked = f->fflags & VG_FILE_UNCHECKED;
	char *path = NULL, mode[16];
	size_t n, path_len = 0, len;
	const char *req;
	uint32_t target_pid;

	vg_json_key(j, "file");
	vg_json_obj_begin(j);
	vg_json_key(j, "path");
	json_path(j, ev, &f->path, user && unchecked, &path, &path_len);
	vg_json_key(j, "path_source");
	vg_json_cstr(j, user ? "user" : "kernel");
	if (f->target.len || type == VG_EV_FILE_RENAME || type == VG_EV_FILE_LINK ||
	    type == VG_EV_FILE_SYMLINK) {
		char *tp = NULL;
		size_t tl;
		bool raw = f->fflags & VG_FILE_TARGET_RAW;

		if (type == VG_EV_FILE_MOUNT) {
			/* the mount point, as the policy fields name it; the source is mount.source */
			vg_json_key(j, "target_path");
			json_path(j, ev, &f->path, user && unchecked, &tp, &tl);
			free(tp);
		} else {
			vg_json_key(j, "target_path");
			json_path(j, ev, &f->target, !raw && unchecked, &tp, &tl);
			free(tp);
			vg_json_key(j, "target_path_source");
			vg_json_cstr(j, raw ? "literal" : (f->fflags & VG_FILE_TARGET_USER) ? "user" : "kernel");
		}
	}
	req = vg_rec_str(ev->rec, &f->requested, &len);
	if (type != VG_EV_FILE_MOUNT && f->requested.len &&
	    (!path || len != path_len || memcmp(req, path, len))) {
		vg_json_key(j, "requested_path");
		vg_json_str(j, req, len);
	}
	target_pid = type == VG_EV_FILE_OPEN ? proc_mem_target(path, path_len) : 0;
	free(path);
	vg_json_key(j, "access");
	n = vg_file_access_words(type, f->flags, f->access, words, VG_FILE_MAX_WORDS);
	json_words(j, words, n);
	if (type == VG_EV_FILE_CHMOD || type == VG_EV_FILE_MKNOD ||
	    (type == VG_EV_FILE_OPEN && (f->flags & O_CREAT))) {
		vg_file_mode_str(f->mode, mode, sizeof(mode));
		vg_json_key(j, "mode");
		vg_json_u64(j, f->mode & 07777);
		vg_json_key(j, "mode_octal");
		vg_json_cstr(j, mode);
		vg_json_key(j, "setuid");
		vg_json_bool(j, f->mode & S_ISUID);
		vg_json_key(j, "setgid");
		vg_json_bool(j, f->mode & S_ISGID);
	}
	if (type == VG_EV_FILE_MKNOD) {
		vg_json_key(j, "type");
		vg_json_cstr(j, mknod_type(f->mode));
		vg_json_key(j, "device");
		vg_json_u64(j, f->size);
	}
	if (type == VG_EV_FILE_CHOWN) {
		/* null: left unchanged ((uid_t)-1) */
		vg_json_key(j, "owner");
		vg_json_obj_begin(j);
		vg_json_key(j, "id");
		if (f->uid == (uint32_t)-1)
			vg_json_null(j);
		else
			vg_json_u64(j, f->uid);
		vg_json_obj_end(j);
		vg_json_key(j, "group");
		vg_json_obj_begin(j);
		vg_json_key(j, "id");
		if (f->gid == (uint32_t)-1)
			vg_json_null(j);
		else
			vg_json_u64(j, f->gid);
		vg_json_obj_end(j);
	}
	if (type == VG_EV_FILE_TRUNCATE) {
		vg_json_key(j, "size");
		vg_json_u64(j, f->size);
	}
	if ((type == VG_EV_FILE_OPEN || type == VG_EV_FILE_MEMFD) && f->ret >= 0 &&
	    f->syscall != VG_FSC_LSM_FILE_OPEN) {
		vg_json_key(j, "fd");
		vg_json_i64(j, f->ret);
	}
	n = vg_file_flag_words(f->syscall, f->flags, words, VG_FILE_MAX_WORDS);
	if (n || f->flags) {
		vg_json_key(j, "flags");
		vg_json_u64(j, f->flags);
		vg_json_key(j, "flag_names");
		json_words(j, words, n);
	}
	vg_json_key(j, "truncated");
	vg_json_bool(j, f->fflags & (VG_FILE_PATH_TRUNC | VG_FILE_TARGET_TRUNC | VG_FILE_REQ_TRUNC));
	if (unchecked || (f->fflags & VG_FILE_NORMALIZED)) {
		vg_json_key(j, "path_normalized");
		vg_json_bool(j, true);
	}
	if (f->fflags & VG_FILE_PATH_FAULT) {
		vg_json_key(j, "path_unreadable");
		vg_json_bool(j, true);
	}
	vg_json_obj_end(j);

	if (type == VG_EV_FILE_MOUNT) {
		vg_json_key(j, "mount");
		vg_json_obj_begin(j);
		vg_json_key(j, "source");
		vg_json_record_str(j, ev, &f->target);
		vg_json_key(j, "fstype");
		vg_json_record_str(j, ev, &f->requested);
		vg_json_obj_end(j);
	}
	if (f->ret < 0) {
		vg_json_key(j, "error");
		vg_json_obj_begin(j);
		vg_json_key(j, "code");
		vg_json_cstr(j, vg_file_errno_name((int)-f->ret));
		vg_json_key(j, "number");
		vg_json_i64(j, -f->ret);
		vg_json_obj_end(j);
	}
	if (target_pid)
		json_mem_target(j, target_pid);
}

/* ---- text ---- */

void vg_text_file(struct vg_buf *b, const struct vg_event_ctx *ev)
{
	const struct vg_file *f = (const void *)ev->rec;
	const char *words[VG_FILE_MAX_WORDS];
	size_t len, n, i;
	const char *s = vg_rec_str(ev->rec, &f->path, &len);

	vg_buf_printf(b, "%s ", vg_file_syscall_name(f->syscall));
	vg_text_args(b, s, len);
	if (f->target.len) {
		vg_buf_puts(b, f->hdr.type == VG_EV_FILE_MOUNT ? " <- " : " -> ");
		s = vg_rec_str(ev->rec, &f->target, &len);
		vg_text_args(b, s, len);
	}
	n = vg_file_access_words(f->hdr.type, f->flags, f->access, words, VG_FILE_MAX_WORDS);
	vg_buf_puts(b, " [");
	for (i = 0; i < n; i++)
		vg_buf_printf(b, "%s%s", i ? "," : "", words[i]);
	vg_buf_puts(b, "]");
	if (f->hdr.type == VG_EV_FILE_CHMOD)
		vg_buf_printf(b, " mode=%04o", f->mode & 07777);
	if (f->hdr.type == VG_EV_FILE_CHOWN)
		vg_buf_printf(b, " uid=%d gid=%d", (int)f->uid, (int)f->gid);
	if (f->fflags & VG_FILE_PATH_USER)
		vg_buf_puts(b, " (user path)");
	if (f->ret < 0)
		vg_buf_printf(b, " = %s", vg_file_errno_name((int)-f->ret) ?: "error");
	else if (f->hdr.type == VG_EV_FILE_OPEN || f->hdr.type == VG_EV_FILE_MEMFD)
		vg_buf_printf(b, " = fd %" PRId64, (int64_t)f->ret);
}
