/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network sensor, sockets: the tuple of a struct sock, the owner saved for
 * it in process context (and the record header built from that owner),
 * fd -> socket, a caller's struct sockaddr, whether a socket has a peer.
 *
 * Part of sensor_net.bpf.c, included once after its maps and constants: a
 * piece of that one CO-RE object, not a shared header.
 */
#ifndef SENSOR_NET_SOCK_BPF_H
#define SENSOR_NET_SOCK_BPF_H

/*
 * A field of @sk: with @btf (a tp_btf argument, a BTF pointer) a plain
 * load, else a probe read (a helper call each: a state change's dearest
 * steps). @btf must be a constant.
 */
#define SK_FIELD(btf, sk, ...) ((btf) ? (sk)->__VA_ARGS__ : BPF_CORE_READ(sk, __VA_ARGS__))

static __always_inline bool sk_is_tcp(struct sock *sk, bool btf)
{
	return SK_FIELD(btf, sk, sk_protocol) == IPPROTO_TCP;
}

static __always_inline void tuple_from_sk(struct vg_net_tuple *t, struct sock *sk, bool btf)
{
	__u16 family = SK_FIELD(btf, sk, __sk_common.skc_family);

	__builtin_memset(t, 0, sizeof(*t));
	t->family = family;
	t->protocol = SK_FIELD(btf, sk, sk_protocol);
	t->sport = SK_FIELD(btf, sk, __sk_common.skc_num);
	t->dport = bpf_ntohs(SK_FIELD(btf, sk, __sk_common.skc_dport));
	if (btf && family == AF_INET6) {
		__builtin_memcpy(t->saddr, sk->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8, 16);
		__builtin_memcpy(t->daddr, sk->__sk_common.skc_v6_daddr.in6_u.u6_addr8, 16);
	} else if (btf) {
		*(__u32 *)t->saddr = sk->__sk_common.skc_rcv_saddr;
		*(__u32 *)t->daddr = sk->__sk_common.skc_daddr;
	} else if (family == AF_INET6) {
		BPF_CORE_READ_INTO(&t->saddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&t->daddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	} else {
		BPF_CORE_READ_INTO((__u32 *)t->saddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)t->daddr, sk, __sk_common.skc_daddr);
	}
}

static __always_inline void tuple_from_sock(struct vg_net_tuple *t, struct sock *sk)
{
	tuple_from_sk(t, sk, false);
}

static __always_inline void hdr_from_owner(struct vg_hdr *h, __u16 type,
					   const struct sock_owner *o, __u64 ts)
{
	h->type = type;
	h->version = VG_ABI_VERSION;
	h->ts_boot_ns = ts;
	h->start_time_ns = o->start_time_ns;
	h->cgroup_id = o->cgroup_id;
	h->pid = o->pid;
	h->tgid = o->tgid;
	h->flags = 0;
	h->cpu = bpf_get_smp_processor_id();
	h->euid = o->euid;
	__builtin_memcpy(h->comm, o->comm, VG_COMM_LEN);
}

static __always_inline void owner_from_current(struct sock_owner *o, __u32 flags)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 id = bpf_get_current_pid_tgid();

	o->start_time_ns = vg_task_start_time(task);
	o->cgroup_id = bpf_get_current_cgroup_id();
	o->ts_ns = bpf_ktime_get_boot_ns();
	o->pid = (__u32)id;
	o->tgid = id >> 32;
	o->flags = flags;
	o->have_tuple = 0;
	o->euid = BPF_CORE_READ(task, cred, euid.val);
	o->gated = 0;
	__builtin_memset(&o->t, 0, sizeof(o->t));
	bpf_get_current_comm(o->comm, sizeof(o->comm));
}

/* The socket behind @fd of @task, or NULL if @fd is not a socket. */
static __always_inline struct sock *fd_to_sock(struct task_struct *task, int fd)
{
	struct file *f = vg_task_fd_file(task, fd);
	struct socket *sock;
	umode_t mode;

	if (!f)
		return NULL;
	mode = BPF_CORE_READ(f, f_inode, i_mode);
	if ((mode & S_IFMT) != S_IFSOCK)
		return NULL;
	sock = BPF_CORE_READ(f, private_data);
	return BPF_CORE_READ(sock, sk);
}

static __always_inline bool sock_is_inet(struct sock *sk)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	return family == AF_INET || family == AF_INET6;
}

/* A user struct sockaddr_in/in6: family, address, port (host order). */
static __always_inline int read_user_sockaddr(const void *uaddr, __u16 *family,
					      __u8 addr[16], __u16 *port)
{
	__u16 fam = 0;

	if (!uaddr || bpf_probe_read_user(&fam, sizeof(fam), uaddr) < 0)
		return -1;
	if (fam == AF_INET) {
		struct sockaddr_in sin;

		if (bpf_probe_read_user(&sin, sizeof(sin), uaddr) < 0)
			return -1;
		__builtin_memset(addr, 0, 16);
		__builtin_memcpy(addr, &sin.sin_addr.s_addr, 4);
		*port = bpf_ntohs(sin.sin_port);
	} else if (fam == AF_INET6) {
		struct sockaddr_in6 sin6;

		if (bpf_probe_read_user(&sin6, sizeof(sin6), uaddr) < 0)
			return -1;
		__builtin_memcpy(addr, sin6.sin6_addr.in6_u.u6_addr8, 16);
		*port = bpf_ntohs(sin6.sin6_port);
	} else {
		return -1;
	}
	*family = fam;
	return 0;
}

/*
 * Has a peer: established, or half-closed by either side (the peer may
 * already have sent its FIN by the time the shell's exec is seen).
 */
static __always_inline bool sock_connected_inet(struct sock *sk)
{
	__u8 st;

	if (!sk || !sock_is_inet(sk))
		return false;
	st = BPF_CORE_READ(sk, __sk_common.skc_state);
	return st == TCP_ESTABLISHED || st == TCP_FIN_WAIT1 || st == TCP_FIN_WAIT2 ||
	       st == TCP_CLOSE_WAIT || st == TCP_LAST_ACK || st == TCP_CLOSING;
}

#endif /* SENSOR_NET_SOCK_BPF_H */
