/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network sensor, UDP flows: per (process, peer) counters in flows, a
 * record when a flow starts, and the periodic flush user space runs.
 *
 * Part of sensor_net.bpf.c, included once after its maps and constants: a
 * piece of that one CO-RE object, not a shared header.
 */
#ifndef SENSOR_NET_UDP_BPF_H
#define SENSOR_NET_UDP_BPF_H

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

#endif /* SENSOR_NET_UDP_BPF_H */
