/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Outputs (exporters): each has its own bounded queue and thread, so a
 * slow or dead endpoint fills only its own queue and the worker that
 * pushes never waits on I/O. What cannot be delivered is counted per
 * output and reason; when a queue is full, alerts of severity high and
 * above push out older lower ones. docs/outputs.md.
 */
#ifndef VIGIL_OUTPUT_H
#define VIGIL_OUTPUT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "lib/json.h"
#include "output/output_cfg.h"

/* Severities in the policy's order (info .. critical). */
#define VG_OUT_SEV_HIGH 3

/* One record for every output: a JSON line as docs/events.md describes it. */
struct vg_out_record {
	const char *line;		/* JSON object, no newline */
	size_t len;
	uint64_t time_ns;		/* wall clock of the event */
	uint8_t severity;		/* alerts: the rule's; events: 0 */
	bool alert;
	bool health;			/* the agent's own health: every output takes it */
	const char *rule;		/* alerts only */
	const char *const *tags;
	size_t n_tags;
};

/* A record as queued for one output. */
struct vg_out_item {
	uint64_t time_ns;
	uint64_t queued_ns;		/* CLOCK_MONOTONIC, for delivery latency */
	uint8_t severity;
	bool alert;
	bool keep;			/* a high alert or a health record: a full queue makes room */
	size_t len;
	char line[];			/* NUL-terminated */
};

enum vg_drop_reason {
	VG_DROP_QUEUE_FULL,		/* the queue was full (an older low one, or this one) */
	VG_DROP_WRITE_ERROR,		/* the file or socket refused it (disk full, ...) */
	VG_DROP_REJECTED,		/* the endpoint answered a permanent error (HTTP 4xx) */
	VG_DROP_RETRY_EXPIRED,		/* retried for longer than retry-max */
	VG_DROP_SHUTDOWN,		/* still queued when the agent stopped */
	VG_DROP_MAX,
};

const char *vg_drop_reason_name(enum vg_drop_reason r);

/* What a sender reports for one batch. */
enum vg_send_result {
	VG_SEND_OK,
	VG_SEND_RETRY,			/* transient: keep the batch, back off (o->retry_after_ms) */
	VG_SEND_DROP,			/* permanent for this batch: counted as o->drop_reason */
};

struct vg_output;

struct vg_output_ops {
	const char *type;
	/* On the output's thread; <0 is retried with backoff. */
	int (*open)(struct vg_output *o);
	enum vg_send_result (*send)(struct vg_output *o, struct vg_out_item **items, size_t n);
	void (*reopen)(struct vg_output *o);	/* SIGUSR1; may be NULL */
	void (*close)(struct vg_output *o);
};

struct vg_output_stats {
	uint64_t queued, sent, retried, dropped[VG_DROP_MAX];
	uint64_t depth, capacity, last_success_ns;	/* wall clock, 0: never */
	uint64_t last_latency_ns;	/* queued -> delivered, last batch */
	bool delivering;
	char state[96];			/* why not delivering, for /healthz */
};

struct vg_output {
	struct vg_output_cfg cfg;
	const struct vg_output_ops *ops;
	void *priv;			/* the sender's own state */
	/* queue: a ring of item pointers, guarded by lock */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct vg_out_item **ring;
	size_t head, n;
	bool stop, reopen;
	uint64_t drain_deadline_ns;	/* once stopping: deliver until then */
	pthread_t thread;
	bool started;
	/* set by the loop for the sender: a new number for every new batch */
	uint64_t batch_seq;
	/* set by the sender for the loop */
	unsigned retry_after_ms;
	enum vg_drop_reason drop_reason;
	size_t delivered_first;		/* VG_SEND_DROP: the batch's first items already delivered */
	/* counters: written under lock or by the output thread, read by metrics */
	_Atomic uint64_t queued, sent, retried, dropped[VG_DROP_MAX], last_success_ns;
	_Atomic uint64_t last_latency_ns;	/* queued -> delivered, of the last batch's first */
	_Atomic bool failing;
	char why[96];			/* guarded by lock */
};

struct vg_outputs {
	struct vg_output **v;
	size_t n;
	_Atomic uint64_t worst_latency_ns;	/* file-like outputs: last delivery latency */
};

/* The sender of each output type (out_types.c). */
const struct vg_output_ops *vg_output_ops_of(enum vg_out_type t);

/* Builds the outputs @cfgs describe (not started). <0 after one error line. */
int vg_outputs_init(struct vg_outputs *outs, const struct vg_output_cfg *cfgs, size_t n);
int vg_outputs_start(struct vg_outputs *outs);
/* Offers @r to every output whose filter takes it. Never blocks on I/O. */
void vg_outputs_push(struct vg_outputs *outs, const struct vg_out_record *r);
/* Asks every output to reopen its file or connection (SIGUSR1); any thread. */
void vg_outputs_reopen(struct vg_outputs *outs);
/* Stops the threads after at most @drain_ms of delivering what is queued. */
void vg_outputs_stop(struct vg_outputs *outs, unsigned drain_ms);
void vg_outputs_fini(struct vg_outputs *outs);

void vg_output_stats(struct vg_output *o, struct vg_output_stats *st);
/* Prometheus families for every output. */
void vg_outputs_metrics(struct vg_outputs *outs, struct vg_buf *b);
/* One line per output on @f: sent, dropped, and dropped by reason. */
void vg_outputs_summary(struct vg_outputs *outs, FILE *f);
/* True when every output is delivering; else @why names the first that is not. */
bool vg_outputs_healthy(struct vg_outputs *outs, struct vg_buf *why_json);

/* For senders: a one-line error, printed when the state changes, not per item. */
void vg_output_fail(struct vg_output *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vg_output_ok(struct vg_output *o);

#endif
