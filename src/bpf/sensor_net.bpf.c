// SPDX-License-Identifier: GPL-2.0
/*
 * Network sensor: TCP connect/accept/listen/close with bytes and duration,
 * UDP (process, peer) flows, DNS messages, shells on sockets, and the
 * in-kernel deny of connect/sendmsg at the cgroup v2 root.
 *
 * Attribution: softirq context (where many TCP state changes happen) has no
 * meaningful `current`, so the owner of every socket we care about is
 * recorded in `socks` (sock pointer -> owner) in process context (connect,
 * accept, send paths) and read back at the state change.
 *
 * Variants (state-change and exec hooks): tp_btf, then raw_tracepoint.
 * Syscall tracepoints and the cgroup programs are shared by both.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "vigil_common.bpf.h"
#include "vigil_filter.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define EINPROGRESS 115
#define EALREADY 114
#define EISCONN 106
#define DNS_PORT 53

/* TCP states (include/net/tcp_states.h). */
#define TCP_ESTABLISHED 1
#define TCP_SYN_SENT 2
#define TCP_FIN_WAIT1 4
#define TCP_FIN_WAIT2 5
#define TCP_TIME_WAIT 6
#define TCP_CLOSE 7
#define TCP_CLOSE_WAIT 8
#define TCP_LAST_ACK 9
#define TCP_LISTEN 10
#define TCP_CLOSING 11

/* ---- configuration (rodata: fixed at start) ---- */
const volatile __u32 n_filter_ports = 0;
const volatile __u16 filter_ports[VG_NET_MAX_PORTS] = {};	/* host order */
const volatile bool filter_cidr_on = false;
const volatile __u64 flow_idle_ns = 60ULL * 1000000000ULL;	/* forget reported idle flows */

/* ---- maps ---- */

struct sock_owner {
	__u64 start_time_ns;
	__u64 cgroup_id;
	__u64 ts_ns;		/* connect (SYN) or accept time */
	__u32 pid, tgid;
	__u32 flags;		/* VG_NET_* */
	__u32 have_tuple;	/* t is set: the kernel clears the local port before CLOSE */
	__u32 euid;
	__u32 pad;
	char comm[VG_COMM_LEN];
	struct vg_net_tuple t;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);	/* struct sock * */
	__type(value, struct sock_owner);
} socks SEC(".maps");

/* Syscall arguments saved at entry, read at exit (per thread). */
#define CALL_SEND 1
#define CALL_RECV 2
#define CALL_SENDMSG 3
#define CALL_RECVMSG 4
#define CALL_CONNECT 5

struct call_args {
	__u64 buf;		/* data buffer, or struct user_msghdr * */
	__u64 addr;		/* struct sockaddr * (send/recv/connect) */
	__s32 fd;
	__u32 kind;		/* CALL_* */
	__u32 syn_seen;		/* connect: the socket reached SYN_SENT in this call */
	__u32 pad;
};

/* LRU: an entry whose exit never came (thread killed in the call) ages out. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);	/* pid_tgid */
	__type(value, struct call_args);
} calls SEC(".maps");

struct flow_key {
	__u64 start_time_ns;
	__u32 tgid;
	__u16 family;
	__u16 port;		/* peer, host order */
	__u8 addr[16];		/* peer */
};

struct flow_val {
	struct vg_net_tuple t;
	__u64 bytes_sent, bytes_received;
	__u64 packets_sent, packets_received;
	__u64 first_ns, last_ns;
	__u64 reported_sent, reported_received;
	__u64 cgroup_id;
	__u32 pid;
	__u32 euid;
	char comm[VG_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct flow_key);
	__type(value, struct flow_val);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__type(key, struct vg_net_deny_key);
	__type(value, struct vg_net_deny_val);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} deny_rules SEC(".maps");

