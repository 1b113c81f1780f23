/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Syscall dispatch from the raw sys_enter / sys_exit tracepoints: the
 * syscall's arguments from the saved user registers and whether the call
 * came through a 32-bit entry. A sensor's own table maps the x86-64
 * syscall number to what it does (sensor_priv.bpf.c, sensor_net.bpf.c).
 *
 * Why not one syscalls:sys_enter_X tracepoint per call: each is a perf
 * event, and closing its link waits one RCU grace period under the
 * kernel's event_mutex, so a sensor with 60 of them took seconds to stop.
 * A raw tracepoint link closes without that wait, and an unwatched
 * syscall costs one table load and a compare.
 *
 * @btf: @regs is a trusted BTF pointer (tp_btf), read with plain loads;
 * otherwise (raw_tracepoint) with bpf_probe_read_kernel.
 */
#ifndef VIGIL_SYSCALL_BPF_H
#define VIGIL_SYSCALL_BPF_H

/* thread_info.status: the syscall came through a 32-bit entry (arch/x86). */
#ifndef TS_COMPAT
#define TS_COMPAT 0x0002
#endif

/* The sixth syscall argument's register (libbpf 1.1 names only five). */
#define VG_PT_REGS_PARM6_SYSCALL(x) ((x)->r9)

/*
 * 32-bit (ia32 compat) syscalls have other numbers and argument registers.
 * The syscalls:sys_enter_X tracepoints never fired for them; a raw
 * sys_enter does, with the 32-bit number: they are skipped, as before.
 */
static __always_inline bool vg_compat_syscall(bool btf)
{
	struct task_struct *task;

	if (btf)
		return bpf_get_current_task_btf()->thread_info.status & TS_COMPAT;
	task = (struct task_struct *)bpf_get_current_task();
	return BPF_CORE_READ(task, thread_info.status) & TS_COMPAT;
}

/* Reads a[i] from register @reg when i < @nargs, else 0: like the tracepoint's record. */
#define VG_SYSCALL_ARG(i, reg)								\
	do {										\
		a[i] = 0;								\
		if ((i) < nargs) {							\
			if (btf)							\
				a[i] = reg(regs);					\
			else								\
				err |= bpf_probe_read_kernel(&a[i], sizeof(a[i]),	\
							     &reg(regs));		\
		}									\
	} while (0)

/* The call's first @nargs arguments into a[0..5], the rest 0; <0 when a read failed. */
static __always_inline long vg_syscall_args(struct pt_regs *regs, __u64 *a, __u32 nargs,
					    bool btf)
{
	long err = 0;

	VG_SYSCALL_ARG(0, PT_REGS_PARM1_SYSCALL);
	VG_SYSCALL_ARG(1, PT_REGS_PARM2_SYSCALL);
	VG_SYSCALL_ARG(2, PT_REGS_PARM3_SYSCALL);
	VG_SYSCALL_ARG(3, PT_REGS_PARM4_SYSCALL);
	VG_SYSCALL_ARG(4, PT_REGS_PARM5_SYSCALL);
	VG_SYSCALL_ARG(5, VG_PT_REGS_PARM6_SYSCALL);
	return err;
}

#endif /* VIGIL_SYSCALL_BPF_H */
