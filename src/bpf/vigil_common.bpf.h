/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every sensor shares on the kernel side: the ring buffer, per-CPU
 * loss counters, a per-CPU scratch record (records are far larger than the
 * 512-byte stack), tail-string helpers and submission.
 *
 * Include once per .bpf.c, after vmlinux.h and the libbpf headers.
 */
#ifndef VIGIL_COMMON_BPF_H
#define VIGIL_COMMON_BPF_H

#include "vigil_abi.h"
#include "rb_pacing.h"

#ifndef EPERM
#define EPERM 1
#endif
#ifndef SIGKILL
#define SIGKILL 9
#endif

/* ABI version, read back by the loader and compared with its own. */
const volatile __u32 vg_abi_version = VG_ABI_VERSION;

/* Tail budget: a record never exceeds VG_MAX_RECORD_BYTES. */
#define VG_SCRATCH_BYTES (VG_MAX_RECORD_BYTES * 2)
#define VG_TAIL_MASK (VG_MAX_RECORD_BYTES - 1)
#define VG_STR_MASK (VG_MAX_PATH_BYTES * 2 - 1)

/*
 * Re-bounds @v with an AND the compiler cannot drop: clang removes a mask
 * it can prove redundant, and the verifier then loses the bound it needs.
 */
#define VG_BOUND(v, mask) asm volatile("%0 &= " #mask : "+r"(v))

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);	/* shared by every sensor; the loader may resize it */
} events SEC(".maps");

/* Wakeup pacing (rb_pacing.h, vg_rb_flags): shared by every sensor, as the ring is. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);	/* the consumer's poll_until_ns: a store */
	__type(key, __u32);
	__type(value, struct vg_rb_pacing);
} vg_rb_pacing SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VG_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} vg_counters SEC(".maps");

struct vg_scratch {
	__u8 buf[VG_SCRATCH_BYTES];
};

/*
 * Scratch slots: VG_SCRATCH_SLOTS per CPU, each a record buffer here plus
 * a path buffer (vg_path_map, vigil_path.bpf.h) and whatever per-slot state
 * a sensor keys by slot. A program owns a slot from vg_scratch_claim() to
 * vg_scratch_release(). One per CPU is not enough: syscall tracepoints are
 * faultable since Linux 6.13 and their programs run with migration
 * disabled but preemption enabled, so on a preemptible kernel a second
 * task can run the same program on the same CPU while the first is halfway
 * through its record. A CPU whose slots are all held drops the event
 * (VG_CNT_SCRATCH_BUSY) rather than mix two tasks' data.
 */
#define VG_SCRATCH_SLOTS 4
#define VG_SCRATCH_SLOT_MASK (VG_SCRATCH_SLOTS - 1)
_Static_assert((VG_SCRATCH_SLOTS & VG_SCRATCH_SLOT_MASK) == 0, "slots: a power of two");

/*
 * Record buffers, slot s of CPU c at c * VG_SCRATCH_SLOTS + s. A plain
 * array, not a per-CPU one: per-CPU values are limited to 32 KiB. The
 * loader sets max_entries to possible CPUs * VG_SCRATCH_SLOTS.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VG_SCRATCH_SLOTS);
	__type(key, __u32);
	__type(value, struct vg_scratch);
} vg_scratch_map SEC(".maps");

/*
 * Who holds each slot of this CPU: the number of programs between their
 * atomic increment and decrement. A program owns the slot when it reads 1
 * after its own increment: whoever comes later reads 2 or more until the
 * owner decrements. Plain atomic adds (no fetch, no cmpxchg) are enough and
 * exist on every kernel and every -mcpu. The claim is only ever held for
 * one program run: programs cannot be aborted, so a claim cannot go stale
 * unless a path forgets vg_scratch_release().
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VG_SCRATCH_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} vg_scratch_claims SEC(".maps");

/*
 * Per record type, enum vg_type_switch: the policy turns off what no rule
 * can match, so those records never cross the ring buffer. All zero, the
 * default, sends every type (subject to the policy filter, empty by default).
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VG_EV_TYPE_MAX);
	__type(key, __u32);
	__type(value, __u8);
} vg_type_mode SEC(".maps");

static __always_inline void vg_count(enum vg_counter c)
{
	__u32 key = c;
	__u64 *v = bpf_map_lookup_elem(&vg_counters, &key);

	/* Atomic: on a preemptible kernel two tasks may share this CPU's slot. */
	if (v)
		__sync_fetch_and_add(v, 1);
}

