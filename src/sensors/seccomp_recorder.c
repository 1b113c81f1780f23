// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <signal.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "lib/log.h"
#include "sensors/seccomp_recorder.h"
#include "sensors/sensor_skel.h"
#include "sensors/task_filter.h"
#include "seccomp_record.skel.h"

static const char *const tp_btf_progs[] = { "sc_btf_enter", "sc_btf_fork", "sc_btf_exec",
					       "sc_btf_exit", NULL };
static const char *const raw_tp_progs[] = { "sc_raw_enter", "sc_raw_fork", "sc_raw_exec",
					       "sc_raw_exit", NULL };

static const struct vg_variant variants[] = {
	{ "tp_btf", tp_btf_progs },
	{ "raw_tracepoint", raw_tp_progs },
};

VG_SENSOR_SKEL(seccomp_record_bpf);

static int configure(void *skel, const void *cfg)
{
	bool on = cfg != NULL;

	return vg_rodata_set(seccomp_record_bpf_object(skel), "target_cgroup_on", &on, sizeof(on));
}

static int post_load(struct vg_sensor *s, const void *cfg)
{
	struct vg_task_filter f = { .cgroup_path = cfg };

	return vg_task_filter_post_load(s->obj, &f);
}

static const struct vg_sensor_desc recorder_desc = {
	.name = "seccomp-record",
	VG_SENSOR_VARIANTS(variants),
	VG_SENSOR_SKEL_OPS(seccomp_record_bpf),
	.configure = configure,
	.post_load = post_load,
};

static int map_fd(struct vg_sc_recorder *r, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(r->s.obj, name);

	return m ? bpf_map__fd(m) : -ENOENT;
}

/* The followed-process set, shared with the kernel (BPF_F_MMAPABLE). */
static int map_pids(struct vg_sc_recorder *r)
{
	int fd = map_fd(r, "vg_sc_pids");
	void *p;

	if (fd < 0)
		return fd;
	p = mmap(NULL, sizeof(*r->pids), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	r->pids = p;
	return 0;
}

int vg_sc_recorder_start(struct vg_sc_recorder *r, const char *cgroup_path)
{
	int err;

	r->pids = NULL;
	/* No record crosses the ring buffer: the smallest one will do. */
	err = vg_sensor_load(&r->s, &recorder_desc, cgroup_path, 4096, true);
	if (err)
		return err;
	r->armed_fd = map_fd(r, "vg_sc_armed");
	r->seen_fd = map_fd(r, "vg_sc_seen");
	r->stats_fd = map_fd(r, "vg_sc_stats");
	err = map_pids(r);
	if (r->armed_fd < 0 || r->seen_fd < 0 || r->stats_fd < 0 || err) {
		vg_err("seccomp recorder: cannot reach its maps: %s", strerror(err ? -err : ENOENT));
		vg_sc_recorder_stop(r);
		return -ENOENT;
	}
	return 0;
}

static bool is_followed(const struct vg_sc_recorder *r, __u32 tgid)
{
	__u64 w = __atomic_load_n(&r->pids->words[(tgid / 64) % VG_SC_PID_WORDS], __ATOMIC_RELAXED);

	return w & (1ULL << (tgid % 64));
}

int vg_sc_recorder_follow(struct vg_sc_recorder *r, pid_t tgid)
{
	__u32 t = (__u32)tgid;

	/* Atomic: the kernel sets and clears bits of the same word at fork and exit. */
	__atomic_fetch_or(&r->pids->words[(t / 64) % VG_SC_PID_WORDS], 1ULL << (t % 64),
			  __ATOMIC_SEQ_CST);
	return 0;
}

int vg_sc_recorder_follow_from_exec(struct vg_sc_recorder *r, pid_t tgid)
{
	__u32 key = (__u32)tgid;
	__u8 one = 1;

	if (bpf_map_update_elem(r->armed_fd, &key, &one, BPF_ANY) < 0) {
		int err = -errno;

		vg_err("seccomp recorder: cannot follow pid %d: %s", (int)tgid, strerror(errno));
		return err;
	}
	return 0;
}

/* The parent pid in /proc/PID/stat, or -1. The name may hold ')' and spaces. */
static pid_t proc_ppid(const char *pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;
	int ppid;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
		return -1;
	return ppid;
}

/*
 * Followed processes are in the kernel's set; a pass over /proc adds every
 * process whose parent is followed. Passes repeat until one adds nothing,
 * so a grandchild listed before its parent is caught on the next pass.
 */
int vg_sc_recorder_follow_tree(struct vg_sc_recorder *r, pid_t tgid)
{
	int added = 1, pass;

	vg_sc_recorder_follow(r, tgid);
	for (pass = 0; added && pass < 64; pass++) {
		struct dirent *de;
		DIR *d = opendir("/proc");

		if (!d)
			return -errno;
		added = 0;
		while ((de = readdir(d))) {
			pid_t parent;
			__u32 child;

			if (de->d_name[0] < '1' || de->d_name[0] > '9')
				continue;
			child = (__u32)strtoul(de->d_name, NULL, 10);
			parent = proc_ppid(de->d_name);
			if (parent <= 0 || is_followed(r, child) || !is_followed(r, (__u32)parent))
				continue;
			vg_sc_recorder_follow(r, (pid_t)child);
			/* Gone before its bit was set: the exit hook will never clear it. */
			if (kill((pid_t)child, 0) < 0 && errno == ESRCH)
				__atomic_fetch_and(&r->pids->words[(child / 64) % VG_SC_PID_WORDS],
						   ~(1ULL << (child % 64)), __ATOMIC_SEQ_CST);
			added++;
		}
		closedir(d);
	}
	return 0;
}

bool vg_sc_recorder_following(const struct vg_sc_recorder *r)
{
	__u32 key;
	size_t i;

	if (bpf_map_get_next_key(r->armed_fd, NULL, &key) == 0)
		return true;
	for (i = 0; i < VG_SC_PID_WORDS; i++)
		if (__atomic_load_n(&r->pids->words[i], __ATOMIC_RELAXED))
			return true;
	return false;
}

int vg_sc_recorder_read(const struct vg_sc_recorder *r, struct vg_sc_recording *out)
{
	int ncpu = libbpf_num_possible_cpus();
	__u32 k;
	__u64 *per_cpu;

	memset(out, 0, sizeof(*out));
	if (ncpu <= 0)
		return -EINVAL;
	for (k = 0; k < VG_SC_ABIS; k++)
		if (bpf_map_lookup_elem(r->seen_fd, &k, &out->seen[k]) < 0)
			return -errno;
	per_cpu = calloc((size_t)ncpu, sizeof(*per_cpu));
	if (!per_cpu)
		return -ENOMEM;
	for (k = 0; k < VG_SC_STATS; k++) {
		int c;

		if (bpf_map_lookup_elem(r->stats_fd, &k, per_cpu) < 0)
			continue;
		for (c = 0; c < ncpu; c++)
			out->stats[k] += per_cpu[c];
	}
	free(per_cpu);
	return 0;
}

void vg_sc_recorder_stop(struct vg_sc_recorder *r)
{
	if (r->pids)
		munmap(r->pids, sizeof(*r->pids));
	r->pids = NULL;
	vg_sensor_unload(&r->s);
}
