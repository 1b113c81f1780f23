/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network sensor: TCP connect/accept/listen/close, UDP flows, DNS, shells on
 * sockets, and the in-kernel connect/sendmsg deny (cgroup v2 root).
 *
 * struct vg_net_cfg is the whole configuration; the policy engine drives the
 * deny set at run time with vg_net_deny_add/vg_net_deny_clear, and its
 * pre-filter with vg_net_policy_filter_set.
 */
#ifndef VIGIL_SENSOR_NET_H
#define VIGIL_SENSOR_NET_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/net_addr.h"
#include "sensors/sensor.h"
#include "sensors/task_filter.h"

#define VG_NET_MAX_CIDRS 64
#define VG_NET_MAX_DENY 256
#define VG_NET_FLOW_REPORT_MS 1000	/* default UDP flow count interval */

struct vg_net_cfg {
	struct vg_task_filter task;	/* --pid/--uid/--comm/--cgroup */
	uint16_t ports[VG_NET_MAX_PORTS];	/* local or remote port; none: any */
	int n_ports;
	struct vg_net_prefix cidrs[VG_NET_MAX_CIDRS];	/* remote address; none: any */
	int n_cidrs;
	struct vg_net_deny_rule deny[VG_NET_MAX_DENY];	/* initial deny set */
	int n_deny;
	bool deny_attach;		/* attach the deny programs even with no rule */
	const char *cgroup_root;	/* NULL: the cgroup2 mount from /proc/mounts */
	uint32_t flow_report_ms;	/* 0: VG_NET_FLOW_REPORT_MS */
};

extern const struct vg_net_cfg vg_net_cfg_default;
extern const struct vg_sensor_desc vg_net_sensor;

/*
 * A policy enforces a deny rule: attach the deny programs now (or with the
 * sensor, if it is not attached yet). They stay attached until the sensor
 * detaches.
 */
int vg_net_want_deny(struct vg_sensor *s);

/*
 * The overhead budget's shed tier @level (0: none) for the pre-filter's
 * entries (ports, addresses, executable names): those whose most severe
 * rule the tier covers leave the kernel's sets. The entries that changed
 * are appended to @names ("net-port:22", comma-separated). Returns how
 * many changed, or <0.
 */
int vg_net_shed_entries(struct vg_sensor *s, int level, char *names, size_t size);
/* The sensor's share of a compiled policy (its descriptor's apply_policy). */
int vg_net_apply_policy(struct vg_sensor *s, const struct vg_kernel_spec *spec,
			struct vg_rule_set *decided);

/* Adds one deny rule to a loaded net sensor (takes effect at once). */
int vg_net_deny_add(struct vg_sensor *s, const struct vg_net_deny_rule *r, uint32_t rule_id);
/* Removes every deny rule. */
int vg_net_deny_clear(struct vg_sensor *s);
/*
 * The policy's pre-filter (vigil run without --events): a connection, UDP
 * flow or shell record leaves the kernel only if its tuple is in every set
 * turned on, and a connection record only if its process's executable
 * name is in the name set when there is one, or the distinct-port gate
 * lets its connect through. DNS and deny records always leave.
 */
struct vg_net_policy_filter {
	bool peer_ports_on;		/* destination.port */
	const uint16_t *peer_ports;
	size_t n_peer_ports;
	bool local_ports_on;		/* source.port */
	const uint16_t *local_ports;
	size_t n_local_ports;
	bool peer_cidrs_on;		/* destination.address */
	const struct vg_net_prefix *peer_cidrs;
	size_t n_peer_cidrs;		/* at most VG_NET_PF_MAX_CIDRS */
	/* process.executable.name (shell records excepted): exact names and prefixes */
	bool names_on;
	const char *const *names;
	size_t n_names;
	const char *const *name_prefixes;
	size_t n_name_prefixes;
	/* The distinct-port gate's window in ns (sensor_net_gate.bpf.h); 0: off. */
	uint64_t port_gate_ns;
};

/* Whether an exact name (@prefix false) or a name prefix fits the kernel's name trie. */
bool vg_net_name_fits(const char *name, bool prefix);

/*
 * Replaces the pre-filter of a loaded net sensor; NULL turns it off. It is
 * off while it changes (everything passes), never narrower than either
 * filter. Returns 0, -E2BIG (too many CIDRs: nothing changed but the
 * filter is off) or another negative errno.
 */
int vg_net_policy_filter_set(struct vg_sensor *s, const struct vg_net_policy_filter *f);
/* The cgroup v2 mount point (from @mounts, e.g. "/proc/mounts"). */
int vg_net_find_cgroup2(const char *mounts, char *buf, size_t n);

#endif