/* The type's switch with its flags (VG_TYPE_QUIET). */
static __always_inline __u8 vg_type_switch_of(__u16 type)
{
	__u32 key = type;
	__u8 *v = bpf_map_lookup_elem(&vg_type_mode, &key);

	return v ? *v : VG_TYPE_FILTERED;
}

static __always_inline __u8 vg_type_mode_of(__u16 type)
{
	return vg_type_switch_of(type) & ~VG_TYPE_QUIET;
}

#include "vigil_wake.bpf.h"

#include "vigil_prefilter.bpf.h"
#include "vigil_shed.bpf.h"
#include "vigil_hub.bpf.h"

/*
 * Whether an event of @type about the current task stays in the kernel:
 * its type is off or shed, or the policy pre-filter rejects the task. Asked at
 * hook entry, before a scratch slot is claimed or a string copied: the
 * event nobody asked for costs a few map lookups (DESIGN.md, performance).
 */
static __always_inline bool vg_should_drop(__u16 type)
{
	__u8 sw = vg_type_mode_of(type);

	if (sw == VG_TYPE_OFF || vg_shed_drops(type))
		return true;
	return sw == VG_TYPE_FILTERED && vg_pf_rejects_current();
}

/* vg_should_drop(), counting the drop as filtered. */
static __always_inline bool vg_drop_if_unwanted(__u16 type)
{
	if (!vg_should_drop(type))
		return false;
	vg_count(VG_CNT_FILTERED);
	return true;
}

/*
 * vg_should_drop() for a finished record whose header describes another
 * task than current (an owner saved earlier, a fork's child): judged on
 * the header. Only for records no hook could decide at entry.
 */
static __always_inline bool vg_record_dropped(const struct vg_hdr *h)
{
	__u8 sw = vg_type_mode_of(h->type);

	if (sw == VG_TYPE_OFF)
		return true;
	return sw == VG_TYPE_FILTERED && vg_pf_rejects_hdr(h);
}

/* Tries slot @slot of this CPU: true when the caller now owns it. */
static __always_inline bool vg_scratch_try(__u32 slot)
{
	__u64 *users = bpf_map_lookup_elem(&vg_scratch_claims, &slot);

	if (!users)
		return false;
	__sync_fetch_and_add(users, 1);
	if (*(volatile __u64 *)users == 1)
		return true;
	__sync_fetch_and_add(users, -1);
	return false;
}

/*
 * Claims a free scratch slot of this CPU. Returns its number, or -1 when
 * every slot is held (counted): the caller drops its event. Every return
 * after a successful claim must pass through vg_scratch_release().
 */
static __always_inline int vg_scratch_claim(void)
{
	if (vg_scratch_try(0))
		return 0;
	if (vg_scratch_try(1))
		return 1;
	if (vg_scratch_try(2))
		return 2;
	if (vg_scratch_try(3))
		return 3;
	vg_count(VG_CNT_SCRATCH_BUSY);
	return -1;
}
_Static_assert(VG_SCRATCH_SLOTS == 4, "vg_scratch_claim tries each slot");

static __always_inline void vg_scratch_release(int slot)
{
	__u32 key = slot;
	__u64 *users;

	if (slot < 0)
		return;
	users = bpf_map_lookup_elem(&vg_scratch_claims, &key);
	if (users)
		__sync_fetch_and_add(users, -1);
}

/* The record buffer of claimed slot @slot. */
static __always_inline void *vg_scratch(int slot)
{
	__u32 key = bpf_get_smp_processor_id() * VG_SCRATCH_SLOTS +
		    ((__u32)slot & VG_SCRATCH_SLOT_MASK);
	void *p;

	if (slot < 0)
		return NULL;
	p = bpf_map_lookup_elem(&vg_scratch_map, &key);
	if (!p)
		vg_count(VG_CNT_READ_FAIL);
	return p;
}

