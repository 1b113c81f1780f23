// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel feature probes: each loads a two- or three-instruction program (or
 * creates a one-entry map) the way vigil would use it, and reports the
 * kernel's own answer. Every fd, link and cgroup made here is released
 * before the probe returns.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "sensors/probe.h"

#define TRACEFS_ROOT "/sys/kernel/tracing"
#define LOG_BYTES 16384

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

static bool listed_in_env(const char *var, const char *name)
{
	const char *p = getenv(var);
	size_t len = strlen(name);

	while (p && *p) {
		size_t n = strcspn(p, ",");

		if (n == len && !strncmp(p, name, len))
			return true;
		p += n;
		p += *p == ',';
	}
	return false;
}

/*
 * Whether @name is in the string section of the kernel's BTF (a kfunc's
 * name is there only for the kfunc). Reading it takes ~10 ms where parsing
 * the types (btf__load_vmlinux_btf) takes ~120: every start pays this.
 */
static bool kernel_btf_names(const char *name, char *why, size_t size)
{
	const char *path = "/sys/kernel/btf/vmlinux";
	size_t want = strlen(name) + 2, got = 0;
	struct btf_header h;
	char *buf = NULL, *key = NULL;
	bool found = false;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size < (off_t)sizeof(h) ||
	    !(buf = malloc(st.st_size)) || !(key = calloc(1, want + 1))) {
		set_errno_reason(why, size, path, errno ? errno : ENOMEM);
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, st.st_size - got);

		if (n <= 0)
			break;
		got += n;
	}
	memcpy(&h, buf, sizeof(h));
	if (got < sizeof(h) || h.magic != BTF_MAGIC || h.hdr_len > got ||
	    h.str_off > got - h.hdr_len || h.str_len > got - h.hdr_len - h.str_off) {
		snprintf(why, size, "%s: not the BTF expected", path);
		goto out;
	}
	memcpy(key + 1, name, want - 2);	/* "\0name\0" */
	found = memmem(buf + h.hdr_len + h.str_off, h.str_len, key, want) != NULL;
	if (!found)
		snprintf(why, size, "no %s in the kernel's BTF", name);
out:
	free(key);
	free(buf);
	if (fd >= 0)
		close(fd);
	return found;
}

