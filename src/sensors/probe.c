// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel feature probes: each loads a two- or three-instruction program (or
 * creates a one-entry map) the way vigil would use it, and reports the
 * kernel's own answer. Every fd, link and cgroup made here is released
 * before the probe returns.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/magic.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "sensors/probe.h"

#define TRACEFS_ROOT "/sys/kernel/tracing"
#define SECURITYFS_ROOT "/sys/kernel/security"
#define LOG_BYTES 16384
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
static char *read_all(const char *path)
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
	char *mi = read_all("/proc/self/mountinfo");
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

/* ---- program loading ------------------------------------------------- */

#define INSN_MOV_R0(v) ((struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .imm = (v) })
#define INSN_CALL(id) ((struct bpf_insn){ .code = BPF_JMP | BPF_CALL, .imm = (id) })
#define INSN_EXIT ((struct bpf_insn){ .code = BPF_JMP | BPF_EXIT })

static struct btf *vmlinux_btf;
static int vmlinux_btf_err;

void vg_probe_done(void)
{
	btf__free(vmlinux_btf);
	vmlinux_btf = NULL;
	vmlinux_btf_err = 0;
}

static struct btf *get_btf(void)
{
	if (!vmlinux_btf && !vmlinux_btf_err) {
		vmlinux_btf = btf__load_vmlinux_btf();
		if (!vmlinux_btf)
			vmlinux_btf_err = errno ? errno : ENOENT;
	}
	return vmlinux_btf;
}

struct prog_spec {
	enum bpf_prog_type type;
	enum bpf_attach_type attach;
	__u32 btf_id;
	int ret;		/* value the program returns */
	int helper;		/* helper to call first, 0 for none */
};

/*
 * Loads the program; on failure fills @why with "load: <errno text>[: verifier line]"
 * and @log keeps the verifier output. Returns the fd or -errno.
 */
static int load_prog(const struct prog_spec *sp, char *log, char *why, size_t why_size)
{
	struct bpf_insn insns[4];
	char line[200], et[96];
	size_t n = 0;
	int fd, err;
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = sp->attach,
		    .attach_btf_id = sp->btf_id,
		    .log_buf = log,
		    .log_size = LOG_BYTES,
		    .log_level = 1);

	if (sp->helper)
		insns[n++] = INSN_CALL(sp->helper);
	insns[n++] = INSN_MOV_R0(sp->ret);
	insns[n++] = INSN_EXIT;
	log[0] = '\0';
	fd = bpf_prog_load(sp->type, "vigil_probe", "GPL", insns, n, &opts);
	if (fd >= 0)
		return fd;
	err = errno ? errno : EINVAL;
	vg_errno_text(err, et, sizeof(et));
	if (vg_verifier_reason(log, line, sizeof(line)))
		snprintf(why, why_size, "load: %s: %s", et, line);
	else
		snprintf(why, why_size, "load: %s", et);
	return -err;
}

static void set_errno_reason(char *why, size_t size, const char *step, int err)
{
	char et[96];

	vg_errno_text(err, et, sizeof(et));
	snprintf(why, size, "%s: %s", step, et);
}

static int btf_id(const char *name, __u32 kind, char *why, size_t size)
{
	struct btf *btf = get_btf();
	int id;

	if (!btf) {
		set_errno_reason(why, size, "vmlinux BTF", vmlinux_btf_err);
		return -vmlinux_btf_err;
	}
	id = btf__find_by_name_kind(btf, name, kind);
	if (id < 0)
		snprintf(why, size, "no %s in the kernel's BTF", name);
	return id;
}

static long tracepoint_id(const char *category, const char *event)
{
	char path[256], buf[32];

	snprintf(path, sizeof(path), TRACEFS_ROOT "/events/%s/%s/id", category, event);
	if (vg_probe_read_file(path, buf, sizeof(buf)) <= 0)
		return -ENOENT;
	return strtol(buf, NULL, 10);
}

static int pmu_type(const char *pmu)
{
	char path[256], buf[32];

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/type", pmu);
	if (vg_probe_read_file(path, buf, sizeof(buf)) <= 0)
		return -ENOENT;
	return (int)strtol(buf, NULL, 10);
}

