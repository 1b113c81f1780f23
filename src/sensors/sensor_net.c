// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <mntent.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "lib/log.h"
#include "sensors/sensor_net.h"
#include "sensors/sensor_skel.h"
#include "sensor_net.skel.h"

static const char *const tp_btf_storage_progs[] = { "tp_btf_state_ls", "tp_btf_exec",
						     "tp_btf_reset_ls", "net_btf_exit_ls", NULL };
static const char *const tp_btf_progs[] = { "tp_btf_state", "tp_btf_exec", "tp_btf_reset",
					     "net_btf_enter", "net_btf_exit", NULL };
static const char *const raw_tp_progs[] = { "raw_tp_state", "raw_tp_exec", "raw_tp_reset",
					     "net_raw_enter", "net_raw_exit", NULL };

/*
 * tp_btf_storage keeps connects' owners on their sockets and needs no
 * sys_enter (socket- and task-local storage); tp_btf is the same without.
 */
static const struct vg_variant variants[] = {
	{ "tp_btf_storage", tp_btf_storage_progs },
	{ "tp_btf", tp_btf_progs },
	{ "raw_tracepoint", raw_tp_progs },
};

const struct vg_net_cfg vg_net_cfg_default = { .flow_report_ms = VG_NET_FLOW_REPORT_MS };

/*
 * Under a policy the deny programs wait for the first policy with an enforced
 * deny rule (vg_net_want_deny): on the cgroup root they run on every connect
 * and sendmsg of the host, 1.28-1.73x the cost of a loopback connect.
 */
static const struct vg_net_cfg run_cfg = {
	.flow_report_ms = VG_NET_FLOW_REPORT_MS,
};

/* The deny programs: wanted by a policy, attached (until the sensor detaches). */
static struct {
	bool wanted, attached;
} deny_state;

/*
 * The UDP flow reporter: a thread that runs the (unattached) flow_flush
 * program every interval. One per process: there is one net sensor.
 */
static struct {
	pthread_t thread;
	bool running;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
	int prog_fd;
	uint32_t interval_ms;
	void *skel;
} flusher = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static void flush_flows(void)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	if (bpf_prog_test_run_opts(flusher.prog_fd, &opts) < 0)
		vg_debug("net: flow flush failed: %s", strerror(errno));
}

static void *flusher_main(void *arg)
{
	struct timespec ts;

	(void)arg;
	pthread_mutex_lock(&flusher.lock);
	while (!flusher.stop) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += flusher.interval_ms / 1000;
		ts.tv_nsec += (long)(flusher.interval_ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&flusher.cond, &flusher.lock, &ts);
		if (flusher.stop)
			break;
		pthread_mutex_unlock(&flusher.lock);
		flush_flows();
		pthread_mutex_lock(&flusher.lock);
	}
	pthread_mutex_unlock(&flusher.lock);
	return NULL;
}

static void flusher_stop(void)
{
	if (!flusher.running)
		return;
	pthread_mutex_lock(&flusher.lock);
	flusher.stop = true;
	pthread_cond_signal(&flusher.cond);
	pthread_mutex_unlock(&flusher.lock);
	pthread_join(flusher.thread, NULL);
	flusher.running = false;
	flusher.stop = false;
}

VG_SENSOR_SKEL(sensor_net_bpf);

/* The reporter reads the object: it stops first. */
static void destroy_skel(void *skel)
{
	if (flusher.running && flusher.skel == skel)
		flusher_stop();
	sensor_net_bpf_destroy(skel);
}

static int configure(void *skel, const void *cfgp)
{
	const struct vg_net_cfg *cfg = cfgp;
	struct sensor_net_bpf *s = skel;
	bool storage = bpf_program__autoload(s->progs.tp_btf_state_ls);
	int i, err;

	/* Local-storage maps only where they are used: elsewhere they may be refused. */
	if (bpf_map__set_autocreate(s->maps.sk_owners, storage) ||
	    bpf_map__set_autocreate(s->maps.syn_marks, storage) ||
	    bpf_map__set_autocreate(s->maps.calls, !storage))
		return -EINVAL;
	if (!cfg)
		return 0;
	err = vg_task_filter_configure(s->obj, &cfg->task);
	if (err)
		return err;
	if (cfg->n_ports < 0 || cfg->n_ports > VG_NET_MAX_PORTS ||
	    cfg->n_cidrs < 0 || cfg->n_cidrs > VG_NET_MAX_CIDRS ||
	    cfg->n_deny < 0 || cfg->n_deny > VG_NET_MAX_DENY) {
		vg_err("net: too many ports, CIDRs or deny rules");
		return -EINVAL;
	}
	s->rodata->n_filter_ports = cfg->n_ports;
	for (i = 0; i < cfg->n_ports; i++)
		s->rodata->filter_ports[i] = cfg->ports[i];
	s->rodata->filter_cidr_on = cfg->n_cidrs > 0;
	return 0;
}

