// SPDX-License-Identifier: GPL-2.0
#include <bpf/bpf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "agent/overhead_budget.h"
#include "event/decode.h"
#include "lib/log.h"
#include "lib/prom.h"
#include "sensors/sensor_file.h"
#include "sensors/sensor_net.h"
#include "sensors/sensor_process.h"
#include "sensors/sensor_shed.h"
#include "sensors/syscall_hub.h"

#define SEC_NS 1000000000ULL
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

void vg_overhead_init(struct vg_overhead *o, double pct)
{
	memset(o, 0, sizeof(*o));
	pthread_mutex_init(&o->lock, NULL);
	o->stats_fd = -1;
	o->budget_pct = pct;
}

void vg_overhead_fini(struct vg_overhead *o)
{
	if (o->stats_fd >= 0)
		close(o->stats_fd);	/* the kernel restores the previous setting */
	o->stats_fd = -1;
	pthread_mutex_destroy(&o->lock);
}

static uint64_t cpu_ns(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * SEC_NS +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000;
}

static uint64_t kernel_ns(struct vg_sensor *sensors, int n)
{
	struct vg_hub_prog_stat hub[2];
	int k = vg_hub_prog_stats(hub, 2);
	uint64_t sum = 0;
	int i;

	for (i = 0; i < n; i++)
		sum += vg_sensor_run_time_ns(&sensors[i]);
	while (k-- > 0)
		sum += hub[k].run_time_ns;	/* the handlers it tail-called included */
	return sum;
}

/* What the sensors' hooks counted so far: records sent, filtered and held. */
static uint64_t hook_events(struct vg_sensor *sensors, int n)
{
	uint64_t sum = 0;
	__u64 c[VG_CNT_MAX];
	int i;

	for (i = 0; i < n; i++)
		if (!vg_sensor_counters(&sensors[i], c))
			sum += c[VG_CNT_EVENTS] + c[VG_CNT_FILTERED] + c[VG_CNT_SUPPRESSED];
	return sum;
}

/*
 * Whether a sample is worth taking: each one turns a static key on and off
 * (the kernel patches code, with an interrupt to every CPU), half of an idle
 * agent's CPU. Below VG_SAMPLE_MIN_EVENTS hook events a second the programs
 * do nothing the budget could shed: their share counts as none.
 */
static bool hooks_busy(struct vg_overhead *o, struct vg_sensor *sensors, int n, uint64_t now_ns)
{
	uint64_t ev = hook_events(sensors, n), since = now_ns - o->events_ns;
	bool busy = !o->events_ns ||
		    (ev - o->events) * SEC_NS >= (uint64_t)VG_SAMPLE_MIN_EVENTS * since;

	o->events = ev;
	o->events_ns = now_ns;
	return busy;
}

/*
 * One bpf_stats sample: on at a period's start, off VG_SAMPLE_MS later
 * (or at the first tick after), the run time in between giving the
 * kernel's share until the next sample. The worker's ticks come at least
 * every 200 ms, so a sample lasts 200-400 ms: 10-20% of the time, the
 * clock reads of the other 80-90% spared on every program run of the host.
 */
static void sample_step(struct vg_overhead *o, struct vg_sensor *sensors, int n, uint64_t now_ns)
{
	uint64_t k;

	if (o->stats_fd >= 0) {
		if (now_ns - o->sample_ns < VG_SAMPLE_MS * 1000000ULL)
			return;
		k = kernel_ns(sensors, n);
		close(o->stats_fd);	/* the kernel restores the previous setting */
		o->stats_fd = -1;
		pthread_mutex_lock(&o->lock);
		o->kernel_pct = 100.0 * (double)(k - o->sample_kernel_ns) /
				(double)(now_ns - o->sample_ns);
		o->samples++;
		pthread_mutex_unlock(&o->lock);
		o->next_sample_ns = o->sample_ns + VG_SAMPLE_EVERY_MS * 1000000ULL;
		return;
	}
	if (o->stats_refused || now_ns < o->next_sample_ns)
		return;
	if (!hooks_busy(o, sensors, n, now_ns)) {
		pthread_mutex_lock(&o->lock);
		o->kernel_pct = 0;
		o->samples_skipped++;
		pthread_mutex_unlock(&o->lock);
		o->next_sample_ns = now_ns + VG_SAMPLE_EVERY_MS * 1000000ULL;
		return;
	}
	o->stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (o->stats_fd < 0) {
		o->stats_refused = true;
		vg_warn("--max-overhead: cannot turn on kernel.bpf_stats_enabled (%s): "
			"only the agent's own CPU time counts", strerror(errno));
		return;
	}
	o->sample_ns = now_ns;
	o->sample_kernel_ns = kernel_ns(sensors, n);
}

