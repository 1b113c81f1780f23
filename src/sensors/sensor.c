// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "sensors/bpf_env.h"
#include "lib/log.h"
#include "lib/timefmt.h"
#include "sensors/link_teardown.h"
#include "sensors/sensor.h"
#include "sensors/syscall_hub.h"
#include "sensors/task_filter.h"

static bool variant_has_prog(const struct vg_variant *v, const char *name)
{
	const char *const *p;

	for (p = v->progs; p && *p; p++)
		if (!strcmp(*p, name))
			return true;
	return false;
}

static bool any_variant_has_prog(const struct vg_sensor_desc *d, const char *name)
{
	int i;

	for (i = 0; i < d->n_variants; i++)
		if (variant_has_prog(&d->variants[i], name))
			return true;
	return false;
}

/* Programs of other variants stay unloaded; shared programs always load. */
static void select_variant(struct bpf_object *obj, const struct vg_sensor_desc *d,
			   const struct vg_variant *v)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, obj) {
		const char *name = bpf_program__name(prog);

		if (any_variant_has_prog(d, name))
			bpf_program__set_autoload(prog, variant_has_prog(v, name));
	}
}

/* The object's vg_abi_version (rodata) must equal the agent's. */
static int check_abi_version(struct bpf_object *obj, const char *sensor)
{
	__u32 version;

	if (vg_rodata_get(obj, "vg_abi_version", &version, sizeof(version))) {
		vg_err("sensor '%s': BPF object carries no event ABI version", sensor);
		return -EINVAL;
	}
	if (version != VG_ABI_VERSION) {
		vg_err("sensor '%s': BPF object has event ABI %u, agent expects %u (rebuild both)",
		       sensor, version, VG_ABI_VERSION);
		return -EINVAL;
	}
	return 0;
}

/*
 * Maps every sensor of the agent shares: the first sensor to load creates
 * them, the others reuse its copy. One ring buffer for all sensors keeps
 * records in the order they were made (a child's fork record before its
 * first open, an exec before the new image's connect); the process sensor
 * writes vg_proc_exe and the others read it. The scratch slots (record and
 * path buffers, 64 KiB per slot) are shared too: their claims already keep
 * two programs apart, and one set per CPU instead of one per sensor saves
 * memory on large hosts. vg_rb_pacing paces the one ring's wakeups, and
 * vg_quiet_pending goes with it too: a record of any sensor wakes the
 * consumer for bookkeeping records waiting there (vigil_wake.bpf.h). The
 * syscall hub's program arrays and routes (vigil_hub.bpf.h) are one set
 * that every sensor's handlers and the hub pass calls through.
 */
static const char *const shared_maps[] = { "events", "vg_rb_pacing", "vg_proc_exe",
					    "vg_scratch_map", "vg_scratch_claims", "vg_path_map",
					    "vg_quiet_pending", "vg_hub_enter", "vg_hub_exit",
					    "vg_hub_routes" };
static int shared_fds[sizeof(shared_maps) / sizeof(shared_maps[0])];	/* 0: none yet */

int vg_sensor_reuse_shared_maps(struct bpf_object *obj, const char *who)
{
	size_t i;

	for (i = 0; i < sizeof(shared_maps) / sizeof(shared_maps[0]); i++) {
		struct bpf_map *map = bpf_object__find_map_by_name(obj, shared_maps[i]);
		int err;

		if (!map || shared_fds[i] <= 0)
			continue;
		err = bpf_map__reuse_fd(map, shared_fds[i]);
		if (err) {
			vg_err("'%s': cannot share map '%s': %s", who, shared_maps[i],
			       strerror(-err));
			return err;
		}
	}
	return 0;
}

bool vg_sensor_shared_maps_ready(void)
{
	size_t i;

	for (i = 0; i < sizeof(shared_maps) / sizeof(shared_maps[0]); i++)
		if (shared_fds[i] <= 0)
			return false;
	return true;
}

