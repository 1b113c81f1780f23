// SPDX-License-Identifier: GPL-2.0
/*
 * Fills the policy pre-filter's kernel maps. The order of every update
 * keeps the filter sound while it changes: a sensor's filter is switched
 * off before its value maps change and on only after they are complete,
 * and an executable entry computed for another generation never counts.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "lib/log.h"
#include "sensors/sensor_prefilter.h"

static int map_fd(struct vg_sensor *s, const char *name)
{
	struct bpf_map *map = s->obj ? bpf_object__find_map_by_name(s->obj, name) : NULL;

	return map ? bpf_map__fd(map) : -ENOENT;
}

static int set_cfg(struct vg_sensor *s, const struct vg_pf_cfg *cfg)
{
	int fd = map_fd(s, "vg_pf");
	__u32 zero = 0;

	if (fd < 0)
		return fd;
	return bpf_map_update_elem(fd, &zero, cfg, BPF_ANY) < 0 ? -errno : 0;
}

/* Deletes every key of a hash map (keys up to 8 bytes). */
static int clear_map(int fd)
{
	__u64 key;

	while (bpf_map_get_next_key(fd, NULL, &key) == 0)
		if (bpf_map_delete_elem(fd, &key) < 0 && errno != ENOENT)
			return -errno;
	return 0;
}

int vg_pf_off(struct vg_sensor *s)
{
	struct vg_pf_cfg off = { 0 };
	int err = set_cfg(s, &off);

	return err == -ENOENT ? 0 : err;
}

static int fill_u32(int fd, const uint64_t *v, size_t n)
{
	__u8 one = 1;
	size_t i;

	for (i = 0; i < n; i++) {
		__u32 key = (__u32)v[i];

		if (bpf_map_update_elem(fd, &key, &one, BPF_ANY) < 0)
			return -errno;
	}
	return 0;
}

static int fill_u64(int fd, const uint64_t *v, size_t n)
{
	__u8 one = 1;
	size_t i;

	for (i = 0; i < n; i++) {
		__u64 key = v[i];

		if (bpf_map_update_elem(fd, &key, &one, BPF_ANY) < 0)
			return -errno;
	}
	return 0;
}

int vg_pf_set(struct vg_sensor *s, const struct vg_pf_spec *spec)
{
	struct vg_pf_cfg cfg = { 0 };
	int uids = map_fd(s, "vg_pf_uids"), cgroups = map_fd(s, "vg_pf_cgroups");
	int err;

	err = vg_pf_off(s);
	if (err)
		return err;
	if (uids < 0 || cgroups < 0)
		return 0;	/* a sensor without the filter sends everything */
	err = clear_map(uids);
	if (!err)
		err = clear_map(cgroups);
	if (!err && spec->uids)
		err = fill_u32(uids, spec->uids, spec->n_uids);
	if (!err && spec->cgroups)
		err = fill_u64(cgroups, spec->cgroups, spec->n_cgroups);
	if (err)
		return err;
	cfg.dims = (spec->uids ? VG_PF_UID : 0) | (spec->cgroups ? VG_PF_CGROUP : 0) |
		   (spec->exe ? VG_PF_EXE : 0);
	cfg.gen = spec->gen;
	cfg.exe_bit = spec->exe_bit;
	return set_cfg(s, &cfg);
}

/* The trie key of an entry, as the process sensor builds it at exec. */
static void exe_key(struct vg_path_rule_key *k, const struct vg_exe_filter_entry *e)
{
	size_t len = strlen(e->path);

	memset(k, 0, sizeof(*k));
	memcpy(k->data, e->path, len);
	k->prefixlen = (e->prefix ? len : len + 1) * 8;	/* exact: its NUL too */
}

static int clear_trie(int fd)
{
	struct vg_path_rule_key k;

	while (bpf_map_get_next_key(fd, NULL, &k) == 0)
		if (bpf_map_delete_elem(fd, &k) < 0 && errno != ENOENT)
			return -errno;
	return 0;
}

