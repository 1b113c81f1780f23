/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network sensor, filters: --port and --cidr (rodata and filter_cidrs),
 * the policy pre-filter on ports and peer addresses (policy_* maps) and
 * the task filter, each counting what it drops.
 *
 * Part of sensor_net.bpf.c, included once after its maps and constants: a
 * piece of that one CO-RE object, not a shared header.
 */
#ifndef SENSOR_NET_FILTER_BPF_H
#define SENSOR_NET_FILTER_BPF_H

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

/* Whether executable @exe's file name is in the policy's name set. */
static __always_inline bool exe_name_in_set(struct file *exe)
{
	struct vg_net_name_key k = {};
	const unsigned char *name;
	long n;

	name = BPF_CORE_READ(exe, f_path.dentry, d_name.name);
	n = bpf_probe_read_kernel_str(k.name, sizeof(k.name), name);
	if (n <= 0)
		return true;
	k.prefixlen = (n < (long)sizeof(k.name) ? n : n - 1) * 8;
	return bpf_map_lookup_elem(&policy_names, &k) != NULL;
}

/*
 * Whether the name of the current process's executable file (the last
 * component of process.executable.path) is one the policy's name set
 * accepts, when it has one. Process context only. A name longer than a
 * key is matched on its first bytes: prefixes only, never an exact name.
 * The verdict is kept per process (exe_verdicts) until it execs or the
 * sets change. The generation is read before the sets: a verdict judged
 * while the agent rewrites them carries the old one, so it is judged anew.
 */
static __always_inline bool exe_name_wanted_in(bool btf)
{
	__u32 zero = 0, one = 1, *gp = bpf_map_lookup_elem(&policy_dims, &one);
	__u32 gen = gp ? *gp : 0, *dp = bpf_map_lookup_elem(&policy_dims, &zero);
	struct task_struct *task;
	struct exe_verdict v, *cached;
	struct file *exe;
	__u32 tgid;

	if (!dp || !(*dp & VG_NET_PF_EXE_NAME))
		return true;
	/* @btf (a tp_btf program): plain loads through the BTF task pointer. */
	if (btf) {
		task = bpf_get_current_task_btf();
		exe = task->mm->exe_file;
		v.exec_id = task->self_exec_id;
	} else {
		task = (struct task_struct *)bpf_get_current_task();
		exe = BPF_CORE_READ(task, mm, exe_file);
		v.exec_id = BPF_CORE_READ(task, self_exec_id);
	}
	if (!exe)
		return true;	/* no executable: nothing to judge by */
	v.exe = (__u64)exe;
	v.gen = gen;
	tgid = bpf_get_current_pid_tgid() >> 32;
	cached = bpf_map_lookup_elem(&exe_verdicts, &tgid);
	if (cached && cached->exe == v.exe && cached->exec_id == v.exec_id && cached->gen == gen)
		return cached->wanted;
	v.wanted = exe_name_in_set(exe);
	bpf_map_update_elem(&exe_verdicts, &tgid, &v, BPF_ANY);
	return v.wanted;
}

static __always_inline bool exe_name_wanted(void)
{
	return exe_name_wanted_in(false);
}

/* policy_wants() with the local port, counting the record it drops. */
static __always_inline bool policy_keeps(const struct vg_net_tuple *t)
{
	if (policy_wants(t, true))
		return true;
	vg_count(VG_CNT_FILTERED);
	return false;
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
	return tuple_wanted(t) && policy_keeps(t);
}

static __always_inline bool task_wanted(void)
{
	if (vg_task_filtered_out((struct task_struct *)bpf_get_current_task())) {
		vg_count(VG_CNT_FILTERED);
		return false;
	}
	return true;
}

#endif /* SENSOR_NET_FILTER_BPF_H */
