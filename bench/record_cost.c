// SPDX-License-Identifier: GPL-2.0
/*
 * record_cost [N [exec|open]]: the agent worker's user-space cost per record, without
 * the kernel or the machine's load: N fork+exec+exit cycles (a copy of
 * true, run by a shell six generations below init) and N opens for writing
 * under /var/tmp, each record put through what the worker does with it
 * (process cache and provenance, the record's context, the built-in
 * default policy), timed on this thread's CPU clock. Prints ns of CPU per
 * record for each workload, alerts, rule conditions evaluated and ancestry
 * walks per record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "event/decode.h"
#include "event/event_format.h"
#include "event/provenance.h"
#include "policy/policy.h"

extern const char vg_default_policy_yaml[];	/* build/gen/default_policy.c */

#define MS 1000000ULL
#define GRACE_NS (30000ULL * MS)	/* the agent's */
#define LOOP_PID 5000

struct bench {
	struct vg_proc_cache *cache;
	struct vg_provenance *prov;
	struct vg_policy *policy;
	struct vg_event_view *view;
	uint64_t now, alerts;
	uint32_t next_pid;
	_Alignas(8) unsigned char rec[2048];
};

static size_t put_str(struct vg_str *s, char *tail, size_t off, const char *v, size_t len)
{
	s->off = off;
	s->len = len;
	memcpy(tail + off, v, len);
	return off + len;
}

static void header(struct vg_hdr *h, uint16_t type, uint32_t tgid, uint64_t start, uint64_t now)
{
	h->type = type;
	h->version = VG_ABI_VERSION;
	h->tgid = h->pid = tgid;
	h->start_time_ns = start;
	h->ts_boot_ns = now;
	h->cgroup_id = 1;
}

static size_t exec_rec(struct bench *b, uint32_t tgid, uint64_t start, uint32_t ppid,
		       uint64_t pstart, const char *exe, const char *argv, size_t argv_len)
{
	struct vg_exec *e = (void *)b->rec;
	char *tail = (char *)b->rec + sizeof(*e);
	size_t off = 0;
	const char *base = strrchr(exe, '/') + 1;

	memset(b->rec, 0, sizeof(struct vg_exec));
	header(&e->hdr, VG_EV_EXEC, tgid, start, b->now);
	snprintf(e->hdr.comm, sizeof(e->hdr.comm), "%s", base);
	e->ppid = ppid;
	e->parent_start_time_ns = pstart;
	e->argc = 1;
	e->loginuid = e->audit_session = (uint32_t)-1;
	off = put_str(&e->filename, tail, off, exe, strlen(exe));
	off = put_str(&e->exe, tail, off, exe, strlen(exe));
	off = put_str(&e->argv, tail, off, argv, argv_len);
	off = put_str(&e->cwd, tail, off, "/root", 5);
	off = put_str(&e->cgroup, tail, off, "/", 1);
	e->hdr.size = sizeof(*e) + off;
	return e->hdr.size;
}

/* The worker's steps for one record (src/agent/agent.c on_record, agent_policy.c on_event). */
static int count_alert(struct vg_alert *a, struct vg_event_view *v, void *ctx)
{
	(void)a;
	(void)v;
	++*(uint64_t *)ctx;
	return 0;
}

static void handle(struct bench *b, size_t size)
{
	const struct vg_hdr *h = (const void *)b->rec;
	struct vg_event_ctx ev;
	struct vg_proc *p = NULL;

	if (vg_decode_check(b->rec, size, NULL) != VG_DEC_OK) {
		fprintf(stderr, "record_cost: invalid record of type %u\n", h->type);
		exit(1);
	}
	switch (h->type) {
	case VG_EV_EXEC:
		vg_proc_cache_on_exec(b->cache, (const void *)h);
		p = vg_proc_cache_lookup(b->cache, h->tgid, h->start_time_ns);
		if (p)
			vg_provenance_on_exec(b->prov, b->cache, p, (const void *)h);
		break;
	case VG_EV_FORK:
		vg_proc_cache_on_fork(b->cache, (const void *)h);
		break;
	case VG_EV_EXIT:
		break;
	default:
		p = vg_proc_cache_lookup(b->cache, h->tgid, h->start_time_ns);
		vg_provenance_on_file(b->prov, b->cache, (const void *)h, size, p);
	}
	vg_event_ctx_fill_proc(&ev, b->cache, h, size, p);
	if (vg_field_view_live(b->view, ev.rec, ev.size, ev.proc, ev.anc) == 0) {
		b->view->cache = b->cache;
		vg_policy_eval(b->policy, b->view, h->ts_boot_ns, count_alert, &b->alerts);
	}
	if (h->type == VG_EV_EXIT)
		vg_proc_cache_on_exit(b->cache, (const void *)h);
}

/* init <- sshd <- bash <- make <- sh <- the loop: execs of each, oldest first. */
static void ancestors(struct bench *b)
{
	static const char *const chain[] = { "/sbin/init", "/usr/sbin/sshd", "/usr/bin/bash",
					     "/usr/bin/make", "/usr/bin/dash" };
	uint32_t ppid = 0, pid = LOOP_PID - 5;
	uint64_t pstart = 0;
	size_t i;

	for (i = 0; i <= 5; i++, pid++) {
		const char *exe = i < 5 ? chain[i] : "/var/tmp/bench/exec_loop";
		const char *base = strrchr(exe, '/') + 1;

		handle(b, exec_rec(b, pid, pid * MS, ppid, pstart, exe, base, strlen(base)));
		ppid = pid;
		pstart = pid * MS;
	}
}

