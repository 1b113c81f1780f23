/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The runtime every command shares: loaded sensors, the process cache, the
 * pipeline, and printing of events. `vigil run` and each `vigil trace …`
 * build one, add sensors, and run it until SIGINT/SIGTERM.
 */
#ifndef VIGIL_AGENT_H
#define VIGIL_AGENT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include "event/event_format.h"
#include "lib/json.h"
#include "agent/pipeline.h"
#include "output/output.h"
#include "event/proc_cache.h"
#include "event/provenance.h"
#include "sensors/sensor.h"
#include "agent/agent_storm.h"
#include "agent/overhead_budget.h"
#include "agent/health_events.h"

#define VG_AGENT_MAX_SENSORS 8

struct vg_agent;

/* Called on the worker thread for each event, after the cache is updated. */
typedef void (*vg_event_hook)(struct vg_agent *a, const struct vg_event_ctx *ev);

struct vg_agent_opts {
	bool json;		/* JSON lines, else text columns */
	const char *header;	/* the text header; NULL: the events' columns */
	size_t ringbuf_bytes;	/* the ring buffer all sensors share; 0: default */
	/* A busy ring wakes the consumer at most every this many ms; 0: default, <0: per record. */
	int wakeup_batch_ms;
	size_t queue_records;	/* 0: default */
	size_t cache_entries;	/* 0: default */
	uint64_t cache_tick_ns;	/* the /proc clock tick of seeded start times; 0: this host's */
	FILE *out;		/* NULL: stdout */
	/* Storm aggregation of file opens (agent_storm.c); burst 0: off. */
	uint32_t storm_burst;
	uint64_t storm_window_ns;
	double max_overhead_pct;	/* overhead budget (overhead_budget.c); 0: off */
	bool no_syscall_hub;		/* each sensor's syscall programs on their own (syscall_hub.h) */
	/* Records go here as they came, framed (event/capture.h), instead of printed. */
	FILE *capture;
	/* No sensors and no /proc: vg_agent_replay feeds it a capture's records. */
	bool replay;
};

struct vg_agent {
	struct vg_agent_opts opts;
	struct vg_sensor sensors[VG_AGENT_MAX_SENSORS];
	int n_sensors;
	struct vg_proc_cache *cache;
	struct vg_containers *containers;	/* the cache's processes' containers */
	struct vg_provenance *prov;	/* who wrote files in writable locations */
	struct vg_pipeline *pipe;
	bool print_type[VG_EV_TYPE_MAX];	/* which record types are printed */
	vg_event_hook hook;
	void (*idle_hook)(struct vg_agent *a);	/* worker thread, queue empty */
	void (*sighup_hook)(struct vg_agent *a);	/* main thread, on SIGHUP */
	/* main thread, once records flow, before "ready"; <0 stops the agent */
	int (*started_hook)(struct vg_agent *a);
	void *hook_arg;
	struct vg_outputs *outputs;	/* exporters (NULL: none); SIGUSR1 reopens them */
	atomic_bool sensors_attached;	/* past the first attach: a reload attaches what it needs */
	bool outputs_take_events;	/* some output wants every event, not only alerts */
	struct vg_buf line, out_line;
	uint64_t printed;
	uint64_t records_seen;		/* worker thread */
	_Atomic uint64_t write_errors;	/* read by the metrics thread */
	atomic_bool stopping;		/* the links are being detached: stop checking them */
	/* The worker's process cache counters, as last published for metrics. */
	pthread_mutex_t cache_st_lock;
	struct vg_proc_cache_stats cache_st;
	struct vg_provenance_stats prov_st;
	struct vg_containers_stats ctr_st;
	uint64_t last_trim_ns;		/* worker: malloc_trim, now and then */
	uint64_t trimmed_at;		/* records_seen at the last trim */
	uint64_t last_sweep_ns;
	struct vg_agent_storm storm;	/* storm aggregation (agent_storm.c) */
	struct vg_overhead overhead;	/* the overhead budget (overhead_budget.c) */
	struct vg_health_watch health;	/* loss start/stop for health records (worker) */
	pthread_t seed_tid;		/* the /proc scan, while the sensors load */
	bool seeding;			/* seed_tid runs or has not been joined yet */
};

int vg_agent_init(struct vg_agent *a, const struct vg_agent_opts *opts);
/*
 * Waits for the process cache's seed from /proc, which vg_agent_init
 * starts on a thread of its own so that it overlaps the sensors' load;
 * nothing else may touch the cache before. vg_agent_run calls it too.
 */
void vg_agent_seed_wait(struct vg_agent *a);
/* Loads and attaches a sensor; its records are printed if @print. */
int vg_agent_add_sensor(struct vg_agent *a, const struct vg_sensor_desc *d, const void *cfg);
/*
 * Loads a sensor without attaching it, so that its maps (the policy's
 * filters) are filled before its first record; vg_agent_attach_sensors
 * attaches every sensor not attached yet.
 */
int vg_agent_load_sensor(struct vg_agent *a, const struct vg_sensor_desc *d, const void *cfg);
/* The next slot, vg_sensor_load()ed: counted, named in the log, started (agent_load.c). */
void vg_agent_sensor_loaded(struct vg_agent *a);
/*
 * `vigil run`'s sensors, each with its run_cfg, attached at load if
 * run_attach_at_load; once the maps every sensor shares exist, the rest
 * load at once, each on its own thread (agent_load.c). Table order kept.
 */
int vg_agent_load_run_sensors(struct vg_agent *a, const struct vg_sensor_desc *const *d, int n);
int vg_agent_attach_sensors(struct vg_agent *a);
void vg_agent_print_types(struct vg_agent *a, uint16_t first, uint16_t last, bool on);
/*
 * One record on the worker thread: the cache, the hook, the print, the
 * outputs (what the pipeline calls; a replay calls it too). @rec is valid.
 */
void vg_agent_handle_record(struct vg_agent *a, const void *rec, size_t size);
/*
 * Capturing (opts.capture): the header and the process cache as seeded
 * (agent_capture.c); vg_agent_run calls it before records flow.
 */
int vg_agent_capture_begin(struct vg_agent *a);
struct vg_capture_reader;
/*
 * Prints the rest of capture @r (opened: its header read) as the trace
 * that took it would have, on an agent made with opts.replay and the
 * capture's cache_tick_ns (agent_replay.c). 0, or <0 after one-line
 * errors; what came before an error is printed.
 */
int vg_agent_replay(struct vg_agent *a, struct vg_capture_reader *r);
/* Runs until SIGINT/SIGTERM, then detaches everything and prints the summary. */
int vg_agent_run(struct vg_agent *a);
void vg_agent_fini(struct vg_agent *a);

struct vg_agent_totals {
	uint64_t kernel[VG_CNT_MAX];	/* summed over sensors and CPUs */
	struct vg_pipeline_stats pipe;
	uint64_t lost;			/* every record that did not reach the handler */
};
void vg_agent_totals(struct vg_agent *a, struct vg_agent_totals *t);
/* The process cache's counters as the worker last published them (any thread). */
void vg_agent_cache_stats(struct vg_agent *a, struct vg_proc_cache_stats *st);
void vg_agent_container_stats(struct vg_agent *a, struct vg_containers_stats *st);
void vg_agent_provenance_stats(struct vg_agent *a, struct vg_provenance_stats *st);
void vg_agent_provenance_stats(struct vg_agent *a, struct vg_provenance_stats *st);

#endif
