// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "lib/log.h"
#include "lib/timefmt.h"
#include "agent/pipeline.h"
#include "bpf/rb_pacing.h"

/*
 * Data and stop both wake the consumer. Records sent without a wake-up
 * (bookkeeping: src/bpf/vigil_wake.bpf.h) are taken at the latest when
 * the wait times out.
 */
#define POLL_TIMEOUT_MS VG_PIPELINE_POLL_MS
#define IDLE_WAKE_MS 200
/* Records taken from the ring before they are queued under one lock. */
#define BATCH_RECORDS 256
/* A full queue: how long the consumer waits for room before looking again. */
#define ROOM_WAIT_MS 10
/* The ring callback's "stop here": the queue is full, the rest stays in the ring. */
#define STOP_FULL (-ENOSPC)

/*
 * Records cross from the consumer to the worker as copies. The worker hands
 * the copies it is done with back (a batch at a time, under the lock it
 * takes anyway) and the consumer reuses them: no malloc and free per record
 * on two threads. Copies are sized in classes of CLASS_BYTES; records over
 * N_CLASSES of them, and spares past SPARES_MAX, go back to malloc.
 */
#define CLASS_BYTES 64
#define N_CLASSES 32
#define SPARES_MAX 1024
/* Records the worker takes from the queue under one lock. */
#define WORK_BATCH 64

struct item {
	struct item *next;		/* in a list of spares */
	size_t size;
	unsigned char data[];
};

/* Spare copies by class (index: size in CLASS_BYTES, rounded up). */
struct spares {
	struct item *head[N_CLASSES + 1], *tail[N_CLASSES + 1];
	size_t n;
};

#define VG_PIPE_MAX_RINGS 16

struct vg_pipeline {
	struct ring_buffer *rb;
	__u32 ring_ids[VG_PIPE_MAX_RINGS];	/* kernel ids of the maps in rb */
	int n_ring_ids;
	int pace_fd;			/* the kernel's vg_rb_pacing map, or -1 */
	struct vg_rb_pacing *pace;	/* that map, mapped: poll promises (rb_pacing.h); or NULL */
	unsigned batch_ms;		/* 0: a wakeup per record */
	size_t wake_bytes;		/* a quarter of the smallest ring: wakes sooner */
	vg_record_fn fn;
	vg_idle_fn idle;
	void *arg;

	/* consumer thread only: taken but not yet queued; copies to reuse */
	struct item *batch[BATCH_RECORDS];
	size_t n_batch;
	struct vg_pipeline_stats pend;
	struct spares reuse;

	pthread_mutex_t lock;
	pthread_cond_t nonempty;
	pthread_cond_t room;		/* the worker made room in a full queue */
	bool consumer_waits;		/* under lock: signal room */
	struct item **ring;
	size_t cap, head, count;

	pthread_t consumer, worker;
	bool started;
	atomic_bool stop_consumer;
	int wake_fd;			/* eventfd: stop wakes the consumer at once */
	int epoll_fd;			/* the ring buffers' epoll fd and wake_fd */
	bool stop_worker;		/* under lock */

	/* under lock */
	struct vg_pipeline_stats st;
	struct spares spare;		/* the worker's, for the consumer to take */
};

static size_t class_of(size_t size)
{
	return (size + CLASS_BYTES - 1) / CLASS_BYTES;
}

static void spares_push(struct spares *s, struct item *it)
{
	size_t c = class_of(it->size);

	it->next = s->head[c];
	if (!s->head[c])
		s->tail[c] = it;
	s->head[c] = it;
	s->n++;
}

/* Moves every spare of @from to @to; @to takes no more than SPARES_MAX, frees the rest. */
static void spares_move(struct spares *to, struct spares *from)
{
	size_t c;

	for (c = 1; c <= N_CLASSES && from->n; c++) {
		struct item *it;

		while (to->n >= SPARES_MAX && from->head[c]) {
			it = from->head[c];
			from->head[c] = it->next;
			from->n--;
			free(it);
		}
		if (!from->head[c])
			continue;
		for (it = from->head[c]; it; it = it->next)
			from->n--, to->n++;
		from->tail[c]->next = to->head[c];
		if (!to->head[c])
			to->tail[c] = from->tail[c];
		to->head[c] = from->head[c];
		from->head[c] = NULL;
	}
}

static void spares_free(struct spares *s)
{
	size_t c;

	for (c = 1; c <= N_CLASSES; c++)
		while (s->head[c]) {
			struct item *it = s->head[c];

			s->head[c] = it->next;
			free(it);
		}
	s->n = 0;
}

