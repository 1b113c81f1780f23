/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network sensor, TCP: connect, accept, listen and close records with bytes
 * and duration, from the state changes of sockets whose owner was saved in
 * process context (socks), and connect errors that come before any packet.
 *
 * Part of sensor_net.bpf.c, included once after its maps and constants: a
 * piece of that one CO-RE object, not a shared header.
 */
#ifndef SENSOR_NET_TCP_BPF_H
#define SENSOR_NET_TCP_BPF_H

#include "vigil_storm_rec.bpf.h"

/*
 * Payload bytes of a closing connection. The kernel's counters follow the
 * sequence space: bytes_acked includes our SYN (active opener) and our FIN
 * once acked; bytes_received includes the peer's FIN (SOCK_DONE).
 */
static __always_inline void close_bytes(struct sock *sk, const struct sock_owner *o, int old,
					__u64 *sent, __u64 *received)
{
	struct tcp_sock *tp = (struct tcp_sock *)sk;
	__u64 acked = BPF_CORE_READ(tp, bytes_acked);
	__u64 rcvd = BPF_CORE_READ(tp, bytes_received);
	unsigned long sk_flags = BPF_CORE_READ(sk, __sk_common.skc_flags);
	bool fin_sent = old == TCP_FIN_WAIT1 || old == TCP_FIN_WAIT2 || old == TCP_CLOSING ||
			old == TCP_LAST_ACK || old == TCP_TIME_WAIT;

	if (!(o->flags & (VG_NET_INBOUND | VG_NET_OWNER_LATE)) && acked > 0)
		acked--;	/* our SYN */
	if (fin_sent && acked > 0 &&
	    BPF_CORE_READ(tp, snd_una) == BPF_CORE_READ(tp, write_seq))
		acked--;	/* our FIN, acknowledged */
	if ((sk_flags & (1UL << bpf_core_enum_value(enum sock_flags, SOCK_DONE))) && rcvd > 0)
		rcvd--;		/* the peer's FIN */
	*sent = acked;
	*received = rcvd;
}

/*
 * vg_record_dropped() for a record of @type about owner @o, judged before
 * any ring-buffer space is taken: a reserved record discarded still wakes
 * the consumer.
 */
static __always_inline bool owner_dropped(__u16 type, const struct sock_owner *o)
{
	__u8 sw = vg_type_mode_of(type);
	const struct vg_pf_cfg *c;

	if (sw == VG_TYPE_OFF)
		return true;
	if (sw != VG_TYPE_FILTERED)
		return false;
	c = vg_pf_active();
	return c && vg_pf_rejects(c, o->euid, o->cgroup_id, o->tgid);
}

/*
 * Whether a connect's or a close's record may be wanted from the current
 * process. @btf: in a tp_btf program (plain loads).
 */
static __always_inline bool connect_wanted_from_current(bool btf)
{
	return (!vg_should_drop(VG_EV_NET_CONNECT) || !vg_should_drop(VG_EV_NET_CLOSE)) &&
	       exe_name_wanted_in(btf);
}

/*
 * TCP lifecycle records carry their socket's owner, saved at connect or
 * accept and read back here, often in softirq where current is someone
 * else: they are judged on the owner's identity, before anything is
 * reserved. An owner only the distinct-port gate wanted (gated) sends its
 * connect record if the gate lets it, and nothing else.
 */
static __always_inline void emit_conn(__u16 type, const struct sock_owner *o,
				      struct sock *sk, int old, int new, __s32 error)
{
	struct vg_net_conn *e;
	struct vg_net_tuple t;
	__u64 ts;