static const char *type_name(uint16_t t)
{
	const struct vg_record_desc *d = vg_record_desc(t);

	return d ? d->kind : "?";
}

/* Sheds (or restores) every type of @tier; o->lock held. */
static void set_tier(struct vg_overhead *o, struct vg_sensor *sensors, int n, int tier, bool shed,
		     char *names, size_t size)
{
	size_t off = 0;
	uint16_t t;
	int i;

	names[0] = '\0';
	for (t = 1; t < VG_EV_TYPE_MAX; t++) {
		if (o->tier[t] != tier || o->shed[t] == shed)
			continue;
		o->shed[t] = shed;
		for (i = 0; i < n; i++)
			vg_sensor_set_shed(&sensors[i], t, shed);	/* -ENOENT: not its type */
		if (off < size)
			off += snprintf(names + off, size - off, "%s%s", off ? "," : "", type_name(t));
	}
}

/* Each sensor's filter entries of the tier: file paths, net ports, addresses and names, executables. */
static void shed_entries(struct vg_sensor *sensors, int n, int level, char *names, size_t size)
{
	static const struct {
		const char *sensor;
		int (*shed)(struct vg_sensor *s, int level, char *names, size_t size);
	} by[] = {
		{ "file", vg_file_shed_entries },
		{ "net", vg_net_shed_entries },
		{ "process", vg_process_shed_entries },
	};
	size_t k;
	int i, err;

	for (i = 0; i < n; i++) {
		if (!sensors[i].desc || !sensors[i].obj)
			continue;
		for (k = 0; k < sizeof(by) / sizeof(by[0]); k++) {
			if (strcmp(sensors[i].desc->name, by[k].sensor))
				continue;
			err = by[k].shed(&sensors[i], level, names, size);
			if (err < 0)
				vg_warn("overhead: cannot shed the %s filter's entries: %s",
					by[k].sensor, strerror(-err));
		}
	}
}

static void transition(struct vg_overhead *o, struct vg_sensor *sensors, int n, bool shed,
		       struct vg_overhead_change *chg)
{
	char *names = chg->classes;
	int tier = shed ? o->shed_tiers + 1 : o->shed_tiers;

	set_tier(o, sensors, n, tier, shed, names, sizeof(chg->classes));
	shed_entries(sensors, n, shed ? tier : tier - 1, names, sizeof(chg->classes));
	chg->shed = shed;
	chg->tier = tier;
	chg->pct = o->pct;
	chg->budget_pct = o->budget_pct;
	o->shed_tiers += shed ? 1 : -1;
	if (shed) {
		o->sheds++;
		vg_warn("overhead: %.1f%% of one CPU, over the %.1f%% budget for %u s: shedding "
			"tier %d in the kernel (%s)", o->pct, o->budget_pct, o->over, tier,
			names[0] ? names : "no record type");
	} else {
		o->restores++;
		vg_warn("overhead: %.1f%% of one CPU, under %d%% of the %.1f%% budget for %u s: "
			"restored tier %d (%s)", o->pct, VG_RESTORE_PCT, o->budget_pct, o->under, tier,
			names[0] ? names : "no record type");
	}
	o->over = o->under = 0;
}

bool vg_overhead_tick(struct vg_overhead *o, struct vg_sensor *sensors, int n, uint64_t now_ns,
		      struct vg_overhead_change *chg)
{
	bool changed = false;
	uint64_t c;

	if (o->budget_pct <= 0)
		return false;
	sample_step(o, sensors, n, now_ns);
	if (now_ns - o->last_ns < SEC_NS)
		return false;
	c = cpu_ns();
	pthread_mutex_lock(&o->lock);
	if (o->last_ns) {
		o->pct = 100.0 * (double)(c - o->last_cpu_ns) / (double)(now_ns - o->last_ns) +
			 o->kernel_pct;
		o->over = o->pct > o->budget_pct ? o->over + 1 : 0;
		o->under = o->pct < o->budget_pct * VG_RESTORE_PCT / 100 ? o->under + 1 : 0;
		changed = (o->over >= VG_SHED_AFTER_S && o->shed_tiers < 2) ||
			  (o->under >= VG_RESTORE_AFTER_S && o->shed_tiers > 0);
		if (changed)
			transition(o, sensors, n, o->over >= VG_SHED_AFTER_S, chg);
	}
	o->last_ns = now_ns;
	o->last_cpu_ns = c;
	pthread_mutex_unlock(&o->lock);
	return changed;
}

