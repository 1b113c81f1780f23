// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "event/event_format.h"
#include "event/decode.h"
#include "event/rec_file.h"

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

/* ---- the record's output keys ---- */

#define K(k) VG_KB(VG_K_##k)

static const struct vg_file *file_of(const struct vg_event_view *v)
{
	return (const struct vg_file *)v->rec;
}

static uint16_t type_of(const struct vg_event_view *v)
{
	return v->rec->type;
}

/*
 * A path string as printed: normalized (into @buf) when the caller's string
 * had "." or ".." the kernel did not resolve.
 */
static const char *shown_path(const struct vg_event_view *v, const struct vg_str *s,
			      bool normalize, char *buf, size_t size, size_t *len)
{
	const char *p = vg_rec_str(v->rec, s, len);

	if (!normalize)
		return p;
	if (*len > size)
		*len = size;
	memcpy(buf, p, *len);
	*len = vg_path_normalize(buf, *len);
	return buf;
}

static bool path_unchecked(const struct vg_file *f)
{
	return (f->fflags & VG_FILE_PATH_USER) && (f->fflags & VG_FILE_UNCHECKED);
}

static const char *file_path(const struct vg_event_view *v, char *buf, size_t size, size_t *len)
{
	const struct vg_file *f = file_of(v);

	return shown_path(v, &f->path, path_unchecked(f), buf, size, len);
}

VG_GETTER(get_action)
{
	return vg_value_cstr(vg_file_syscall_name(file_of(v)->syscall), cb, ctx);
}

VG_GETTER(get_outcome)
{
	return vg_value_cstr(file_of(v)->ret < 0 ? "failure" : "success", cb, ctx);
}

VG_GETTER(get_path)
{
	size_t len;
	const char *p = file_path(v, v->scratch, sizeof(v->scratch), &len);

	return vg_value_str(p, len, cb, ctx);
}

VG_GETTER(get_name)
{
	size_t len;
	const char *p = file_path(v, v->scratch, sizeof(v->scratch), &len);

	p = vg_path_base(p, &len);
	return vg_value_str(p, len, cb, ctx);
}

static bool json_file_name(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			   void *ctx)
{
	(void)f;
	return vg_field_json_base(v, "file.path", cb, ctx);
}

VG_GETTER(get_path_source)
{
	return vg_value_cstr(file_of(v)->fflags & VG_FILE_PATH_USER ? "user" : "kernel", cb, ctx);
}

/* Rename, link and symlink name a second file; so may others (mount: its point). */
VG_WHEN(has_target)
{
	uint16_t t = type_of(v);

	return file_of(v)->target.len || t == VG_EV_FILE_RENAME || t == VG_EV_FILE_LINK ||
	       t == VG_EV_FILE_SYMLINK;
}

VG_GETTER(get_target)
{
	const struct vg_file *f = file_of(v);
	bool unchecked = f->fflags & VG_FILE_UNCHECKED;
	const char *p;
	size_t len;

	if (type_of(v) == VG_EV_FILE_MOUNT)	/* the mount point; the source is mount.source */
		p = file_path(v, v->scratch, sizeof(v->scratch), &len);
	else
		p = shown_path(v, &f->target, !(f->fflags & VG_FILE_TARGET_RAW) && unchecked,
			       v->scratch, sizeof(v->scratch), &len);
	return vg_value_str(p, len, cb, ctx);
}

VG_WHEN(has_target_source)
{
	return has_target(v) && type_of(v) != VG_EV_FILE_MOUNT;
}

VG_GETTER(get_target_source)
{
	uint32_t ff = file_of(v)->fflags;

	return vg_value_cstr(ff & VG_FILE_TARGET_RAW ? "literal" :
			     ff & VG_FILE_TARGET_USER ? "user" : "kernel", cb, ctx);
}

/* The caller's string, when it says more than the path printed. */
VG_WHEN(requested_differs)
{
	const struct vg_file *f = file_of(v);
	char buf[VG_MAX_PATH_BYTES];
	size_t len, plen;
	const char *req = vg_rec_str(v->rec, &f->requested, &len);
	const char *p = file_path(v, buf, sizeof(buf), &plen);

	return type_of(v) != VG_EV_FILE_MOUNT && f->requested.len &&
	       (len != plen || memcmp(req, p, len));
}

VG_GETTER(get_access)
{
	const struct vg_file *f = file_of(v);
	const char *w[VG_FILE_MAX_WORDS];
	size_t n = vg_file_access_words(type_of(v), f->flags, f->access, w, VG_FILE_MAX_WORDS);

	return vg_value_words(w, n, cb, ctx);
}

/*
 * file.paths: every name the event acts on. A rename or link also lands on
 * its new name, so a rule on file.paths judges "moved into /etc/cron.d"
 * like a write there; the kernel's path filter tests both names too.
 */
