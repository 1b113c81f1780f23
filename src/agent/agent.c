// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "agent/agent.h"
#include "sensors/bpf_env.h"
#include "lib/log.h"
#include "lib/timefmt.h"
#include "sensors/syscall_hub.h"
#include "event/capture.h"

#define DEFAULT_QUEUE_RECORDS 65536
/* The longest a record waits in a busy ring; a record after a quiet spell waits none. */
#define DEFAULT_WAKEUP_BATCH_MS 4
#define DEFAULT_CACHE_ENTRIES 65536
#define PROC_GRACE_NS (30ULL * 1000000000ULL)
#define SWEEP_EVERY_NS (1ULL * 1000000000ULL)
#define TRIM_EVERY_NS (60ULL * 1000000000ULL)
#define TRIM_AFTER_RECORDS 10000

/*
 * SIGINT, SIGTERM, SIGHUP and SIGUSR1 are taken by vg_agent_run's sigwait only.
 * Blocked here, before the first thread (policy reload, fanotify guard...)
 * is made, so that every thread inherits the mask: a signal let through to
 * one of them would take its default action and end the agent.
 */
static void control_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, set, NULL);
}

/*
 * Printed events leave in large writes, not one per 4 KiB: the worker
 * flushes whenever its queue runs empty, so lines are no later for it.
 * A terminal keeps its line buffering.
 */
static void big_output_buffer(FILE *out)
{
	static char buf[256 << 10];
	static bool used;

	if (used || isatty(fileno(out)))
		return;
	if (setvbuf(out, buf, _IOFBF, sizeof(buf)) == 0)
		used = true;
}

/*
 * Blocks this large are mmapped, and unmapped when freed. glibc's default
 * threshold grows to the largest block freed (up to 32 MiB): after the
 * load threads parsed the kernel BTF (megabytes each) the next large
 * blocks stayed in an arena, fragmented, ~11 MiB resident for good that
 * malloc_trim could not give back (docs/performance.md, Memory).
 */
#define MMAP_THRESHOLD_BYTES (1 << 20)

/* Processes older than us get ancestry (and containers) too. */
static void *seed_cache(void *arg)
{
	struct vg_agent *a = arg;
	uint64_t t0 = vg_mono_now_ns();
	int err = vg_proc_cache_seed(a->cache, "/proc");

	if (err < 0)
		vg_warn("cannot seed the process cache from /proc: %s", strerror(-err));
	else
		vg_debug("process cache: %d processes seeded from /proc in %" PRIu64 " ms", err,
			 (vg_mono_now_ns() - t0) / 1000000);
	return NULL;
}

int vg_agent_init(struct vg_agent *a, const struct vg_agent_opts *opts)
{
	sigset_t set;
	int err;

	mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES);
	control_signals(&set);
	memset(a, 0, sizeof(*a));
	pthread_mutex_init(&a->cache_st_lock, NULL);
	a->opts = *opts;
	vg_hub_allow(!opts->no_syscall_hub);
	a->storm.burst = opts->storm_burst;
	a->storm.window_ns = opts->storm_window_ns;
	vg_overhead_init(&a->overhead, opts->max_overhead_pct);
	a->print_type[VG_EV_HEALTH] = true;	/* the agent's own health: always said */
	if (a->opts.capture)
		a->opts.out = a->opts.capture;	/* flushed where printed lines would be */
	if (!a->opts.out)
		a->opts.out = stdout;
	big_output_buffer(a->opts.out);
	err = opts->replay ? 0 : vg_env_prepare();
	if (err)
		return err;
	a->cache = vg_proc_cache_new(opts->cache_entries ? opts->cache_entries
							 : DEFAULT_CACHE_ENTRIES,
				     PROC_GRACE_NS, opts->cache_tick_ns);
	a->prov = vg_provenance_new();
	if (opts->replay)	/* this host's /proc says nothing of the capture's processes */
		return a->cache && a->prov ? 0 : -ENOMEM;
	a->containers = vg_containers_new(NULL, "/proc");
	if (!a->cache || !a->containers || !a->prov)
		return -ENOMEM;
	vg_proc_cache_set_containers(a->cache, a->containers);
	/* On a host of 20,000 processes the scan takes seconds: it runs while the sensors load. */
	a->seeding = !pthread_create(&a->seed_tid, NULL, seed_cache, a);
	if (!a->seeding)
		seed_cache(a);
	return 0;
}

