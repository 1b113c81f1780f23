// SPDX-License-Identifier: GPL-2.0
#include <stdatomic.h>
#include <stdio.h>
#include "event/decode.h"
#include "agent/metrics_agent.h"
#include "lib/prom.h"

/* The sensors' kernel counters: one family each, a sample per sensor. */
static const struct {
	const char *name, *help;
	int counter;
} sensor_families[] = {
	{ "vigil_sensor_events_total", "Records the sensor's hooks sent to user space.",
	  VG_CNT_EVENTS },
	{ "vigil_sensor_filtered_total",
	  "Events the in-kernel pre-filter kept from crossing to user space.", VG_CNT_FILTERED },
	{ "vigil_sensor_truncated_total",
	  "Records with a string cut at its bound (flagged in the record).", VG_CNT_TRUNCATED },
	{ "vigil_sensor_read_failures_total", "Kernel or user memory reads that failed in a hook.",
	  VG_CNT_READ_FAIL },
	{ "vigil_sensor_map_full_total", "Entries a full kernel table could not keep.",
	  VG_CNT_MAP_FULL },
	{ "vigil_sensor_kills_total", "SIGKILLs sent from the sensor's hooks.", VG_CNT_KILLED },
	{ "vigil_sensor_signal_failures_total", "bpf_send_signal calls that failed.",
	  VG_CNT_SIGNAL_FAIL },
	{ "vigil_sensor_storm_held_total",
	  "Events storm aggregation held in the kernel and counted into aggregate records.",
	  VG_CNT_SUPPRESSED },
	{ "vigil_sensor_shed_total",
	  "Events dropped at the hook while the overhead budget shed their type (also "
	  "counted as filtered).", VG_CNT_SHED },
};

static void lost_sample(struct vg_buf *out, const char *reason, uint64_t n)
{
	struct vg_prom_label l[] = { { "reason", reason } };

	vg_prom_sample(out, "vigil_events_lost_total", l, 1, n);
}

void vg_agent_metrics(struct vg_agent *a, struct vg_buf *out)
{
	__u64 c[VG_AGENT_MAX_SENSORS][VG_CNT_MAX];
	bool ok[VG_AGENT_MAX_SENSORS];
	struct vg_proc_cache_stats cache;
	struct vg_provenance_stats prov;
	struct vg_containers_stats ctr;
	struct vg_agent_totals t;
	int i, k;

	vg_agent_totals(a, &t);
	for (i = 0; i < a->n_sensors; i++)
		ok[i] = vg_sensor_counters(&a->sensors[i], c[i]) == 0;

	vg_prom_family(out, "vigil_sensor_info", "gauge",
		       "The hook each sensor uses on this kernel (value 1).");
	for (i = 0; i < a->n_sensors; i++) {
		const struct vg_sensor *s = &a->sensors[i];
		struct vg_prom_label l[] = {
			{ "sensor", s->desc->name },
			{ "hook", s->variant >= 0 ? s->desc->variants[s->variant].name : "none" },
		};

		vg_prom_sample(out, "vigil_sensor_info", l, 2, 1);
	}
	for (k = 0; k < (int)(sizeof(sensor_families) / sizeof(sensor_families[0])); k++) {
		vg_prom_family(out, sensor_families[k].name, "counter", sensor_families[k].help);
		for (i = 0; i < a->n_sensors; i++) {
			struct vg_prom_label l[] = { { "sensor", a->sensors[i].desc->name } };

			if (ok[i])
				vg_prom_sample(out, sensor_families[k].name, l, 1,
					       c[i][sensor_families[k].counter]);
		}
	}

	vg_prom_one(out, "vigil_events_received_total", "counter",
		    "Records taken from the ring buffer.", t.pipe.received);
	vg_prom_one(out, "vigil_events_received_bytes_total", "counter",
		    "Bytes of those records.", t.pipe.received_bytes);
	vg_prom_one(out, "vigil_events_handled_total", "counter",
		    "Records the agent processed (printed, evaluated).", t.pipe.handled);
	vg_prom_family(out, "vigil_events_lost_total", "counter",
		       "Records that never reached the agent's handler, by reason.");
	lost_sample(out, "ringbuf_full", t.kernel[VG_CNT_RB_FULL]);
	lost_sample(out, "too_large", t.kernel[VG_CNT_TOO_LARGE]);
	lost_sample(out, "scratch_busy", t.kernel[VG_CNT_SCRATCH_BUSY]);
	lost_sample(out, "queue_full", t.pipe.queue_full);
	lost_sample(out, "no_memory", t.pipe.no_memory);
	for (k = 1; k < VG_DEC_MAX; k++) {
		char reason[48];

		snprintf(reason, sizeof(reason), "bad_record_%s", vg_decode_error_name(k));
		lost_sample(out, reason, t.pipe.decode.bad[k]);
	}
	vg_agent_cache_stats(a, &cache);
	vg_prom_one(out, "vigil_process_cache_entries", "gauge",
		    "Processes the agent keeps for ancestry and context.", cache.entries);
	vg_prom_one(out, "vigil_process_cache_misses_total", "counter",
		    "Lookups of a process the cache did not have (context missing from the event).",
		    cache.misses);
	vg_prom_one(out, "vigil_process_cache_evicted_total", "counter",
		    "Entries dropped, least recently used first, because the cache was full.", cache.evicted);
	vg_agent_container_stats(a, &ctr);
	vg_prom_one(out, "vigil_container_cgroup_reads_total", "counter",
		    "/proc/PID/cgroup reads to find a process's container (cgroup v1 hosts).",
		    ctr.proc_reads);
	vg_prom_one(out, "vigil_container_cgroup_cache_hits_total", "counter",
		    "Execs whose container was known from an earlier read for the same cgroups.",
		    ctr.set_hits);
	vg_overhead_metrics(&a->overhead, out);
	vg_agent_provenance_stats(a, &prov);
	vg_prom_one(out, "vigil_provenance_files", "gauge",
		    "Files in writable locations whose writer the agent remembers.", prov.files);
	vg_prom_one(out, "vigil_provenance_bytes", "gauge",
		    "Memory held by those file provenance records.", prov.bytes);
	vg_prom_one(out, "vigil_provenance_evicted_total", "counter",
		    "Provenance records dropped, oldest first, because the store was full.",
		    prov.evicted);
	vg_prom_one(out, "vigil_output_write_errors_total", "counter",
		    "Lines the agent could not write to its output.",
		    atomic_load(&a->write_errors));
}