static void deny_key(const struct vg_net_deny_rule *r, struct vg_net_deny_key *k)
{
	memset(k, 0, sizeof(*k));
	k->prefixlen = 32 + vg_net_prefix_to_v6(&r->prefix, k->addr);
	k->protocol = r->protocol;
	k->port = htons(r->port);
}

/* Whether the syscall exits check for callers a kill rule denied. */
static int set_kill_armed(struct vg_sensor *s, __u32 on)
{
	struct bpf_map *map = bpf_object__find_map_by_name(s->obj, "kill_armed");
	__u32 zero = 0;

	if (!map)
		return -ENOENT;
	return bpf_map_update_elem(bpf_map__fd(map), &zero, &on, BPF_ANY) < 0 ? -errno : 0;
}

int vg_net_deny_add(struct vg_sensor *s, const struct vg_net_deny_rule *r, uint32_t rule_id)
{
	struct bpf_map *map = bpf_object__find_map_by_name(s->obj, "deny_rules");
	struct vg_net_deny_key k;
	struct vg_net_deny_val v = { .rule_id = rule_id };

	if (!map)
		return -ENOENT;
	deny_key(r, &k);
	if (r->comm[0]) {
		v.comm_on = 1;
		memcpy(v.comm, r->comm, sizeof(v.comm));
	}
	v.kill = r->kill;
	if (bpf_map_update_elem(bpf_map__fd(map), &k, &v, BPF_ANY) < 0)
		return -errno;
	return r->kill ? set_kill_armed(s, 1) : 0;
}

int vg_net_deny_clear(struct vg_sensor *s)
{
	struct bpf_map *map = bpf_object__find_map_by_name(s->obj, "deny_rules");
	struct vg_net_deny_key k, next;
	int fd;

	if (!map)
		return -ENOENT;
	fd = bpf_map__fd(map);
	while (bpf_map_get_next_key(fd, NULL, &next) == 0) {
		k = next;
		if (bpf_map_delete_elem(fd, &k) < 0)
			return -errno;
	}
	/* A caller denied just before keeps its pending kill: the exits still look. */
	return 0;
}

static int clear_trie(int fd)
{
	struct vg_net_cidr_key k, next;

	while (bpf_map_get_next_key(fd, NULL, &next) == 0) {
		k = next;
		if (bpf_map_delete_elem(fd, &k) < 0)
			return -errno;
	}
	return 0;
}

static int put_ports(int fd, __u32 set, const uint16_t *ports, size_t n)
{
	struct vg_net_port_set *bits = calloc(1, sizeof(*bits));
	size_t i;
	int err = 0;

	if (!bits)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		bits->bits[ports[i] >> 3] |= 1u << (ports[i] & 7);
	if (bpf_map_update_elem(fd, &set, bits, BPF_ANY) < 0)
		err = -errno;
	free(bits);
	return err;
}

bool vg_net_name_fits(const char *name, bool prefix)
{
	struct vg_net_name_key k;
	size_t len = strlen(name);

	/* An exact name needs its NUL and must not fill the key: a name read
	 * into all of it may be longer, and is then matched on prefixes only. */
	return len && (prefix ? len < sizeof(k.name) : len + 1 < sizeof(k.name));
}

static int put_name(int fd, const char *name, bool prefix)
{
	struct vg_net_name_key k;
	size_t len = strlen(name);
	__u8 one = 1;

	if (!vg_net_name_fits(name, prefix))
		return -E2BIG;
	memset(&k, 0, sizeof(k));
	memcpy(k.name, name, len);
	k.prefixlen = (prefix ? len : len + 1) * 8;
	return bpf_map_update_elem(fd, &k, &one, BPF_ANY) < 0 ? -errno : 0;
}

static int clear_names(int fd)
{
	struct vg_net_name_key k, next;

	while (bpf_map_get_next_key(fd, NULL, &next) == 0) {
		k = next;
		if (bpf_map_delete_elem(fd, &k) < 0)
			return -errno;
	}
	return 0;
}