void vg_agent_seed_wait(struct vg_agent *a)
{
	if (a->seeding)
		pthread_join(a->seed_tid, NULL);
	a->seeding = false;
}

void vg_agent_sensor_loaded(struct vg_agent *a)
{
	struct vg_sensor *s = &a->sensors[a->n_sensors++];

	vg_info("sensor %s: %s", s->desc->name, vg_sensor_variant_name(s));
	vg_agent_storm_start(&a->storm, s);
}

static int add_sensor(struct vg_agent *a, const struct vg_sensor_desc *d, const void *cfg,
		      bool attach)
{
	int err;

	if (a->n_sensors == VG_AGENT_MAX_SENSORS)
		return -E2BIG;
	err = vg_sensor_load(&a->sensors[a->n_sensors], d, cfg, a->opts.ringbuf_bytes, attach);
	if (err)
		return err;
	vg_agent_sensor_loaded(a);
	return 0;
}

int vg_agent_add_sensor(struct vg_agent *a, const struct vg_sensor_desc *d, const void *cfg)
{
	return add_sensor(a, d, cfg, true);
}

int vg_agent_load_sensor(struct vg_agent *a, const struct vg_sensor_desc *d, const void *cfg)
{
	return add_sensor(a, d, cfg, false);
}

int vg_agent_attach_sensors(struct vg_agent *a)
{
	int i, err;

	for (i = 0; i < a->n_sensors; i++) {
		if (vg_sensor_attached(&a->sensors[i]) || a->sensors[i].unneeded)
			continue;
		err = vg_sensor_attach(&a->sensors[i]);
		if (err)
			return err;
	}
	atomic_store(&a->sensors_attached, true);
	return 0;
}

void vg_agent_print_types(struct vg_agent *a, uint16_t first, uint16_t last, bool on)
{
	uint16_t t;

	for (t = first; t <= last && t < VG_EV_TYPE_MAX; t++)
		a->print_type[t] = on;
}

/*
 * The process cache and file provenance, before the record is evaluated.
 * Returns the record's process when it had to look it up (else NULL).
 */
static struct vg_proc *update_cache(struct vg_agent *a, const struct vg_hdr *h, size_t size)
{
	struct vg_proc *p = NULL;

	switch (h->type) {
	case VG_EV_EXEC:
		vg_proc_cache_on_exec(a->cache, (const void *)h);
		p = vg_proc_cache_lookup(a->cache, h->tgid, h->start_time_ns);
		if (p)
			vg_provenance_on_exec(a->prov, a->cache, p, (const void *)h);
		break;
	case VG_EV_FORK:
		vg_proc_cache_on_fork(a->cache, (const void *)h);
		break;
	case VG_EV_NET_CONNECT:
	case VG_EV_NET_ACCEPT:
	case VG_EV_NET_UDP_FLOW:
		p = vg_proc_cache_lookup(a->cache, h->tgid, h->start_time_ns);
		if (p)
			p->had_network = true;
		break;
	default:
		if (h->type >= VG_EV_FILE_FIRST && h->type <= VG_EV_FILE_LAST) {
			p = vg_proc_cache_lookup(a->cache, h->tgid, h->start_time_ns);
			vg_provenance_on_file(a->prov, a->cache, (const void *)h, size, p);
		}
		break;
	}
	return p;
}

/* Worker thread: a copy of the cache counters for the metrics thread. */
static void publish_cache_stats(struct vg_agent *a)
{
	struct vg_proc_cache_stats st;
	struct vg_provenance_stats ps;
	struct vg_containers_stats cs = { 0 };

	vg_proc_cache_get_stats(a->cache, &st);
	vg_provenance_get_stats(a->prov, &ps);
	if (a->containers)
		vg_containers_get_stats(a->containers, &cs);
	pthread_mutex_lock(&a->cache_st_lock);
	a->cache_st = st;
	a->prov_st = ps;
	a->ctr_st = cs;
	pthread_mutex_unlock(&a->cache_st_lock);
}

void vg_agent_container_stats(struct vg_agent *a, struct vg_containers_stats *st)
{
	pthread_mutex_lock(&a->cache_st_lock);
	*st = a->ctr_st;
	pthread_mutex_unlock(&a->cache_st_lock);
}