/* Opens the perf event, sets the program on it, closes both. */
static int perf_attach(struct perf_event_attr *attr, int prog_fd, char *why, size_t size)
{
	int pfd, err = 0;

	pfd = syscall(__NR_perf_event_open, attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0) {
		err = -errno;
		set_errno_reason(why, size, "attach (perf_event_open)", errno);
		return err;
	}
	if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog_fd) < 0) {
		err = -errno;
		set_errno_reason(why, size, "attach (PERF_EVENT_IOC_SET_BPF)", errno);
	}
	close(pfd);
	return err;
}

static int attach_tracepoint(int prog_fd, const char *cat, const char *ev, char *why,
			     size_t size)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_TRACEPOINT,
		.size = sizeof(attr),
		.sample_period = 1,
		.wakeup_events = 1,
	};
	long id = tracepoint_id(cat, ev);

	if (id < 0) {
		snprintf(why, size, "attach: no tracepoint %s:%s in " TRACEFS_ROOT "/events", cat,
			 ev);
		return -ENOENT;
	}
	attr.config = id;
	return perf_attach(&attr, prog_fd, why, size);
}

/* tp_btf, fentry, fexit and LSM programs attach through BPF_RAW_TRACEPOINT_OPEN. */
static int attach_raw_tp(int prog_fd, const char *name, char *why, size_t size)
{
	int lfd = bpf_raw_tracepoint_open(name, prog_fd);

	if (lfd < 0) {
		set_errno_reason(why, size, "attach", errno);
		return -errno;
	}
	close(lfd);
	return 0;
}

/* The uprobe target: a real function of this binary. */
__attribute__((noinline, used)) int vg_probe_uprobe_target(int x)
{
	asm volatile("" ::: "memory");
	return x + 1;
}

static int attach_uprobe(int prog_fd, char *tested, char *why, size_t size)
{
	struct perf_event_attr attr = { .size = sizeof(attr), .sample_period = 1 };
	char path[512];
	unsigned long off;
	char *maps;
	int type, err;

	type = pmu_type("uprobe");
	if (type < 0) {
		snprintf(why, size,
			 "attach: no uprobe PMU in /sys/bus/event_source/devices (kernel built without CONFIG_UPROBE_EVENTS)");
		return -ENOENT;
	}
	maps = read_all("/proc/self/maps");
	if (!maps) {
		set_errno_reason(why, size, "read /proc/self/maps", errno);
		return -EIO;
	}
	err = vg_parse_maps_offset(maps, (unsigned long)(uintptr_t)vg_probe_uprobe_target, &off,
				   path, sizeof(path));
	free(maps);
	if (err) {
		snprintf(why, size, "attach: cannot find this binary's mapping in /proc/self/maps");
		return err;
	}
	attr.type = type;
	attr.config1 = (__u64)(uintptr_t)path;
	attr.config2 = off;
	snprintf(tested, VG_CHECK_TEXT, "load+attach %.200s:0x%lx (perf uprobe PMU)", path, off);
	return perf_attach(&attr, prog_fd, why, size);
}

static int attach_kprobe(int prog_fd, const char *func, char *why, size_t size)
{
	struct perf_event_attr attr = { .size = sizeof(attr), .sample_period = 1 };
	int type = pmu_type("kprobe");

	if (type < 0) {
		struct stat st;

		snprintf(why, size, "attach: no kprobe PMU in /sys/bus/event_source/devices%s",
			 stat(TRACEFS_ROOT "/kprobe_events", &st) < 0 ?
				 " and no " TRACEFS_ROOT "/kprobe_events (kernel built without CONFIG_KPROBE_EVENTS)" :
				 "");
		return -ENOENT;
	}
	attr.type = type;
	attr.config1 = (__u64)(uintptr_t)func;
	return perf_attach(&attr, prog_fd, why, size);
}

static int attach_cgroup(int prog_fd, const char *cgroup2, char *tested, char *why,
			 size_t size)
{
	char dir[512];
	int cg, err = 0;

	if (!cgroup2) {
		snprintf(why, size, "attach: no cgroup v2 filesystem mounted");
		return -ENOENT;
	}
	snprintf(dir, sizeof(dir), "%s/vigil-probe.%d", cgroup2, (int)getpid());
	snprintf(tested, VG_CHECK_TEXT, "load+attach connect4 on a new cgroup %.200s (removed)", dir);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		err = -errno;
		set_errno_reason(why, size, "attach: mkdir cgroup", errno);
		return err;
	}
	cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0) {
		err = -errno;
		set_errno_reason(why, size, "attach: open cgroup", errno);
		goto out;
	}
	if (bpf_prog_attach(prog_fd, cg, BPF_CGROUP_INET4_CONNECT, 0) < 0) {
		err = -errno;
		set_errno_reason(why, size, "attach", errno);
	} else {
		bpf_prog_detach2(prog_fd, cg, BPF_CGROUP_INET4_CONNECT);
	}
	close(cg);
