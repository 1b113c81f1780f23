// SPDX-License-Identifier: GPL-2.0
/*
 * The outputs' common part: a bounded queue per output, filled by the
 * worker (push never waits on I/O), drained by the output's own thread in
 * batches, with retry and exponential backoff on transient failures.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lib/log.h"
#include "lib/timefmt.h"
#include "output/output.h"

static const char *const drop_names[VG_DROP_MAX] = {
	"queue_full", "write_error", "rejected", "retry_expired", "shutdown",
};

const char *vg_drop_reason_name(enum vg_drop_reason r)
{
	return (unsigned)r < VG_DROP_MAX ? drop_names[r] : "?";
}

void vg_output_fail(struct vg_output *o, const char *fmt, ...)
{
	char why[sizeof(o->why)];
	bool changed;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&o->lock);
	changed = !o->failing || strcmp(why, o->why);
	snprintf(o->why, sizeof(o->why), "%s", why);
	o->failing = true;
	pthread_mutex_unlock(&o->lock);
	if (changed)
		vg_err("output %s: %s", o->cfg.name, why);
}

void vg_output_ok(struct vg_output *o)
{
	if (!o->failing)
		return;
	pthread_mutex_lock(&o->lock);
	o->failing = false;
	o->why[0] = '\0';
	pthread_mutex_unlock(&o->lock);
	vg_info("output %s: delivering again", o->cfg.name);
}

/* ---- the queue ---- */

static bool filter_takes(const struct vg_output_cfg *c, const struct vg_out_record *r)
{
	size_t i, j;
	bool hit;

	if (r->health)
		return true;	/* "the agent is losing data" reaches every destination */
	if (!r->alert)
		return c->events;
	if (r->severity < c->min_severity)
		return false;
	if (c->n_rules) {
		for (hit = false, i = 0; !hit && i < c->n_rules; i++)
			hit = r->rule && !strcmp(r->rule, c->rules[i]);
		if (!hit)
			return false;
	}
	if (c->n_tags) {
		for (hit = false, i = 0; !hit && i < c->n_tags; i++)
			for (j = 0; !hit && j < r->n_tags; j++)
				hit = !strcmp(r->tags[j], c->tags[i]);
		if (!hit)
			return false;
	}
	return true;
}

static struct vg_out_item *ring_at(struct vg_output *o, size_t i)
{
	return o->ring[(o->head + i) % o->cfg.queue];
}

/* Removes the oldest item below high severity, if any (lock held). */
static bool evict_low(struct vg_output *o)
{
	size_t i, cap = o->cfg.queue;

	for (i = 0; i < o->n; i++) {
		struct vg_out_item *it = ring_at(o, i);

		if (it->keep)
			continue;
		free(it);
		for (; i + 1 < o->n; i++)
			o->ring[(o->head + i) % cap] = o->ring[(o->head + i + 1) % cap];
		o->n--;
		return true;
	}
	return false;
}

static void push_one(struct vg_output *o, const struct vg_out_record *r, uint64_t now)
{
	struct vg_out_item *it = malloc(sizeof(*it) + r->len + 1);

	o->queued++;	/* taken by the filter: it ends sent or dropped */
	if (!it) {
		o->dropped[VG_DROP_QUEUE_FULL]++;
		return;
	}
	it->time_ns = r->time_ns;
	it->queued_ns = now;
	it->severity = r->severity;
	it->alert = r->alert;
	it->keep = (r->alert && r->severity >= VG_OUT_SEV_HIGH) || r->health;
	it->len = r->len;
	memcpy(it->line, r->line, r->len);
	it->line[r->len] = '\0';
	pthread_mutex_lock(&o->lock);
	if (o->n == o->cfg.queue) {
		if (!(it->keep && evict_low(o))) {
			pthread_mutex_unlock(&o->lock);
			free(it);
			o->dropped[VG_DROP_QUEUE_FULL]++;
			return;
		}
		o->dropped[VG_DROP_QUEUE_FULL]++;	/* the older, lower one */
	}
	o->ring[(o->head + o->n) % o->cfg.queue] = it;
	o->n++;
	pthread_cond_signal(&o->cond);
	pthread_mutex_unlock(&o->lock);
}