static void remember_shared_maps(struct bpf_object *obj)
{
	size_t i;

	for (i = 0; i < sizeof(shared_maps) / sizeof(shared_maps[0]); i++) {
		struct bpf_map *map = bpf_object__find_map_by_name(obj, shared_maps[i]);

		if (map && shared_fds[i] <= 0)
			shared_fds[i] = fcntl(bpf_map__fd(map), F_DUPFD_CLOEXEC, 3);
	}
}

/* @prog behind the syscall hub, if it is a hub handler and the hub takes it. */
static int hub_take(struct vg_sensor *s, struct bpf_program *prog)
{
	const struct vg_sensor_desc *d = s->desc;
	const char *table = d->hub_nr_table;
	__u8 numbers[VG_HUB_ROUTES] = { 0 };
	struct vg_hub_handler h = { .prog = prog, .slot = d->hub_slot, .numbers = numbers,
				    .dirs = &s->hub_dirs, .who = d->name,
				    .share_maps = vg_sensor_reuse_shared_maps };

	if (d->hub_slot == VG_HUB_NONE || !vg_hub_handles(prog))
		return -ENOENT;
	if (d->hub_nr_enter_table && vg_hub_enter_handler(prog))
		table = d->hub_nr_enter_table;
	/* The table its handler checks is the table the hub routes by. */
	if (table && vg_rodata_get(s->obj, table, numbers, VG_HUB_NR)) {
		vg_err("sensor '%s': no syscall table '%s' in its object", d->name, table);
		return -ENOENT;
	}
	numbers[VG_HUB_SECCOMP_TASKS] = d->hub_seccomp_tasks;
	return vg_hub_take(&h);
}

int vg_sensor_attach_prog(struct vg_sensor *s, struct bpf_program *prog)
{
	struct bpf_link *link;

	if (!hub_take(s, prog))
		return 0;
	link = bpf_program__attach(prog);
	if (!link) {
		int err = -errno;

		vg_err("sensor '%s': cannot attach program '%s': %s", s->desc->name,
		       bpf_program__name(prog), strerror(-err));
		return err;
	}
	return vg_sensor_add_link(s, link);
}

static int attach_all(struct vg_sensor *s)
{
	struct bpf_program *prog;
	int err;

	bpf_object__for_each_program(prog, s->obj) {
		if (!bpf_program__autoload(prog))
			continue;
		err = vg_sensor_attach_prog(s, prog);
		if (err)
			return err;
	}
	return 0;
}

int vg_sensor_attach(struct vg_sensor *s)
{
	if (!s->obj)
		return -EINVAL;
	return s->desc->attach ? s->desc->attach(s, s->cfg) : attach_all(s);
}

int vg_sensor_add_link(struct vg_sensor *s, struct bpf_link *link)
{
	if (s->n_links >= VG_MAX_LINKS) {
		bpf_link__destroy(link);
		vg_err("sensor '%s': too many links", s->desc->name);
		return -E2BIG;
	}
	s->links[s->n_links++] = link;
	return 0;
}

void vg_sensor_detach(struct vg_sensor *s)
{
	vg_sensors_detach(s, 1);
}

void vg_sensors_detach(struct vg_sensor *s, int n)
{
	struct bpf_link **all;
	int i, j, total = 0;

	for (i = 0; i < n; i++) {
		if (vg_sensor_attached(&s[i]) && s[i].desc && s[i].desc->before_detach)
			s[i].desc->before_detach(&s[i]);
		total += s[i].n_links;
	}
	/* All sensors' links in one batch, so that every close overlaps. */
	all = total ? calloc(total, sizeof(*all)) : NULL;
	for (i = 0, total = 0; i < n; i++) {
		if (all)
			for (j = 0; j < s[i].n_links; j++)
				all[total++] = s[i].links[j];
		else
			vg_links_destroy(s[i].links, s[i].n_links);
		s[i].n_links = 0;
	}
	if (all)
		vg_links_destroy(all, total);
	free(all);
	/* The hub's routes go after the links: no handler is left half-reachable. */
	for (i = 0; i < n; i++)
		vg_hub_release(s[i].desc ? s[i].desc->hub_slot : VG_HUB_NONE, &s[i].hub_dirs);
}