/* A copy of @size bytes for the consumer: a spare of its class, or a new one. */
static struct item *item_get(struct vg_pipeline *p, size_t size)
{
	size_t c = class_of(size);
	struct item *it;

	if (c > N_CLASSES)
		return malloc(sizeof(*it) + size);
	it = p->reuse.head[c];
	if (it) {
		p->reuse.head[c] = it->next;
		p->reuse.n--;
		return it;
	}
	return malloc(sizeof(*it) + c * CLASS_BYTES);
}

/*
 * Queues what of the consumer's batch fits and adds its counts, under one
 * lock. What does not fit stays in the batch, in order.
 */
static void flush_batch(struct vg_pipeline *p)
{
	size_t i, queued = 0;
	int k;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->n_batch && p->count < p->cap; i++) {
		p->ring[(p->head + p->count) % p->cap] = p->batch[i];
		p->count++;
		queued++;
	}
	p->st.decode.ok += queued;
	p->st.received += p->pend.received;
	p->st.received_bytes += p->pend.received_bytes;
	p->st.no_memory += p->pend.no_memory;
	for (k = 0; k < VG_DEC_MAX; k++)
		p->st.decode.bad[k] += p->pend.decode.bad[k];
	if (queued)
		pthread_cond_signal(&p->nonempty);
	if (p->spare.n && p->reuse.n < SPARES_MAX / 2)
		spares_move(&p->reuse, &p->spare);
	pthread_mutex_unlock(&p->lock);
	memmove(p->batch, p->batch + queued, (p->n_batch - queued) * sizeof(p->batch[0]));
	p->n_batch -= queued;
	memset(&p->pend, 0, sizeof(p->pend));
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct vg_pipeline *p = ctx;
	enum vg_decode_error e = vg_decode_check(data, size, NULL);
	struct item *it;

	p->pend.received++;
	p->pend.received_bytes += size;
	if (e != VG_DEC_OK) {
		p->pend.decode.bad[e]++;
		return 0;
	}
	it = item_get(p, size);
	if (!it) {
		p->pend.no_memory++;
		return 0;
	}
	it->size = size;
	memcpy(it->data, data, size);
	p->batch[p->n_batch++] = it;
	if (p->n_batch == BATCH_RECORDS)
		flush_batch(p);
	return p->n_batch == BATCH_RECORDS ? STOP_FULL : 0;
}

/* Records taken (>= 0), STOP_FULL when the queue filled, or a libbpf error. */
static int consume(struct vg_pipeline *p)
{
	int n = ring_buffer__consume(p->rb);

	flush_batch(p);
	return n;
}

/* Until the worker makes room for the batch (or stop); true if it all fit. */
static bool wait_room(struct vg_pipeline *p)
{
	struct timespec ts;

	flush_batch(p);
	if (!p->n_batch)
		return true;
	pthread_mutex_lock(&p->lock);
	if (p->count == p->cap) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += ROOM_WAIT_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		p->consumer_waits = true;
		pthread_cond_timedwait(&p->room, &p->lock, &ts);
		p->consumer_waits = false;
	}
	pthread_mutex_unlock(&p->lock);
	flush_batch(p);
	return !p->n_batch;
}

/*
 * With batched wakeups a busy ring wakes us at most once per batch_ms
 * (vg_rb_flags): after each wake-up, poll once more batch_ms later for what
 * came without one; otherwise sleep until the kernel wakes us. A full
 * queue is not a reason to drop: records stay in the ring buffer, which
 * drops (and counts, per sensor) only once it is full too.
 *
 * With the pacing map mapped, each of those polls is promised to the
 * kernel (poll_until_ns), which then wakes no one for the records before
 * it; the promise is renewed while the kernel says records counted on it.
 * Returns the next timeout.
 */
static int next_poll(struct vg_pipeline *p, bool woken)
{
	bool relied;

	if (!p->batch_ms)
		return POLL_TIMEOUT_MS;
	if (!p->pace)
		return woken ? (int)p->batch_ms : POLL_TIMEOUT_MS;
	relied = __atomic_exchange_n(&p->pace->relied, 0, __ATOMIC_ACQ_REL);
	if (woken || relied) {
		/*
		 * A batch of slack: a poll late for want of a CPU takes them,
		 * and a wakeup would not have made it any sooner.
		 */
		__atomic_store_n(&p->pace->poll_until_ns,
				 vg_boot_now_ns() + (uint64_t)p->batch_ms * 2000000ULL,
				 __ATOMIC_RELEASE);
		return (int)p->batch_ms;
	}
	if (__atomic_load_n(&p->pace->poll_until_ns, __ATOMIC_ACQUIRE)) {
		/* One more look: a record may have read the promise just before. */
		__atomic_store_n(&p->pace->poll_until_ns, 0, __ATOMIC_RELEASE);
		return (int)p->batch_ms;
	}
	return POLL_TIMEOUT_MS;
}

