/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What this kernel lets vigil do, found by loading tiny programs and
 * creating tiny maps rather than by reading kernel config. Every check
 * fills one struct vg_check: whether the feature works, what exactly was
 * tried, and the kernel's reason (errno name, verifier line) when not.
 * Reading and parsing what the kernel says as text: probe_text.h.
 */
#ifndef VIGIL_PROBE_H
#define VIGIL_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include "sensors/probe_text.h"

#define VG_CHECK_TEXT 320

struct vg_check {
	bool ok;
	char value[VG_CHECK_TEXT];	/* a measured value, when the check has one */
	char tested[VG_CHECK_TEXT];	/* what was tried: "load+attach syscalls:sys_enter_getpid" */
	char reason[VG_CHECK_TEXT];	/* why not, when !ok (may also carry a note when ok) */
};

enum vg_hook {
	VG_HOOK_TRACEPOINT,
	VG_HOOK_TP_BTF,
	VG_HOOK_RAW_TRACEPOINT,
	VG_HOOK_FENTRY,
	VG_HOOK_FEXIT,
	VG_HOOK_LSM,
	VG_HOOK_KPROBE,
	VG_HOOK_UPROBE,
	VG_HOOK_CGROUP_SOCK_ADDR,
	VG_HOOK_XDP,
	VG_HOOK_TC,
	VG_HOOK_SOCKET_FILTER,
	VG_HOOK_MAX,
};

/* "tracepoint", "tp_btf", ... (the JSON keys). */
const char *vg_hook_name(enum vg_hook hook);

/*
 * Loads (and where it is cheap and harmless, attaches then detaches) a
 * program of that kind. @cgroup2: cgroup v2 mount point, or NULL.
 */
void vg_probe_hook(enum vg_hook hook, const char *cgroup2, struct vg_check *c);

/* Map types vigil uses. */
struct vg_map_kind {
	const char *name;		/* "ringbuf" */
	int type;			/* enum bpf_map_type */
};
extern const struct vg_map_kind vg_probe_maps[];
extern const int vg_probe_n_maps;
void vg_probe_map(const struct vg_map_kind *m, struct vg_check *c);

/* Helpers vigil relies on, each probed in the kind of program that uses it. */
struct vg_helper {
	const char *name;		/* "bpf_send_signal" */
	int id;				/* enum bpf_func_id */
	enum vg_hook where;		/* program kind it is probed in */
};
extern const struct vg_helper vg_probe_helpers[];
extern const int vg_probe_n_helpers;
void vg_probe_helper(const struct vg_helper *h, struct vg_check *c);

/* kernel.bpf_stats_enabled: current value and whether BPF_ENABLE_STATS works. */
void vg_probe_bpf_stats(struct vg_check *c);

/* io_uring_setup(2) with one entry; also kernel.io_uring_disabled. */
void vg_probe_io_uring(struct vg_check *c);

/* syscalls:sys_enter_@name tracepoint: present, loads and attaches. */
void vg_probe_syscall_tracepoint(const char *name, struct vg_check *c);

/*
 * Whether the kernel refuses LSM programs before it looks at them: a
 * one-instruction one with a dummy target gets the EPERM a real one gets,
 * where a kernel that takes them answers EINVAL (no such target). Lets the
 * file sensor skip an object (its BTF parse, maps, verification) the
 * kernel refuses anyway. @why: the reason, when refused.
 */
bool vg_probe_lsm_refused(char *why, size_t size);

/*
 * Whether the kernel has kfunc @name: its BTF names the function. A BPF
 * object calling a missing kfunc does not load at all with libbpf 1.1, so
 * sensors keep a second object without it. $VIGIL_REFUSE_KFUNCS
 * ("bpf_rdonly_cast,...") makes the answer no, so that the object without
 * them runs on a kernel that has them (tests, diagnosis). The file sensor
 * asks it; the privilege sensor probes its kfunc by loading a program.
 * @why: the reason, when not.
 */
bool vg_probe_kfunc(const char *name, char *why, size_t size);

/* Frees what the probes cached (vmlinux BTF). */
void vg_probe_done(void);

#endif