static void drop_object(struct vg_sensor *s)
{
	vg_sensor_detach(s);
	if (s->skel)
		s->desc->destroy(s->skel);
	s->skel = NULL;
	s->obj = NULL;
	s->events_fd = -1;
	s->wake_fd = -1;
	s->counters_fd = -1;
}

/* The shared maps' sizes, as every sensor declares them; returns the ring buffer. */
static struct bpf_map *size_shared_maps(struct bpf_object *obj, size_t ringbuf_bytes)
{
	struct bpf_map *map;

	/* Declared with one CPU's worth of scratch slots: one such set per CPU. */
	map = bpf_object__find_map_by_name(obj, "vg_scratch_map");
	if (map)
		bpf_map__set_max_entries(map, bpf_map__max_entries(map) *
					 libbpf_num_possible_cpus());
	map = bpf_object__find_map_by_name(obj, "events");
	if (map && ringbuf_bytes)
		bpf_map__set_max_entries(map, ringbuf_bytes);
	return map;
}

int vg_sensor_create_shared_maps(const struct vg_sensor_desc *d, size_t ringbuf_bytes)
{
	void *skel = d->open();
	struct bpf_object *obj;
	size_t i;
	int err = 0;

	if (!skel)
		return errno ? -errno : -EINVAL;
	obj = d->object(skel);
	size_shared_maps(obj, ringbuf_bytes);
	for (i = 0; !err && i < sizeof(shared_maps) / sizeof(shared_maps[0]); i++) {
		struct bpf_map *map = bpf_object__find_map_by_name(obj, shared_maps[i]);
		LIBBPF_OPTS(bpf_map_create_opts, opts);
		int fd;

		if (!map || shared_fds[i] > 0)
			continue;
		opts.map_flags = bpf_map__map_flags(map);
		opts.numa_node = bpf_map__numa_node(map);
		opts.map_extra = bpf_map__map_extra(map);
		fd = bpf_map_create(bpf_map__type(map), shared_maps[i], bpf_map__key_size(map),
				    bpf_map__value_size(map), bpf_map__max_entries(map), &opts);
		if (fd < 0)
			err = -errno;
		else
			shared_fds[i] = fd;
	}
	d->destroy(skel);
	return err;
}

/*
 * $VIGIL_REFUSE_VARIANTS ("file:lsm,file:tp_btf"): variants treated as
 * refused, so that a fallback runs on a kernel that would load the
 * preferred one (tests, diagnosing a fallback). Unset: none.
 */
static bool refused_by_env(const char *sensor, const char *variant)
{
	const char *p = getenv("VIGIL_REFUSE_VARIANTS");
	size_t ns = strlen(sensor), nv = strlen(variant);

	while (p && *p) {
		size_t n = strcspn(p, ",");

		if (n == ns + 1 + nv && !strncmp(p, sensor, ns) && p[ns] == ':' &&
		    !strncmp(p + ns + 1, variant, nv))
			return true;
		p += n;
		p += *p == ',';
	}
	return false;
}

static int try_variant(struct vg_sensor *s, int vi, const void *cfg,
		       size_t ringbuf_bytes)
{
	const struct vg_sensor_desc *d = s->desc;
	struct bpf_map *map;
	int err;

	if (refused_by_env(d->name, d->variants[vi].name)) {
		snprintf(s->reasons[vi], VG_REASON_BYTES, "refused by VIGIL_REFUSE_VARIANTS");
		return -EPERM;
	}
	/* Refused anyway: no object opened, no kernel BTF parsed for it. */
	if (d->refused && d->refused(vi, s->reasons[vi], VG_REASON_BYTES))
		return -EPERM;
	s->skel = d->open();
	if (!s->skel) {
		err = -errno;
		snprintf(s->reasons[vi], VG_REASON_BYTES, "open failed: %s", strerror(-err));
		return err ? err : -EINVAL;
	}
	s->obj = d->object(s->skel);
	err = check_abi_version(s->obj, d->name);
	if (err)
		return err;
	select_variant(s->obj, d, &d->variants[vi]);
	map = size_shared_maps(s->obj, ringbuf_bytes);
	if (d->configure) {
		err = d->configure(s->skel, cfg);
		if (err)
			return err;
	}
	err = vg_sensor_reuse_shared_maps(s->obj, d->name);
	if (err)
		return err;
	vg_env_capture_reset();
	err = d->load(s->skel);
	if (err) {
		vg_env_load_reason(s->reasons[vi], VG_REASON_BYTES);
		return err;
	}
	remember_shared_maps(s->obj);
	s->events_fd = map ? bpf_map__fd(map) : -1;
	map = bpf_object__find_map_by_name(s->obj, "vg_rb_pacing");
	s->wake_fd = map ? bpf_map__fd(map) : -1;
	map = bpf_object__find_map_by_name(s->obj, "vg_counters");
	s->counters_fd = map ? bpf_map__fd(map) : -1;
	return 0;
}