bool vg_probe_kfunc(const char *name, char *why, size_t size)
{
	if (listed_in_env("VIGIL_REFUSE_KFUNCS", name)) {
		snprintf(why, size, "%s refused by VIGIL_REFUSE_KFUNCS", name);
		return false;
	}
	return kernel_btf_names(name, why, size);
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
	maps = vg_probe_read_all("/proc/self/maps");
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

#define TP_BTF_TARGET "sched_process_exec"
#define LSM_TARGET "bpf_lsm_file_open"
#define KPROBE_TARGET "do_unlinkat"

/* Kernel functions traced by the fentry/fexit probes, first found wins. */
static const char *const fentry_targets[] = { "security_file_open", "vfs_open", "do_unlinkat",
					      NULL };
static const char *const tp_btf_targets[] = { "btf_trace_" TP_BTF_TARGET, NULL };
static const char *const lsm_targets[] = { LSM_TARGET, NULL };

/* Each hook kind: its JSON key, the program it loads, and what that hooks. */
static const struct hook_kind {
	const char *name;
	enum bpf_prog_type type;
	enum bpf_attach_type attach;
	int ret;			/* what the program returns */
	const char *target;		/* printable; NULL: the BTF name found */
	const char *const *btf_names;	/* attach BTF id: first found wins; NULL: none */
	__u32 btf_kind;
	const char *no_btf;		/* the reason when none is found; NULL: btf_id()'s */
} hook_kinds[VG_HOOK_MAX] = {
	[VG_HOOK_TRACEPOINT] = { "tracepoint", BPF_PROG_TYPE_TRACEPOINT, 0, 0,
				 "syscalls:sys_enter_getpid" },
	[VG_HOOK_TP_BTF] = { "tp_btf", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, 0, TP_BTF_TARGET,
			     tp_btf_targets, BTF_KIND_TYPEDEF },
	[VG_HOOK_RAW_TRACEPOINT] = { "raw_tracepoint", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0,
				     TP_BTF_TARGET },
	[VG_HOOK_FENTRY] = { "fentry", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, 0, NULL,
			     fentry_targets, BTF_KIND_FUNC },
	[VG_HOOK_FEXIT] = { "fexit", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, 0, NULL,
			    fentry_targets, BTF_KIND_FUNC },
	[VG_HOOK_LSM] = { "lsm", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, 0, "file_open", lsm_targets,
			  BTF_KIND_FUNC,
			  "no " LSM_TARGET " in the kernel's BTF (kernel built without CONFIG_BPF_LSM)" },
	[VG_HOOK_KPROBE] = { "kprobe", BPF_PROG_TYPE_KPROBE, 0, 0, KPROBE_TARGET },
	[VG_HOOK_UPROBE] = { "uprobe", BPF_PROG_TYPE_KPROBE, 0, 0, "vg_probe_uprobe_target" },
	[VG_HOOK_CGROUP_SOCK_ADDR] = { "cgroup_sock_addr", BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
				       BPF_CGROUP_INET4_CONNECT, 1 /* allow */, "connect4" },
	[VG_HOOK_XDP] = { "xdp", BPF_PROG_TYPE_XDP, 0, XDP_PASS, "" },
	[VG_HOOK_TC] = { "tc", BPF_PROG_TYPE_SCHED_CLS, 0, 0 /* TC_ACT_OK */, "" },
	[VG_HOOK_SOCKET_FILTER] = { "socket_filter", BPF_PROG_TYPE_SOCKET_FILTER, 0, 0, "" },
};

const char *vg_hook_name(enum vg_hook hook)
{
	return hook >= 0 && hook < VG_HOOK_MAX ? hook_kinds[hook].name : "?";
}

/*
 * The program spec for a hook kind: type, attach type, BTF target; @target
 * gets a printable name of what it hooks. Returns 0 or <0 with @why set.
 */
static int hook_spec(enum vg_hook hook, struct prog_spec *sp, const char **target, char *why,
		     size_t size)
{
	const struct hook_kind *k;
	const char *const *t;
	int id = -ENOENT;

	if (hook < 0 || hook >= VG_HOOK_MAX) {
		snprintf(why, size, "unknown hook kind");
		return -EINVAL;
	}
	k = &hook_kinds[hook];
	memset(sp, 0, sizeof(*sp));
	sp->type = k->type;
	sp->attach = k->attach;
	sp->ret = k->ret;
	*target = k->target;
	if (!k->btf_names)
		return 0;
	for (t = k->btf_names; *t && id < 0; t++) {
		id = btf_id(*t, k->btf_kind, why, size);
		if (!k->target)
			*target = *t;
	}
	if (id == -ENOENT && k->no_btf)
		snprintf(why, size, "%s", k->no_btf);
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

/* Loads @sp for @c, which says why when it fails. Returns the fd or <0. */
static int load_for_check(const struct prog_spec *sp, struct vg_check *c)
{
	char *log = malloc(LOG_BYTES);
	int fd;

	if (!log) {
		set_errno_reason(c->reason, sizeof(c->reason), "probe", ENOMEM);
		return -ENOMEM;
	}
	fd = load_prog(sp, log, c->reason, sizeof(c->reason));
	free(log);
	return fd;
}

bool vg_probe_lsm_refused(char *why, size_t size)
{
	struct bpf_insn insns[] = { INSN_MOV_R0(0), INSN_EXIT };
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_LSM_MAC,
		    .attach_btf_id = 1);
	char et[96];
	int fd = bpf_prog_load(BPF_PROG_TYPE_LSM, "vigil_probe", "GPL", insns, 2, &opts);

	if (fd >= 0) {
		close(fd);
		return false;
	}
	if (errno != EPERM)
		return false;
	vg_errno_text(EPERM, et, sizeof(et));
	snprintf(why, size, "LSM programs refused, whatever their target: %s", et);
	return true;
}

void vg_probe_hook(enum vg_hook hook, const char *cgroup2, struct vg_check *c)
{
	struct prog_spec sp;
	const char *target = "";
	int fd;

	memset(c, 0, sizeof(*c));
	if (hook_spec(hook, &sp, &target, c->reason, sizeof(c->reason)) < 0) {
		snprintf(c->tested, sizeof(c->tested), "look up the attach target");
		return;
	}
	snprintf(c->tested, sizeof(c->tested), "load%s%s", target[0] ? " " : "", target);
	fd = load_for_check(&sp, c);
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
	char path[256], ev[96];
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
	fd = load_for_check(&sp, c);
	if (fd < 0)
		return;
	c->ok = attach_tracepoint(fd, "syscalls", ev, c->reason, sizeof(c->reason)) == 0;
	close(fd);
}
