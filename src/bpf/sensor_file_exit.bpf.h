/* SPDX-License-Identifier: GPL-2.0 */
/*
 * File sensor, the sys_exit body every variant shares: syscall number ->
 * record kind, the cheap filters, the arguments from the saved user
 * registers, then the open or operation path.
 *
 * Part of sensor_file.bpf.c, included once after its maps and types: a
 * piece of that one CO-RE object, not a shared header.
 */
#ifndef SENSOR_FILE_EXIT_BPF_H
#define SENSOR_FILE_EXIT_BPF_H

static __always_inline bool is_open_family(__u8 fsc)
{
	return fsc == VG_FSC_OPEN || fsc == VG_FSC_OPENAT || fsc == VG_FSC_OPENAT2 ||
	       fsc == VG_FSC_CREAT || fsc == VG_FSC_OPEN_BY_HANDLE_AT ||
	       fsc == VG_FSC_MEMFD_CREATE;
}

/* The call's arguments, decoded into @o (o->fsc set) and its access class. */
static __always_inline void decode_args(struct opargs *o, const struct fargs *a)
{
	if (is_open_family(o->fsc))
		decode_open(o, a);
	else
		decode_op(o, a);
}

/*
 * raw_tracepoint: the arguments from the saved user registers, one read
 * each, decoded in a frame of their own. On the entry program's frame the
 * 48 bytes of arguments sat under every emit callee's frame: combined over
 * 512 bytes, so the verifier refused this variant.
 */
__noinline int file_decode_raw(struct opargs *o, __u64 regs_addr)
{
	struct pt_regs *regs = (struct pt_regs *)regs_addr;
	struct fargs a;
	long err = 0;

	if (!o)
		return -1;
	err |= bpf_probe_read_kernel(&a.a[0], sizeof(a.a[0]), &PT_REGS_PARM1_SYSCALL(regs));
	err |= bpf_probe_read_kernel(&a.a[1], sizeof(a.a[1]), &PT_REGS_PARM2_SYSCALL(regs));
	err |= bpf_probe_read_kernel(&a.a[2], sizeof(a.a[2]), &PT_REGS_PARM3_SYSCALL(regs));
	err |= bpf_probe_read_kernel(&a.a[3], sizeof(a.a[3]), &PT_REGS_PARM4_SYSCALL(regs));
	err |= bpf_probe_read_kernel(&a.a[4], sizeof(a.a[4]), &PT_REGS_PARM5_SYSCALL(regs));
	if (err)
		return -1;
	a.a[5] = 0;
	decode_args(o, &a);
	return 0;
}

/* The struct file pointer in fd table entry @slot, or 0. */
static __always_inline __u64 fd_slot_read(struct file **slot)
{
	struct file *f = NULL;

#ifdef VG_FILE_KCAST
	/* A plain load: struct kiocb starts with a struct file pointer. */
	if (bpf_core_field_offset(struct kiocb, ki_filp) == 0)
		return (__u64)VG_FILE_KCAST(slot, struct kiocb)->ki_filp;
#endif
	if (bpf_probe_read_kernel(&f, sizeof(f), slot) < 0)
		return 0;
	return (__u64)f;
}

/*
 * The common body. @btf: @regs is a trusted BTF pointer (tp_btf), so the
 * registers and the task's fd table are read with plain loads instead of
 * helper calls.
 */
static __always_inline int handle_exit(struct pt_regs *regs, long nr, long ret, bool btf)
{
	struct task_struct *task;
	struct opargs o = {};
	__u8 fsc;

	if ((unsigned long)nr >= VG_NR_TABLE)
		return 0;
	fsc = nr_fsc[nr];
	if (!fsc)
		return 0;
	/* Paths moved: cached rejections are stale. */
	if (ret == 0 && (fsc == FSC_GEN_ONLY || fsc == VG_FSC_RENAME || fsc == VG_FSC_RENAMEAT ||
			 fsc == VG_FSC_RENAMEAT2 || fsc == VG_FSC_MOUNT || fsc == VG_FSC_UMOUNT2))
		__sync_fetch_and_add(&file_cache_gen, 1);
	if (fsc == FSC_GEN_ONLY)
		return 0;
	task = (struct task_struct *)bpf_get_current_task();
	/* 32-bit syscalls use other numbers; like the syscall tracepoints, skip them. */
	if (btf) {
		if (bpf_get_current_task_btf()->thread_info.status & TS_COMPAT)
			return 0;
	} else if (BPF_CORE_READ(task, thread_info.status) & TS_COMPAT) {
		return 0;
	}
	if (file_opens_from_lsm && is_open_family(fsc) && fsc != VG_FSC_MEMFD_CREATE)
		return 0;
	if (vg_task_filtered_out(task)) {
		vg_count(VG_CNT_FILTERED);
		return 0;
	}
	o.task = (__u64)task;
	o.fsc = fsc;
	o.ret = ret;
	o.fd = VG_FILE_AT_FDCWD;
	o.fd2 = VG_FILE_AT_FDCWD;
	o.uid = (__u32)-1;
	o.gid = (__u32)-1;
	if (btf) {
		struct fargs a;

		a.a[0] = PT_REGS_PARM1_SYSCALL(regs);
		a.a[1] = PT_REGS_PARM2_SYSCALL(regs);
		a.a[2] = PT_REGS_PARM3_SYSCALL(regs);
		a.a[3] = PT_REGS_PARM4_SYSCALL(regs);
		a.a[4] = PT_REGS_PARM5_SYSCALL(regs);
		a.a[5] = 0;
		decode_args(&o, &a);
	} else if (file_decode_raw(&o, (__u64)regs) < 0) {
		vg_count(VG_CNT_READ_FAIL);
		return 0;
	}
	/* An access class nobody watches: dropped before any path work. */
	if (!(o.acc & file_any_mask)) {
		vg_count(VG_CNT_FILTERED);
		return 0;
	}
	if (!is_open_family(fsc))
		return file_emit_op(&o);
	if (ret >= 0) {
		if (btf) {
			struct fdtable *fdt = bpf_get_current_task_btf()->files->fdt;

			o.file = fdt && ret < fdt->max_fds ? fd_slot_read(&fdt->fd[ret]) : 0;
		} else {
			o.file = (__u64)vg_task_fd_file(task, ret);
		}
	}
	return file_emit_open(&o);
}

#endif /* SENSOR_FILE_EXIT_BPF_H */
