/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The syscall hub's loader: one tp_btf program on sys_enter and one on
 * sys_exit for every sensor, tail-calling each sensor's handler for the
 * syscall numbers it watches (src/bpf/syscall_hub.bpf.c says why). A
 * handler the hub cannot take is attached on its own, as before; the hub
 * is only a cheaper way to run the same programs.
 */
#ifndef VIGIL_SENSORS_SYSCALL_HUB_H
#define VIGIL_SENSORS_SYSCALL_HUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>
#include "bpf/syscall_hub.h"

struct bpf_link;
struct bpf_object;
struct bpf_program;

/* One sensor's handler, as the hub takes it. */
struct vg_hub_handler {
	struct bpf_program *prog;	/* a tp_btf sys_enter or sys_exit program */
	enum vg_hub_slot slot;
	const __u8 *numbers;		/* VG_HUB_ROUTES entries: not 0, it runs for that route */
	unsigned *dirs;			/* the sensor's record of its directions in the hub */
	const char *who;		/* the sensor's name, for logs */
	/* Makes the hub's object use the maps the sensors share (the first time). */
	int (*share_maps)(struct bpf_object *obj, const char *who);
};

/* Whether @prog is a hub handler's kind (tp_btf sys_enter or sys_exit). */
bool vg_hub_handles(struct bpf_program *prog);
/* Whether @prog is a hub handler for sys_enter (else sys_exit, or none). */
bool vg_hub_enter_handler(struct bpf_program *prog);

/*
 * Puts @h's program behind the hub (loading and attaching the hub the
 * first time). Returns 0, or <0 when the hub cannot take it: then it is
 * the caller's to attach. Thread-safe.
 */
int vg_hub_take(const struct vg_hub_handler *h);

/*
 * Loads the hub now, not attached (while the sensors load: the first
 * vg_hub_take then finds it ready); @share_maps as in vg_hub_handler.
 * Nothing when the hub is off or already loaded. Returns 0 or <0 (then
 * the first vg_hub_take says so). Thread-safe.
 */
int vg_hub_preload(int (*share_maps)(struct bpf_object *obj, const char *who));

/*
 * Whether this kernel runs the hub: loads it (maps of its own), puts its
 * own programs in its arrays as handlers would be, attaches both and
 * detaches. Returns 0, or <0 with the step and the kernel's reason in @why.
 */
int vg_hub_probe(char *why, size_t size);

/* Whether vg_hub_take may use the hub at all (default yes); set before any sensor attaches. */
void vg_hub_allow(bool allowed);

/* Takes slot @slot's handlers (directions *@dirs) out of the hub; it detaches when none is left. */
void vg_hub_release(enum vg_hub_slot slot, unsigned *dirs);

/*
 * NULL while the hub's program arrays and routes are as the agent wrote
 * them, else what changed, in @buf: a root process with BPF rights could
 * blind a sensor by emptying its slot or its routes without touching a link.
 */
const char *vg_hub_changed(char *buf, size_t size);

/* The hub's links (at most 2) into @out; returns how many. */
int vg_hub_links(struct bpf_link **out, int max);

/* One hub program's bpf_stats; its run time includes the handlers it tail-called. */
struct vg_hub_prog_stat {
	const char *name;
	uint64_t run_cnt;
	uint64_t run_time_ns;
};

/* The loaded hub programs' stats into @out; returns how many (0: no hub). */
int vg_hub_prog_stats(struct vg_hub_prog_stat *out, int max);

#endif