int vg_sensor_load(struct vg_sensor *s, const struct vg_sensor_desc *d,
		   const void *cfg, size_t ringbuf_bytes, bool attach)
{
	uint64_t t0 = vg_mono_now_ns();
	int vi, err = -ENOENT;

	memset(s, 0, sizeof(*s));
	s->desc = d;
	s->variant = -1;
	s->events_fd = s->wake_fd = s->counters_fd = -1;
	for (vi = 0; vi < d->n_variants && vi < VG_MAX_VARIANTS; vi++) {
		err = try_variant(s, vi, cfg, ringbuf_bytes);
		if (!err)
			break;
		if (err == -EINVAL && !s->reasons[vi][0]) {
			drop_object(s);
			return err;	/* our own mistake, not the kernel's: no fallback */
		}
		vg_debug("sensor '%s': variant '%s' refused: %s", d->name,
			 d->variants[vi].name, s->reasons[vi]);
		drop_object(s);
	}
	if (s->obj == NULL) {
		vg_err("sensor '%s': the kernel refused every implementation; last: %s (use -v for the verifier log)",
		       d->name, s->reasons[vi > 0 ? vi - 1 : 0]);
		return err ? err : -ENOENT;
	}
	s->variant = vi;
	/* Where a start goes, with -v: most of it is here (BTF parse, verifier). */
	vg_debug("sensor '%s': using variant '%s' (loaded in %" PRIu64 " ms)", d->name,
		 d->variants[vi].name, (vg_mono_now_ns() - t0) / 1000000);
	if (d->post_load) {
		err = d->post_load(s, cfg);
		if (err)
			goto fail;
	}
	s->cfg = cfg;
	if (attach) {
		err = vg_sensor_attach(s);
		if (err)
			goto fail;
	}
	return 0;
fail:
	drop_object(s);
	s->variant = -1;
	return err;
}

void vg_sensor_unload(struct vg_sensor *s)
{
	if (!s->desc)
		return;
	drop_object(s);
	s->variant = -1;
}

int vg_sensor_counters(const struct vg_sensor *s, __u64 *out)
{
	int ncpu = libbpf_num_possible_cpus();
	__u32 key;
	int cpu;

	memset(out, 0, sizeof(*out) * VG_CNT_MAX);
	if (s->counters_fd < 0 || ncpu <= 0)
		return -EINVAL;
	{
		__u64 values[ncpu];

		for (key = 0; key < VG_CNT_MAX; key++) {
			if (bpf_map_lookup_elem(s->counters_fd, &key, values) < 0)
				return -errno;
			for (cpu = 0; cpu < ncpu; cpu++)
				out[key] += values[cpu];
		}
	}
	return 0;
}

const char *vg_sensor_variant_name(const struct vg_sensor *s)
{
	if (!s->desc || s->variant < 0)
		return "none";
	return s->desc->variants[s->variant].name;
}

int vg_sensor_set_type_switch(struct vg_sensor *s, __u16 type, __u8 sw)
{
	struct bpf_map *map = s->obj ? bpf_object__find_map_by_name(s->obj, "vg_type_mode") : NULL;
	__u32 key = type;

	if (!map)
		return -ENOENT;
	if (bpf_map_update_elem(bpf_map__fd(map), &key, &sw, BPF_ANY) < 0)
		return -errno;
	return 0;
}
