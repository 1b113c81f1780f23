// SPDX-License-Identifier: GPL-2.0
/*
 * Network sensor: TCP connect/accept/listen/close with bytes and duration,
 * UDP (process, peer) flows, DNS messages, shells on sockets, and the
 * in-kernel deny of connect/sendmsg at the cgroup v2 root.
 *
 * Attribution: softirq context (where many TCP state changes happen) has no
 * meaningful `current`, so the owner of every socket we care about is
 * recorded in process context (connect, accept, send paths) and read back
 * at the state change: on the socket (sk_owners) or in `socks` (sock
 * pointer -> owner).
 *
 * Variants (state-change, exec and sys_enter/sys_exit hooks): tp_btf_storage
 * (connect owners in socket-local storage, no sys_enter), tp_btf, then
 * raw_tracepoint. The cgroup programs are shared by all.
 *
 * Layout: this file holds the configuration, the maps and the programs;
 * what the programs do lives in sensor-local headers, one per job, included
 * after the maps (sensor_net_sock, _filter, _deny, _tcp, _shell, _dns, _udp
 * and _io.bpf.h). They all build into this one CO-RE object.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "vigil_common.bpf.h"
#include "vigil_filter.bpf.h"
#include "vigil_syscall.bpf.h"

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
	__u32 gated;		/* only the distinct-port gate wants its connect (sensor_net_gate) */
	char comm[VG_COMM_LEN];
	struct vg_net_tuple t;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);	/* struct sock * */
	__type(value, struct sock_owner);
} socks SEC(".maps");

/*
 * Variant tp_btf_storage: a connect's owner lives on its socket, so the
 * state changes of sockets nobody owns (most of them) test a pointer
 * instead of hashing into socks; accepted and late owners, known only by
 * address (fd_to_sock), stay in socks.
 */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sock_owner);
} sk_owners SEC(".maps");

/*
 * Variant tp_btf_storage: the socket the thread's last CLOSE -> SYN_SENT
 * was on, cleared at every connect exit: a connect failing on that socket
 * reached SYN_SENT in the call (its state change reports it), any other
 * failed before any packet. Kept on the task, so a blocking connect that
 * moves to another CPU still finds it; no entry save is needed.
 */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} syn_marks SEC(".maps");

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

/*
 * A connect in progress, saved at entry (a send's or receive's call_args
 * are read at exit, never stored). LRU: an entry whose exit never came
 * (the agent detached mid-call) ages out.
 */
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
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);	/* [0] VG_NET_PF_* in force; [1] generation of the sets */
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

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__type(key, struct vg_net_name_key);
	__type(value, __u8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} policy_names SEC(".maps");

/* The distinct-port gate (sensor_net_gate.bpf.h): [0] = window in ns, 0: off. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} policy_gate SEC(".maps");

/*
 * tgid -> whether its executable's name passes policy_names, as judged for
 * that executable (file and exec count) at that generation of the sets:
 * the name set is an LPM trie, the dearest lookup of a connect.
 */
struct exe_verdict {
	__u64 exe;		/* struct file * of mm->exe_file */
	__u64 exec_id;		/* task->self_exec_id: moves at every exec */
	__u32 gen;		/* policy_dims[1] when judged */
	__u32 wanted;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct exe_verdict);
} exe_verdicts SEC(".maps");

struct gate_port_key {
	__u32 tgid;
	__u32 port;
};

/* tgid -> start of its window; (tgid, port) -> start of the window it was sent in. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u64);
} gate_windows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct gate_port_key);
	__type(value, __u64);
} gate_ports SEC(".maps");

/*
 * The sensor's jobs, one sensor-local header each, in dependency order.
 * They use the maps and constants above; the programs below use them.
 */
#include "sensor_net_sock.bpf.h"
#include "sensor_net_filter.bpf.h"
#include "sensor_net_gate.bpf.h"
#include "sensor_net_deny.bpf.h"
#include "sensor_net_tcp.bpf.h"
#include "sensor_net_shell.bpf.h"
#include "sensor_net_dns.bpf.h"
#include "sensor_net_udp.bpf.h"
#include "sensor_net_io.bpf.h"

