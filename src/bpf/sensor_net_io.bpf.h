/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network sensor, send and receive calls: at exit, with the arguments read
 * from the saved registers, the UDP flow, the DNS message and the late
 * owner of a TCP socket older than the agent; and the connect saved at
 * entry (calls) for its exit.
 *
 * Part of sensor_net.bpf.c, included once after its maps and constants: a
 * piece of that one CO-RE object, not a shared header.
 */
#ifndef SENSOR_NET_IO_BPF_H
#define SENSOR_NET_IO_BPF_H

static __always_inline int save_call(__u32 kind, long fd, __u64 buf, __u64 addr)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct call_args c = { .buf = buf, .addr = addr, .fd = fd, .kind = kind };

	/* Unwanted processes never get an entry (counted once, at exit, not here). */
	if (vg_task_filtered_out((struct task_struct *)bpf_get_current_task()))
		return 0;
	bpf_map_update_elem(&calls, &id, &c, BPF_ANY);
	return 0;
}

/* The data buffer and peer address of a saved call (msghdr read at exit). */
static __always_inline void call_buffers(const struct call_args *c, __u64 *buf, __u64 *addr)
{
	*buf = c->buf;
	*addr = c->addr;
	if (c->kind == CALL_SENDMSG || c->kind == CALL_RECVMSG) {
		struct user_msghdr msg;
		struct iovec iov;

		*buf = 0;
		*addr = 0;
		if (bpf_probe_read_user(&msg, sizeof(msg), (void *)c->buf) < 0)
			return;
		*addr = (__u64)msg.msg_name;
		if (msg.msg_iovlen > 0 &&
		    bpf_probe_read_user(&iov, sizeof(iov), msg.msg_iov) == 0)
			*buf = (__u64)iov.iov_base;
	}
}

/* A send or receive that moved @ret > 0 bytes, its arguments in @c (read at exit). */
static __always_inline int handle_io_exit(void *ctx, const struct call_args *c, long ret)
{
	struct task_struct *task;
	struct call_args args = *c;
	struct vg_net_tuple t;
	struct sock *sk;
	__u64 buf, addr;
	__u16 proto;
	bool sent;

	task = (struct task_struct *)bpf_get_current_task();
	sk = fd_to_sock(task, args.fd);
	if (!sk || !sock_is_inet(sk))
		return 0;
	sent = args.kind == CALL_SEND || args.kind == CALL_SENDMSG;
	proto = BPF_CORE_READ(sk, sk_protocol);
	if (proto == IPPROTO_TCP) {
		__u64 key = (__u64)sk;
		struct sock_owner o;

		/*
		 * A socket older than the agent (or accepted elsewhere): learn
		 * its owner, when a rule may want its close. Most sends and
		 * receives are on sockets no rule wants: only DNS is looked at.
		 */
		if (!vg_should_drop(VG_EV_NET_CLOSE) &&
		    BPF_CORE_READ(sk, __sk_common.skc_state) == TCP_ESTABLISHED &&
		    !bpf_map_lookup_elem(&socks, &key)) {
			if (!task_wanted())
				return 0;
			tuple_from_sock(&t, sk);
			if (!tuple_wanted(&t))
				return 0;
			if (policy_wants(&t, true) && exe_name_wanted()) {
				owner_from_current(&o, VG_NET_OWNER_LATE);
				o.t = t;
				o.have_tuple = 1;
				addr_owner_save(sk, &o, BPF_NOEXIST);
			}
		}
		if (bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport)) == DNS_PORT && task_wanted()) {
			tuple_from_sock(&t, sk);
			call_buffers(&args, &buf, &addr);
			emit_dns(ctx, task, &t, buf, ret,
				 VG_NET_DNS_TCP | (sent ? 0 : VG_NET_DNS_RECEIVED));
		}
		return 0;
	}
	if (proto != IPPROTO_UDP)
		return 0;
	if (!task_wanted())
		return 0;
	tuple_from_sock(&t, sk);
	call_buffers(&args, &buf, &addr);
	if (addr) {
		/* Unconnected socket: the peer is in the call's address. */
		__u16 family = 0, port = 0;
		__u8 a[16];

		if (read_user_sockaddr((void *)addr, &family, a, &port) == 0) {
			t.family = family;
			t.dport = port;
			__builtin_memcpy(t.daddr, a, 16);
		}
	}
	if (!tuple_wanted(&t))
		return 0;
	/*
	 * Flows are counted only while their records may be wanted (a reload
	 * that wants them starts counting). The policy never holds DNS back:
	 * resolved names serve every connection rule.
	 */
	if (vg_type_mode_of(VG_EV_NET_UDP_FLOW) != VG_TYPE_OFF && policy_keeps(&t))
		account_flow(task, &t, sent, ret);
	if (t.dport == DNS_PORT)
		emit_dns(ctx, task, &t, buf, ret, sent ? 0 : VG_NET_DNS_RECEIVED);
	return 0;
}

#endif /* SENSOR_NET_IO_BPF_H */