void vg_outputs_push(struct vg_outputs *outs, const struct vg_out_record *r)
{
	uint64_t now = vg_mono_now_ns();
	size_t i;

	for (i = 0; i < outs->n; i++)
		if (filter_takes(&outs->v[i]->cfg, r))
			push_one(outs->v[i], r, now);
}

/* ---- the output's thread ---- */

static void add_ms(struct timespec *ts, unsigned ms)
{
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

/* Sleeps @ms unless stopped or asked to reopen (lock held). True if stopped. */
static bool wait_ms(struct vg_output *o, unsigned ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	add_ms(&ts, ms);
	while (!o->stop && !o->reopen)
		if (pthread_cond_timedwait(&o->cond, &o->lock, &ts) == ETIMEDOUT)
			break;
	return o->stop;
}

/* Takes up to a batch, waiting for one to fill up to flush_ms. 0 when stopped and empty. */
static size_t take_batch(struct vg_output *o, struct vg_out_item **batch)
{
	size_t n = 0;

	pthread_mutex_lock(&o->lock);
	while (!o->n && !o->stop && !o->reopen)
		pthread_cond_wait(&o->cond, &o->lock);
	if (o->n && o->n < o->cfg.batch && o->cfg.flush_ms && !o->stop)
		wait_ms(o, o->cfg.flush_ms);
	while (o->n && n < o->cfg.batch) {
		batch[n++] = o->ring[o->head];
		o->head = (o->head + 1) % o->cfg.queue;
		o->n--;
	}
	pthread_mutex_unlock(&o->lock);
	return n;
}

static void handle_reopen(struct vg_output *o)
{
	bool again;

	pthread_mutex_lock(&o->lock);
	again = o->reopen;
	o->reopen = false;
	pthread_mutex_unlock(&o->lock);
	if (again && o->ops->reopen)
		o->ops->reopen(o);
}

static unsigned next_backoff(struct vg_output *o, unsigned cur)
{
	unsigned ms = cur ? cur * 2 : o->cfg.backoff_min_ms;

	return ms > o->cfg.backoff_max_ms ? o->cfg.backoff_max_ms : ms;
}

/* Sends one batch until it is delivered, refused, expired or the agent stops. */
static void deliver(struct vg_output *o, struct vg_out_item **batch, size_t n,
		    uint64_t stop_deadline)
{
	uint64_t first = vg_mono_now_ns();
	unsigned backoff = 0, sleep_ms;
	enum vg_send_result r;
	size_t i;

	o->batch_seq++;
	for (;;) {
		o->retry_after_ms = 0;
		o->delivered_first = 0;
		r = o->ops->send(o, batch, n);
		if (r != VG_SEND_RETRY)
			break;
		o->retried += n;
		if (o->cfg.retry_max_s &&
		    vg_mono_now_ns() - first > (uint64_t)o->cfg.retry_max_s * 1000000000ull) {
			r = VG_SEND_DROP;
			o->drop_reason = VG_DROP_RETRY_EXPIRED;
			break;
		}
		backoff = next_backoff(o, backoff);
		sleep_ms = o->retry_after_ms > backoff ? o->retry_after_ms : backoff;
		pthread_mutex_lock(&o->lock);
		wait_ms(o, sleep_ms);
		pthread_mutex_unlock(&o->lock);
		handle_reopen(o);
		if (o->stop && vg_mono_now_ns() > stop_deadline) {
			r = VG_SEND_DROP;
			o->drop_reason = VG_DROP_SHUTDOWN;
			break;
		}
	}
	if (r == VG_SEND_OK) {
		o->sent += n;
		o->last_success_ns = vg_wall_now_ns();
		o->last_latency_ns = vg_mono_now_ns() - batch[0]->queued_ns;
		vg_output_ok(o);
	} else {
		if (o->delivered_first > n)
			o->delivered_first = n;
		o->sent += o->delivered_first;
		o->dropped[o->drop_reason] += n - o->delivered_first;
	}
	for (i = 0; i < n; i++)
		free(batch[i]);
}

/* Opens the sender, retrying with backoff; false if stopped first. */
static bool open_sender(struct vg_output *o)
{
	unsigned backoff = 0;

	while (o->ops->open(o) < 0) {
		backoff = next_backoff(o, backoff);
		pthread_mutex_lock(&o->lock);
		if (wait_ms(o, backoff)) {
			pthread_mutex_unlock(&o->lock);
			return false;
		}
		pthread_mutex_unlock(&o->lock);
	}
	return true;
}

/* What is still queued when the thread ends is dropped, and counted. */
static void drop_rest(struct vg_output *o)
{
	pthread_mutex_lock(&o->lock);
	while (o->n) {
		free(o->ring[o->head]);
		o->head = (o->head + 1) % o->cfg.queue;
		o->n--;
		o->dropped[VG_DROP_SHUTDOWN]++;
	}
	pthread_mutex_unlock(&o->lock);
}

static void *output_thread(void *arg)
{
	struct vg_output *o = arg;
	struct vg_out_item **batch = calloc(o->cfg.batch, sizeof(*batch));
	bool opened;
	sigset_t pipe;
	size_t n;

	/* A peer gone mid-write is an error to count, not a signal to die of. */
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe, NULL);
	opened = batch && open_sender(o);

	while (opened) {
		handle_reopen(o);
		if (o->stop && vg_mono_now_ns() > o->drain_deadline_ns)
			break;
		n = take_batch(o, batch);
		if (!n && o->stop)
			break;
		if (n)
			deliver(o, batch, n, o->drain_deadline_ns);
	}
	if (opened)
		o->ops->close(o);
	drop_rest(o);
	free(batch);
	return NULL;
}

