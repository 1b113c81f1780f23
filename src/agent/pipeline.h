/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The path from ring buffers to handlers. One consumer thread polls every
 * sensor's ring buffer, validates each record and copies it into a bounded
 * queue (a batch at a time, under one lock); it never does I/O. One worker
 * thread drains the queue into the handler (cache, policy, output). When
 * the queue is full the consumer stops taking records, which wait in the
 * ring buffer: the kernel drops (and counts, per sensor) only once that is
 * full too, so the queue and the ring add up instead of the smaller one
 * deciding.
 */
#ifndef VIGIL_PIPELINE_H
#define VIGIL_PIPELINE_H

#include <stddef.h>
#include <stdint.h>
#include "event/decode.h"

/* Runs on the worker thread for each valid record. */
typedef void (*vg_record_fn)(void *arg, const void *rec, size_t size);
/* Runs on the worker thread when the queue is empty (flush, sweep). */
typedef void (*vg_idle_fn)(void *arg);

/*
 * The consumer's longest wait: records sent without a wake-up
 * (src/bpf/vigil_wake.bpf.h) reach the worker at most about this late.
 */
#define VG_PIPELINE_POLL_MS 100

struct vg_pipeline_stats {
	uint64_t received;	/* records taken from ring buffers */
	uint64_t received_bytes;	/* their sizes, summed */
	uint64_t handled;	/* records passed to the handler */
	/*
	 * Dropped at the queue: no longer happens (a full queue leaves records
	 * in the ring, where a full ring counts them); kept, at 0, for the
	 * dashboards and `vigil status` that show it.
	 */
	uint64_t queue_full;
	uint64_t no_memory;	/* dropped: allocation failed */
	struct vg_decode_stats decode;	/* valid and invalid records by reason */
};

struct vg_pipeline;

struct vg_pipeline *vg_pipeline_new(size_t queue_records, vg_record_fn fn, vg_idle_fn idle,
				    void *arg);
/* @pace_fd: the sensor's vg_rb_pacing map (-1: none); rings share one. */
int vg_pipeline_add_ringbuf(struct vg_pipeline *p, int map_fd, int pace_fd);
/*
 * Batched wakeups (before start): a busy ring wakes the consumer at most
 * every @batch_ms, or sooner once a quarter of it is pending; a record
 * after @batch_ms of quiet still wakes it at once. 0: a wakeup per record.
 */
void vg_pipeline_set_batch(struct vg_pipeline *p, unsigned batch_ms);
int vg_pipeline_start(struct vg_pipeline *p);
/* Drains what the kernel already produced, then stops both threads. */
void vg_pipeline_stop(struct vg_pipeline *p);
void vg_pipeline_free(struct vg_pipeline *p);
void vg_pipeline_get_stats(struct vg_pipeline *p, struct vg_pipeline_stats *st);

#endif