void vg_overhead_set_tiers(struct vg_overhead *o, const uint8_t tier[VG_EV_TYPE_MAX],
			   struct vg_sensor *sensors, int n)
{
	uint16_t t;
	int i;

	pthread_mutex_lock(&o->lock);
	memcpy(o->tier, tier, VG_EV_TYPE_MAX);
	/* A type the new policy needs for a high rule is never left shed. */
	for (t = 1; t < VG_EV_TYPE_MAX; t++) {
		bool shed = o->tier[t] && o->tier[t] <= o->shed_tiers;

		if (shed == o->shed[t])
			continue;
		o->shed[t] = shed;
		for (i = 0; i < n; i++)
			vg_sensor_set_shed(&sensors[i], t, shed);
	}
	pthread_mutex_unlock(&o->lock);
}

void vg_overhead_metrics(struct vg_overhead *o, struct vg_buf *out)
{
	uint16_t t;

	pthread_mutex_lock(&o->lock);
	vg_prom_family(out, "vigil_overhead_budget_percent", "gauge",
		       "The overhead budget, percent of one CPU (--max-overhead; 0: off).");
	vg_buf_printf(out, "vigil_overhead_budget_percent %.2f\n", o->budget_pct);
	vg_prom_family(out, "vigil_overhead_percent", "gauge",
		       "The last second's overhead: the agent's CPU time plus its BPF programs' "
		       "run time, percent of one CPU.");
	vg_buf_printf(out, "vigil_overhead_percent %.2f\n", o->pct);
	vg_prom_family(out, "vigil_overhead_kernel_percent", "gauge",
		       "Of that, the BPF programs' run time in the last bpf_stats sample.");
	vg_buf_printf(out, "vigil_overhead_kernel_percent %.2f\n", o->kernel_pct);
	vg_prom_family(out, "vigil_overhead_samples_total", "counter",
		       "bpf_stats samples taken (on for 200 ms every 2 s, not held on).");
	vg_buf_printf(out, "vigil_overhead_samples_total %" PRIu64 "\n", o->samples);
	vg_prom_family(out, "vigil_overhead_samples_skipped_total", "counter",
		       "Samples not taken: the hooks counted under " STRINGIFY(VG_SAMPLE_MIN_EVENTS)
		       " events/s, nothing to shed (each sample patches kernel code on every CPU).");
	vg_buf_printf(out, "vigil_overhead_samples_skipped_total %" PRIu64 "\n",
		      o->samples_skipped);
	vg_prom_family(out, "vigil_shed_active", "gauge",
		       "1 while the overhead budget sheds this record type in the kernel.");
	for (t = 1; t < VG_EV_TYPE_MAX; t++) {
		struct vg_prom_label l[] = { { "class", type_name(t) } };

		if (o->tier[t])
			vg_prom_sample(out, "vigil_shed_active", l, 1, o->shed[t]);
	}
	vg_prom_family(out, "vigil_shed_transitions_total", "counter",
		       "Times the overhead budget shed or restored a tier of record types.");
	vg_prom_sample(out, "vigil_shed_transitions_total",
		       (struct vg_prom_label[]){ { "direction", "shed" } }, 1, o->sheds);
	vg_prom_sample(out, "vigil_shed_transitions_total",
		       (struct vg_prom_label[]){ { "direction", "restore" } }, 1, o->restores);
	pthread_mutex_unlock(&o->lock);
}

static void json_pct(struct vg_json *j, const char *key, double v)
{
	char buf[32];

	vg_json_key(j, key);
	vg_json_raw(j, buf, (size_t)snprintf(buf, sizeof(buf), "%.2f", v));
}

void vg_overhead_status_json(struct vg_overhead *o, struct vg_json *j)
{
	uint16_t t;

	pthread_mutex_lock(&o->lock);
	vg_json_key(j, "overhead");
	vg_json_obj_begin(j);
	json_pct(j, "budget_percent", o->budget_pct);
	json_pct(j, "percent", o->pct);
	json_pct(j, "kernel_percent", o->kernel_pct);
	vg_json_key(j, "shed_tiers");
	vg_json_u64(j, (uint64_t)o->shed_tiers);
	vg_json_key(j, "shed");
	vg_json_arr_begin(j);
	for (t = 1; t < VG_EV_TYPE_MAX; t++)
		if (o->shed[t])
			vg_json_cstr(j, type_name(t));
	vg_json_arr_end(j);
	vg_json_obj_end(j);
	pthread_mutex_unlock(&o->lock);
}
