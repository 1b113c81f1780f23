// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "lib/log.h"
#include "sensors/probe.h"
#include "sensors/sensor_file.h"
#include "sensors/sensor_skel.h"
#include "sensor_file.skel.h"
#include "sensor_file_nokfunc.skel.h"

#define ANY VG_FACC_ALL
#define MOD VG_FACC_MODIFY
#define LOGS (VG_FACC_TRUNCATE | VG_FACC_DELETE | VG_FACC_RENAME | VG_FACC_ATTR)

const struct vg_file_watch vg_file_default_watch[] = {
	{ "/", VG_FACC_MOUNT | VG_FACC_MEMFD },	/* every mount and memfd_create */
	{ "/etc", MOD },
	{ "/etc/shadow", ANY }, { "/etc/gshadow", ANY }, { "/etc/sudoers", ANY },
	{ "/etc/sudoers.d", ANY }, { "/etc/ssh", ANY }, { "/etc/cron*", ANY },
	{ "/etc/systemd", MOD }, { "/etc/ld.so.preload", ANY },
	{ "/root", ANY },
	{ "/boot", MOD },
	{ "/usr/bin", MOD }, { "/usr/sbin", MOD }, { "/usr/lib", MOD },
	{ "/usr/local/bin", MOD }, { "/usr/local/sbin", MOD }, { "/usr/local/lib", MOD },
	{ "/bin", MOD }, { "/sbin", MOD }, { "/lib", MOD }, { "/lib64", MOD },
	{ "/var/spool/cron", ANY },
	{ "/var/log", LOGS },
	{ "/dev/shm", MOD },
	{ "/tmp", VG_FACC_EXECMODE }, { "/var/tmp", VG_FACC_EXECMODE },
	/* /proc/PID/mem opened for writing is code injection; sysctl writes too */
	{ "/proc", VG_FACC_WRITE },
	{ "~/.ssh", ANY },
	{ "~/.bashrc", MOD }, { "~/.bash_profile", MOD }, { "~/.bash_login", MOD },
	{ "~/.bash_logout", MOD }, { "~/.profile", MOD }, { "~/.zshrc", MOD },
	{ "~/.zprofile", MOD }, { "~/.config/autostart", MOD },
};
const size_t vg_file_default_watch_len =
	sizeof(vg_file_default_watch) / sizeof(vg_file_default_watch[0]);

void vg_file_cfg_init(struct vg_file_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->access_mask = VG_FACC_ALL;
}

int vg_file_watch_key(const char *prefix, struct vg_watch_key *key, bool *home)
{
	size_t len;
	bool glob = false;

	memset(key, 0, sizeof(*key));
	*home = false;
	if (!prefix)
		return -EINVAL;
	if (prefix[0] == '~' && prefix[1] == '/') {
		*home = true;
		prefix++;
	}
	if (prefix[0] != '/')
		return -EINVAL;
	len = strlen(prefix);
	if (prefix[len - 1] == '*') {
		glob = true;
		len--;
		if (memchr(prefix, '*', len))
			return -EINVAL;	/* only a trailing '*' */
	} else if (memchr(prefix, '*', len)) {
		return -EINVAL;
	}
	if (*home && len == 1)
		return -EINVAL;		/* "~/" alone: use "/home" and "/root" */
	if (len > VG_WATCH_KEY_BYTES - 1)
		return -ENAMETOOLONG;
	memcpy(key->data, prefix, len);
	/* Directory semantics: the lookup appends '/', so "/etc/" covers /etc and below. */
	if (!glob && key->data[len - 1] != '/')
		key->data[len++] = '/';
	key->prefixlen = len * 8;
	return 0;
}

static bool key_covers(const struct vg_watch_key *shorter, const struct vg_watch_key *k)
{
	return shorter->prefixlen <= k->prefixlen &&
	       !memcmp(shorter->data, k->data, shorter->prefixlen / 8);
}

int vg_file_watch_compile(const struct vg_file_watch *w, size_t n, __u32 access_mask,
			  struct vg_watch_entry *out, size_t max)
{
	size_t i, j, cnt = 0;
	__u32 am;
	int err;