/* ---- variant: tp_btf ---- */

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(tp_btf_state, const struct sock *sk, const int oldstate, const int newstate)
{
	return handle_state((struct sock *)sk, oldstate, newstate, false);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(tp_btf_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	return handle_exec(p);
}

SEC("tp_btf/tcp_receive_reset")
int BPF_PROG(tp_btf_reset, struct sock *sk)
{
	return handle_reset(sk, false);
}

/* ---- variant: tp_btf_storage (owners on sockets, no sys_enter) ---- */

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(tp_btf_state_ls, const struct sock *sk, const int oldstate, const int newstate)
{
	return handle_state((struct sock *)sk, oldstate, newstate, true);
}

SEC("tp_btf/tcp_receive_reset")
int BPF_PROG(tp_btf_reset_ls, struct sock *sk)
{
	return handle_reset(sk, true);
}

/* ---- variant: raw_tracepoint ---- */

SEC("raw_tracepoint/tcp_receive_reset")
int raw_tp_reset(struct bpf_raw_tracepoint_args *ctx)
{
	return handle_reset((struct sock *)ctx->args[0], false);
}

SEC("raw_tracepoint/inet_sock_set_state")
int raw_tp_state(struct bpf_raw_tracepoint_args *ctx)
{
	return handle_state((struct sock *)ctx->args[0], (int)ctx->args[1], (int)ctx->args[2],
			    false);
}

SEC("raw_tracepoint/sched_process_exec")
int raw_tp_exec(struct bpf_raw_tracepoint_args *ctx)
{
	return handle_exec((struct task_struct *)ctx->args[0]);
}

/*
 * ---- syscalls: one sys_enter and one sys_exit program, by number ----
 * connect (errors before any packet), accept, dup2/dup3 (shells on
 * sockets), send/recv (UDP flows, DNS, late TCP owners). x86-64 numbers,
 * as in the file sensor's table; vigil_syscall.bpf.h says why not one
 * tracepoint per call.
 */
enum net_call {
	NC_NONE, NC_CONNECT, NC_ACCEPT, NC_ACCEPT4, NC_DUP2, NC_DUP3,
	NC_SENDTO, NC_RECVFROM, NC_SENDMSG, NC_RECVMSG, NC_SENDMMSG,
};

#define NET_NR_TABLE 512
static const __u8 net_nr_call[NET_NR_TABLE] = {
	[42] = NC_CONNECT, [43] = NC_ACCEPT, [288] = NC_ACCEPT4, [33] = NC_DUP2, [292] = NC_DUP3,
	[44] = NC_SENDTO, [45] = NC_RECVFROM, [46] = NC_SENDMSG, [47] = NC_RECVMSG,
	[307] = NC_SENDMMSG,
};

/*
 * The calls whose entry matters (the hub routes sys_enter by this table):
 * connect only, whose exit must know whether the socket reached SYN_SENT
 * in between (variants tp_btf and raw_tracepoint; tp_btf_storage marks the
 * thread instead, syn_marks). Every other call's arguments are read at exit, from the
 * saved user registers, which a call leaves as they were: a send or
 * receive (hot in every server) costs no map update.
 */
static const __u8 net_nr_enter[NET_NR_TABLE] = { [42] = NC_CONNECT };

static __always_inline __u32 net_call_of(long nr)
{
	return (unsigned long)nr < NET_NR_TABLE ? net_nr_call[nr] : NC_NONE;
}

static __always_inline int net_sys_enter(struct pt_regs *regs, long nr, bool btf)
{
	__u64 a[6];

	if ((unsigned long)nr >= NET_NR_TABLE || net_nr_enter[nr] != NC_CONNECT)
		return 0;
	if (vg_compat_syscall(btf))
		return 0;
	if (vg_syscall_args(regs, a, 2, btf)) {
		vg_count(VG_CNT_READ_FAIL);
		return 0;
	}
	return save_call(CALL_CONNECT, a[0], 0, a[1]);
}

/* A send's or receive's arguments at exit, as save_call() kept a connect's; <0: unreadable. */
static __always_inline long io_call_args(struct pt_regs *regs, __u32 call, struct call_args *c,
					 bool btf)
{
	__u64 a[6];

	if (vg_syscall_args(regs, a, 5, btf))
		return -1;
	c->fd = a[0];
	c->buf = a[1];
	c->addr = call == NC_SENDTO || call == NC_RECVFROM ? a[4] : 0;
	c->kind = call == NC_SENDTO ? CALL_SEND : call == NC_RECVFROM ? CALL_RECV :
		  call == NC_SENDMSG ? CALL_SENDMSG : CALL_RECVMSG;
	return 0;
}

/*
 * A 32-bit call's number means another call here: skipped, as at entry.
 * @marked: connects have no entry saved (variant tp_btf_storage).
 */
static __always_inline int net_sys_exit(void *ctx, struct pt_regs *regs, long nr, long ret,
					bool btf, bool marked)
{
	__u32 call = net_call_of(nr);

	if (call == NC_NONE || vg_compat_syscall(btf))
		return 0;
	switch (call) {
	case NC_CONNECT:
		return marked ? handle_connect_exit_marked(regs, ret) : handle_connect_exit(ret);
	case NC_ACCEPT:
	case NC_ACCEPT4:
		return handle_accept(ret);
	case NC_DUP2:
	case NC_DUP3:
		return handle_dup(ret);
	case NC_SENDMMSG:
		kill_if_pending();
		return 0;
	case NC_SENDTO:
	case NC_RECVFROM:
	case NC_SENDMSG:
	case NC_RECVMSG: {
		struct call_args c = {};

		kill_if_pending();
		if (ret <= 0 || vg_task_filtered_out((struct task_struct *)bpf_get_current_task()))
			return 0;
		if (io_call_args(regs, call, &c, btf)) {
			vg_count(VG_CNT_READ_FAIL);
			return 0;
		}
		return handle_io_exit(ctx, &c, ret);
	}
	default:
		return 0;
	}
}

/* variant tp_btf: typed registers */
SEC("tp_btf/sys_enter")
int BPF_PROG(net_btf_enter, struct pt_regs *regs, long id)
{
	net_sys_enter(regs, id, true);
	vg_hub_next(ctx, id, VG_HUB_NET, false);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(net_btf_exit, struct pt_regs *regs, long ret)
{
	net_sys_exit(ctx, regs, regs->orig_ax, ret, true, false);
	vg_hub_next(ctx, regs->orig_ax, VG_HUB_NET, true);
	return 0;
}

/* variant tp_btf_storage: no sys_enter at all */
SEC("tp_btf/sys_exit")
int BPF_PROG(net_btf_exit_ls, struct pt_regs *regs, long ret)
{
	net_sys_exit(ctx, regs, regs->orig_ax, ret, true, true);
	vg_hub_next(ctx, regs->orig_ax, VG_HUB_NET, true);
	return 0;
}

/* variant raw_tracepoint */
SEC("raw_tracepoint/sys_enter")
int net_raw_enter(struct bpf_raw_tracepoint_args *ctx)
{
	return net_sys_enter((struct pt_regs *)ctx->args[0], ctx->args[1], false);
}

SEC("raw_tracepoint/sys_exit")
int net_raw_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];

	return net_sys_exit(ctx, regs, BPF_CORE_READ(regs, orig_ax), ctx->args[1], false, false);
}

/* Periodic UDP flow counts (flush_one): run by user space, never attached. */
SEC("raw_tracepoint/sys_enter")
int flow_flush(void *ctx)
{
	bpf_for_each_map_elem(&flows, flush_one, NULL, 0);
	return 0;
}

/* ---- deny: cgroup sock_addr programs at the cgroup v2 root ---- */

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
