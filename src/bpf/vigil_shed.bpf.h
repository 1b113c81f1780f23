/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Overhead budget: record types the agent sheds while it is over its
 * budget (vigil run --max-overhead; src/agent/overhead_budget.c). Only
 * types that feed no high or critical rule are ever shed; the hook drops
 * them at entry, before any other work, and counts them (VG_CNT_SHED, and
 * as filtered). A map, written by user space at run time. All zero, the
 * default: nothing shed.
 */
#ifndef VIGIL_SHED_BPF_H
#define VIGIL_SHED_BPF_H

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VG_EV_TYPE_MAX);
	__type(key, __u32);
	__type(value, __u8);
} vg_shed SEC(".maps");

static __always_inline bool vg_shed_drops(__u16 type)
{
	__u32 key = type;
	__u8 *v = bpf_map_lookup_elem(&vg_shed, &key);

	if (!v || !*v)
		return false;
	vg_count(VG_CNT_SHED);
	return true;
}

#endif /* VIGIL_SHED_BPF_H */