	if (o->gated ? type != VG_EV_NET_CONNECT : owner_dropped(type, o)) {
		vg_count(VG_CNT_FILTERED);
		return;
	}
	tuple_from_sock(&t, sk);
	if (o->have_tuple && t.sport == 0)
		t = o->t;
	/* The local port is known only now for a connect (bound after SYN_SENT). */
	if (!o->gated && !policy_keeps(&t))
		return;
	ts = bpf_ktime_get_boot_ns();
	if (type == VG_EV_NET_CONNECT && !gate_passes(o->gated, o->tgid, t.dport, ts))
		return;
	e = vg_reserve(sizeof(*e));
	if (!e)
		return;
	hdr_from_owner(&e->hdr, type, o, ts);
	e->hdr.size = sizeof(*e);
	e->t = t;
	e->duration_ns = e->hdr.ts_boot_ns - o->ts_ns;
	e->bytes_sent = 0;
	e->bytes_received = 0;
	if (type == VG_EV_NET_CLOSE)
		close_bytes(sk, o, old, &e->bytes_sent, &e->bytes_received);
	e->error = error;
	e->old_state = old;
	e->new_state = new;
	e->flags = o->flags;
	vg_storm_commit(e);	/* connects to one peer by one process: a storm */
}

/*
 * Where owners live. @local (variant tp_btf_storage, @sk a BTF pointer): a
 * connect's owner on its socket (sk_owners); accepted and late owners in
 * socks, asked only once one was ever saved there (socks_used), so under a
 * policy that wants no close or accept records a state change of a socket
 * nobody owns tests a pointer. Otherwise: everything in socks.
 */
__u32 socks_used = 0;

