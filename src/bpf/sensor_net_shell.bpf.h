/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network sensor, shells on sockets: an exec whose stdin, stdout or stderr
 * is a connected socket, and dup2/dup3 of a socket onto them.
 *
 * Part of sensor_net.bpf.c, included once after its maps and constants: a
 * piece of that one CO-RE object, not a shared header.
 */
#ifndef SENSOR_NET_SHELL_BPF_H
#define SENSOR_NET_SHELL_BPF_H

#include "vigil_storm_rec.bpf.h"

static __always_inline void emit_shell(struct task_struct *task, struct sock *sk,
				       __u32 trigger, __u32 fds)
{
	struct vg_net_shell *e;
	struct vg_net_tuple t;

	tuple_from_sock(&t, sk);
	if (!policy_keeps(&t))
		return;
	e = vg_reserve(sizeof(*e));
	if (!e)
		return;
	vg_fill_hdr(&e->hdr, VG_EV_NET_SHELL, task);
	e->hdr.size = sizeof(*e);
	e->t = t;
	e->trigger = trigger;
	e->fds = fds;
	vg_storm_commit(e);	/* repeats of one shell on one socket: a storm */
}

static __always_inline int handle_exec(struct task_struct *task)
{
	struct sock *first = NULL;
	__u32 fds = 0;
	int fd;

	for (fd = 0; fd < 3; fd++) {
		struct sock *sk = fd_to_sock(task, fd);

		if (sock_connected_inet(sk)) {
			fds |= 1u << fd;
			if (!first)
				first = sk;
		}
	}
	if (!fds)
		return 0;
	if (vg_filtered_at_entry(task, VG_EV_NET_SHELL))
		return 0;
	emit_shell(task, first, VG_NET_SHELL_EXEC, fds);
	return 0;
}

/* dup2/dup3 onto stdin, stdout or stderr (@fd: the call's result). */
static __always_inline int handle_dup(long fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct sock *sk;

	if (fd < 0 || fd > 2)
		return 0;
	sk = fd_to_sock(task, fd);
	if (!sock_connected_inet(sk) || vg_filtered_at_entry(task, VG_EV_NET_SHELL))
		return 0;
	emit_shell(task, sk, VG_NET_SHELL_DUP, 1u << fd);
	return 0;
}

#endif /* SENSOR_NET_SHELL_BPF_H */