/* The name set and the gate's window; the names' dim bit into *@dims. */
static int put_names_and_gate(struct vg_sensor *s, const struct vg_net_policy_filter *f,
			      __u32 *dims)
{
	struct bpf_map *names = bpf_object__find_map_by_name(s->obj, "policy_names");
	struct bpf_map *gate = bpf_object__find_map_by_name(s->obj, "policy_gate");
	__u64 window = f ? f->port_gate_ns : 0;
	__u32 zero = 0;
	size_t i;
	int err;

	if (!names || !gate)
		return -ENOENT;
	if (bpf_map_update_elem(bpf_map__fd(gate), &zero, &window, BPF_ANY) < 0)
		return -errno;
	err = clear_names(bpf_map__fd(names));
	if (err || !f || !f->names_on)
		return err;
	for (i = 0; !err && i < f->n_names; i++)
		err = put_name(bpf_map__fd(names), f->names[i], false);
	for (i = 0; !err && i < f->n_name_prefixes; i++)
		err = put_name(bpf_map__fd(names), f->name_prefixes[i], true);
	if (!err)
		*dims |= VG_NET_PF_EXE_NAME;
	return err;
}

int vg_net_policy_filter_set(struct vg_sensor *s, const struct vg_net_policy_filter *f)
{
	struct bpf_map *dims_map = bpf_object__find_map_by_name(s->obj, "policy_dims");
	struct bpf_map *ports_map = bpf_object__find_map_by_name(s->obj, "policy_ports");
	struct bpf_map *cidrs_map = bpf_object__find_map_by_name(s->obj, "policy_cidrs");
	__u32 zero = 0, dims = 0, gen_key = 1, gen = 0;
	int cidrs_fd, err;
	size_t i;

	if (!dims_map || !ports_map || !cidrs_map)
		return -ENOENT;
	/* Off first: while the sets change, everything passes. */
	if (bpf_map_update_elem(bpf_map__fd(dims_map), &zero, &dims, BPF_ANY) < 0)
		return -errno;
	cidrs_fd = bpf_map__fd(cidrs_map);
	err = clear_trie(cidrs_fd);
	if (!err)
		err = put_names_and_gate(s, f, &dims);
	if (err || !f)
		return err;
	if (f->peer_cidrs_on && f->n_peer_cidrs > VG_NET_PF_MAX_CIDRS)
		return -E2BIG;
	if (f->peer_ports_on) {
		err = put_ports(bpf_map__fd(ports_map), VG_NET_PF_SET_PEER, f->peer_ports,
				f->n_peer_ports);
		if (err)
			return err;
		dims |= VG_NET_PF_PEER_PORT;
	}
	if (f->local_ports_on) {
		err = put_ports(bpf_map__fd(ports_map), VG_NET_PF_SET_LOCAL, f->local_ports,
				f->n_local_ports);
		if (err)
			return err;
		dims |= VG_NET_PF_LOCAL_PORT;
	}
	if (f->peer_cidrs_on) {
		for (i = 0; i < f->n_peer_cidrs; i++) {
			struct vg_net_cidr_key k;
			__u8 one = 1;

			k.prefixlen = vg_net_prefix_to_v6(&f->peer_cidrs[i], k.addr);
			if (bpf_map_update_elem(cidrs_fd, &k, &one, BPF_ANY) < 0)
				return -errno;
		}
		dims |= VG_NET_PF_PEER_CIDR;
	}
	/* New sets, new generation: the kernel's per-process name verdicts are judged anew. */
	if (bpf_map_lookup_elem(bpf_map__fd(dims_map), &gen_key, &gen) < 0)
		return -errno;
	gen++;
	if (bpf_map_update_elem(bpf_map__fd(dims_map), &gen_key, &gen, BPF_ANY) < 0 ||
	    bpf_map_update_elem(bpf_map__fd(dims_map), &zero, &dims, BPF_ANY) < 0)
		return -errno;
	return 0;
}

int vg_net_find_cgroup2(const char *mounts, char *buf, size_t n)
{
	struct mntent *m;
	FILE *f = setmntent(mounts, "r");
	int err = -ENOENT;

	if (!f)
		return -errno;
	while ((m = getmntent(f))) {
		if (!strcmp(m->mnt_type, "cgroup2")) {
			if (snprintf(buf, n, "%s", m->mnt_dir) >= (int)n) {
				err = -ENAMETOOLONG;
				break;
			}
			err = 0;
			break;
		}
	}
	endmntent(f);
	return err;
}

static int post_load(struct vg_sensor *s, const void *cfgp)
{
	const struct vg_net_cfg *cfg = cfgp;
	struct bpf_map *map;
	int i, err;

	if (!cfg)
		return 0;
	err = vg_task_filter_post_load(s->obj, &cfg->task);
	if (err)
		return err;
	map = bpf_object__find_map_by_name(s->obj, "filter_cidrs");
	for (i = 0; map && i < cfg->n_cidrs; i++) {
		struct vg_net_cidr_key k;
		__u8 one = 1;

		k.prefixlen = vg_net_prefix_to_v6(&cfg->cidrs[i], k.addr);
		if (bpf_map_update_elem(bpf_map__fd(map), &k, &one, BPF_ANY) < 0) {
			err = -errno;
			vg_err("net: cannot set CIDR filter %d: %s", i, strerror(errno));
			return err;
		}
	}
	for (i = 0; i < cfg->n_deny; i++) {
		err = vg_net_deny_add(s, &cfg->deny[i], i + 1);
		if (err) {
			vg_err("net: cannot add deny rule %d: %s", i + 1, strerror(-err));
			return err;
		}
	}
	return 0;
}