/* Kernels before 5.5 called start_boottime real_start_time (commit cf25e24db61c). */
struct task_struct___pre55 {
	u64 real_start_time;
};

/* Start of @task's thread group on the boot clock: with tgid, the process key. */
static __always_inline __u64 vg_task_start_time(struct task_struct *task)
{
	struct task_struct *leader = BPF_CORE_READ(task, group_leader);

	if (bpf_core_field_exists(leader->start_boottime))
		return BPF_CORE_READ(leader, start_boottime);
	return BPF_CORE_READ((struct task_struct___pre55 *)leader, real_start_time);
}

/*
 * The struct file at @fd in @task's fd table, or NULL: a negative or
 * out-of-range fd, an empty slot, a read fault.
 */
static __always_inline struct file *vg_task_fd_file(struct task_struct *task, long fd)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds;
	struct file *f = NULL;

	if (fd < 0 || !fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) < 0)
		return NULL;
	return f;
}

/* Fills the common header for an event about @task (usually current). */
static __always_inline void vg_fill_hdr(struct vg_hdr *h, __u16 type,
					struct task_struct *task)
{
	h->type = type;
	h->version = VG_ABI_VERSION;
	h->size = 0;
	h->ts_boot_ns = bpf_ktime_get_boot_ns();
	h->start_time_ns = vg_task_start_time(task);
	h->cgroup_id = bpf_get_current_cgroup_id();
	h->pid = BPF_CORE_READ(task, pid);
	h->tgid = BPF_CORE_READ(task, tgid);
	h->flags = 0;
	h->cpu = bpf_get_smp_processor_id();
	h->euid = BPF_CORE_READ(task, cred, euid.val);
	BPF_CORE_READ_STR_INTO(&h->comm, task, comm);
}

/*
 * Tail writer. @rec points at the scratch record, @fixed is the size of its
 * fixed part; @off is the tail's fill level. The masks keep every access
 * provably inside the scratch buffer for the verifier; the budget check
 * keeps the record within VG_MAX_RECORD_BYTES.
 */
struct vg_tail {
	__u8 *rec;
	__u32 fixed;
	__u32 off;
};

/*
 * Starts a record of @fixed bytes (then its tail) in the record buffer of
 * claimed slot @slot. Returns the record, or NULL (counted by vg_scratch).
 */
static __always_inline void *vg_tail_begin(struct vg_tail *t, int slot, __u32 fixed)
{
	void *rec = vg_scratch(slot);

	if (!rec)
		return NULL;
	t->rec = rec;
	t->fixed = fixed;
	t->off = 0;
	return rec;
}

static __always_inline __u32 vg_tail_room(const struct vg_tail *t)
{
	__u32 used = t->fixed + t->off;

	return used >= VG_MAX_RECORD_BYTES ? 0 : VG_MAX_RECORD_BYTES - used;
}

static __always_inline __u8 *vg_tail_ptr(const struct vg_tail *t)
{
	return t->rec + ((t->fixed + t->off) & VG_TAIL_MASK);
}

/*
 * Copies a NUL-terminated kernel (user if @user) string of at most @max
 * bytes into the tail. Returns 1 if the string was cut, 0 if whole, <0 on a
 * read fault (the string is left empty).
 */
static __always_inline int vg_tail_put_str(struct vg_tail *t, struct vg_str *s,
					   const void *src, __u32 max, bool user)
{
	__u32 room = vg_tail_room(t);
	long n;

	s->off = t->off;
	s->len = 0;
	if (max > room)
		max = room;
	if (max > VG_MAX_PATH_BYTES)
		max = VG_MAX_PATH_BYTES;
	if (!src || max < 2)
		return max < 2 ? 1 : 0;
	VG_BOUND(max, 8191);
	if (user)
		n = bpf_probe_read_user_str(vg_tail_ptr(t), max, src);
	else
		n = bpf_probe_read_kernel_str(vg_tail_ptr(t), max, src);
	if (n < 0) {
		vg_count(VG_CNT_READ_FAIL);
		return -1;
	}
	if (n > 0)
		n -= 1;		/* drop the NUL */
	s->len = n;
	t->off += n;
	/* A string that filled the whole buffer may have been cut. */
	if ((__u32)n + 1 >= max) {
		vg_count(VG_CNT_TRUNCATED);
		return 1;
	}
	return 0;
}