/* ---- the set ---- */

int vg_outputs_init(struct vg_outputs *outs, const struct vg_output_cfg *cfgs, size_t n)
{
	size_t i;

	memset(outs, 0, sizeof(*outs));
	if (!n)
		return 0;
	outs->v = calloc(n, sizeof(*outs->v));
	if (!outs->v)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct vg_output *o = calloc(1, sizeof(*o));

		if (!o || !(o->ring = calloc(cfgs[i].queue, sizeof(*o->ring)))) {
			free(o);
			vg_outputs_fini(outs);
			vg_err("outputs: out of memory");
			return -ENOMEM;
		}
		o->cfg = cfgs[i];
		o->ops = vg_output_ops_of(o->cfg.type);
		pthread_mutex_init(&o->lock, NULL);
		{
			pthread_condattr_t ca;

			pthread_condattr_init(&ca);
			pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
			pthread_cond_init(&o->cond, &ca);
			pthread_condattr_destroy(&ca);
		}
		outs->v[outs->n++] = o;
	}
	return 0;
}

int vg_outputs_start(struct vg_outputs *outs)
{
	size_t i;
	int err;

	for (i = 0; i < outs->n; i++) {
		struct vg_output *o = outs->v[i];

		err = pthread_create(&o->thread, NULL, output_thread, o);
		if (err) {
			vg_err("output %s: cannot start its thread: %s", o->cfg.name, strerror(err));
			return -err;
		}
		o->started = true;
	}
	return 0;
}

void vg_outputs_reopen(struct vg_outputs *outs)
{
	size_t i;

	for (i = 0; i < outs->n; i++) {
		struct vg_output *o = outs->v[i];

		pthread_mutex_lock(&o->lock);
		o->reopen = true;
		pthread_cond_signal(&o->cond);
		pthread_mutex_unlock(&o->lock);
	}
}

void vg_outputs_stop(struct vg_outputs *outs, unsigned drain_ms)
{
	uint64_t deadline = vg_mono_now_ns() + (uint64_t)drain_ms * 1000000ull;
	size_t i;

	for (i = 0; i < outs->n; i++) {
		struct vg_output *o = outs->v[i];

		pthread_mutex_lock(&o->lock);
		o->drain_deadline_ns = deadline;
		o->stop = true;
		pthread_cond_signal(&o->cond);
		pthread_mutex_unlock(&o->lock);
	}
	for (i = 0; i < outs->n; i++) {
		if (outs->v[i]->started)
			pthread_join(outs->v[i]->thread, NULL);
		outs->v[i]->started = false;
	}
}

void vg_outputs_fini(struct vg_outputs *outs)
{
	size_t i;

	vg_outputs_stop(outs, 0);
	for (i = 0; i < outs->n; i++) {
		struct vg_output *o = outs->v[i];

		drop_rest(o);
		free(o->ring);
		pthread_mutex_destroy(&o->lock);
		pthread_cond_destroy(&o->cond);
		free(o);
	}
	free(outs->v);
	memset(outs, 0, sizeof(*outs));
}