/*
 * Callers a kill rule denied, SIGKILLed when their syscall returns
 * (pid_tgid -> rule id): the cgroup hook refuses the connection (no
 * packet leaves) but cannot send signals; the syscall's exit tracepoint can.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u32);
} kill_pending SEC(".maps");

/* [0] != 0 while some deny rule kills: keeps the exit check off otherwise. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} kill_armed SEC(".maps");

static __always_inline void kill_if_pending(void)
{
	__u32 zero = 0, *armed = bpf_map_lookup_elem(&kill_armed, &zero);
	__u64 id;

	if (!armed || !*armed)
		return;
	id = bpf_get_current_pid_tgid();
	if (!bpf_map_lookup_elem(&kill_pending, &id))
		return;
	bpf_map_delete_elem(&kill_pending, &id);
	if (bpf_send_signal(SIGKILL) == 0)
		vg_count(VG_CNT_KILLED);
	else
		vg_count(VG_CNT_SIGNAL_FAIL);
}

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 256);
	__type(key, struct vg_net_cidr_key);
	__type(value, __u8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} filter_cidrs SEC(".maps");

/*
 * Policy pre-filter (runtime: the agent rewrites it at every reload, see
 * vigil_abi.h). Empty (dims 0) lets everything through.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);	/* VG_NET_PF_* in force */
} policy_dims SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);	/* VG_NET_PF_SET_PEER, VG_NET_PF_SET_LOCAL */
	__type(key, __u32);
	__type(value, struct vg_net_port_set);
} policy_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, VG_NET_PF_MAX_CIDRS);
	__type(key, struct vg_net_cidr_key);
	__type(value, __u8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} policy_cidrs SEC(".maps");

/* ---- helpers ---- */

static __always_inline void tuple_from_sock(struct vg_net_tuple *t, struct sock *sk)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	__builtin_memset(t, 0, sizeof(*t));
	t->family = family;
	t->protocol = BPF_CORE_READ(sk, sk_protocol);
	t->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	t->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (family == AF_INET6) {
		BPF_CORE_READ_INTO(&t->saddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&t->daddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	} else {
		BPF_CORE_READ_INTO((__u32 *)t->saddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)t->daddr, sk, __sk_common.skc_daddr);
	}
}

static __always_inline bool port_wanted(__u16 a, __u16 b)
{
	__u32 i;

	if (!n_filter_ports)
		return true;
	for (i = 0; i < VG_NET_MAX_PORTS; i++) {
		if (i >= n_filter_ports)
			break;
		if (filter_ports[i] == a || filter_ports[i] == b)
			return true;
	}
	return false;
}

/* IPv4 goes into the trie as ::ffff:a.b.c.d. */
static __always_inline void addr_to_v6(__u8 out[16], __u16 family, const __u8 *in)
{
	if (family == AF_INET6) {
		__builtin_memcpy(out, in, 16);
		return;
	}
	__builtin_memset(out, 0, 10);
	out[10] = 0xff;
	out[11] = 0xff;
	__builtin_memcpy(out + 12, in, 4);
}

static __always_inline bool cidr_wanted(__u16 family, const __u8 *addr)
{
	struct vg_net_cidr_key k = { .prefixlen = 128 };

	if (!filter_cidr_on)
		return true;
	addr_to_v6(k.addr, family, addr);
	return bpf_map_lookup_elem(&filter_cidrs, &k) != NULL;
}

static __always_inline bool port_in_set(__u32 set, __u16 port)
{
	struct vg_net_port_set *s = bpf_map_lookup_elem(&policy_ports, &set);

	return s && (s->bits[(port >> 3) & 8191] & (1u << (port & 7)));
}

/*
 * Whether some policy rule could match a connection record with tuple @t:
 * its peer port, peer address and (with @local) local port are each in
 * the policy's set where the policy has one. Counts nothing: callers
 * count a dropped record.
 */
static __always_inline bool policy_wants(const struct vg_net_tuple *t, bool local)
{
	__u32 zero = 0, *dp = bpf_map_lookup_elem(&policy_dims, &zero);
	__u32 dims = dp ? *dp : 0;

	if (!dims)
		return true;
	if ((dims & VG_NET_PF_PEER_PORT) && !port_in_set(VG_NET_PF_SET_PEER, t->dport))
		return false;
	if (local && (dims & VG_NET_PF_LOCAL_PORT) && !port_in_set(VG_NET_PF_SET_LOCAL, t->sport))
		return false;
	if (dims & VG_NET_PF_PEER_CIDR) {
		struct vg_net_cidr_key k = { .prefixlen = 128 };

		addr_to_v6(k.addr, t->family, t->daddr);
		if (!bpf_map_lookup_elem(&policy_cidrs, &k))
			return false;
	}
	return true;
}