/* Copies @len raw bytes from a kernel buffer (e.g. another scratch map). */
static __always_inline int vg_tail_put_bytes(struct vg_tail *t, struct vg_str *s,
					     const void *src, __u32 len)
{
	__u32 room = vg_tail_room(t);
	int cut = 0;

	s->off = t->off;
	s->len = 0;
	if (len > room) {
		len = room;
		cut = 1;
	}
	if (len > VG_MAX_PATH_BYTES) {
		len = VG_MAX_PATH_BYTES;
		cut = 1;
	}
	VG_BOUND(len, 8191);
	if (bpf_probe_read_kernel(vg_tail_ptr(t), len, src) < 0) {
		vg_count(VG_CNT_READ_FAIL);
		return -1;
	}
	s->len = len;
	t->off += len;
	if (cut)
		vg_count(VG_CNT_TRUNCATED);
	return cut;
}

/* Pacing @w decided to wake the consumer for a record made at @now. */
static __always_inline __u64 vg_rb_wake(struct vg_rb_pacing *w, __u64 now)
{
	w->last_ns = now;	/* racing CPUs may both wake: harmless */
	__sync_fetch_and_add(&w->wakes, 1);
	return BPF_RB_FORCE_WAKEUP;
}

/*
 * The consumer looks at the ring by poll_until_ns on its own: no wakeup,
 * unless wake_bytes are pending (looked at most 8 times per batch_ns).
 */
static __always_inline __u64 vg_rb_polled(struct vg_rb_pacing *w, __u64 now)
{
	if (!w->relied)
		w->relied = 1;
	if (now < w->check_ns + w->batch_ns / 8)
		return BPF_RB_NO_WAKEUP;
	w->check_ns = now;
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= w->wake_bytes)
		return vg_rb_wake(w, now);
	return BPF_RB_NO_WAKEUP;
}

/*
 * The wakeup flag for a record made at boot-clock time @now. Before the
 * consumer's promised poll (rb_pacing.h) none. Else a record after a quiet
 * spell of batch_ns wakes the consumer at once (a lone alert is not
 * delayed); within a busy spell records go in silently and the consumer,
 * which polls every batch_ns while data flows, takes them in bulk, unless
 * wake_bytes are already pending (then at most 8 wakeups per batch_ns).
 * A global function: verified once per program, not at every send.
 */
__noinline __u64 vg_rb_flags_at(__u64 now)
{
	__u32 k = 0;
	struct vg_rb_pacing *w = bpf_map_lookup_elem(&vg_rb_pacing, &k);
	__u64 since;

	if (!w || !w->batch_ns)
		return 0;
	if (now <= w->poll_until_ns)
		return vg_rb_polled(w, now);
	/* A record stamped before another CPU's wakeup is inside that batch. */
	since = now > w->last_ns ? now - w->last_ns : 0;
	if (since >= w->batch_ns ||
	    (since >= w->batch_ns / 8 &&
	     bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= w->wake_bytes))
		return vg_rb_wake(w, now);
	return BPF_RB_NO_WAKEUP;
}

/* vg_rb_flags_at() now. */
static __always_inline __u64 vg_rb_flags(void)
{
	return vg_rb_flags_at(bpf_ktime_get_boot_ns());
}

/*
 * Flags for record @h: a bookkeeping record waits in the ring without a
 * wakeup (vg_wake_flags); the rest are paced (vg_rb_flags_at, at the time
 * the header holds: one clock read less per record) or, with pacing off,
 * wake the consumer for bookkeeping records before them.
 */