out:
	rmdir(dir);
	return err;
}

static int attach_socket(int prog_fd, char *why, size_t size)
{
	int sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (sk < 0) {
		set_errno_reason(why, size, "attach: socket", errno);
		return -errno;
	}
	if (setsockopt(sk, SOL_SOCKET, SO_ATTACH_BPF, &prog_fd, sizeof(prog_fd)) < 0) {
		err = -errno;
		set_errno_reason(why, size, "attach (SO_ATTACH_BPF)", errno);
	}
	close(sk);
	return err;
}

static const char *const hook_names[VG_HOOK_MAX] = {
	[VG_HOOK_TRACEPOINT] = "tracepoint",
	[VG_HOOK_TP_BTF] = "tp_btf",
	[VG_HOOK_RAW_TRACEPOINT] = "raw_tracepoint",
	[VG_HOOK_FENTRY] = "fentry",
	[VG_HOOK_FEXIT] = "fexit",
	[VG_HOOK_LSM] = "lsm",
	[VG_HOOK_KPROBE] = "kprobe",
	[VG_HOOK_UPROBE] = "uprobe",
	[VG_HOOK_CGROUP_SOCK_ADDR] = "cgroup_sock_addr",
	[VG_HOOK_XDP] = "xdp",
	[VG_HOOK_TC] = "tc",
	[VG_HOOK_SOCKET_FILTER] = "socket_filter",
};

const char *vg_hook_name(enum vg_hook hook)
{
	return hook >= 0 && hook < VG_HOOK_MAX ? hook_names[hook] : "?";
}

/* Kernel functions traced by the fentry/fexit probes, first found wins. */
static const char *const fentry_targets[] = { "security_file_open", "vfs_open", "do_unlinkat",
					      NULL };
#define TP_BTF_TARGET "sched_process_exec"
#define LSM_TARGET "bpf_lsm_file_open"
#define KPROBE_TARGET "do_unlinkat"

/*
 * The program spec for a hook kind: type, attach type, BTF target; @target
 * gets a printable name of what it hooks. Returns 0 or <0 with @why set.
 */
static int hook_spec(enum vg_hook hook, struct prog_spec *sp, const char **target, char *why,
		     size_t size)
{
	const char *const *t;
	int id = -ENOENT;

	memset(sp, 0, sizeof(*sp));
	switch (hook) {
	case VG_HOOK_TRACEPOINT:
		sp->type = BPF_PROG_TYPE_TRACEPOINT;
		*target = "syscalls:sys_enter_getpid";
		return 0;
	case VG_HOOK_TP_BTF:
		id = btf_id("btf_trace_" TP_BTF_TARGET, BTF_KIND_TYPEDEF, why, size);
		sp->type = BPF_PROG_TYPE_TRACING;
		sp->attach = BPF_TRACE_RAW_TP;
		*target = TP_BTF_TARGET;
		break;
	case VG_HOOK_RAW_TRACEPOINT:
		sp->type = BPF_PROG_TYPE_RAW_TRACEPOINT;
		*target = TP_BTF_TARGET;
		return 0;
	case VG_HOOK_FENTRY:
	case VG_HOOK_FEXIT:
		for (t = fentry_targets; *t && id < 0; t++) {
			id = btf_id(*t, BTF_KIND_FUNC, why, size);
			*target = *t;
		}
		sp->type = BPF_PROG_TYPE_TRACING;
		sp->attach = hook == VG_HOOK_FENTRY ? BPF_TRACE_FENTRY : BPF_TRACE_FEXIT;
		break;
	case VG_HOOK_LSM:
		id = btf_id(LSM_TARGET, BTF_KIND_FUNC, why, size);
		if (id == -ENOENT)
			snprintf(why, size,
				 "no " LSM_TARGET " in the kernel's BTF (kernel built without CONFIG_BPF_LSM)");
		sp->type = BPF_PROG_TYPE_LSM;
		sp->attach = BPF_LSM_MAC;
		*target = "file_open";
		break;
	case VG_HOOK_KPROBE:
		sp->type = BPF_PROG_TYPE_KPROBE;
		*target = KPROBE_TARGET;
		return 0;
	case VG_HOOK_UPROBE:
		sp->type = BPF_PROG_TYPE_KPROBE;
		*target = "vg_probe_uprobe_target";
		return 0;
	case VG_HOOK_CGROUP_SOCK_ADDR:
		sp->type = BPF_PROG_TYPE_CGROUP_SOCK_ADDR;
		sp->attach = BPF_CGROUP_INET4_CONNECT;
		sp->ret = 1;	/* allow */
		*target = "connect4";
		return 0;
	case VG_HOOK_XDP:
		sp->type = BPF_PROG_TYPE_XDP;
		sp->ret = XDP_PASS;
		*target = "";
		return 0;
	case VG_HOOK_TC:
		sp->type = BPF_PROG_TYPE_SCHED_CLS;
		*target = "";	/* returns TC_ACT_OK */
		return 0;
	case VG_HOOK_SOCKET_FILTER:
		sp->type = BPF_PROG_TYPE_SOCKET_FILTER;
		*target = "";
		return 0;
	default:
		snprintf(why, size, "unknown hook kind");
		return -EINVAL;
	}
	if (id < 0)
		return id;
	sp->btf_id = id;
	return 0;
}

