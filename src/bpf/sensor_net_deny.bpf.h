/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network sensor, deny: the cgroup sock_addr programs' verdict (deny_rules),
 * its record, and the SIGKILL a kill rule sends as the denied call returns
 * (kill_pending, kill_armed).
 *
 * Part of sensor_net.bpf.c, included once after its maps and constants: a
 * piece of that one CO-RE object, not a shared header.
 */
#ifndef SENSOR_NET_DENY_BPF_H
#define SENSOR_NET_DENY_BPF_H

#include "vigil_storm_rec.bpf.h"

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
	vg_storm_commit(e);	/* the same call refused again and again: a storm */
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

#endif /* SENSOR_NET_DENY_BPF_H */