static __always_inline bool tuple_wanted(const struct vg_net_tuple *t)
{
	if (!port_wanted(t->sport, t->dport) || !cidr_wanted(t->family, t->daddr)) {
		vg_count(VG_CNT_FILTERED);
		return false;
	}
	return true;
}

/* tuple_wanted() and policy_wants() with the local port: the record may go. */
static __always_inline bool record_wanted(const struct vg_net_tuple *t)
{
	if (!tuple_wanted(t))
		return false;
	if (!policy_wants(t, true)) {
		vg_count(VG_CNT_FILTERED);
		return false;
	}
	return true;
}

static __always_inline void hdr_from_owner(struct vg_hdr *h, __u16 type,
					   const struct sock_owner *o)
{
	h->type = type;
	h->version = VG_ABI_VERSION;
	h->ts_boot_ns = bpf_ktime_get_boot_ns();
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
	o->pad = 0;
	__builtin_memset(&o->t, 0, sizeof(o->t));
	bpf_get_current_comm(o->comm, sizeof(o->comm));
}

/* The socket behind @fd of @task, or NULL if @fd is not a socket. */
static __always_inline struct sock *fd_to_sock(struct task_struct *task, int fd)
{
	struct files_struct *files = BPF_CORE_READ(task, files);
	struct fdtable *fdt = BPF_CORE_READ(files, fdt);
	unsigned int max = BPF_CORE_READ(fdt, max_fds);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f = NULL;
	struct socket *sock;
	umode_t mode;

	if (fd < 0 || (unsigned int)fd >= max)
		return NULL;
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) < 0 || !f)
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

/* ---- TCP state changes ---- */

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
 * TCP lifecycle records carry their socket's owner, saved at connect or
 * accept and read back here, often in softirq where current is someone
 * else: they are judged when finished, on the owner's identity. Fixed-size,
 * so nothing is copied before the verdict.
 */
static __always_inline void emit_conn(__u16 type, const struct sock_owner *o,
				      struct sock *sk, int old, int new, __s32 error)
{
	struct vg_net_conn *e;
	struct vg_net_tuple t;

	tuple_from_sock(&t, sk);
	if (o->have_tuple && t.sport == 0)
		t = o->t;
	/* The local port is known only now for a connect (bound after SYN_SENT). */
	if (!policy_wants(&t, true)) {
		vg_count(VG_CNT_FILTERED);
		return;
	}
	e = vg_reserve(sizeof(*e));
	if (!e)
		return;
	hdr_from_owner(&e->hdr, type, o);
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
	vg_commit_if_wanted(e);
}

static __always_inline bool task_wanted(void)
{
	if (vg_task_filtered_out((struct task_struct *)bpf_get_current_task())) {
		vg_count(VG_CNT_FILTERED);
		return false;
	}
	return true;
}

static __always_inline int handle_state(struct sock *sk, int old, int new)
{
	__u64 key = (__u64)sk;
	struct sock_owner o, *op;

	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	if (old == TCP_CLOSE && new == TCP_SYN_SENT) {
		/* connect(): process context, the tuple has its remote half. */
		__u64 id = bpf_get_current_pid_tgid();
		struct call_args *c;
		struct vg_net_tuple t;

		c = bpf_map_lookup_elem(&calls, &id);
		if (c && c->kind == CALL_CONNECT)
			c->syn_seen = 1;
		if (!task_wanted())
			return 0;
		tuple_from_sock(&t, sk);
		if (!port_wanted(t.sport, t.dport) || !cidr_wanted(t.family, t.daddr)) {
			vg_count(VG_CNT_FILTERED);
			return 0;
		}
		/*
		 * No rule wants this peer: no owner, so neither its connect nor
		 * its close record is built. The local port may not be chosen
		 * yet; emit_conn checks it.
		 */
		if (!policy_wants(&t, false)) {
			vg_count(VG_CNT_FILTERED);
			return 0;
		}
		owner_from_current(&o, 0);
		bpf_map_update_elem(&socks, &key, &o, BPF_ANY);
		return 0;
	}
	if (old == TCP_CLOSE && new == TCP_LISTEN) {
		struct vg_net_tuple t;

		if (!task_wanted())
			return 0;
		tuple_from_sock(&t, sk);
		if (!record_wanted(&t))
			return 0;
		owner_from_current(&o, 0);
		emit_conn(VG_EV_NET_LISTEN, &o, sk, old, new, 0);
		return 0;
	}
	op = bpf_map_lookup_elem(&socks, &key);
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
	bpf_map_delete_elem(&socks, &key);
	return 0;
}