__u32 vg_kernel_dev(dev_t d)
{
	return (__u32)(major(d) << 20 | minor(d));
}

/* Every running process gets its bits, so that the filter covers it too. */
static int seed_processes(int fd, const struct vg_exe_filter *f, uint32_t gen)
{
	char path[sizeof(((struct dirent *)0)->d_name) + 16], exe[VG_RULE_PATH_BYTES + 1];
	struct dirent *de;
	DIR *d = opendir("/proc");
	int seeded = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct vg_proc_exe pe = { 0 };
		struct stat st;
		ssize_t len;
		__u32 tgid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		tgid = strtoul(de->d_name, NULL, 10);
		snprintf(path, sizeof(path), "/proc/%s/exe", de->d_name);
		len = readlink(path, exe, sizeof(exe));
		/* No executable (kernel thread, gone) or too long for a key: stays unknown. */
		if (len <= 0 || len >= VG_RULE_PATH_BYTES || stat(path, &st) < 0)
			continue;
		exe[len] = '\0';
		pe.ino = st.st_ino;
		pe.dev = vg_kernel_dev(st.st_dev);
		pe.gen = gen;
		pe.bits = vg_exe_filter_bits(f, exe);
		/* An exec since the readlink leaves an entry whose inode no longer matches. */
		if (bpf_map_update_elem(fd, &tgid, &pe, BPF_ANY) < 0) {
			if (errno == E2BIG || errno == ENOMEM)
				break;
			continue;
		}
		seeded++;
	}
	closedir(d);
	vg_debug("policy filter: %d running processes given executable bits", seeded);
	return 0;
}

int vg_pf_exe_load(struct vg_sensor *process, const struct vg_exe_filter *f, uint32_t gen)
{
	int trie = map_fd(process, "vg_exe_filter"), procs = map_fd(process, "vg_proc_exe");
	struct vg_pf_cfg cfg = { 0 };
	size_t i;
	int err;

	if (trie < 0 || procs < 0)
		return -ENOENT;
	/* Generation 0: the sensor stops writing entries while the trie changes. */
	err = set_cfg(process, &cfg);
	if (!err)
		err = clear_trie(trie);
	for (i = 0; !err && i < f->n; i++) {
		struct vg_path_rule_key k;
		__u32 bits = f->v[i].bits;

		exe_key(&k, &f->v[i]);
		if (bpf_map_update_elem(trie, &k, &bits, BPF_ANY) < 0)
			err = -errno;
	}
	if (err || !f->sensors)
		return err;
	cfg.gen = gen;
	err = set_cfg(process, &cfg);
	if (err)
		return err;
	return seed_processes(procs, f, gen);
}

int vg_pf_apply_types(struct vg_sensor *s, const struct vg_kernel_spec *spec)
{
	__u16 t;
	int err;

	for (t = 1; t < VG_EV_TYPE_MAX; t++) {
		if (spec->types[t] == VG_SPEC_TYPE_NONE)
			continue;
		err = vg_sensor_set_type_switch(s, t, spec->types[t]);
		if (err && err != -ENOENT)
			return err;
	}
	return 0;
}

int vg_pf_apply(struct vg_sensor *s, enum vg_sensor_id id, const struct vg_kernel_spec *spec)
{
	const struct vg_spec_values *uid = &spec->sensor[id].field[VG_SPEC_UID];
	const struct vg_spec_values *cg = &spec->sensor[id].field[VG_SPEC_CGROUP];
	struct vg_pf_spec pf = { 0 };
	int err = vg_pf_apply_types(s, spec);

	/* Printed events are all wanted: the filter stays off. */
	if (err || spec->every_event)
		return err;
	if (uid->on) {
		pf.uids = uid->nums;
		pf.n_uids = uid->n_nums;
	}
	if (cg->on) {
		pf.cgroups = cg->nums;
		pf.n_cgroups = cg->n_nums;
	}
	pf.exe_bit = 1u << id;
	pf.exe = spec->exe.sensors & pf.exe_bit;
	pf.gen = spec->gen;
	return vg_pf_set(s, &pf);
}
