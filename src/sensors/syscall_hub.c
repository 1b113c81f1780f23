// SPDX-License-Identifier: GPL-2.0
/*
 * Loads the syscall hub on first use, fills its program arrays and routes
 * from each sensor's own syscall table (the sensor's rodata, so the table
 * its handler checks is the table the hub routes by), and attaches one
 * hub program per direction in use.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "lib/log.h"
#include "sensors/syscall_hub.h"
#include "syscall_hub.skel.h"

enum { DIR_ENTER, DIR_EXIT, DIRS };

static const char *const dir_sections[DIRS] = { "tp_btf/sys_enter", "tp_btf/sys_exit" };
static const char *const dir_arrays[DIRS] = { "vg_hub_enter", "vg_hub_exit" };

static struct {
	pthread_mutex_t lock;
	struct syscall_hub_bpf *skel;
	struct bpf_link *link[DIRS];
	__u8 slots[DIRS];			/* bit 1 << slot: a handler is in */
	__u32 prog_id[DIRS][VG_HUB_SLOTS];	/* the handler put in each slot */
	struct vg_hub_route routes[VG_HUB_ROUTES];
	bool refused;				/* the hub would not load: never again */
	bool off;				/* vg_hub_allow(false) */
} hub = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int dir_of(struct bpf_program *prog)
{
	const char *sec = bpf_program__section_name(prog);
	int d;

	for (d = 0; d < DIRS; d++)
		if (sec && !strcmp(sec, dir_sections[d]))
			return d;
	return -1;
}

static int map_fd(const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(hub.skel->obj, name);

	return m ? bpf_map__fd(m) : -ENOENT;
}

static __u32 prog_id(int fd)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

static int load_hub(const struct vg_hub_handler *h)
{
	int err;

	if (hub.skel)
		return 0;
	if (hub.refused)
		return -EOPNOTSUPP;
	hub.skel = syscall_hub_bpf__open();
	if (!hub.skel)
		return -errno;
	err = h->share_maps(hub.skel->obj, "syscall hub");
	if (!err)
		err = syscall_hub_bpf__load(hub.skel);
	if (err) {
		vg_info("syscall hub: refused (%s): each sensor attaches its own syscall programs",
			strerror(-err));
		syscall_hub_bpf__destroy(hub.skel);
		hub.skel = NULL;
		hub.refused = true;
	}
	return err;
}

/* Writes every route whose @dir bits for @slot differ from @want[nr]. */
static int set_routes(int dir, enum vg_hub_slot slot, const __u8 *want)
{
	int fd = map_fd("vg_hub_routes");
	__u32 nr;

	if (fd < 0)
		return fd;
	for (nr = 0; nr < VG_HUB_ROUTES; nr++) {
		struct vg_hub_route *r = &hub.routes[nr];
		__u8 *bits = dir == DIR_ENTER ? &r->enter : &r->exit;
		__u8 now = (*bits & ~(1u << slot)) | (want[nr] ? 1u << slot : 0);

		if (now == *bits)
			continue;
		*bits = now;
		if (bpf_map_update_elem(fd, &nr, r, BPF_ANY) < 0)
			return -errno;
	}
	return 0;
}

static int attach_dir(int dir)
{
	struct bpf_program *prog = dir == DIR_ENTER ? hub.skel->progs.hub_sys_enter
						    : hub.skel->progs.hub_sys_exit;

	if (hub.link[dir])
		return 0;
	hub.link[dir] = bpf_program__attach(prog);
	if (!hub.link[dir])
		return -errno;
	vg_debug("syscall hub: attached on %s", dir_sections[dir]);
	return 0;
}

/* Takes @slot out of @dir; the caller holds the lock. */
static void clear_slot(int dir, enum vg_hub_slot slot)
{
	__u8 none[VG_HUB_ROUTES] = { 0 };
	__u32 key = slot;

	set_routes(dir, slot, none);
	bpf_map_delete_elem(map_fd(dir_arrays[dir]), &key);
	hub.slots[dir] &= ~(1u << slot);
	if (!hub.slots[dir] && hub.link[dir]) {
		bpf_link__destroy(hub.link[dir]);
		hub.link[dir] = NULL;
	}
}

