/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seccomp recorder (seccomp_record.bpf.c, vigil advise seccomp) as
 * kernel and user space share it: map values only, no record crosses a
 * ring buffer. The syscalls a target made, one bitmap per syscall ABI (the
 * native one and the 32-bit compat one), set at sys_enter in the kernel.
 */
#ifndef VIGIL_SECCOMP_RECORD_H
#define VIGIL_SECCOMP_RECORD_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define VG_SC_MAX_NR		1024	/* syscall numbers a bitmap holds */
#define VG_SC_WORDS		(VG_SC_MAX_NR / 64)
#define VG_SC_MAX_ARMED		64	/* commands waiting for their exec */
/* One bit per possible tgid (PID_MAX_LIMIT on 64-bit): 512 KiB. */
#define VG_SC_PID_WORDS		(4194304 / 64)

enum vg_sc_abi {
	VG_SC_ABI_NATIVE = 0,
	VG_SC_ABI_COMPAT = 1,	/* x86: int 0x80 / sysenter; arm64: AArch32 tasks */
	VG_SC_ABIS,
};

/*
 * The followed processes: bit t of the set is tgid t. The recorder's fast
 * path is one load from it; user space maps it (BPF_F_MMAPABLE) and sets
 * and reads bits with atomics, as the kernel does.
 */
struct vg_sc_pid_set {
	__u64 words[VG_SC_PID_WORDS];
};

struct vg_sc_bitmap {
	__u64 words[VG_SC_WORDS];
};

/* Per-CPU recorder statistics (vg_sc_stats, indexed by this). */
enum vg_sc_stat {
	VG_SC_STAT_CALLS = 0,	/* syscalls of the target seen */
	VG_SC_STAT_OUT_OF_RANGE,	/* numbers >= VG_SC_MAX_NR (x32, bogus): not recorded */
	VG_SC_STATS,
};

#ifndef __VMLINUX_H__
_Static_assert(sizeof(struct vg_sc_bitmap) == 128, "vg_sc_bitmap size is ABI");
#endif

#endif
