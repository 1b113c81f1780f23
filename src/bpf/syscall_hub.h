/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The syscall hub, as the kernel (syscall_hub.bpf.c, vigil_hub.bpf.h) and
 * its loader (sensors/syscall_hub.c) share it: which sensor handler runs
 * for which syscall number, on entry and on exit.
 */
#ifndef VIGIL_SYSCALL_HUB_H
#define VIGIL_SYSCALL_HUB_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* x86-64 syscall numbers below this are routed (the sensors' tables' size). */
#define VG_HUB_NR 512
/* The routes of every syscall made by a task under a seccomp filter. */
#define VG_HUB_SECCOMP_TASKS VG_HUB_NR
#define VG_HUB_ROUTES (VG_HUB_NR + 1)

/* A sensor's place in the hub's program arrays, in the order handlers run. */
enum vg_hub_slot {
	VG_HUB_NONE,		/* not behind the hub */
	VG_HUB_FILE,
	VG_HUB_PRIV,
	VG_HUB_NET,
	VG_HUB_SECCOMP,
	VG_HUB_SLOTS
};

/* One syscall number's handlers: bit 1 << slot of each sensor that wants it. */
struct vg_hub_route {
	__u8 enter;
	__u8 exit;
};

#endif
