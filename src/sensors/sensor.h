/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sensor loader: each sensor lists its implementations (variants) in order
 * of preference; the loader opens the skeleton, keeps only the chosen
 * variant's programs, loads, and on refusal tries the next one. The chosen
 * variant and every refusal reason are kept for `vigil probe` and logs.
 */
#ifndef VIGIL_SENSOR_H
#define VIGIL_SENSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "bpf/vigil_abi.h"
#include "bpf/syscall_hub.h"
#include "lib/kernel_spec.h"

struct bpf_object;
struct bpf_link;
struct bpf_program;
struct vg_sensor;
struct vg_kernel_spec;
struct vg_rule_set;

#define VG_MAX_VARIANTS 6
#define VG_MAX_LINKS 128
#define VG_REASON_BYTES 256

struct vg_variant {
	const char *name;		/* "tp_btf", "raw_tracepoint", "lsm", ... */
	const char *const *progs;	/* its programs, NULL-terminated */
};

struct vg_sensor_desc {
	const char *name;		/* "process" */
	const struct vg_variant *variants;
	int n_variants;
	/* Under `vigil run`: its config (NULL: the defaults) ... */
	const void *run_cfg;
	/* ... and attached at load, before the policy has set any filter. */
	bool run_attach_at_load;
	/*
	 * Under a policy, attached only once the policy reads this sensor's
	 * records (its vg_kernel_spec sensor[policy_sensor].used) or every
	 * event is printed: no hook runs for events nothing can use. Kept
	 * attached when a later policy narrows (a reload never detaches).
	 */
	bool on_demand;
	enum vg_sensor_id policy_sensor;
	/*
	 * Its tp_btf sys_enter/sys_exit programs run behind the syscall hub
	 * (syscall_hub.h) in this slot, for the numbers whose entry in the
	 * rodata table hub_nr_table (u8[VG_HUB_NR]) is not 0 and, with
	 * hub_seccomp_tasks, for every call of a task under a seccomp filter.
	 * hub_nr_enter_table, when set, routes its sys_enter program instead
	 * (a sensor that needs few calls' entries).
	 */
	enum vg_hub_slot hub_slot;
	const char *hub_nr_table;
	const char *hub_nr_enter_table;
	bool hub_seccomp_tasks;
	void *(*open)(void);		/* the skeleton's __open() */
	struct bpf_object *(*object)(void *skel);
	/*
	 * The skeleton's __load(): unlike bpf_object__load() it maps .data and
	 * .bss onto the kernel's copy, so skel->bss writes after load reach
	 * the programs.
	 */
	int (*load)(void *skel);
	void (*destroy)(void *skel);
	/*
	 * A cheap check before variant @vi's object is opened and loaded: true
	 * (with the reason in @why) when the kernel refuses it anyway. May be NULL.
	 */
	bool (*refused)(int vi, char *why, size_t size);
	/* Before load (rodata, map sizes); may be NULL. */
	int (*configure)(void *skel, const void *cfg);
	/* After load, before attach (map contents); may be NULL. */
	int (*post_load)(struct vg_sensor *s, const void *cfg);
	/* NULL: attach every loaded program the usual way. */
	int (*attach)(struct vg_sensor *s, const void *cfg);
	/* Last words before the links go (e.g. flush aggregated counts); may be NULL. */
	void (*before_detach)(struct vg_sensor *s);
	/*
	 * The sensor's share of a compiled policy (lib/kernel_spec.h) into its
	 * own maps; adds to @decided the rules it decides and reports itself.
	 * Called with the pre-filter off (vg_pf_off); may be NULL.
	 */
	int (*apply_policy)(struct vg_sensor *s, const struct vg_kernel_spec *spec,
			    struct vg_rule_set *decided);
};

struct vg_sensor {
	const struct vg_sensor_desc *desc;
	void *skel;
	struct bpf_object *obj;
	int variant;			/* index of the variant in use, -1 if none */
	char reasons[VG_MAX_VARIANTS][VG_REASON_BYTES];	/* why each refused variant failed */
	struct bpf_link *links[VG_MAX_LINKS];
	int n_links;
	bool unneeded;			/* on demand, and no policy so far has used it */
	const void *cfg;		/* as given to vg_sensor_load, for a later attach */
	int events_fd;			/* the sensor's ring buffer */
	int wake_fd;			/* its wakeup pacing (vg_rb_pacing), or -1 */
	int counters_fd;		/* per-CPU enum vg_counter array */
	unsigned hub_dirs;		/* 1 << 0: its sys_enter, 1 << 1: sys_exit run behind the hub */
};

/*
 * Loads (and attaches when @attach) the first variant that the kernel
 * accepts. Returns 0, or <0 with one clear error line logged.
 * @ringbuf_bytes: 0 keeps the default.
 */
int vg_sensor_load(struct vg_sensor *s, const struct vg_sensor_desc *d,
		   const void *cfg, size_t ringbuf_bytes, bool attach);

/*
 * Whether the maps every sensor shares (ring buffer, scratch, executable
 * table) exist, made by a sensor loaded before: from then on sensors can
 * load concurrently, each reusing them (vg_sensor_load is then thread-safe
 * for distinct sensors).
 */
bool vg_sensor_shared_maps_ready(void);
/*
 * Creates the shared maps @d declares, sized as vg_sensor_load sizes them,
 * before any sensor loads: then every sensor can load at once.
 */
int vg_sensor_create_shared_maps(const struct vg_sensor_desc *d, size_t ringbuf_bytes);

/*
 * Makes @obj use the maps every sensor shares, where they exist already
 * (for objects loaded beside the sensors, like the syscall hub).
 */
int vg_sensor_reuse_shared_maps(struct bpf_object *obj, const char *who);

/*
 * Attaches one of the sensor's programs: a tp_btf sys_enter/sys_exit one
 * behind the syscall hub when the hub takes it, else on its own.
 */
int vg_sensor_attach_prog(struct vg_sensor *s, struct bpf_program *prog);

/* Whether any of its programs runs: its own links, or handlers behind the hub. */
static inline bool vg_sensor_attached(const struct vg_sensor *s)
{
	return s->n_links > 0 || s->hub_dirs;
}

/* Attaches a sensor loaded with @attach false. */
int vg_sensor_attach(struct vg_sensor *s);

/* Adds one link to the sensor (for custom attach callbacks). */
int vg_sensor_add_link(struct vg_sensor *s, struct bpf_link *link);

/* Detaches every program (the maps stay readable for counters). */
void vg_sensor_detach(struct vg_sensor *s);
/* The same for @n sensors, their links closed together (link_teardown.h). */
void vg_sensors_detach(struct vg_sensor *s, int n);

/* Detaches and frees everything; safe on a sensor that failed to load. */
void vg_sensor_unload(struct vg_sensor *s);

/* Sums the per-CPU counters into @out (VG_CNT_MAX entries). */
int vg_sensor_counters(const struct vg_sensor *s, __u64 *out);

const char *vg_sensor_variant_name(const struct vg_sensor *s);

/*
 * What the sensor's kernel side does with a record type (enum
 * vg_type_switch): send it past the policy filter, never, or always.
 */
int vg_sensor_set_type_switch(struct vg_sensor *s, __u16 type, __u8 sw);

#endif