static void *consumer_main(void *arg)
{
	struct vg_pipeline *p = arg;
	int timeout = POLL_TIMEOUT_MS;

	while (!atomic_load(&p->stop_consumer)) {
		struct epoll_event ev[2];
		int n, got = 0;

		if (p->n_batch && !wait_room(p))
			continue;
		n = epoll_wait(p->epoll_fd, ev, 2, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;	/* a stop/continue of the agent: not an error */
			vg_err("ring buffer poll failed: %s", strerror(errno));
			break;
		}
		/* Also on a timeout: quiet records (vigil_wake.bpf.h) wake no one. */
		got = consume(p);
		if (got == STOP_FULL)
			got = 1;
		if (got < 0 && got != -EINTR) {
			vg_err("ring buffer consume failed: %s", strerror(-got));
			break;
		}
		/*
		 * Look again within batch_ms only after a wake-up, or while the
		 * kernel counts on our polls: what it paced since is then taken.
		 * Records a timeout found that asked for no wake-up (quiet ones)
		 * are no reason to poll at batch_ms.
		 */
		timeout = next_poll(p, n > 0);
	}
	/* What the kernel produced before stop still counts: all of it, as room allows. */
	for (;;) {
		int got;

		if (p->n_batch && !wait_room(p))
			continue;
		got = consume(p);
		if (got == 0 || (got < 0 && got != STOP_FULL))
			break;
	}
	while (p->n_batch)
		wait_room(p);
	pthread_mutex_lock(&p->lock);
	p->stop_worker = true;
	pthread_cond_signal(&p->nonempty);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Takes up to WORK_BATCH records off the queue (lock held). */
static size_t take_work(struct vg_pipeline *p, struct item **work)
{
	size_t n = 0;

	while (n < WORK_BATCH && p->count) {
		work[n++] = p->ring[p->head];
		p->head = (p->head + 1) % p->cap;
		p->count--;
	}
	if (p->consumer_waits && p->cap - p->count >= BATCH_RECORDS)
		pthread_cond_signal(&p->room);
	return n;
}

/* Until the queue has records or the pipeline stops (lock held); false: stop. */
static bool wait_work(struct vg_pipeline *p)
{
	struct timespec ts;

	while (!p->count) {
		if (p->stop_worker)
			return false;
		pthread_mutex_unlock(&p->lock);
		if (p->idle)
			p->idle(p->arg);
		pthread_mutex_lock(&p->lock);
		if (p->count || p->stop_worker)
			continue;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += IDLE_WAKE_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->nonempty, &p->lock, &ts);
	}
	return true;
}

static void *worker_main(void *arg)
{
	struct vg_pipeline *p = arg;
	struct item *work[WORK_BATCH];
	struct spares done = { 0 };
	size_t n = 0, i;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		/* The last batch: counted, its copies given back to the consumer. */
		p->st.handled += n;
		spares_move(&p->spare, &done);
		if (!wait_work(p))
			break;
		n = take_work(p, work);
		pthread_mutex_unlock(&p->lock);
		for (i = 0; i < n; i++) {
			p->fn(p->arg, work[i]->data, work[i]->size);
			if (class_of(work[i]->size) <= N_CLASSES)
				spares_push(&done, work[i]);
			else
				free(work[i]);
		}
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	if (p->idle)
		p->idle(p->arg);
	return NULL;
}

struct vg_pipeline *vg_pipeline_new(size_t queue_records, vg_record_fn fn, vg_idle_fn idle,
				    void *arg)
{
	struct vg_pipeline *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->ring = calloc(queue_records, sizeof(*p->ring));
	if (!p->ring) {
		free(p);
		return NULL;
	}
	p->cap = queue_records;
	p->wake_fd = p->epoll_fd = p->pace_fd = -1;
	p->fn = fn;
	p->idle = idle;
	p->arg = arg;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->nonempty, NULL);
	pthread_cond_init(&p->room, NULL);
	return p;
}

