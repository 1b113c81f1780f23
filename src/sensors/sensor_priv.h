/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Privilege / kernel / evasion sensor: credential changes, privileged
 * execs, ptrace, modules, bpf(), prctl/seccomp, signals, namespaces,
 * io_uring. Its configuration is a struct vg_task_filter (NULL: every
 * process); the agent's own tgid is set automatically so that signals
 * aimed at vigil are always reported.
 */
#ifndef VIGIL_SENSOR_PRIV_H
#define VIGIL_SENSOR_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include "sensors/sensor.h"
#include "sensors/task_filter.h"

extern const struct vg_sensor_desc vg_priv_sensor;

/* The sensor's share of a compiled policy (its descriptor's apply_policy). */
int vg_priv_apply_policy(struct vg_sensor *s, const struct vg_kernel_spec *spec,
			 struct vg_rule_set *decided);

/*
 * Whether this kernel lets the sensor watch kernel module loads and
 * unloads (syscalls:sys_{enter,exit}_{init,finit,delete}_module). When it
 * does not, @why (if not NULL) says why, e.g. the kernel has no module
 * support. Needs tracefs mounted (vg_env_prepare).
 */
bool vg_priv_module_hooks_available(char *why, size_t why_size);

/*
 * Whether capability use is watched (the capability:cap_capable
 * tracepoint, Linux 6.14+); when not, @why says so. Needs tracefs mounted.
 */
bool vg_priv_cap_use_available(char *why, size_t why_size);

/*
 * Whether targets of signals, ptrace and process_vm are looked up in the
 * kernel (tgid, start time, name, executable): needs the bpf_task_from_pid
 * kfunc in tracepoint programs. Without it they are reported by pid only.
 */
bool vg_priv_targets_resolved(void);

/* One syscall hook of the sensor and whether this kernel has it. */
struct vg_priv_hook {
	const char *syscall;	/* "setuid", "init_module", ... */
	bool available;		/* the kernel has it (syscalls:sys_enter_X/sys_exit_X events) */
};

/* Fills @out (up to @max); returns the number of hooks the sensor has. */
size_t vg_priv_hooks(struct vg_priv_hook *out, size_t max);

#endif
