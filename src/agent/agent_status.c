// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "agent/agent_status.h"
#include "event/decode.h"
#include "lib/timefmt.h"
#include "lib/version.h"

void vg_agent_status_init(struct vg_agent_status *st, struct vg_agent *a,
			  struct vg_agent_policy *ap)
{
	memset(st, 0, sizeof(*st));
	st->agent = a;
	st->ap = ap;
	st->start_ns = vg_boot_now_ns();
}

void vg_agent_status_tick(void *arg)
{
	struct vg_agent_status *st = arg;
	struct vg_pipeline_stats ps = { 0 };
	unsigned i;

	if (st->agent->pipe)
		vg_pipeline_get_stats(st->agent->pipe, &ps);
	if (st->n_samples == VG_STATUS_RATE_SAMPLES) {
		for (i = 1; i < VG_STATUS_RATE_SAMPLES; i++) {
			st->sample_ns[i - 1] = st->sample_ns[i];
			st->sample_n[i - 1] = st->sample_n[i];
		}
		st->n_samples--;
	}
	st->sample_ns[st->n_samples] = vg_boot_now_ns();
	st->sample_n[st->n_samples] = ps.received;
	st->n_samples++;
}

static double events_per_second(const struct vg_agent_status *st)
{
	unsigned last = st->n_samples - 1;
	uint64_t ns;

	if (st->n_samples < 2)
		return 0;
	ns = st->sample_ns[last] - st->sample_ns[0];
	return ns ? (double)(st->sample_n[last] - st->sample_n[0]) * 1e9 / (double)ns : 0;
}

static void key_u64(struct vg_json *j, const char *key, uint64_t v)
{
	vg_json_key(j, key);
	vg_json_u64(j, v);
}

static void key_str(struct vg_json *j, const char *key, const char *v)
{
	vg_json_key(j, key);
	vg_json_cstr(j, v);
}

static void write_sensors(struct vg_json *j, struct vg_agent *a)
{
	int i;

	vg_json_key(j, "sensors");
	vg_json_arr_begin(j);
	for (i = 0; i < a->n_sensors; i++) {
		const struct vg_sensor *s = &a->sensors[i];

		vg_json_obj_begin(j);
		key_str(j, "name", s->desc->name);
		key_str(j, "hook", vg_sensor_variant_name(s));
		key_u64(j, "links", (uint64_t)s->n_links);
		key_u64(j, "syscall_hub_handlers", (uint64_t)__builtin_popcount(s->hub_dirs));
		/* Why it is (not) attached: see vg_sensor_desc.on_demand. */
		key_str(j, "attached", vg_sensor_attached(s) ? (s->desc->on_demand ? "the policy reads its events"
									   : "always")
					       : s->unneeded ? "no: no rule needs it" : "no");
		vg_json_obj_end(j);
	}
	vg_json_arr_end(j);
}

static void write_policy(struct vg_json *j, struct vg_agent_status *st)
{
	size_t i;

	vg_json_key(j, "policy");
	vg_json_obj_begin(j);
	key_u64(j, "generation", atomic_load(&st->ap->generation));
	key_u64(j, "rules", atomic_load(&st->ap->n_rules));
	key_u64(j, "reloads_ok", atomic_load(&st->ap->reload.ok));
	key_u64(j, "reloads_failed", atomic_load(&st->ap->reload.failed));
	key_str(j, "stage", vg_policy_state_name(vg_agent_policy_state(st->ap)));
	if (atomic_load(&st->ap->version))
		key_u64(j, "version", atomic_load(&st->ap->version));
	vg_json_key(j, "sources");
	vg_json_arr_begin(j);
	if (!st->ap->opts.no_default_policy)	/* loaded first, under the files */
		vg_json_cstr(j, "built-in default");
	for (i = 0; i < st->n_policy_paths; i++)
		vg_json_cstr(j, st->policy_paths[i]);
	vg_json_arr_end(j);
	vg_json_obj_end(j);
}