static bool two_names(enum vg_kind k)
{
	return k == VG_K_RENAME || k == VG_K_LINK;
}

VG_WHEN(by_inode)
{
	return file_of(v)->fflags & VG_FILE_BY_INODE;
}

VG_GETTER(get_watched)
{
	return vg_value_rec_str(v, &file_of(v)->watched, cb, ctx);
}

/* Another name for a watched file (hard link, bind mount) names the watched one too. */
VG_GETTER(get_paths)
{
	return get_path(v, e, cb, ctx) || (two_names(v->kind) && get_target(v, e, cb, ctx)) ||
	       (by_inode(v) && get_watched(v, e, cb, ctx));
}

static bool json_file_paths(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			    void *ctx)
{
	static const struct vg_field str = { "file.path", VG_FT_STR, VG_KINDS_ALL, false, "",
					     NULL, NULL };

	(void)f;
	return vg_field_json_walk(v->json, "file.path", &str, cb, ctx) ||
	       (two_names(v->kind) && vg_field_json_walk(v->json, "file.target_path", &str, cb, ctx)) ||
	       vg_field_json_walk(v->json, "file.watched_path", &str, cb, ctx);
}

/*
 * Unlink and rename take a name away (rename also replaces its new name):
 * is it the executable some live process runs? The process cache counts
 * every live process's executable path; absent without a cache.
 */
VG_WHEN(may_remove_exe)
{
	return v->cache && (v->kind == VG_K_UNLINK || v->kind == VG_K_RENAME);
}

VG_GETTER(get_running_exe)
{
	const struct vg_file *f = file_of(v);
	size_t len;
	const char *p = file_path(v, v->scratch, sizeof(v->scratch), &len);
	bool running = vg_proc_cache_exe_running(v->cache, p, len);

	if (!running && v->kind == VG_K_RENAME) {
		p = shown_path(v, &f->target, !(f->fflags & VG_FILE_TARGET_RAW) && path_unchecked(f),
			       v->scratch, sizeof(v->scratch), &len);
		running = vg_proc_cache_exe_running(v->cache, p, len);
	}
	return vg_value_uint(running, cb, ctx);
}

/* chmod, mknod and creating opens carry a mode. */
VG_WHEN(has_mode)
{
	uint16_t t = type_of(v);

	return t == VG_EV_FILE_CHMOD || t == VG_EV_FILE_MKNOD ||
	       (t == VG_EV_FILE_OPEN && (file_of(v)->flags & O_CREAT));
}

VG_GETTER(get_mode)
{
	return vg_value_uint(file_of(v)->mode & 07777, cb, ctx);
}

VG_GETTER(get_mode_octal)
{
	vg_file_mode_str(file_of(v)->mode, v->scratch, sizeof(v->scratch));
	return vg_value_cstr(v->scratch, cb, ctx);
}

VG_GETTER(get_mknod_type)
{
	switch (file_of(v)->mode & S_IFMT) {
	case S_IFIFO: return vg_value_cstr("fifo", cb, ctx);
	case S_IFCHR: return vg_value_cstr("char", cb, ctx);
	case S_IFBLK: return vg_value_cstr("block", cb, ctx);
	case S_IFSOCK: return vg_value_cstr("socket", cb, ctx);
	default: return vg_value_cstr("file", cb, ctx);
	}
}

/* chown: (u32)-1 leaves the id unchanged: null, no value for a rule. */
VG_GETTER(get_owner)
{
	uint32_t id = file_of(v)->uid;

	return id == (uint32_t)-1 ? false : vg_value_uint(id, cb, ctx);
}

VG_GETTER(get_group)
{
	uint32_t id = file_of(v)->gid;

	return id == (uint32_t)-1 ? false : vg_value_uint(id, cb, ctx);
}

VG_WHEN(has_fd)
{
	const struct vg_file *f = file_of(v);

	return (type_of(v) == VG_EV_FILE_OPEN || type_of(v) == VG_EV_FILE_MEMFD) && f->ret >= 0 &&
	       f->syscall != VG_FSC_LSM_FILE_OPEN;
}

VG_WHEN(has_flags)
{
	return file_of(v)->flags;
}

VG_GETTER(get_flag_names)
{
	const struct vg_file *f = file_of(v);
	const char *w[VG_FILE_MAX_WORDS];
	size_t n = vg_file_flag_words(f->syscall, f->flags, w, VG_FILE_MAX_WORDS);

	return vg_value_words(w, n, cb, ctx);
}

VG_WHEN(normalized)
{
	return file_of(v)->fflags & (VG_FILE_UNCHECKED | VG_FILE_NORMALIZED);
}

VG_WHEN(path_fault)
{
	return file_of(v)->fflags & VG_FILE_PATH_FAULT;
}