	for (i = 0; i < n; i++) {
		struct vg_watch_entry e = { 0 };
		int copies, c;

		err = vg_file_watch_key(w[i].prefix, &e.key, &e.home);
		if (err)
			return err;
		/* A library or hidden-name read is a read, a first write a write: the
		 * access mask (--write-only) keeps or drops them alike, for either actor. */
		am = access_mask |
		     (access_mask & VG_FACC_READ ? VG_FACC_READ_LIB | VG_FACC_READ_HIDDEN : 0) |
		     (access_mask & VG_FACC_WRITE ? VG_FACC_WRITE_ONCE : 0);
		e.mask = w[i].access & (am | am << VG_WATCH_ANY_ACTOR_SHIFT);
		copies = e.home ? 2 : 1;
		for (c = 0; c < copies; c++) {
			struct vg_watch_entry x = e;

			if (c == 1) {	/* "~/.ssh" also means /root/.ssh */
				size_t l = x.key.prefixlen / 8;

				if (l + 5 > VG_WATCH_KEY_BYTES)
					return -ENAMETOOLONG;
				memmove(x.key.data + 5, x.key.data, l);
				memcpy(x.key.data, "/root", 5);
				x.key.prefixlen = (l + 5) * 8;
				x.home = false;
			}
			/* Same key twice: masks add up. */
			for (j = 0; j < cnt; j++)
				if (out[j].home == x.home && out[j].key.prefixlen == x.key.prefixlen &&
				    !memcmp(out[j].key.data, x.key.data, x.key.prefixlen / 8))
					break;
			if (j < cnt) {
				out[j].mask |= x.mask;
				continue;
			}
			if (cnt >= max)
				return -E2BIG;
			out[cnt++] = x;
		}
	}
	/* LPM returns the longest match only: fold shorter entries' masks in. */
	for (i = 0; i < cnt; i++) {
		__u32 add = 0;

		for (j = 0; j < cnt; j++)
			if (j != i && out[j].home == out[i].home && key_covers(&out[j].key, &out[i].key))
				add |= out[j].mask;
		out[i].mask |= add;	/* only shorter keys cover: no feedback */
	}
	return (int)cnt;
}

static const char *const lsm_progs[] = { "lsm_file_open", "tp_btf_sys_exit", NULL };
static const char *const tp_btf_progs[] = { "tp_btf_sys_exit", NULL };
static const char *const raw_tp_progs[] = { "raw_tp_sys_exit", NULL };

static const struct vg_variant variants[] = {
	{ "lsm", lsm_progs },
	{ "tp_btf", tp_btf_progs },
	{ "raw_tracepoint", raw_tp_progs },
};

VG_SENSOR_SKEL(sensor_file_bpf);
VG_SENSOR_SKEL(sensor_file_nokfunc_bpf);

/* Both objects come from one source: this file and file_identity.c use either as sensor_file_bpf. */
_Static_assert(sizeof(struct sensor_file_bpf) == sizeof(struct sensor_file_nokfunc_bpf) &&
	       sizeof(struct sensor_file_bpf__data) == sizeof(struct sensor_file_nokfunc_bpf__data),
	       "the file sensor's two objects differ");

/* Which object open_skel() opened: the one without bpf_rdonly_cast where the kernel lacks it. */
static bool opened_nokfunc;

static void *open_skel(void)
{
	static int has_kfunc = -1;	/* known once per process */
	char why[128];

	if (has_kfunc < 0) {
		has_kfunc = vg_probe_kfunc("bpf_rdonly_cast", why, sizeof(why));
		if (!has_kfunc)
			vg_info("sensor file: %s: file fields read with bpf_probe_read_kernel", why);
	}
	opened_nokfunc = !has_kfunc;
	return opened_nokfunc ? sensor_file_nokfunc_bpf_open() : sensor_file_bpf_open();
}

static struct bpf_object *skel_object(void *skel)
{
	return opened_nokfunc ? sensor_file_nokfunc_bpf_object(skel) : sensor_file_bpf_object(skel);
}

static int load_skel(void *skel)
{
	return opened_nokfunc ? sensor_file_nokfunc_bpf_load(skel) : sensor_file_bpf_load(skel);
}

static void destroy_skel(void *skel)
{
	if (opened_nokfunc)
		sensor_file_nokfunc_bpf_destroy(skel);
	else
		sensor_file_bpf_destroy(skel);
}

/* The lsm variant: not opened (BTF parse, maps, verifier) where LSM programs are refused outright. */
static bool variant_refused(int vi, char *why, size_t size)
{
	return !strcmp(variants[vi].name, "lsm") && vg_probe_lsm_refused(why, size);
}

static void cfg_or_default(const struct vg_file_cfg *cfg, struct vg_file_cfg *out)
{
	if (cfg)
		*out = *cfg;
	else
		vg_file_cfg_init(out);
	if (!out->watch) {
		out->watch = vg_file_default_watch;
		out->n_watch = vg_file_default_watch_len;
	}
}

static int configure(void *skel, const void *cfg)
{
	const struct vg_file_cfg *c = cfg;

	return vg_task_filter_configure(skel_object(skel), c ? &c->task : NULL);
}

/* Deletes every key of @fd not in @keep (home or not as @home). */
static void drop_stale(int fd, const struct vg_watch_entry *keep, int n, bool home)
{
	struct vg_watch_key cur, next;
	void *prev = NULL;
	int i;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		bool found = false;

		for (i = 0; i < n; i++)
			if (keep[i].home == home && keep[i].key.prefixlen == next.prefixlen &&
			    !memcmp(keep[i].key.data, next.data, next.prefixlen / 8))
				found = true;
		if (!found) {
			/* Deleting invalidates the walk: start over. */
			bpf_map_delete_elem(fd, &next);
			prev = NULL;
			continue;
		}
		cur = next;
		prev = &cur;
	}
}

/*
 * The initial mount namespace's inode number, which bind-mount accesses
 * are never reported from; 0 (unknown) turns that report off. kthreadd
 * (pid 2 in the host's pid namespace, where the agent runs) is a kernel
 * thread, so it holds the initial namespaces; init (pid 1) may be denied
 * to root without CAP_SYS_PTRACE (as on this project's test machines).
 */