void vg_agent_cache_stats(struct vg_agent *a, struct vg_proc_cache_stats *st)
{
	pthread_mutex_lock(&a->cache_st_lock);
	*st = a->cache_st;
	pthread_mutex_unlock(&a->cache_st_lock);
}

void vg_agent_provenance_stats(struct vg_agent *a, struct vg_provenance_stats *st)
{
	pthread_mutex_lock(&a->cache_st_lock);
	*st = a->prov_st;
	pthread_mutex_unlock(&a->cache_st_lock);
}

/* Every event to the outputs that take events: JSON, whatever stdout prints. */
static void push_event(struct vg_agent *a, const struct vg_event_ctx *ev)
{
	struct vg_out_record r = { 0 };

	vg_buf_reset(&a->out_line);
	vg_event_to_json(&a->out_line, ev);
	r.line = a->out_line.data;
	r.len = a->out_line.len;
	r.time_ns = vg_boot_to_realtime_ns(ev->rec->ts_boot_ns);
	r.health = ev->rec->type == VG_EV_HEALTH;
	if (r.line)
		vg_outputs_push(a->outputs, &r);
}

static void ticks(struct vg_agent *a, uint64_t now);

void vg_agent_handle_record(struct vg_agent *a, const void *rec, size_t size)
{
	const struct vg_hdr *h = rec;
	struct vg_event_ctx ev;

	/* One lookup of the record's process: the cache's, reused for its context. */
	vg_event_ctx_fill_proc(&ev, a->cache, rec, size, update_cache(a, h, size));
	if (a->hook)
		a->hook(a, &ev);
	if (a->print_type[h->type]) {
		vg_buf_reset(&a->line);
		if (a->opts.json)
			vg_event_to_json(&a->line, &ev);
		else
			vg_event_to_text(&a->line, &ev);
		vg_buf_append(&a->line, "\n", 1);
		if (fwrite(a->line.data, 1, a->line.len, a->opts.out) != a->line.len)
			a->write_errors++;
		a->printed++;
	}
	if (a->outputs_take_events || (a->outputs && h->type == VG_EV_HEALTH))
		push_event(a, &ev);
	/* Exit last: the exit event itself still resolves its ancestry. */
	if (h->type == VG_EV_EXIT)
		vg_proc_cache_on_exit(a->cache, rec);
	/* Busy workers rarely go idle: publish now and then regardless. */
	if (!(++a->records_seen % 4096)) {
		publish_cache_stats(a);
		ticks(a, vg_boot_now_ns());
	}
}

static void on_record(void *arg, const void *rec, size_t size)
{
	vg_agent_handle_record(arg, rec, size);
}

/* Capturing: the record as it came, framed; formatting waits for `vigil trace read`. */
static void on_capture(void *arg, const void *rec, size_t size)
{
	struct vg_agent *a = arg;

	if (vg_capture_write_frame(a->opts.capture, VG_CAP_RECORD, rec, size))
		a->write_errors++;
	a->printed++;
	if (!(++a->records_seen % 4096))
		ticks(a, vg_boot_now_ns());
}

/* A health record goes the sensors' records' way: printed, evaluated, exported (or captured). */
static void emit_health(void *arg, const void *rec, size_t size)
{
	struct vg_agent *a = arg;

	if (a->opts.capture)
		on_capture(arg, rec, size);
	else
		on_record(arg, rec, size);
}

static void loss_of(struct vg_agent *a, struct vg_loss *l)
{
	struct vg_agent_totals t;
	int k;

	vg_agent_totals(a, &t);
	l->n[VG_LOSS_RINGBUF_FULL] = t.kernel[VG_CNT_RB_FULL];
	l->n[VG_LOSS_TOO_LARGE] = t.kernel[VG_CNT_TOO_LARGE];
	l->n[VG_LOSS_SCRATCH_BUSY] = t.kernel[VG_CNT_SCRATCH_BUSY];
	l->n[VG_LOSS_QUEUE_FULL] = t.pipe.queue_full;
	l->n[VG_LOSS_NO_MEMORY] = t.pipe.no_memory;
	l->n[VG_LOSS_BAD_RECORD] = 0;
	for (k = 1; k < VG_DEC_MAX; k++)
		l->n[VG_LOSS_BAD_RECORD] += t.pipe.decode.bad[k];
}

