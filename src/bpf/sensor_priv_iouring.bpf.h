/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Privilege sensor, io_uring submissions: one record per submitted request,
 * with the file name of an openat/openat2 request.
 *
 * Part of sensor_priv.bpf.c (and so of sensor_priv_nokfunc.bpf.c), included
 * once after its maps and constants: a piece of that one CO-RE object, not a
 * shared header.
 */
#ifndef SENSOR_PRIV_IOURING_BPF_H
#define SENSOR_PRIV_IOURING_BPF_H

static __always_inline int handle_iouring(void *ctx, __u8 opcode, __s32 fd, __u64 user_data,
					  __u64 req_flags, struct io_kiocb *req)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct vg_iouring *e;
	struct vg_tail t;
	int slot;
	int cut;

	if (vg_filtered_at_entry(task, VG_EV_IOURING))
		return 0;
	e = start_record(&t, VG_EV_IOURING, sizeof(*e), task, &slot);
	if (!e)
		return 0;
	e->opcode = opcode;
	e->fd = fd;
	e->user_data = user_data;
	e->req_flags = req_flags;
	e->path.off = 0;
	if (req && (opcode == IORING_OP_OPENAT_NR || opcode == IORING_OP_OPENAT2_NR) &&
	    bpf_core_type_exists(struct io_open)) {
		/* Prepared before the tracepoint: the name is already in the kernel. */
		struct io_open *o = (void *)&req->cmd;
		const char *name = BPF_CORE_READ(o, filename, name);

		/* Ops without a file of their own keep their dirfd here, not in cqe.fd. */
		e->fd = BPF_CORE_READ(o, dfd);
		cut = vg_tail_put_str(&t, &e->path, name, VG_MAX_PATH_BYTES, false);
		if (cut > 0)
			e->flags |= VG_PRIV_STR_TRUNC;
	}
	return finish_record(ctx, &t, slot);
}

static __always_inline int handle_submit_req(void *ctx, struct io_kiocb *req)
{
	return handle_iouring(ctx, BPF_CORE_READ(req, opcode), BPF_CORE_READ(req, cqe.fd),
			      BPF_CORE_READ(req, cqe.user_data), BPF_CORE_READ(req, flags), req);
}

#endif /* SENSOR_PRIV_IOURING_BPF_H */