static __u32 init_mntns(void)
{
	char comm[32] = "";
	struct stat st;
	FILE *f = fopen("/proc/2/comm", "r");

	if (f) {
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = '\0';
		fclose(f);
	}
	if (!strcmp(comm, "kthreadd\n") && stat("/proc/2/ns/mnt", &st) == 0)
		return (__u32)st.st_ino;
	if (stat("/proc/1/ns/mnt", &st) == 0)
		return (__u32)st.st_ino;
	vg_warn("file sensor: /proc/1/ns/mnt: %s: bind-mount writes are not reported",
		strerror(errno));
	return 0;
}

/* Turns the bind-mount report on for @mask (0: off); the namespace is read once. */
static void bind_apply(struct vg_sensor *s, __u32 mask)
{
	struct sensor_file_bpf *skel = s->skel;
	static __u32 ns;

	if (mask && !ns)
		ns = init_mntns();
	/* The namespace first: the kernel looks only once the mask says so. */
	skel->data->file_bind_mntns = ns;
	__atomic_store_n(&skel->data->file_bind_mask, ns ? mask : 0, __ATOMIC_SEQ_CST);
}

/* To the first, path-less check a library or hidden-name read is a read, a first write a write. */
static __u32 pathless_view(__u32 mask)
{
	return mask | (mask & (VG_FACC_READ_LIB | VG_FACC_READ_HIDDEN) ? VG_FACC_READ : 0) |
	       (mask & VG_FACC_WRITE_ONCE ? VG_FACC_WRITE | VG_FACC_CREATE | VG_FACC_TRUNCATE : 0);
}

int vg_file_watch_apply(struct vg_sensor *s, const struct vg_file_cfg *cfg)
{
	struct sensor_file_bpf *skel = s->skel;
	struct vg_watch_entry *e = NULL;
	struct vg_file_cfg c;
	struct { __u32 mask, agent_tgid; } any_actor = { 0, (__u32)getpid() };
	__u32 any = 0, zero = 0;
	int n, i, err, fd, watch_fd, home_fd;

	cfg_or_default(cfg, &c);
	e = calloc(2 * c.n_watch + 1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	n = vg_file_watch_compile(c.watch, c.n_watch, c.access_mask, e, 2 * c.n_watch + 1);
	if (n < 0) {
		err = n;
		vg_err("file sensor: invalid watch set: %s", strerror(-err));
		goto cleanup;
	}
	watch_fd = bpf_map__fd(skel->maps.watch_trie);
	home_fd = bpf_map__fd(skel->maps.home_trie);
	for (i = 0; i < n; i++) {
		fd = e[i].home ? home_fd : watch_fd;
		if (bpf_map_update_elem(fd, &e[i].key, &e[i].mask, BPF_ANY) < 0) {
			err = -errno;
			vg_err("file sensor: cannot add watch entry: %s", strerror(-err));
			goto cleanup;
		}
		any |= pathless_view(vg_watch_bits(e[i].mask, 0));
		any_actor.mask |= pathless_view(vg_watch_bits(e[i].mask, 1));
	}
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.file_any_actor), &zero, &any_actor,
				BPF_ANY) < 0) {
		err = -errno;
		vg_err("file sensor: cannot set the any-process watch: %s", strerror(-err));
		goto cleanup;
	}
	/* Widen first, narrow after: no window where a watched event is dropped. */
	any |= c.bind_mask;
	bind_apply(s, c.bind_mask);
	skel->data->file_any_mask |= any;
	drop_stale(watch_fd, e, n, false);
	drop_stale(home_fd, e, n, true);
	skel->data->file_any_mask = any;
	/* Cached rejections were decided under the old set. */
	__atomic_fetch_add(&skel->data->file_cache_gen, 1, __ATOMIC_SEQ_CST);
	err = 0;
cleanup:
	free(e);
	return err;
}

static int post_load(struct vg_sensor *s, const void *cfg)
{
	const struct vg_file_cfg *c = cfg;
	struct sensor_file_bpf *skel = s->skel;
	int err;

	err = vg_task_filter_post_load(s->obj, c ? &c->task : NULL);
	if (err)
		return err;
	/* Nothing is watched until the tries are filled. */
	skel->data->file_any_mask = 0;
	skel->data->file_opens_from_lsm = !strcmp(vg_sensor_variant_name(s), "lsm");
	return vg_file_watch_apply(s, c);
}

const struct vg_sensor_desc vg_file_sensor = {
	.name = "file",
	.on_demand = true,
	.policy_sensor = VG_SENSOR_FILE,
	.hub_slot = VG_HUB_FILE,
	.hub_nr_table = "nr_fsc",
	VG_SENSOR_VARIANTS(variants),
	.open = open_skel, .object = skel_object, .load = load_skel, .destroy = destroy_skel,
	.refused = variant_refused,
	.configure = configure,
	.post_load = post_load,
	.apply_policy = vg_file_apply_policy,
};