/* The worker's once-a-second chores: storms, the overhead budget, loss. */
static void ticks(struct vg_agent *a, uint64_t now)
{
	struct vg_overhead_change chg;
	struct vg_loss lost;

	vg_agent_storm_tick(&a->storm, now, false);
	if (vg_overhead_tick(&a->overhead, a->sensors, a->n_sensors, now, &chg))
		vg_health_emit_overhead(&chg, emit_health, a);
	if (now - a->health.last_ns >= 1000000000ULL) {
		loss_of(a, &lost);
		vg_health_watch_loss(&a->health, &lost, now, false, emit_health, a);
	}
}

/* After the pipeline stopped (its worker is gone): the loss the last look missed. */
static void final_health(struct vg_agent *a)
{
	struct vg_loss lost;

	loss_of(a, &lost);
	vg_health_watch_loss(&a->health, &lost, vg_boot_now_ns(), true, emit_health, a);
	fflush(a->opts.out);
}

static void on_idle(void *arg)
{
	struct vg_agent *a = arg;
	uint64_t now = vg_boot_now_ns();

	publish_cache_stats(a);
	ticks(a, now);

	if (a->idle_hook)
		a->idle_hook(a);
	if (fflush(a->opts.out) != 0)
		a->write_errors++;
	if (now - a->last_sweep_ns >= SWEEP_EVERY_NS) {
		vg_proc_cache_sweep(a->cache, now);
		a->last_sweep_ns = now;
	}
	/*
	 * What a burst of records (each copied through the queue), expired
	 * processes and reloads freed stays resident until trimmed: after a
	 * burst once the queue is empty, else once a minute.
	 */
	if (now - a->last_trim_ns >= TRIM_EVERY_NS ||
	    (a->records_seen - a->trimmed_at >= TRIM_AFTER_RECORDS &&
	     now - a->last_trim_ns >= SWEEP_EVERY_NS)) {
		malloc_trim(0);
		a->last_trim_ns = now;
		a->trimmed_at = a->records_seen;
	}
}

void vg_agent_totals(struct vg_agent *a, struct vg_agent_totals *t)
{
	int i, k;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < a->n_sensors; i++) {
		__u64 c[VG_CNT_MAX];

		if (vg_sensor_counters(&a->sensors[i], c) == 0)
			for (k = 0; k < VG_CNT_MAX; k++)
				t->kernel[k] += c[k];
	}
	if (a->pipe)
		vg_pipeline_get_stats(a->pipe, &t->pipe);
	t->lost = t->kernel[VG_CNT_RB_FULL] + t->kernel[VG_CNT_TOO_LARGE] +
		  t->kernel[VG_CNT_SCRATCH_BUSY] + t->pipe.queue_full + t->pipe.no_memory;
	for (k = 1; k < VG_DEC_MAX; k++)
		t->lost += t->pipe.decode.bad[k];
}

static void print_summary(struct vg_agent *a)
{
	struct vg_agent_totals t;
	uint64_t bad = 0;
	int k;

	vg_agent_totals(a, &t);
	for (k = 1; k < VG_DEC_MAX; k++)
		bad += t.pipe.decode.bad[k];
	fprintf(stderr,
		"vigil: %" PRIu64 " events received, %" PRIu64 " lost (ringbuf_full=%" PRIu64
		" too_large=%" PRIu64 " scratch_busy=%" PRIu64 " queue_full=%" PRIu64
		" bad_records=%" PRIu64 "), %" PRIu64 " filtered in kernel, %" PRIu64
		" truncated\n",
		t.pipe.received, t.lost, (uint64_t)t.kernel[VG_CNT_RB_FULL],
		(uint64_t)t.kernel[VG_CNT_TOO_LARGE], (uint64_t)t.kernel[VG_CNT_SCRATCH_BUSY],
		t.pipe.queue_full, bad,
		(uint64_t)t.kernel[VG_CNT_FILTERED], (uint64_t)t.kernel[VG_CNT_TRUNCATED]);
	/* Per sensor: what each hook sent and kept in the kernel. */
	for (k = 0; k < a->n_sensors; k++) {
		__u64 c[VG_CNT_MAX];

		if (vg_sensor_counters(&a->sensors[k], c))
			continue;
		fprintf(stderr,
			"vigil: sensor %s: %" PRIu64 " sent, %" PRIu64 " filtered in kernel, %" PRIu64
			" lost, %" PRIu64 " kernel table full, %" PRIu64 " held in storms\n",
			a->sensors[k].desc->name, (uint64_t)c[VG_CNT_EVENTS], (uint64_t)c[VG_CNT_FILTERED],
			(uint64_t)(c[VG_CNT_RB_FULL] + c[VG_CNT_TOO_LARGE] + c[VG_CNT_SCRATCH_BUSY]),
			(uint64_t)c[VG_CNT_MAP_FULL], (uint64_t)c[VG_CNT_SUPPRESSED]);
	}
}