VG_GETTER(get_true)
{
	return vg_value_uint(1, cb, ctx);
}

VG_WHEN(is_mount)
{
	return type_of(v) == VG_EV_FILE_MOUNT;
}

VG_WHEN(via_bind)
{
	return file_of(v)->fflags & VG_FILE_BIND_MOUNT;
}

VG_WHEN(failed)
{
	return file_of(v)->ret < 0;
}

VG_WHEN(aggregated)
{
	return file_of(v)->suppressed;
}

VG_GETTER(get_errno_name)
{
	return vg_value_cstr(vg_file_errno_name((int)-file_of(v)->ret), cb, ctx);
}

VG_GETTER(get_errno_number)
{
	return vg_value_int(-file_of(v)->ret, cb, ctx);
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
static uint32_t mem_target(const struct vg_event_view *v)
{
	char buf[VG_MAX_PATH_BYTES];
	size_t len;
	const char *p;

	if (type_of(v) != VG_EV_FILE_OPEN)
		return 0;
	p = file_path(v, buf, sizeof(buf), &len);
	return proc_mem_target(p, len);
}

VG_WHEN(has_mem_target)
{
	return mem_target(v);
}

VG_GETTER(get_mem_pid)
{
	return vg_value_uint(mem_target(v), cb, ctx);
}

VG_GETTER(get_mem_exe)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%u/exe", mem_target(v));
	n = readlink(link, v->scratch, sizeof(v->scratch) - 1);
	return n > 0 ? vg_value_str(v->scratch, n, cb, ctx) : false;
}

static const struct vg_rec_field file_event[] = {
	VG_GET("event.outcome", VG_FT_STR, get_outcome),
};

static const struct vg_rec_field file_body[] = {
	VG_GET("syscall.name", VG_FT_STR, get_action),
	VG_GET("file.path", VG_FT_STR, get_path,
	       VG_KERNEL("path of the file acted on, from the kernel's struct file when possible")),
	VG_GET("file.name", VG_FT_STR, get_name, .out = VG_OUT_NONE, .json_get = json_file_name,
	       VG_POLICY("last component of file.path")),
	VG_GET("file.path_source", VG_FT_STR, get_path_source,
	       VG_POLICY("kernel (from struct file) or user (joined from the syscall's string)")),
	VG_GET("file.target_path", VG_FT_STR, get_target, .when = has_target,
	       .policy_kinds = K(RENAME) | K(LINK) | K(SYMLINK) | K(MOUNT),
	       VG_POLICY("new name (rename), link target (link, symlink), mount point (mount)")),
	VG_GET("file.target_path_source", VG_FT_STR, get_target_source, .when = has_target_source),
	VG_GET("file.watched_path", VG_FT_STR, get_watched, .when = by_inode),
	VG_GET("file.paths", VG_FT_STRLIST, get_paths, .out = VG_OUT_NONE, .json_get = json_file_paths,
	       VG_POLICY("every name of the file acted on: file.path; for rename and link also "
			 "file.target_path; for another name of a watched file (hard link, bind "
			 "mount) the watched name")),
	VG_STR(vg_file, requested, "file.requested_path", .when = requested_differs),
	VG_GET("file.is_running_executable", VG_FT_UINT, get_running_exe, .out = VG_OUT_BOOL,
	       .kinds = K(UNLINK) | K(RENAME), .when = may_remove_exe,
	       VG_POLICY("unlink, rename: 1 when file.path (or a rename's file.target_path) is the "
			 "executable of a live process, as the process cache knows them")),
	VG_LIST("file.access", get_access,
		VG_POLICY("what the event does, as words: open: read, write or read-write (path for "
			  "O_PATH), then tmpfile, directory, create, exclusive, truncate, append, "
			  "nofollow, execute-mode; others: read, write, create, truncate, delete, "
			  "rename, attributes, execute-mode, mount, memfd; `file.access = write` is "
			  "an exact word, `contains write` also matches read-write")),
	VG_GET("file.mode", VG_FT_UINT, get_mode, .kinds = K(OPEN) | K(CHMOD) | K(MKNOD),
	       .when = has_mode, VG_POLICY("permission bits requested (chmod, mknod, open with O_CREAT)")),
	VG_GET("file.mode_octal", VG_FT_STR, get_mode_octal, .when = has_mode),
	VG_BIT(vg_file, mode, S_ISUID, "file.setuid", .when = has_mode),
	VG_BIT(vg_file, mode, S_ISGID, "file.setgid", .when = has_mode),
	VG_GET("file.type", VG_FT_STR, get_mknod_type, .kinds = K(MKNOD)),
	VG_NUM(vg_file, size, "file.device", .kinds = K(MKNOD)),
	VG_GET("file.owner.id", VG_FT_UINT, get_owner, .kinds = K(CHOWN),
	       VG_POLICY("new owner uid (chown); absent when left unchanged")),
	VG_GET("file.group.id", VG_FT_UINT, get_group, .kinds = K(CHOWN),
	       VG_POLICY("new group gid (chown); absent when left unchanged")),
	VG_NUM(vg_file, size, "file.size", .kinds = K(TRUNCATE)),
	VG_NUM(vg_file, ret, "file.fd", .when = has_fd),
	VG_NUM(vg_file, flags, "file.flags", .when = has_flags,
	       VG_POLICY("flags argument (open, renameat2, *at, mount, umount2, memfd_create); "
			 "absent when 0")),
	VG_LIST("file.flag_names", get_flag_names, .when = has_flags),
	VG_BIT(vg_file, fflags, VG_FILE_PATH_TRUNC | VG_FILE_TARGET_TRUNC | VG_FILE_REQ_TRUNC,
	       "file.truncated"),
	VG_GET("file.path_normalized", VG_FT_UINT, get_true, .out = VG_OUT_BOOL,
	       .when = normalized),
	VG_BIT(vg_file, fflags, VG_FILE_PATH_FAULT, "file.path_unreadable", .when = path_fault),
	VG_BIT(vg_file, fflags, VG_FILE_BIND_MOUNT, "file.mount.bind", .kinds = K(OPEN),
	       .when = via_bind,
	       VG_POLICY("1: opened for writing, creating or truncating through a bind mount by a "
			 "process outside the host's mount namespace (a container's volume or host "
			 "path); absent otherwise, and only looked for when a rule requires it = 1")),
	VG_STR(vg_file, extra, "file.mount.source", .kinds = K(OPEN), .when = via_bind,
	       VG_POLICY("with file.mount.bind: the bind mount's source, as a path within its "
			 "filesystem (the host path when that filesystem is the host's /)")),
	VG_STR(vg_file, target, "mount.source", .when = is_mount),
	VG_STR(vg_file, requested, "mount.fstype", .when = is_mount),
	VG_GET("error.code", VG_FT_STR, get_errno_name, .when = failed),
	VG_GET("error.number", VG_FT_INT, get_errno_number, .when = failed),
	VG_GET("target.process.pid", VG_FT_UINT, get_mem_pid, .when = has_mem_target),
	VG_GET("target.process.executable.path", VG_FT_STR, get_mem_exe, .when = has_mem_target),
	VG_NUM(vg_file, suppressed, "vigil.suppressed", .when = aggregated,
	       VG_POLICY(VG_HELD_FIELD_DESC)),
};