static int take_locked(const struct vg_hub_handler *h, int dir)
{
	__u32 key = h->slot;
	int fd = bpf_program__fd(h->prog), err;

	err = load_hub(h);
	if (err)
		return err;
	/* The handler first, then the routes to it, then the hub's hook. */
	if (bpf_map_update_elem(map_fd(dir_arrays[dir]), &key, &fd, BPF_ANY) < 0)
		return -errno;
	hub.prog_id[dir][h->slot] = prog_id(fd);
	hub.slots[dir] |= 1u << h->slot;
	err = set_routes(dir, h->slot, h->numbers);
	if (!err)
		err = attach_dir(dir);
	if (err) {
		clear_slot(dir, h->slot);
		return err;
	}
	*h->dirs |= 1u << dir;
	return 0;
}

int vg_hub_preload(int (*share_maps)(struct bpf_object *obj, const char *who))
{
	struct vg_hub_handler h = { .share_maps = share_maps };
	int err = 0;

	pthread_mutex_lock(&hub.lock);
	if (!hub.off)
		err = load_hub(&h);
	pthread_mutex_unlock(&hub.lock);
	return err;
}

bool vg_hub_handles(struct bpf_program *prog)
{
	return dir_of(prog) >= 0;
}

bool vg_hub_enter_handler(struct bpf_program *prog)
{
	return dir_of(prog) == DIR_ENTER;
}

int vg_hub_take(const struct vg_hub_handler *h)
{
	int dir = dir_of(h->prog), err;

	if (dir < 0 || h->slot == VG_HUB_NONE || h->slot >= VG_HUB_SLOTS)
		return -EINVAL;
	pthread_mutex_lock(&hub.lock);
	err = hub.off ? -EPERM : take_locked(h, dir);
	pthread_mutex_unlock(&hub.lock);
	if (err && err != -EOPNOTSUPP && err != -EPERM)
		vg_debug("sensor '%s': %s stays outside the syscall hub: %s", h->who,
			 bpf_program__name(h->prog), strerror(-err));
	return err;
}

void vg_hub_allow(bool allowed)
{
	pthread_mutex_lock(&hub.lock);
	hub.off = !allowed;
	pthread_mutex_unlock(&hub.lock);
}

void vg_hub_release(enum vg_hub_slot slot, unsigned *dirs)
{
	int dir;

	if (!*dirs)
		return;
	pthread_mutex_lock(&hub.lock);
	for (dir = 0; dir < DIRS; dir++)
		if (*dirs & (1u << dir))
			clear_slot(dir, slot);
	*dirs = 0;
	if (!hub.slots[DIR_ENTER] && !hub.slots[DIR_EXIT] && hub.skel) {
		syscall_hub_bpf__destroy(hub.skel);
		hub.skel = NULL;
	}
	pthread_mutex_unlock(&hub.lock);
}

/*
 * Every route as the kernel holds it: one batch call (the self-check runs
 * every second), else one lookup per route where batches are not supported.
 */
static int read_routes(int fd, struct vg_hub_route *out)
{
	__u32 keys[VG_HUB_ROUTES], count = VG_HUB_ROUTES, next, key;
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	int err = bpf_map_lookup_batch(fd, NULL, &next, keys, out, &count, &opts);

	if ((!err || errno == ENOENT) && count == VG_HUB_ROUTES) {
		for (key = 0; key < VG_HUB_ROUTES; key++)
			if (keys[key] != key)
				return -EINVAL;
		return 0;
	}
	for (key = 0; key < VG_HUB_ROUTES; key++)
		if (bpf_map_lookup_elem(fd, &key, &out[key]))
			return -errno;
	return 0;
}