static void exec_cycle(struct bench *b)
{
	static const char exe[] = "/var/tmp/bench/vigil-bench-true";
	uint32_t pid = b->next_pid++;
	uint64_t start = b->now;
	struct vg_fork *f = (void *)b->rec;
	struct vg_exit *x = (void *)b->rec;

	memset(b->rec, 0, sizeof(*f));
	header(&f->hdr, VG_EV_FORK, pid, start, b->now);
	memcpy(f->hdr.comm, "exec_loop", 10);
	f->ppid = f->parent_pid = LOOP_PID;
	f->parent_start_time_ns = LOOP_PID * MS;
	f->hdr.size = sizeof(*f);
	handle(b, sizeof(*f));
	handle(b, exec_rec(b, pid, start, LOOP_PID, LOOP_PID * MS, exe, exe, sizeof(exe) - 1));
	memset(b->rec, 0, sizeof(*x));
	header(&x->hdr, VG_EV_EXIT, pid, start, b->now + MS / 2);
	memcpy(x->hdr.comm, "vigil-bench-tru", 16);
	x->ppid = LOOP_PID;
	x->hdr.size = sizeof(*x);
	handle(b, sizeof(*x));
}

static void open_one(struct bench *b)
{
	static const char path[] = "/var/tmp/vigil-bench-Ab12Cd/data/file.txt";
	struct vg_file *f = (void *)b->rec;
	char *tail = (char *)b->rec + sizeof(*f);
	size_t off = 0;

	memset(b->rec, 0, sizeof(*f));
	header(&f->hdr, VG_EV_FILE_OPEN, LOOP_PID, LOOP_PID * MS, b->now);
	memcpy(f->hdr.comm, "file_loop", 10);
	f->ret = 3;
	f->flags = 01;	/* O_WRONLY */
	f->access = VG_FACC_WRITE;
	f->dirfd = VG_FILE_AT_FDCWD;
	f->syscall = VG_FSC_OPENAT;
	off = put_str(&f->path, tail, off, path, sizeof(path) - 1);
	off = put_str(&f->requested, tail, off, path, sizeof(path) - 1);
	f->hdr.size = sizeof(*f) + off;
	handle(b, f->hdr.size);
}

static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static uint64_t walks(struct bench *b)
{
	struct vg_proc_cache_stats st;

	vg_proc_cache_get_stats(b->cache, &st);
	return st.ancestry_walks;
}

static uint64_t rule_evals(struct bench *b)
{
	struct vg_policy_stats st;

	vg_policy_get_stats(b->policy, &st);
	return st.rule_evals;
}

static void report(struct bench *b, const char *what, void (*one)(struct bench *), long n,
		   int per_op)
{
	uint64_t alerts = b->alerts, w = walks(b), evals = rule_evals(b);
	double t0 = cpu_ns(), swept = 0, t1;
	long i;

	for (i = 0; i < n; i++) {
		one(b);
		b->now += MS;
		if (!(i % 1000)) {	/* the agent's once-a-second sweep: not a record's cost */
			t1 = cpu_ns();
			vg_proc_cache_sweep(b->cache, b->now);
			swept += cpu_ns() - t1;
		}
	}
	t0 = cpu_ns() - t0 - swept;
	printf("%-6s %8.0f ns/record  %8.0f ns/op  alerts %lu  rules/record %.1f"
	       "  ancestry walks/record %.2f\n",
	       what, t0 / (n * per_op), t0 / n, (unsigned long)(b->alerts - alerts),
	       (double)(rule_evals(b) - evals) / (n * per_op),
	       (double)(walks(b) - w) / (n * per_op));
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	struct bench *b = calloc(1, sizeof(*b));

	if (!b || n <= 0)
		return 2;
	b->cache = vg_proc_cache_new(65536, GRACE_NS, 0);
	b->prov = vg_provenance_new();
	b->policy = vg_policy_new();
	b->view = calloc(1, sizeof(*b->view));
	if (!b->cache || !b->prov || !b->policy || !b->view)
		return 2;
	vg_policy_add_string(b->policy, "builtin:default.yaml", vg_default_policy_yaml);
	if (vg_policy_compile(b->policy) || vg_policy_n_errors(b->policy)) {
		fprintf(stderr, "record_cost: the default policy does not compile\n");
		return 1;
	}
	b->now = 100000 * MS;
	b->next_pid = 10000;
	ancestors(b);
	if (argc < 3 || !strcmp(argv[2], "exec"))
		report(b, "exec", exec_cycle, n, 3);
	if (argc < 3 || !strcmp(argv[2], "open"))
		report(b, "open", open_one, n, 1);
	vg_policy_free(b->policy);
	vg_provenance_free(b->prov);
	vg_proc_cache_free(b->cache);
	free(b->view);
	free(b);
	return 0;
}