static __always_inline void connect_owner_save(struct sock *sk, const struct sock_owner *o,
					       bool local)
{
	__u64 key = (__u64)sk;
	struct sock_owner *op;

	if (!local) {
		bpf_map_update_elem(&socks, &key, o, BPF_ANY);
		return;
	}
	op = bpf_sk_storage_get(&sk_owners, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (op)
		*op = *o;
	else
		vg_count(VG_CNT_MAP_FULL);	/* no memory for it: the records go unseen */
}

/* An accepted or late owner, known by address only (fd_to_sock). */
static __always_inline void addr_owner_save(struct sock *sk, const struct sock_owner *o,
					    __u64 flags)
{
	__u64 key = (__u64)sk;

	socks_used = 1;
	bpf_map_update_elem(&socks, &key, o, flags);
}

/* @sk's owner or NULL; *@on_sk: it lives on the socket. @any: accepted and late ones too. */
static __always_inline struct sock_owner *owner_find(struct sock *sk, bool local, bool any,
						     bool *on_sk)
{
	__u64 key = (__u64)sk;
	struct sock_owner *op;

	*on_sk = false;
	if (!local)
		return bpf_map_lookup_elem(&socks, &key);
	op = bpf_sk_storage_get(&sk_owners, sk, 0, 0);
	if (op) {
		*on_sk = true;
		return op;
	}
	return any && socks_used ? bpf_map_lookup_elem(&socks, &key) : NULL;
}

/* After @sk's end: a late owner may have joined a connect's (same socket). */
static __always_inline void owner_forget(struct sock *sk, bool local, bool on_sk)
{
	__u64 key = (__u64)sk;

	if (on_sk)
		bpf_sk_storage_delete(&sk_owners, sk);
	if (!local || socks_used)
		bpf_map_delete_elem(&socks, &key);
}

/* A connect reached SYN_SENT on @sk, in process context: its exit must know. */
static __always_inline void mark_syn(struct sock *sk, bool local)
{
	__u64 id, *m;
	struct call_args *c;

	if (local) {
		m = bpf_task_storage_get(&syn_marks, bpf_get_current_task_btf(), 0,
					 BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (m)
			*m = (__u64)sk;
		else
			vg_count(VG_CNT_MAP_FULL);	/* a failure may then be reported twice */
		return;
	}
	id = bpf_get_current_pid_tgid();
	c = bpf_map_lookup_elem(&calls, &id);
	if (c && c->kind == CALL_CONNECT)
		c->syn_seen = 1;
}

static __always_inline int handle_state(struct sock *sk, int old, int new, bool local)
{
	struct sock_owner o, *op;
	bool on_sk;

	/*
	 * Most changes are none of ours (a loopback connection makes ~12):
	 * only a connect, a listen, an establishment and the end are looked
	 * at, judged on the tracepoint's own arguments before any read.
	 */
	if (!(old == TCP_CLOSE && (new == TCP_SYN_SENT || new == TCP_LISTEN)) &&
	    !(old == TCP_SYN_SENT && new == TCP_ESTABLISHED) && new != TCP_CLOSE)
		return 0;
	if (!sk_is_tcp(sk, local))
		return 0;
	if (old == TCP_CLOSE && new == TCP_SYN_SENT) {
		/* connect(): process context, the tuple has its remote half. */
		__u64 id = bpf_get_current_pid_tgid();
		struct vg_net_tuple t;
		__u64 window;
		bool wanted;

		mark_syn(sk, local);
		if (!task_wanted())
			return 0;
		tuple_from_sk(&t, sk, local);
		if (!port_wanted(t.sport, t.dport) || !cidr_wanted(t.family, t.daddr)) {
			vg_count(VG_CNT_FILTERED);
			return 0;
		}
		/*
		 * No rule wants this process or peer: no owner, so neither its
		 * connect nor its close record is built, unless the distinct-port
		 * gate may want the connect (a gated owner). The local port may
		 * not be chosen yet; emit_conn checks it.
		 */
		wanted = connect_wanted_from_current(local) && policy_wants(&t, false);
		window = wanted ? 0 : gate_window_ns();
		if (!wanted && (!window || gate_sure_repeat(id >> 32, t.dport,
							    bpf_ktime_get_boot_ns(), window))) {
			vg_count(VG_CNT_FILTERED);
			return 0;
		}
		owner_from_current(&o, 0);
		o.gated = !wanted;
		connect_owner_save(sk, &o, local);
		return 0;
	}
	if (old == TCP_CLOSE && new == TCP_LISTEN) {
		struct vg_net_tuple t;

		if (!task_wanted() || vg_drop_if_unwanted(VG_EV_NET_LISTEN))
			return 0;
		tuple_from_sock(&t, sk);
		if (!record_wanted(&t))
			return 0;
		owner_from_current(&o, 0);
		emit_conn(VG_EV_NET_LISTEN, &o, sk, old, new, 0);
		return 0;
	}
	op = owner_find(sk, local, new == TCP_CLOSE, &on_sk);
	if (!op)
		return 0;
	if (old == TCP_SYN_SENT && new == TCP_ESTABLISHED) {
		tuple_from_sock(&op->t, sk);
		op->have_tuple = 1;
		emit_conn(VG_EV_NET_CONNECT, op, sk, old, new, 0);
		return 0;
	}
	if (new != TCP_CLOSE)
		return 0;
	if (old == TCP_SYN_SENT) {
		/* Refused, timed out or abandoned: the connect's result. */
		emit_conn(VG_EV_NET_CONNECT, op, sk, old, new, BPF_CORE_READ(sk, sk_err));
	} else {
		emit_conn(VG_EV_NET_CLOSE, op, sk, old, new, 0);
	}
	owner_forget(sk, local, on_sk);
	return 0;
}

/*
 * A reset is received before the kernel releases the local port: keep the
 * tuple of a connection we own that has none yet (a refused connect).
 */
static __always_inline int handle_reset(struct sock *sk, bool local)
{
	bool on_sk;
	struct sock_owner *op = owner_find(sk, local, false, &on_sk);

	if (op && !op->have_tuple) {
		tuple_from_sock(&op->t, sk);
		op->have_tuple = op->t.sport != 0;
	}
	return 0;
}

/*
 * A connect on @fd to the user sockaddr @uaddr that failed with @ret
 * before any packet (the socket never reached SYN_SENT in the call):
 * reported here, with the call's own address. @sk: its socket.
 */
static __always_inline void report_pre_syn(struct task_struct *task, struct sock *sk,
					   __u64 uaddr, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct vg_net_conn *e;
	struct vg_net_tuple t;
	bool gated;
	__u64 ts;

	if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP || !sock_is_inet(sk))
		return;
	if (!task_wanted())
		return;
	gated = vg_should_drop(VG_EV_NET_CONNECT) || !exe_name_wanted();
	if (gated && !gate_window_ns()) {
		vg_count(VG_CNT_FILTERED);
		return;
	}
	tuple_from_sock(&t, sk);
	if (read_user_sockaddr((void *)uaddr, &t.family, t.daddr, &t.dport) < 0)
		vg_count(VG_CNT_READ_FAIL);
	if (!tuple_wanted(&t) || (!gated && !policy_keeps(&t)))
		return;
	ts = bpf_ktime_get_boot_ns();
	if (!gate_passes(gated, id >> 32, t.dport, ts))
		return;
	e = vg_reserve(sizeof(*e));
	if (!e)
		return;
	vg_fill_hdr(&e->hdr, VG_EV_NET_CONNECT, task);
	e->hdr.ts_boot_ns = ts;
	e->hdr.size = sizeof(*e);
	e->t = t;
	e->duration_ns = 0;
	e->bytes_sent = e->bytes_received = 0;
	e->error = -ret;
	e->old_state = e->new_state = TCP_CLOSE;
	e->flags = VG_NET_PRE_SYN;
	vg_storm_commit(e);	/* refused again and again: a storm */
}

/* Results no pre-SYN failure has. EPERM: a deny program reports it, with the rule. */
static __always_inline bool connect_ret_pre_syn(long ret)
{
	return ret < 0 && ret != -EINPROGRESS && ret != -EALREADY && ret != -EISCONN &&
	       ret != -EPERM;
}

/* A connect's exit, its entry saved in calls (variants tp_btf, raw_tracepoint). */
static __always_inline int handle_connect_exit(long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct task_struct *task;
	struct call_args *c;

	kill_if_pending();
	c = bpf_map_lookup_elem(&calls, &id);
	if (!c)
		return 0;
	if (c->kind == CALL_CONNECT && !c->syn_seen && connect_ret_pre_syn(ret)) {
		task = (struct task_struct *)bpf_get_current_task();
		report_pre_syn(task, fd_to_sock(task, c->fd), c->addr, ret);
	}
	bpf_map_delete_elem(&calls, &id);
	return 0;
}

/*
 * A connect's exit with no entry saved (variant tp_btf_storage): the
 * arguments come from the saved user registers, and whether the socket
 * reached SYN_SENT in the call from the thread's mark (syn_marks).
 */
static __always_inline int handle_connect_exit_marked(struct pt_regs *regs, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 *m = bpf_task_storage_get(&syn_marks, task, 0, 0);
	__u64 syn_sk = 0, a[6];
	struct sock *sk;

	kill_if_pending();
	if (m && *m) {
		syn_sk = *m;
		*m = 0;
	}
	if (!connect_ret_pre_syn(ret) || vg_task_filtered_out(task))
		return 0;
	if (vg_syscall_args(regs, a, 2, true)) {
		vg_count(VG_CNT_READ_FAIL);
		return 0;
	}
	sk = fd_to_sock(task, a[0]);
	if (sk && (__u64)sk != syn_sk)
		report_pre_syn(task, sk, a[1], ret);
	return 0;
}

static __always_inline int handle_accept(long fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct sock_owner o;
	struct vg_net_tuple t;
	struct sock *sk;

	if (fd < 0)
		return 0;
	/* Nobody wants its accept or close from this process: no owner either. */
	if ((vg_should_drop(VG_EV_NET_ACCEPT) && vg_should_drop(VG_EV_NET_CLOSE)) ||
	    !exe_name_wanted()) {
		vg_count(VG_CNT_FILTERED);
		return 0;
	}
	sk = fd_to_sock(task, fd);
	if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP || !sock_is_inet(sk))
		return 0;
	if (!task_wanted())
		return 0;
	tuple_from_sock(&t, sk);
	/* Unwanted: no owner either, so its close record is never built. */
	if (!record_wanted(&t))
		return 0;
	owner_from_current(&o, VG_NET_INBOUND);
	o.t = t;
	o.have_tuple = 1;
	addr_owner_save(sk, &o, BPF_ANY);
	emit_conn(VG_EV_NET_ACCEPT, &o, sk, TCP_ESTABLISHED, TCP_ESTABLISHED, 0);
	return 0;
}

#endif /* SENSOR_NET_TCP_BPF_H */