static int attach_hook(enum vg_hook hook, int fd, const char *target, const char *cgroup2,
		       struct vg_check *c)
{
	char *why = c->reason;
	size_t size = sizeof(c->reason);

	switch (hook) {
	case VG_HOOK_TRACEPOINT:
		snprintf(c->tested, sizeof(c->tested), "load+attach %s", target);
		return attach_tracepoint(fd, "syscalls", "sys_enter_getpid", why, size);
	case VG_HOOK_TP_BTF:
	case VG_HOOK_FENTRY:
	case VG_HOOK_FEXIT:
	case VG_HOOK_LSM:
		snprintf(c->tested, sizeof(c->tested), "load+attach %s", target);
		return attach_raw_tp(fd, NULL, why, size);
	case VG_HOOK_RAW_TRACEPOINT:
		snprintf(c->tested, sizeof(c->tested), "load+attach %s", target);
		return attach_raw_tp(fd, target, why, size);
	case VG_HOOK_KPROBE:
		snprintf(c->tested, sizeof(c->tested), "load+attach %s (perf kprobe PMU)", target);
		return attach_kprobe(fd, target, why, size);
	case VG_HOOK_UPROBE:
		return attach_uprobe(fd, c->tested, why, size);
	case VG_HOOK_CGROUP_SOCK_ADDR:
		return attach_cgroup(fd, cgroup2, c->tested, why, size);
	case VG_HOOK_SOCKET_FILTER:
		snprintf(c->tested, sizeof(c->tested), "load+attach to a UDP socket (SO_ATTACH_BPF)");
		return attach_socket(fd, why, size);
	case VG_HOOK_XDP:
	case VG_HOOK_TC:
	default:
		snprintf(c->tested, sizeof(c->tested), "load (not attached: it would touch a network interface)");
		return 0;
	}
}

void vg_probe_hook(enum vg_hook hook, const char *cgroup2, struct vg_check *c)
{
	struct prog_spec sp;
	const char *target = "";
	char *log;
	int fd;

	memset(c, 0, sizeof(*c));
	if (hook_spec(hook, &sp, &target, c->reason, sizeof(c->reason)) < 0) {
		snprintf(c->tested, sizeof(c->tested), "look up the attach target");
		return;
	}
	snprintf(c->tested, sizeof(c->tested), "load%s%s", target[0] ? " " : "", target);
	log = malloc(LOG_BYTES);
	if (!log) {
		set_errno_reason(c->reason, sizeof(c->reason), "probe", ENOMEM);
		return;
	}
	fd = load_prog(&sp, log, c->reason, sizeof(c->reason));
	free(log);
	if (fd < 0)
		return;
	c->ok = attach_hook(hook, fd, target, cgroup2, c) == 0;
	close(fd);
}

/* ---- maps ------------------------------------------------------------ */

const struct vg_map_kind vg_probe_maps[] = {
	{ "ringbuf", BPF_MAP_TYPE_RINGBUF },
	{ "hash", BPF_MAP_TYPE_HASH },
	{ "lru_hash", BPF_MAP_TYPE_LRU_HASH },
	{ "percpu_array", BPF_MAP_TYPE_PERCPU_ARRAY },
	{ "lpm_trie", BPF_MAP_TYPE_LPM_TRIE },
	{ "cgroup_array", BPF_MAP_TYPE_CGROUP_ARRAY },
	{ "task_storage", BPF_MAP_TYPE_TASK_STORAGE },
};
const int vg_probe_n_maps = sizeof(vg_probe_maps) / sizeof(vg_probe_maps[0]);