/* What differs from what the agent wrote; the caller holds the lock. */
static const char *changed_locked(char *buf, size_t size)
{
	static struct vg_hub_route now[VG_HUB_ROUTES];	/* under hub.lock */
	int dir, fd = map_fd("vg_hub_routes");
	__u32 key, id;

	for (dir = 0; dir < DIRS; dir++)
		for (key = VG_HUB_NONE + 1; key < VG_HUB_SLOTS; key++) {
			__u32 want = hub.slots[dir] & (1u << key) ? hub.prog_id[dir][key] : 0;

			if (bpf_map_lookup_elem(map_fd(dir_arrays[dir]), &key, &id))
				id = 0;
			if (id == want)
				continue;
			snprintf(buf, size, "the syscall hub's %s slot %u runs program %u, not ours (%u)",
				 dir_sections[dir], key, id, want);
			return buf;
		}
	if (read_routes(fd, now))
		memset(now, 0xff, sizeof(now));	/* unreadable: nothing matches */
	for (key = 0; key < VG_HUB_ROUTES; key++) {
		if (now[key].enter != hub.routes[key].enter || now[key].exit != hub.routes[key].exit) {
			snprintf(buf, size, "the syscall hub's route of syscall %u was changed", key);
			return buf;
		}
	}
	return NULL;
}

const char *vg_hub_changed(char *buf, size_t size)
{
	const char *what = NULL;

	pthread_mutex_lock(&hub.lock);
	if (hub.skel)
		what = changed_locked(buf, size);
	pthread_mutex_unlock(&hub.lock);
	return what;
}

int vg_hub_links(struct bpf_link **out, int max)
{
	int dir, n = 0;

	pthread_mutex_lock(&hub.lock);
	for (dir = 0; dir < DIRS; dir++)
		if (hub.link[dir] && n < max)
			out[n++] = hub.link[dir];
	pthread_mutex_unlock(&hub.lock);
	return n;
}

int vg_hub_prog_stats(struct vg_hub_prog_stat *out, int max)
{
	struct bpf_program *p;
	int n = 0;

	pthread_mutex_lock(&hub.lock);
	if (hub.skel)
		bpf_object__for_each_program(p, hub.skel->obj) {
			struct bpf_prog_info info;
			__u32 len = sizeof(info);

			memset(&info, 0, sizeof(info));
			if (n >= max || bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len))
				continue;
			out[n++] = (struct vg_hub_prog_stat){ bpf_program__name(p), info.run_cnt,
							      info.run_time_ns };
		}
	pthread_mutex_unlock(&hub.lock);
	return n;
}

/* One probe step: @what failed with errno. */
static int probe_fail(char *why, size_t size, const char *what)
{
	int err = errno ? -errno : -EINVAL;

	snprintf(why, size, "%s: %s", what, strerror(-err));
	return err;
}

int vg_hub_probe(char *why, size_t size)
{
	struct syscall_hub_bpf *skel = syscall_hub_bpf__open();
	struct bpf_link *enter = NULL, *exit = NULL;
	int enter_fd, exit_fd, err = 0;
	__u32 key = VG_HUB_FILE;

	why[0] = '\0';
	if (!skel)
		return probe_fail(why, size, "open");
	if (syscall_hub_bpf__load(skel)) {
		err = probe_fail(why, size, "load");
		goto out;
	}
	enter_fd = bpf_program__fd(skel->progs.hub_sys_enter);
	exit_fd = bpf_program__fd(skel->progs.hub_sys_exit);
	/* No routes: the hub never tail-calls itself; the arrays only have to accept it. */
	if (bpf_map__update_elem(skel->maps.vg_hub_enter, &key, sizeof(key), &enter_fd,
				 sizeof(enter_fd), BPF_ANY) ||
	    bpf_map__update_elem(skel->maps.vg_hub_exit, &key, sizeof(key), &exit_fd,
				 sizeof(exit_fd), BPF_ANY)) {
		err = probe_fail(why, size, "a tp_btf handler in the program array");
		goto out;
	}
	enter = bpf_program__attach(skel->progs.hub_sys_enter);
	exit = enter ? bpf_program__attach(skel->progs.hub_sys_exit) : NULL;
	if (!exit)
		err = probe_fail(why, size, "attach");
out:
	bpf_link__destroy(exit);
	bpf_link__destroy(enter);
	syscall_hub_bpf__destroy(skel);
	return err;
}
