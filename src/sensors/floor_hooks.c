// SPDX-License-Identifier: GPL-2.0
/*
 * Empty programs on attach points named as `vigil bpf` names them. Each
 * program is two instructions (r0 = ret; exit): loaded with the raw bpf()
 * API, no object file, so the floor follows whatever hooks the agent of
 * the day attaches instead of a hand-kept copy of its list.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "sensors/floor_hooks.h"
#include "sensors/sensor_net.h"

static int load_empty(enum bpf_prog_type type, enum bpf_attach_type expected, int ret)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = ret },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = expected);
	int fd = bpf_prog_load(type, "vg_floor", "GPL", insns, 2, &opts);

	return fd < 0 ? -errno : fd;
}

/* The tracepoint's id under tracefs, whatever its category. */
static int tracepoint_id(const char *name, uint64_t *id)
{
	char pat[256];
	glob_t g;
	FILE *f;
	int err = -ENOENT;

	if (snprintf(pat, sizeof(pat), "/sys/kernel/tracing/events/*/%s/id", name) >= (int)sizeof(pat))
		return -ENAMETOOLONG;
	if (glob(pat, 0, NULL, &g))
		return -ENOENT;
	f = fopen(g.gl_pathv[0], "r");
	if (f) {
		err = fscanf(f, "%" SCNu64, id) == 1 ? 0 : -EINVAL;
		fclose(f);
	}
	globfree(&g);
	return err;
}

static int attach_tracepoint(const char *name, int *fds)
{
	struct perf_event_attr attr = { .type = PERF_TYPE_TRACEPOINT, .size = sizeof(attr),
					.sample_period = 1, .wakeup_events = 1 };
	uint64_t id;
	int err = tracepoint_id(name, &id);

	if (err)
		return err;
	attr.config = id;
	fds[0] = load_empty(BPF_PROG_TYPE_TRACEPOINT, 0, 0);
	if (fds[0] < 0)
		return fds[0];
	fds[2] = syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (fds[2] < 0)
		return -errno;
	fds[1] = bpf_link_create(fds[0], fds[2], BPF_PERF_EVENT, NULL);
	return fds[1] < 0 ? -errno : 0;
}

static int attach_raw_tracepoint(const char *name, int *fds)
{
	fds[0] = load_empty(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0);
	if (fds[0] < 0)
		return fds[0];
	fds[1] = bpf_raw_tracepoint_open(name, fds[0]);
	return fds[1] < 0 ? -errno : 0;
}

/* The cgroup2 root's id: the file handle of a cgroup2 directory is its id. */
static int cgroup_root(char *path, size_t size, uint64_t *id)
{
	struct { struct file_handle h; uint64_t id; } fh = { .h.handle_bytes = sizeof(uint64_t) };
	int mnt, err = vg_net_find_cgroup2("/proc/mounts", path, size);

	if (err)
		return err;
	if (name_to_handle_at(AT_FDCWD, path, &fh.h, &mnt, 0) < 0)
		return -errno;
	memcpy(id, fh.h.f_handle, sizeof(*id));
	return 0;
}

/* "cgroup id=N TYPE": sock_addr programs (allow: return 1) on the cgroup2 root. */
static int attach_cgroup(const char *spec, int *fds, char *why, size_t why_size)
{
	char path[512], type[64];
	uint64_t want, root = 0;
	int t, cg, err;

	if (sscanf(spec, "cgroup id=%" SCNu64 " %63s", &want, type) != 2)
		return -EINVAL;
	err = cgroup_root(path, sizeof(path), &root);
	if (err)
		return err;
	if (want != root) {
		snprintf(why, why_size, "%s: only the cgroup2 root (id=%" PRIu64 ") is supported",
			 spec, root);
		return -EOPNOTSUPP;
	}
	for (t = 0; t < __MAX_BPF_ATTACH_TYPE; t++) {
		const char *s = libbpf_bpf_attach_type_str(t);

		if (s && !strcmp(s, type))
			break;
	}
	if (t == __MAX_BPF_ATTACH_TYPE)
		return -EINVAL;
	fds[0] = load_empty(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, t, 1);
	if (fds[0] < 0)
		return fds[0];
	cg = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0)
		return -errno;
	fds[1] = bpf_link_create(fds[0], cg, t, NULL);
	err = fds[1] < 0 ? -errno : 0;
	close(cg);
	return err;
}

static int attach_one(const char *p, int *fds, char *why, size_t why_size)
{
	if (!strncmp(p, "tracepoint:", 11))
		return attach_tracepoint(p + 11, fds);
	if (!strncmp(p, "raw_tracepoint:", 15))
		return attach_raw_tracepoint(p + 15, fds);
	if (!strncmp(p, "cgroup ", 7))
		return attach_cgroup(p, fds, why, why_size);
	snprintf(why, why_size, "%s: no floor for this kind of hook", p);
	return -EOPNOTSUPP;
}

int vg_floor_hooks_attach(struct vg_floor_hooks *h, const char *const *points, int n,
			  char *why, size_t why_size)
{
	int i, err;

	h->n = 0;
	if (n > VG_FLOOR_MAX_HOOKS) {
		snprintf(why, why_size, "%d hooks: at most %d", n, VG_FLOOR_MAX_HOOKS);
		return -E2BIG;
	}
	for (i = 0; i < n; i++) {
		int *fds = &h->fds[3 * i];

		fds[0] = fds[1] = fds[2] = -1;
		h->n = i + 1;
		why[0] = 0;
		err = attach_one(points[i], fds, why, why_size);
		if (err) {
			if (!why[0])
				snprintf(why, why_size, "%s: %s", points[i], strerror(-err));
			vg_floor_hooks_detach(h);
			return err;
		}
	}
	return 0;
}

void vg_floor_hooks_detach(struct vg_floor_hooks *h)
{
	int i;

	for (i = 0; i < 3 * h->n; i++)
		if (h->fds[i] >= 0)
			close(h->fds[i]);
	h->n = 0;
}