void vg_probe_map(const struct vg_map_kind *m, struct vg_check *c)
{
	int ret;

	memset(c, 0, sizeof(*c));
	snprintf(c->tested, sizeof(c->tested), "create (libbpf_probe_bpf_map_type)");
	errno = 0;
	ret = libbpf_probe_bpf_map_type(m->type, NULL);
	if (ret == 1) {
		c->ok = true;
	} else if (ret == 0) {
		if (errno)
			set_errno_reason(c->reason, sizeof(c->reason), "create", errno);
		else
			snprintf(c->reason, sizeof(c->reason), "create: not supported by this kernel");
	} else {
		set_errno_reason(c->reason, sizeof(c->reason), "probe", -ret);
	}
}

/* ---- helpers --------------------------------------------------------- */

const struct vg_helper vg_probe_helpers[] = {
	{ "bpf_probe_read_kernel", BPF_FUNC_probe_read_kernel, VG_HOOK_TRACEPOINT },
	{ "bpf_probe_read_kernel_str", BPF_FUNC_probe_read_kernel_str, VG_HOOK_TRACEPOINT },
	{ "bpf_probe_read_user", BPF_FUNC_probe_read_user, VG_HOOK_TRACEPOINT },
	{ "bpf_probe_read_user_str", BPF_FUNC_probe_read_user_str, VG_HOOK_TRACEPOINT },
	{ "bpf_send_signal", BPF_FUNC_send_signal, VG_HOOK_TRACEPOINT },
	{ "bpf_ktime_get_boot_ns", BPF_FUNC_ktime_get_boot_ns, VG_HOOK_TRACEPOINT },
	{ "bpf_get_current_cgroup_id", BPF_FUNC_get_current_cgroup_id, VG_HOOK_TRACEPOINT },
	{ "bpf_ringbuf_output", BPF_FUNC_ringbuf_output, VG_HOOK_TRACEPOINT },
	{ "bpf_ringbuf_reserve", BPF_FUNC_ringbuf_reserve, VG_HOOK_TRACEPOINT },
	{ "bpf_loop", BPF_FUNC_loop, VG_HOOK_TRACEPOINT },
	{ "bpf_get_current_task_btf", BPF_FUNC_get_current_task_btf, VG_HOOK_TP_BTF },
	{ "bpf_d_path", BPF_FUNC_d_path, VG_HOOK_FENTRY },
};
const int vg_probe_n_helpers = sizeof(vg_probe_helpers) / sizeof(vg_probe_helpers[0]);

/*
 * Loads "call helper; r0 = 0; exit" in program kind @where. The verifier
 * rejects the zero arguments, but it names an unknown or forbidden helper
 * before it looks at arguments: that line is the answer.
 */
static bool helper_in(const struct vg_helper *h, enum vg_hook where, char *why, size_t size)
{
	struct prog_spec sp;
	const char *target = "";
	char *log, line[200];
	bool ok = false;
	int fd;

	if (hook_spec(where, &sp, &target, why, size) < 0)
		return false;
	sp.helper = h->id;
	log = malloc(LOG_BYTES);
	if (!log) {
		set_errno_reason(why, size, "probe", ENOMEM);
		return false;
	}
	fd = load_prog(&sp, log, why, size);
	if (fd >= 0) {
		close(fd);
		ok = true;
	} else if (strstr(log, "unknown func") || strstr(log, "invalid func") ||
		   strstr(log, "cannot use helper") || strstr(log, "not allowed") ||
		   strstr(log, "cannot call")) {
		vg_verifier_reason(log, line, sizeof(line));
		snprintf(why, size, "%s programs: %s", vg_hook_name(where), line);
	} else if (log[0] && (fd == -EACCES || fd == -EINVAL)) {
		ok = true;	/* verified past the call: the helper is there */
	} else {
		char tmp[VG_CHECK_TEXT];

		snprintf(tmp, sizeof(tmp), "%s", why);
		snprintf(why, size, "%s programs refused: %.280s", vg_hook_name(where), tmp);
	}
	free(log);
	return ok;
}

