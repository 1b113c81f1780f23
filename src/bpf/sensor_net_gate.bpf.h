/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network sensor, the distinct-port gate: for threshold rules that count
 * the distinct destination ports of one process within a window (a port
 * scan), the kernel keeps that window and sends the first connect record
 * of each process to each port in it; repeats stay here. The window is the
 * user-space threshold's (policy_threshold.c): fixed, opened by the first
 * record of a process sent after the last one ended, timed by the records'
 * own timestamps, and every connect record sent moves it, whichever rule
 * wanted the record. The policy compiler decides which rules it serves
 * (policy_port_gate.c); policy_gate[0] holds the window, 0 when none.
 *
 * Part of sensor_net.bpf.c, included once after its maps and constants: a
 * piece of that one CO-RE object, not a shared header.
 */
#ifndef SENSOR_NET_GATE_BPF_H
#define SENSOR_NET_GATE_BPF_H

static __always_inline __u64 gate_window_ns(void)
{
	__u32 zero = 0;
	__u64 *w = bpf_map_lookup_elem(&policy_gate, &zero);

	return w ? *w : 0;
}

/*
 * Notes the connect record of process @tgid to @port at @ts (its header's
 * timestamp) with window @window: true when it is the first to that port
 * in the process's current window (then remembered), false for a repeat.
 */
static __always_inline bool gate_first(__u32 tgid, __u16 port, __u64 ts, __u64 window)
{
	struct gate_port_key k = { .tgid = tgid, .port = port };
	__u64 start, *w, *seen;

	w = bpf_map_lookup_elem(&gate_windows, &tgid);
	if (w && ts >= *w && ts - *w < window) {
		start = *w;
	} else {
		start = ts;
		bpf_map_update_elem(&gate_windows, &tgid, &start, BPF_ANY);
	}
	seen = bpf_map_lookup_elem(&gate_ports, &k);
	if (seen && *seen == start)
		return false;
	bpf_map_update_elem(&gate_ports, &k, &start, BPF_ANY);
	return true;
}

/* A connect's record comes this soon after its SYN, or the gate may judge it anew. */
#define GATE_MARGIN_NS 1000000000ULL

/*
 * At SYN_SENT, for a connect only the gate could want: whether it is a
 * sure repeat, its port already sent in the process's current window with
 * more than GATE_MARGIN_NS of that window left. Its record would be held
 * back at the gate anyway; skipping it here spares a socket owner and the
 * record's checks on every connect a busy client repeats. Only looks: the
 * decision that moves the window stays at the record (gate_passes). A
 * connect whose record would come later than the margin, in a new window,
 * is the one case decided differently: it is not counted there.
 */
static __always_inline bool gate_sure_repeat(__u32 tgid, __u16 port, __u64 now, __u64 window)
{
	struct gate_port_key k = { .tgid = tgid, .port = port };
	__u64 *w = bpf_map_lookup_elem(&gate_windows, &tgid), *seen;

	if (!w || now < *w || now - *w + GATE_MARGIN_NS >= window)
		return false;
	seen = bpf_map_lookup_elem(&gate_ports, &k);
	return seen && *seen == *w;
}

/*
 * Whether a connect record of @tgid to @port at @ts goes: always when some
 * other rule wants it (!@gated), else only as a first in its window.
 * Counts the record it holds back.
 */
static __always_inline bool gate_passes(bool gated, __u32 tgid, __u16 port, __u64 ts)
{
	__u64 window = gate_window_ns();
	bool first = window && gate_first(tgid, port, ts, window);

	if (!gated || first)
		return true;
	vg_count(VG_CNT_FILTERED);
	return false;
}

#endif /* SENSOR_NET_GATE_BPF_H */