static __always_inline __u64 vg_record_flags(const struct vg_hdr *h)
{
	__u8 sw = vg_type_switch_of(h->type);
	__u64 paced;

	if (sw & VG_TYPE_QUIET)
		return vg_wake_flags(sw);
	paced = h->ts_boot_ns ? vg_rb_flags_at(h->ts_boot_ns) : vg_rb_flags();
	return paced ? paced : vg_wake_flags(sw);
}

/*
 * Sends the finished record; counts a full ring buffer. The hook decided
 * at entry that the record is wanted (vg_should_drop). @now: wake the
 * agent for it at once (vg_wake_now_flags), else as its type says.
 */
static __always_inline int vg_submit_wake(void *ctx, struct vg_tail *t, bool now)
{
	struct vg_hdr *h = (struct vg_hdr *)t->rec;
	__u32 size = t->fixed + t->off;
	long err;

	(void)ctx;
	if (size > VG_MAX_RECORD_BYTES) {
		vg_count(VG_CNT_TOO_LARGE);
		return -1;
	}
	h->size = size;
	err = bpf_ringbuf_output(&events, t->rec, size,
				 now ? vg_wake_now_flags() : vg_record_flags(h));
	if (err) {
		vg_count(VG_CNT_RB_FULL);
		return -1;
	}
	vg_count(VG_CNT_EVENTS);
	return 0;
}

static __always_inline int vg_submit(void *ctx, struct vg_tail *t)
{
	return vg_submit_wake(ctx, t, false);
}

/* Fixed-size records go straight into the ring buffer. */
static __always_inline void *vg_reserve(__u32 size)
{
	void *p = bpf_ringbuf_reserve(&events, size, 0);

	if (!p)
		vg_count(VG_CNT_RB_FULL);
	return p;
}

/* Sends a reserved record the hook decided at entry to send (vg_should_drop). */
static __always_inline void vg_commit(void *p)
{
	bpf_ringbuf_submit(p, vg_record_flags((struct vg_hdr *)p));
	vg_count(VG_CNT_EVENTS);
}

/* Sends a reserved record unless its finished header is dropped (vg_record_dropped). */
static __always_inline void vg_commit_if_wanted(void *p)
{
	if (vg_record_dropped((struct vg_hdr *)p)) {
		bpf_ringbuf_discard(p, 0);
		vg_count(VG_CNT_FILTERED);
		return;
	}
	vg_commit(p);
}

/*
 * Eight bytes of a constant string as one little-endian word, folded by the
 * compiler: comparisons use immediates, never a string in .rodata (libbpf
 * would make one more map of it, and the loader then misreads the object's
 * rodata; a loop over it would also cost instructions).
 */
#define VG_BYTE_(s, i) ((__u64)(__u8)(s)[i] << (8 * (i)))
#define VG_WORD8(s) (VG_BYTE_(s, 0) | VG_BYTE_(s, 1) | VG_BYTE_(s, 2) | VG_BYTE_(s, 3) | \
		  VG_BYTE_(s, 4) | VG_BYTE_(s, 5) | VG_BYTE_(s, 6) | VG_BYTE_(s, 7))
/* The first @n (1..8) bytes of @s; the NUL of a shorter literal included. */
#define VG_WORD_MASK(n) ((n) >= 8 ? ~0ULL : (1ULL << (8 * (n))) - 1)

static __always_inline __u64 vg_word_at(const __u8 *p)
{
	__u64 w;

	__builtin_memcpy(&w, p, sizeof(w));
	return w;
}

/* Whether @buf starts with the 8 bytes @w0 then the @n1 bytes of @w1. */
static __always_inline bool vg_bytes_are(const __u8 *buf, __u64 w0, __u64 w1, int n1)
{
	return vg_word_at(buf) == w0 &&
	       (vg_word_at(buf + 8) & VG_WORD_MASK(n1)) == (w1 & VG_WORD_MASK(n1));
}

/* Whether @buf starts with the 8 characters @a then the (up to 8) of @b. */
#define VG_BYTES_ARE(buf, a, b) \
	vg_bytes_are(buf, VG_WORD8(a), VG_WORD8(b "\0\0\0\0\0\0\0"), sizeof(b) - 1)

#endif /* VIGIL_COMMON_BPF_H */