int vg_pipeline_add_ringbuf(struct vg_pipeline *p, int map_fd, int pace_fd)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	int i;

	/* Sensors share one ring buffer: consume each map once. */
	if (bpf_obj_get_info_by_fd(map_fd, &info, &len) < 0)
		return -errno;
	for (i = 0; i < p->n_ring_ids; i++)
		if (p->ring_ids[i] == info.id)
			return 0;
	if (p->n_ring_ids == VG_PIPE_MAX_RINGS)
		return -E2BIG;
	p->ring_ids[p->n_ring_ids++] = info.id;
	if (!p->wake_bytes || info.max_entries / 4 < p->wake_bytes)
		p->wake_bytes = info.max_entries / 4;
	if (p->pace_fd < 0)
		p->pace_fd = pace_fd;
	if (!p->rb) {
		p->rb = ring_buffer__new(map_fd, on_record, p, NULL);
		return p->rb ? 0 : -errno;
	}
	return ring_buffer__add(p->rb, map_fd, on_record, p);
}

/* One epoll set over the ring buffers' own epoll fd and the stop eventfd. */
static int open_wakeups(struct vg_pipeline *p)
{
	struct epoll_event rb_ev = { .events = EPOLLIN }, wake_ev = { .events = EPOLLIN };

	p->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	p->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (p->wake_fd < 0 || p->epoll_fd < 0 ||
	    epoll_ctl(p->epoll_fd, EPOLL_CTL_ADD, ring_buffer__epoll_fd(p->rb), &rb_ev) < 0 ||
	    epoll_ctl(p->epoll_fd, EPOLL_CTL_ADD, p->wake_fd, &wake_ev) < 0)
		return -errno;
	return 0;
}

void vg_pipeline_set_batch(struct vg_pipeline *p, unsigned batch_ms)
{
	p->batch_ms = batch_ms;
}

/* Tells the kernel how to pace wakeups; without the map, one per record. */
static void set_pacing(struct vg_pipeline *p)
{
	struct vg_rb_pacing w = {
		.batch_ns = (__u64)p->batch_ms * 1000000ULL,
		.wake_bytes = p->wake_bytes,
	};
	__u32 key = 0;

	void *m;

	if (p->pace_fd < 0 || bpf_map_update_elem(p->pace_fd, &key, &w, BPF_ANY) < 0) {
		if (p->batch_ms)
			vg_warn("pipeline: no batched wakeups: %s",
				p->pace_fd < 0 ? "the sensors have no vg_rb_pacing map" : strerror(errno));
		p->batch_ms = 0;
		return;
	}
	/* Without the mapping the kernel paces alone: a wakeup per batch. */
	m = mmap(NULL, sizeof(*p->pace), PROT_READ | PROT_WRITE, MAP_SHARED, p->pace_fd, 0);
	if (m == MAP_FAILED)
		vg_debug("pipeline: pacing map not mapped: %s", strerror(errno));
	else
		p->pace = m;
}

int vg_pipeline_start(struct vg_pipeline *p)
{
	int err;

	if (!p->rb)
		return -EINVAL;
	set_pacing(p);
	err = open_wakeups(p);
	if (err)
		return err;
	err = pthread_create(&p->worker, NULL, worker_main, p);
	if (err)
		return -err;
	err = pthread_create(&p->consumer, NULL, consumer_main, p);
	if (err) {
		pthread_mutex_lock(&p->lock);
		p->stop_worker = true;
		pthread_cond_signal(&p->nonempty);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->worker, NULL);
		return -err;
	}
	p->started = true;
	return 0;
}

void vg_pipeline_stop(struct vg_pipeline *p)
{
	if (!p->started)
		return;
	atomic_store(&p->stop_consumer, true);
	if (eventfd_write(p->wake_fd, 1) < 0)
		vg_debug("pipeline: cannot wake the consumer: %s", strerror(errno));
	pthread_join(p->consumer, NULL);
	pthread_join(p->worker, NULL);
	p->started = false;
}

void vg_pipeline_free(struct vg_pipeline *p)
{
	if (!p)
		return;
	vg_pipeline_stop(p);
	while (p->n_batch)
		free(p->batch[--p->n_batch]);
	spares_free(&p->reuse);
	spares_free(&p->spare);
	while (p->count) {
		free(p->ring[p->head]);
		p->head = (p->head + 1) % p->cap;
		p->count--;
	}
	ring_buffer__free(p->rb);
	if (p->pace)
		munmap(p->pace, sizeof(*p->pace));
	if (p->wake_fd >= 0)
		close(p->wake_fd);
	if (p->epoll_fd >= 0)
		close(p->epoll_fd);
	free(p->ring);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->nonempty);
	pthread_cond_destroy(&p->room);
	free(p);
}

void vg_pipeline_get_stats(struct vg_pipeline *p, struct vg_pipeline_stats *st)
{
	pthread_mutex_lock(&p->lock);
	*st = p->st;
	pthread_mutex_unlock(&p->lock);
}