static const struct vg_rec_table file_event_table = VG_REC_TABLE(VG_KINDS_FILE, file_event);
static const struct vg_rec_table file_body_table = VG_REC_TABLE(VG_KINDS_FILE, file_body);

/* ---- text ---- */

static void text_file(struct vg_buf *b, const struct vg_event_ctx *ev)
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
	if (f->suppressed)
		vg_buf_printf(b, " (+%u like this, held in the kernel)", f->suppressed);
}

static const struct vg_rec_table *const file_tables[] = {
	&vg_rec_head, &file_event_table, &vg_rec_process, &file_body_table,
	&vg_rec_container, NULL };
static const struct vg_rec_layout file_layout = { file_tables, text_file, NULL };

#define STRS { offsetof(struct vg_file, path), offsetof(struct vg_file, target), \
	       offsetof(struct vg_file, requested), offsetof(struct vg_file, extra), \
	       offsetof(struct vg_file, watched) }
#define FILE_RECORD(type, kind) { type, kind, sizeof(struct vg_file), 5, STRS, &file_layout }

/* One layout for every kind. */
static const struct vg_record_desc descs[] = {
	FILE_RECORD(VG_EV_FILE_OPEN, "open"),
	FILE_RECORD(VG_EV_FILE_UNLINK, "unlink"),
	FILE_RECORD(VG_EV_FILE_RENAME, "rename"),
	FILE_RECORD(VG_EV_FILE_CHMOD, "chmod"),
	FILE_RECORD(VG_EV_FILE_CHOWN, "chown"),
	FILE_RECORD(VG_EV_FILE_LINK, "link"),
	FILE_RECORD(VG_EV_FILE_SYMLINK, "symlink"),
	FILE_RECORD(VG_EV_FILE_TRUNCATE, "truncate"),
	FILE_RECORD(VG_EV_FILE_UTIMES, "utimes"),
	FILE_RECORD(VG_EV_FILE_MKNOD, "mknod"),
	FILE_RECORD(VG_EV_FILE_MOUNT, "mount"),
	FILE_RECORD(VG_EV_FILE_UMOUNT, "mount"),
	FILE_RECORD(VG_EV_FILE_MEMFD, "memfd"),
};

const struct vg_record_family vg_rec_file_family = { descs, sizeof(descs) / sizeof(descs[0]) };