/*
 * Not libbpf_probe_bpf_helper(): libbpf 1.1 only recognises "unknown func"
 * and "invalid func", so a helper the program type may not call ("program
 * of this type cannot use helper ...") counts as present; it also cannot
 * probe tp_btf/fentry/LSM programs, which need an attach BTF id.
 */
void vg_probe_helper(const struct vg_helper *h, struct vg_check *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->tested, sizeof(c->tested), "in %s programs", vg_hook_name(h->where));
	c->ok = helper_in(h, h->where, c->reason, sizeof(c->reason));
	if (!c->ok && h->where == VG_HOOK_FENTRY) {
		/* bpf_d_path and friends: LSM programs may call them too. */
		char first[VG_CHECK_TEXT], second[VG_CHECK_TEXT];

		snprintf(first, sizeof(first), "%s", c->reason);
		c->ok = helper_in(h, VG_HOOK_LSM, second, sizeof(second));
		snprintf(c->tested, sizeof(c->tested), "in fentry, then lsm programs");
		if (c->ok)
			c->reason[0] = '\0';
		else
			snprintf(c->reason, sizeof(c->reason), "%.150s; %.150s", first, second);
	}
}

/* ---- other kernel facilities ----------------------------------------- */

void vg_probe_bpf_stats(struct vg_check *c)
{
	char before[32] = "?";
	int fd;

	memset(c, 0, sizeof(*c));
	if (vg_probe_read_file("/proc/sys/kernel/bpf_stats_enabled", before, sizeof(before)) < 0)
		snprintf(before, sizeof(before), "absent");
	snprintf(c->value, sizeof(c->value), "%s", before);
	snprintf(c->tested, sizeof(c->tested),
		 "BPF_ENABLE_STATS(BPF_STATS_RUN_TIME), released at once");
	fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (fd < 0) {
		set_errno_reason(c->reason, sizeof(c->reason), "BPF_ENABLE_STATS", errno);
		return;
	}
	close(fd);
	c->ok = true;
}

void vg_probe_io_uring(struct vg_check *c)
{
	struct io_uring_params p;
	char disabled[32];
	int fd;

	memset(c, 0, sizeof(*c));
	memset(&p, 0, sizeof(p));
	if (vg_probe_read_file("/proc/sys/kernel/io_uring_disabled", disabled, sizeof(disabled)) > 0)
		snprintf(c->value, sizeof(c->value), "kernel.io_uring_disabled=%s", disabled);
	snprintf(c->tested, sizeof(c->tested), "io_uring_setup(1 entry)");
	fd = syscall(__NR_io_uring_setup, 1, &p);
	if (fd < 0) {
		set_errno_reason(c->reason, sizeof(c->reason), "io_uring_setup", errno);
		return;
	}
	close(fd);
	c->ok = true;
}

void vg_probe_syscall_tracepoint(const char *name, struct vg_check *c)
{
	char path[256], ev[96], *log;
	struct prog_spec sp = { .type = BPF_PROG_TYPE_TRACEPOINT };
	struct stat st;
	int fd;

	memset(c, 0, sizeof(*c));
	snprintf(ev, sizeof(ev), "sys_enter_%s", name);
	snprintf(c->tested, sizeof(c->tested), "load+attach syscalls:%s", ev);
	snprintf(path, sizeof(path), TRACEFS_ROOT "/events/syscalls/%s", ev);
	if (stat(path, &st) < 0) {
		if (stat(TRACEFS_ROOT "/events/syscalls", &st) < 0)
			snprintf(c->reason, sizeof(c->reason),
				 "no syscall tracepoints in " TRACEFS_ROOT
				 "/events/syscalls (kernel built without CONFIG_FTRACE_SYSCALLS)");
		else if (strstr(name, "module") && stat("/proc/modules", &st) < 0)
			snprintf(c->reason, sizeof(c->reason),
				 "kernel built without module support: no %s tracepoint", ev);
		else
			snprintf(c->reason, sizeof(c->reason), "no %s tracepoint", ev);
		return;
	}
	log = malloc(LOG_BYTES);
	if (!log) {
		set_errno_reason(c->reason, sizeof(c->reason), "probe", ENOMEM);
		return;
	}
	fd = load_prog(&sp, log, c->reason, sizeof(c->reason));
	free(log);
	if (fd < 0)
		return;
	c->ok = attach_tracepoint(fd, "syscalls", ev, c->reason, sizeof(c->reason)) == 0;
	close(fd);
}