int vg_agent_run(struct vg_agent *a)
{
	uint64_t write_errors;
	sigset_t set;
	int i, err, sig;

	control_signals(&set);
	vg_agent_seed_wait(a);
	a->pipe = vg_pipeline_new(a->opts.queue_records ? a->opts.queue_records
							: DEFAULT_QUEUE_RECORDS,
				  a->opts.capture ? on_capture : on_record, on_idle, a);
	if (!a->pipe)
		return -ENOMEM;
	for (i = 0; i < a->n_sensors; i++) {
		if (a->sensors[i].events_fd < 0)
			continue;
		err = vg_pipeline_add_ringbuf(a->pipe, a->sensors[i].events_fd,
					      a->sensors[i].wake_fd);
		if (err) {
			vg_err("cannot open the %s sensor's ring buffer: %s",
			       a->sensors[i].desc->name, strerror(-err));
			return err;
		}
	}
	vg_pipeline_set_batch(a->pipe, a->opts.wakeup_batch_ms < 0 ? 0
				  : a->opts.wakeup_batch_ms ? (unsigned)a->opts.wakeup_batch_ms
				  : DEFAULT_WAKEUP_BATCH_MS);
	if (a->opts.capture) {
		err = vg_agent_capture_begin(a);
		if (err) {
			vg_err("cannot write the capture: %s", strerror(-err));
			return err;
		}
	} else if (!a->opts.json) {
		fprintf(a->opts.out, "%s\n",
			a->opts.header ? a->opts.header : vg_event_text_header());
		fflush(a->opts.out);
	}
	err = vg_pipeline_start(a->pipe);
	if (err) {
		vg_err("cannot start the event pipeline: %s", strerror(-err));
		return err;
	}
	/* A failed start stops at once, with the usual drain and summary. */
	if (a->started_hook)
		err = a->started_hook(a);
	/*
	 * Loading the BPF objects took tens of MiB (kernel BTF, verifier logs)
	 * that the heap keeps after free: hand it back, else it stays resident.
	 */
	malloc_trim(0);
	if (!err)
		vg_info("ready");
	while (!err) {
		if (sigwait(&set, &sig) || (sig != SIGHUP && sig != SIGUSR1))
			break;
		if (sig == SIGUSR1 && a->outputs)
			vg_outputs_reopen(a->outputs);	/* after an external logrotate */
		else if (sig == SIGHUP && a->sighup_hook)
			a->sighup_hook(a);
	}
	/* Detach first so nothing new arrives, then drain what is queued. */
	atomic_store(&a->stopping, true);
	vg_sensors_detach(a->sensors, a->n_sensors);
	/* What the kernel held up to the last event, before the queue drains. */
	vg_agent_storm_tick(&a->storm, vg_boot_now_ns(), true);
	vg_pipeline_stop(a->pipe);
	final_health(a);
	print_summary(a);
	write_errors = atomic_load(&a->write_errors);
	if (write_errors)
		vg_err("%" PRIu64 " output writes failed", write_errors);
	if (err)
		return err;
	return write_errors ? -EIO : 0;
}

void vg_agent_fini(struct vg_agent *a)
{
	int i;

	vg_agent_seed_wait(a);
	if (a->pipe)
		vg_pipeline_free(a->pipe);
	vg_agent_storm_stop(&a->storm);
	vg_overhead_fini(&a->overhead);
	for (i = 0; i < a->n_sensors; i++)
		vg_sensor_unload(&a->sensors[i]);
	vg_provenance_free(a->prov);
	vg_proc_cache_free(a->cache);
	vg_containers_free(a->containers);	/* after the cache: it holds references */
	vg_buf_free(&a->line);
	vg_buf_free(&a->out_line);
	pthread_mutex_destroy(&a->cache_st_lock);
	memset(a, 0, sizeof(*a));
}