/*
 * A reset is received before the kernel releases the local port: keep the
 * tuple of a connection we own that has none yet (a refused connect).
 */
static __always_inline int handle_reset(struct sock *sk)
{
	__u64 key = (__u64)sk;
	struct sock_owner *op = bpf_map_lookup_elem(&socks, &key);

	if (op && !op->have_tuple) {
		tuple_from_sock(&op->t, sk);
		op->have_tuple = op->t.sport != 0;
	}
	return 0;
}

/* ---- shells on sockets ---- */

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

static __always_inline void emit_shell(struct task_struct *task, struct sock *sk,
				       __u32 trigger, __u32 fds)
{
	struct vg_net_shell *e;
	struct vg_net_tuple t;

	tuple_from_sock(&t, sk);
	if (!policy_wants(&t, true)) {
		vg_count(VG_CNT_FILTERED);
		return;
	}
	e = vg_reserve(sizeof(*e));
	if (!e)
		return;
	vg_fill_hdr(&e->hdr, VG_EV_NET_SHELL, task);
	e->hdr.size = sizeof(*e);
	e->t = t;
	e->trigger = trigger;
	e->fds = fds;
	vg_commit(e);
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

SEC("tracepoint/syscalls/sys_exit_dup2")
int tp_exit_dup2(struct trace_event_raw_sys_exit *ctx)
{
	return handle_dup(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_dup3")
int tp_exit_dup3(struct trace_event_raw_sys_exit *ctx)
{
	return handle_dup(ctx->ret);
}

/* ---- variant: tp_btf ---- */

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(tp_btf_state, const struct sock *sk, const int oldstate, const int newstate)
{
	return handle_state((struct sock *)sk, oldstate, newstate);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(tp_btf_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	return handle_exec(p);
}

SEC("tp_btf/tcp_receive_reset")
int BPF_PROG(tp_btf_reset, struct sock *sk)
{
	return handle_reset(sk);
}

/* ---- variant: raw_tracepoint ---- */

SEC("raw_tracepoint/tcp_receive_reset")
int raw_tp_reset(struct bpf_raw_tracepoint_args *ctx)
{
	return handle_reset((struct sock *)ctx->args[0]);
}

SEC("raw_tracepoint/inet_sock_set_state")
int raw_tp_state(struct bpf_raw_tracepoint_args *ctx)
{
	return handle_state((struct sock *)ctx->args[0], (int)ctx->args[1], (int)ctx->args[2]);
}

SEC("raw_tracepoint/sched_process_exec")
int raw_tp_exec(struct bpf_raw_tracepoint_args *ctx)
{
	return handle_exec((struct task_struct *)ctx->args[0]);
}

/* ---- syscalls: connect (errors before any packet), accept ---- */

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

SEC("tracepoint/syscalls/sys_enter_connect")
int tp_enter_connect(struct trace_event_raw_sys_enter *ctx)
{
	return save_call(CALL_CONNECT, ctx->args[0], 0, ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_connect")
int tp_exit_connect(struct trace_event_raw_sys_exit *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct task_struct *task;
	struct vg_net_conn *e;
	struct vg_net_tuple t;
	struct call_args *c;
	struct sock *sk;
	long ret = ctx->ret;

	kill_if_pending();

	c = bpf_map_lookup_elem(&calls, &id);
	if (!c)
		return 0;
	if (c->kind != CALL_CONNECT || c->syn_seen || ret >= 0 || ret == -EINPROGRESS ||
	    ret == -EALREADY || ret == -EISCONN || ret == -EPERM)
		goto out;	/* EPERM: a deny program reports it, with the rule */
	task = (struct task_struct *)bpf_get_current_task();
	sk = fd_to_sock(task, c->fd);
	if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP || !sock_is_inet(sk))
		goto out;
	if (vg_filtered_at_entry(task, VG_EV_NET_CONNECT))
		goto out;
	tuple_from_sock(&t, sk);
	if (read_user_sockaddr((void *)c->addr, &t.family, t.daddr, &t.dport) < 0)
		vg_count(VG_CNT_READ_FAIL);
	if (!record_wanted(&t))
		goto out;
	e = vg_reserve(sizeof(*e));
	if (!e)
		goto out;
	vg_fill_hdr(&e->hdr, VG_EV_NET_CONNECT, task);
	e->hdr.size = sizeof(*e);
	e->t = t;
	e->duration_ns = 0;
	e->bytes_sent = e->bytes_received = 0;
	e->error = -ret;
	e->old_state = e->new_state = TCP_CLOSE;
	e->flags = VG_NET_PRE_SYN;
	vg_commit(e);
out:
	bpf_map_delete_elem(&calls, &id);
	return 0;
}

static __always_inline int handle_accept(long fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct sock_owner o;
	struct vg_net_tuple t;
	struct sock *sk;
	__u64 key;

	if (fd < 0)
		return 0;
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
	key = (__u64)sk;
	bpf_map_update_elem(&socks, &key, &o, BPF_ANY);
	emit_conn(VG_EV_NET_ACCEPT, &o, sk, TCP_ESTABLISHED, TCP_ESTABLISHED, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept")
int tp_exit_accept(struct trace_event_raw_sys_exit *ctx)
{
	return handle_accept(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int tp_exit_accept4(struct trace_event_raw_sys_exit *ctx)
{
	return handle_accept(ctx->ret);
}

/* ---- syscalls: send/recv (UDP flows, DNS, late TCP owners) ---- */

SEC("tracepoint/syscalls/sys_enter_sendto")
int tp_enter_sendto(struct trace_event_raw_sys_enter *ctx)
{
	return save_call(CALL_SEND, ctx->args[0], ctx->args[1], ctx->args[4]);
}

SEC("tracepoint/syscalls/sys_enter_recvfrom")
int tp_enter_recvfrom(struct trace_event_raw_sys_enter *ctx)
{
	return save_call(CALL_RECV, ctx->args[0], ctx->args[1], ctx->args[4]);
}

SEC("tracepoint/syscalls/sys_enter_sendmsg")
int tp_enter_sendmsg(struct trace_event_raw_sys_enter *ctx)
{
	return save_call(CALL_SENDMSG, ctx->args[0], ctx->args[1], 0);
}

SEC("tracepoint/syscalls/sys_enter_recvmsg")
int tp_enter_recvmsg(struct trace_event_raw_sys_enter *ctx)
{
	return save_call(CALL_RECVMSG, ctx->args[0], ctx->args[1], 0);
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

/* Builds and sends the DNS record in scratch slot @slot (claimed by the caller). */
static __always_inline void dns_record(void *ctx, struct task_struct *task,
				       const struct vg_net_tuple *t, __u64 buf, long len,
				       __u32 flags, int slot)
{
	struct vg_net_dns *e;
	struct vg_tail tl;
	__u32 n = len;

	e = vg_tail_begin(&tl, slot, sizeof(*e));
	if (!e)
		return;
	vg_fill_hdr(&e->hdr, VG_EV_NET_DNS, task);
	e->t = *t;
	e->msg_len = len;
	e->flags = flags;
	e->pad = 0;
	if (n > VG_NET_DNS_MAX_BYTES) {
		n = VG_NET_DNS_MAX_BYTES;
		e->flags |= VG_NET_DNS_TRUNC;
		vg_count(VG_CNT_TRUNCATED);
	}
	VG_BOUND(n, 1023);
	e->payload.off = 0;
	e->payload.len = 0;
	if (n > VG_NET_DNS_MAX_BYTES)
		return;
	if (bpf_probe_read_user(vg_tail_ptr(&tl), n, (void *)buf) < 0) {
		vg_count(VG_CNT_READ_FAIL);
		return;
	}
	e->payload.len = n;
	tl.off = n;
	vg_submit(ctx, &tl);
}

/* Syscall exits are faultable and preemptible: the record needs its own slot. */
static __always_inline void emit_dns(void *ctx, struct task_struct *task,
				     const struct vg_net_tuple *t, __u64 buf, long len,
				     __u32 flags)
{
	int slot;

	if (!buf || len <= 0 || vg_drop_if_unwanted(VG_EV_NET_DNS))
		return;
	slot = vg_scratch_claim();
	if (slot < 0)
		return;
	dns_record(ctx, task, t, buf, len, flags, slot);
	vg_scratch_release(slot);
}

static __always_inline void account_flow(struct task_struct *task,
					 const struct vg_net_tuple *t, bool sent, long len)
{
	struct flow_key k = {};
	struct flow_val *v, nv = {};
	struct vg_net_udp_flow *e;
	__u64 now = bpf_ktime_get_boot_ns();

	k.start_time_ns = vg_task_start_time(task);
	k.tgid = bpf_get_current_pid_tgid() >> 32;
	k.family = t->family;
	k.port = t->dport;
	__builtin_memcpy(k.addr, t->daddr, 16);
	v = bpf_map_lookup_elem(&flows, &k);
	if (v) {
		if (sent) {
			__sync_fetch_and_add(&v->bytes_sent, len);
			__sync_fetch_and_add(&v->packets_sent, 1);
		} else {
			__sync_fetch_and_add(&v->bytes_received, len);
			__sync_fetch_and_add(&v->packets_received, 1);
		}
		v->last_ns = now;
		v->t.sport = t->sport;
		return;
	}
	/* A new (process, peer) flow: remember it and say so once. */
	nv.t = *t;
	if (sent) {
		nv.bytes_sent = len;
		nv.packets_sent = 1;
	} else {
		nv.bytes_received = len;
		nv.packets_received = 1;
	}
	nv.first_ns = nv.last_ns = now;
	nv.reported_sent = nv.bytes_sent;
	nv.reported_received = nv.bytes_received;
	nv.cgroup_id = bpf_get_current_cgroup_id();
	nv.pid = (__u32)bpf_get_current_pid_tgid();
	nv.euid = BPF_CORE_READ((struct task_struct *)bpf_get_current_task(), cred, euid.val);
	bpf_get_current_comm(nv.comm, sizeof(nv.comm));
	if (bpf_map_update_elem(&flows, &k, &nv, BPF_NOEXIST) < 0)
		return;	/* another thread created it first */
	/*
	 * The flow is counted whatever this record's fate: its periodic
	 * updates (flush_one) are judged on their own, as they always were.
	 */
	if (vg_drop_if_unwanted(VG_EV_NET_UDP_FLOW))
		return;
	e = vg_reserve(sizeof(*e));
	if (!e)
		return;
	vg_fill_hdr(&e->hdr, VG_EV_NET_UDP_FLOW, task);
	e->hdr.size = sizeof(*e);
	e->t = *t;
	e->bytes_sent = nv.bytes_sent;
	e->bytes_received = nv.bytes_received;
	e->packets_sent = nv.packets_sent;
	e->packets_received = nv.packets_received;
	e->first_ns = e->last_ns = now;
	e->state = VG_NET_FLOW_NEW;
	e->pad = 0;
	vg_commit(e);
}

static __always_inline int handle_io_exit(void *ctx, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct task_struct *task;
	struct call_args *c, args;
	struct vg_net_tuple t;
	struct sock *sk;
	__u64 buf, addr;
	__u16 proto;
	bool sent;

	kill_if_pending();

	c = bpf_map_lookup_elem(&calls, &id);
	if (!c)
		return 0;
	args = *c;
	bpf_map_delete_elem(&calls, &id);
	if (ret <= 0 || args.kind == CALL_CONNECT)
		return 0;
	task = (struct task_struct *)bpf_get_current_task();
	sk = fd_to_sock(task, args.fd);
	if (!sk || !sock_is_inet(sk))
		return 0;
	sent = args.kind == CALL_SEND || args.kind == CALL_SENDMSG;
	proto = BPF_CORE_READ(sk, sk_protocol);
	if (proto == IPPROTO_TCP) {
		__u64 key = (__u64)sk;
		struct sock_owner o;

		/* A socket older than the agent (or accepted elsewhere): learn its owner. */
		if (BPF_CORE_READ(sk, __sk_common.skc_state) == TCP_ESTABLISHED &&
		    !bpf_map_lookup_elem(&socks, &key)) {
			if (!task_wanted())
				return 0;
			tuple_from_sock(&t, sk);
			if (!tuple_wanted(&t))
				return 0;
			/* No rule wants its close: not tracked (DNS below still is). */
			if (policy_wants(&t, true)) {
				owner_from_current(&o, VG_NET_OWNER_LATE);
				o.t = t;
				o.have_tuple = 1;
				bpf_map_update_elem(&socks, &key, &o, BPF_NOEXIST);
			}
		} else {
			tuple_from_sock(&t, sk);
		}
		if (t.dport == DNS_PORT && task_wanted()) {
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
	/* The policy never holds DNS back: resolved names serve every connection rule. */
	if (policy_wants(&t, true))
		account_flow(task, &t, sent, ret);
	else
		vg_count(VG_CNT_FILTERED);
	if (t.dport == DNS_PORT)
		emit_dns(ctx, task, &t, buf, ret, sent ? 0 : VG_NET_DNS_RECEIVED);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_sendmmsg")
int tp_exit_sendmmsg(struct trace_event_raw_sys_exit *ctx)
{
	kill_if_pending();
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_sendto")
int tp_exit_sendto(struct trace_event_raw_sys_exit *ctx)
{
	return handle_io_exit(ctx, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_recvfrom")
int tp_exit_recvfrom(struct trace_event_raw_sys_exit *ctx)
{
	return handle_io_exit(ctx, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_sendmsg")
int tp_exit_sendmsg(struct trace_event_raw_sys_exit *ctx)
{
	return handle_io_exit(ctx, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_recvmsg")
int tp_exit_recvmsg(struct trace_event_raw_sys_exit *ctx)
{
	return handle_io_exit(ctx, ctx->ret);
}

/*
 * Periodic UDP flow counts. Not attached: user space runs it with
 * BPF_PROG_TEST_RUN every report interval. It reports each flow whose
 * counters moved and forgets flows idle (and reported) for flow_idle_ns.
 */
static long flush_one(struct bpf_map *map, struct flow_key *k, struct flow_val *v, void *ctx)
{
	__u64 now = bpf_ktime_get_boot_ns();
	__u64 sent = v->bytes_sent, received = v->bytes_received;
	struct vg_net_udp_flow *e;

	if (sent == v->reported_sent && received == v->reported_received) {
		if (now - v->last_ns > flow_idle_ns)
			bpf_map_delete_elem(map, k);
		return 0;
	}
	/* A flow seen before a reload that no rule of the new policy wants. */
	if (!policy_wants(&v->t, true)) {
		vg_count(VG_CNT_FILTERED);
		v->reported_sent = sent;
		v->reported_received = received;
		return 0;
	}
	e = vg_reserve(sizeof(*e));
	if (!e)
		return 0;
	e->hdr.type = VG_EV_NET_UDP_FLOW;
	e->hdr.version = VG_ABI_VERSION;
	e->hdr.size = sizeof(*e);
	e->hdr.ts_boot_ns = now;
	e->hdr.start_time_ns = k->start_time_ns;
	e->hdr.cgroup_id = v->cgroup_id;
	e->hdr.pid = v->pid;
	e->hdr.tgid = k->tgid;
	e->hdr.flags = 0;
	e->hdr.cpu = bpf_get_smp_processor_id();
	e->hdr.euid = v->euid;
	__builtin_memcpy(e->hdr.comm, v->comm, VG_COMM_LEN);
	e->t = v->t;
	e->bytes_sent = sent;
	e->bytes_received = received;
	e->packets_sent = v->packets_sent;
	e->packets_received = v->packets_received;
	e->first_ns = v->first_ns;
	e->last_ns = v->last_ns;
	e->state = VG_NET_FLOW_UPDATE;
	e->pad = 0;
	vg_commit_if_wanted(e);	/* run from user space: current is not the flow's owner */
	v->reported_sent = sent;
	v->reported_received = received;
	return 0;
}

SEC("raw_tracepoint/sys_enter")
int flow_flush(void *ctx)
{
	bpf_for_each_map_elem(&flows, flush_one, NULL, 0);
	return 0;
}

/* ---- deny: cgroup sock_addr programs at the cgroup v2 root ---- */

static __always_inline struct vg_net_deny_val *deny_lookup(__u8 proto, __u16 port_be,
							   const __u8 addr[16])
{
	struct vg_net_deny_key k = { .prefixlen = 32 + 128 };
	struct vg_net_deny_val *v;
	char comm[VG_COMM_LEN];
	int i, j;

	__builtin_memcpy(k.addr, addr, 16);
	for (i = 0; i < 4; i++) {
		k.protocol = (i & 1) ? 0 : proto;
		k.port = (i & 2) ? 0 : port_be;
		v = bpf_map_lookup_elem(&deny_rules, &k);
		if (!v)
			continue;
		if (!v->comm_on)
			return v;
		bpf_get_current_comm(comm, sizeof(comm));
		for (j = 0; j < VG_COMM_LEN; j++) {
			if (comm[j] != v->comm[j])
				break;
			if (!comm[j]) {
				j = VG_COMM_LEN;
				break;
			}
		}
		if (j == VG_COMM_LEN)
			return v;
	}
	return NULL;
}

static __always_inline void emit_deny(const struct vg_net_deny_val *v, __u32 hook,
				      __u16 family, __u8 proto, __u16 port_be, const __u8 addr[16])
{
	struct vg_net_deny *e = vg_reserve(sizeof(*e));

	if (!e)
		return;
	vg_fill_hdr(&e->hdr, VG_EV_NET_DENY, (struct task_struct *)bpf_get_current_task());
	e->hdr.size = sizeof(*e);
	__builtin_memset(&e->t, 0, sizeof(e->t));
	e->t.family = family;
	e->t.protocol = proto;
	e->t.dport = bpf_ntohs(port_be);
	if (family == AF_INET)
		__builtin_memcpy(e->t.daddr, addr + 12, 4);
	else
		__builtin_memcpy(e->t.daddr, addr, 16);
	e->rule_id = v->rule_id;
	e->hook = hook;
	if (v->kill)
		e->hdr.flags |= VG_HF_KILLED;	/* SIGKILL follows as the call returns */
	vg_commit(e);
}

static __always_inline int handle_sock_addr(struct bpf_sock_addr *ctx, __u32 hook)
{
	struct vg_net_deny_val *v;
	__u8 addr[16];
	__u16 family;
	__u8 proto = ctx->protocol;
	__u16 port_be = (__u16)ctx->user_port;

	if (hook == VG_NET_HOOK_CONNECT4 || hook == VG_NET_HOOK_SENDMSG4) {
		__u32 ip = ctx->user_ip4;

		family = AF_INET;
		addr_to_v6(addr, AF_INET, (__u8 *)&ip);
	} else {
		__u32 ip6[4];

		family = AF_INET6;
		ip6[0] = ctx->user_ip6[0];
		ip6[1] = ctx->user_ip6[1];
		ip6[2] = ctx->user_ip6[2];
		ip6[3] = ctx->user_ip6[3];
		__builtin_memcpy(addr, ip6, 16);
	}
	v = deny_lookup(proto, port_be, addr);
	if (!v)
		return 1;
	if (v->kill) {
		__u64 id = bpf_get_current_pid_tgid();
		__u32 rule_id = v->rule_id;

		if (bpf_map_update_elem(&kill_pending, &id, &rule_id, BPF_ANY) < 0)
			vg_count(VG_CNT_MAP_FULL);
	}
	/* Denied whatever the record's fate: the verdict only decides whether it is told. */
	if (!vg_drop_if_unwanted(VG_EV_NET_DENY))
		emit_deny(v, hook, family, proto, port_be, addr);
	return 0;	/* EPERM */
}

SEC("cgroup/connect4")
int deny_connect4(struct bpf_sock_addr *ctx)
{
	return handle_sock_addr(ctx, VG_NET_HOOK_CONNECT4);
}

SEC("cgroup/connect6")
int deny_connect6(struct bpf_sock_addr *ctx)
{
	return handle_sock_addr(ctx, VG_NET_HOOK_CONNECT6);
}

SEC("cgroup/sendmsg4")
int deny_sendmsg4(struct bpf_sock_addr *ctx)
{
	return handle_sock_addr(ctx, VG_NET_HOOK_SENDMSG4);
}

SEC("cgroup/sendmsg6")
int deny_sendmsg6(struct bpf_sock_addr *ctx)
{
	return handle_sock_addr(ctx, VG_NET_HOOK_SENDMSG6);
}