static void write_drops(struct vg_json *j, const struct vg_agent_totals *t)
{
	int k;

	vg_json_key(j, "drops");
	vg_json_obj_begin(j);
	key_u64(j, "total", t->lost);
	key_u64(j, "ringbuf_full", t->kernel[VG_CNT_RB_FULL]);
	key_u64(j, "too_large", t->kernel[VG_CNT_TOO_LARGE]);
	key_u64(j, "scratch_busy", t->kernel[VG_CNT_SCRATCH_BUSY]);
	key_u64(j, "queue_full", t->pipe.queue_full);
	key_u64(j, "no_memory", t->pipe.no_memory);
	for (k = 1; k < VG_DEC_MAX; k++) {
		char key[48];

		snprintf(key, sizeof(key), "bad_record_%s", vg_decode_error_name(k));
		key_u64(j, key, t->pipe.decode.bad[k]);
	}
	vg_json_obj_end(j);
}

static void write_alerts(struct vg_json *j, struct vg_agent_status *st)
{
	uint64_t n[VG_ALERT_SEVERITIES];
	unsigned s;

	vg_alert_hour_sum(&st->ap->out.hour, (uint64_t)time(NULL), n);
	vg_json_key(j, "alerts_last_hour");
	vg_json_obj_begin(j);
	for (s = 0; s < VG_ALERT_SEVERITIES; s++)
		key_u64(j, vg_policy_severity_name(s), n[s]);
	vg_json_obj_end(j);
}

static void write_outputs(struct vg_json *j, struct vg_agent_status *st)
{
	uint64_t errors = atomic_load(&st->agent->write_errors);

	vg_json_key(j, "outputs");
	vg_json_arr_begin(j);
	vg_json_obj_begin(j);
	key_str(j, "name", st->agent->opts.json ? "stdout (json)" : "stdout (text)");
	key_str(j, "health", errors ? "failing" : "ok");
	key_u64(j, "write_errors", errors);
	vg_json_obj_end(j);
	if (st->metrics_addr) {
		vg_json_obj_begin(j);
		key_str(j, "name", "metrics");
		key_str(j, "address", st->metrics_addr);
		key_str(j, "health", "ok");
		vg_json_obj_end(j);
	}
	vg_json_arr_end(j);
}

/* The agent's own cost: CPU seconds (user + system) and resident memory. */
static void write_self(struct vg_json *j)
{
	struct rusage ru = { 0 };
	unsigned long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "re");

	if (f) {
		if (fscanf(f, "%lu %lu", &size, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	getrusage(RUSAGE_SELF, &ru);
	key_u64(j, "cpu_ms", (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
				    (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000);
	key_u64(j, "rss_bytes", (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE));
}

void vg_agent_status_json(void *arg, const char *args, struct vg_buf *out)
{
	struct vg_agent_status *st = arg;
	struct vg_proc_cache_stats cache;
	struct vg_agent_totals t;
	struct vg_json j;
	char rate[32];

	(void)args;
	vg_agent_totals(st->agent, &t);
	vg_agent_cache_stats(st->agent, &cache);
	vg_json_init(&j, out);
	vg_json_obj_begin(&j);
	key_str(&j, "version", vg_version);
	key_u64(&j, "pid", (uint64_t)getpid());
	key_u64(&j, "uptime_s", (vg_boot_now_ns() - st->start_ns) / 1000000000ULL);
	write_sensors(&j, st->agent);
	write_policy(&j, st);
	key_u64(&j, "events_received", t.pipe.received);
	snprintf(rate, sizeof(rate), "%.1f", events_per_second(st));
	vg_json_key(&j, "events_per_second");
	vg_json_raw(&j, rate, strlen(rate));
	write_drops(&j, &t);
	key_u64(&j, "filtered_in_kernel", t.kernel[VG_CNT_FILTERED]);
	key_u64(&j, "held_in_storms", t.kernel[VG_CNT_SUPPRESSED]);
	vg_overhead_status_json(&st->agent->overhead, &j);
	write_alerts(&j, st);
	write_outputs(&j, st);
	key_u64(&j, "process_cache_entries", cache.entries);
	write_self(&j);
	vg_json_obj_end(&j);
}