/* The deny_* programs, on the cgroup v2 root (every process of the host). */
static int attach_deny(struct vg_sensor *s, const struct vg_net_cfg *cfg)
{
	struct bpf_program *prog;
	char root[4096];
	int cg_fd, err = 0;

	if (cfg->cgroup_root)
		snprintf(root, sizeof(root), "%s", cfg->cgroup_root);
	else if ((err = vg_net_find_cgroup2("/proc/mounts", root, sizeof(root)))) {
		vg_err("net: no cgroup v2 mount for the deny programs: %s", strerror(-err));
		return err;
	}
	cg_fd = open(root, O_RDONLY | O_DIRECTORY);
	if (cg_fd < 0) {
		err = -errno;
		vg_err("net: cannot open cgroup %s: %s", root, strerror(errno));
		return err;
	}
	bpf_object__for_each_program(prog, s->obj) {
		const char *name = bpf_program__name(prog);
		struct bpf_link *link;

		if (!bpf_program__autoload(prog) || strncmp(name, "deny_", 5))
			continue;
		link = bpf_program__attach_cgroup(prog, cg_fd);
		if (!link) {
			err = -errno;
			vg_err("net: cannot attach program '%s': %s", name, strerror(-err));
			break;
		}
		err = vg_sensor_add_link(s, link);
		if (err)
			break;
	}
	close(cg_fd);
	deny_state.attached = !err;
	return err;
}

int vg_net_want_deny(struct vg_sensor *s)
{
	const struct vg_net_cfg *cfg = s->cfg ? s->cfg : &vg_net_cfg_default;

	deny_state.wanted = true;
	if (!vg_sensor_attached(s) || deny_state.attached)
		return 0;	/* attach() will, or did */
	return attach_deny(s, cfg);
}

static int attach(struct vg_sensor *s, const void *cfgp)
{
	const struct vg_net_cfg *cfg = cfgp ? cfgp : &vg_net_cfg_default;
	bool deny = cfg->n_deny > 0 || cfg->deny_attach || deny_state.wanted;
	struct bpf_program *prog;
	int err = 0;

	bpf_object__for_each_program(prog, s->obj) {
		const char *name = bpf_program__name(prog);

		if (!bpf_program__autoload(prog) || !strcmp(name, "flow_flush") ||
		    !strncmp(name, "deny_", 5))
			continue;
		err = vg_sensor_attach_prog(s, prog);
		if (err)
			return err;
	}
	if (deny) {
		err = attach_deny(s, cfg);
		if (err)
			return err;
	}
	flusher.prog_fd = bpf_program__fd(((struct sensor_net_bpf *)s->skel)->progs.flow_flush);
	flusher.interval_ms = cfg->flow_report_ms ? cfg->flow_report_ms : VG_NET_FLOW_REPORT_MS;
	flusher.skel = s->skel;
	flusher.stop = false;
	{
		/* Signals belong to the agent's main thread (sigwait), never to this one. */
		sigset_t all, old;

		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		err = -pthread_create(&flusher.thread, NULL, flusher_main, NULL);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	if (err) {
		vg_err("net: cannot start the flow reporter: %s", strerror(-err));
		return err;
	}
	flusher.running = true;
	return 0;
}

/* At shutdown: stop the reporter and report every flow's final counts once. */
static void before_detach(struct vg_sensor *s)
{
	deny_state.attached = false;
	if (!flusher.running || flusher.skel != s->skel)
		return;
	flusher_stop();
	flush_flows();
}

const struct vg_sensor_desc vg_net_sensor = {
	.name = "net",
	.on_demand = true,
	.policy_sensor = VG_SENSOR_NETWORK,
	.hub_slot = VG_HUB_NET,
	.hub_nr_table = "net_nr_call",
	.hub_nr_enter_table = "net_nr_enter",
	.run_cfg = &run_cfg,
	VG_SENSOR_VARIANTS(variants),
	.open = sensor_net_bpf_open,
	.object = sensor_net_bpf_object,
	.load = sensor_net_bpf_load,
	.destroy = destroy_skel,
	.configure = configure,
	.post_load = post_load,
	.attach = attach,
	.before_detach = before_detach,
	.apply_policy = vg_net_apply_policy,
};
