// SPDX-License-Identifier: GPL-2.0
/*
 * Lazy ancestry: a record's ancestors are walked through the process cache
 * only when a rule's condition reaches a parent or ancestor field, an
 * alert's message names one, or a line prints them; what is walked is the
 * chain as the record found it, an exited parent included.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include "event/decode.h"
#include "event/event_format.h"
#include "lib/json.h"
#include "policy/policy.h"
#include "policy_fixture.h"

#define SEC 1000000000ULL

enum { SSHD = 10, BASH = 20, ID = 30 };

static unsigned char exec_buf[1024];

static void exec_one(struct vg_proc_cache *c, uint32_t tgid, uint32_t ppid, const char *comm,
		     const char *exe)
{
	struct vg_exec *e = (struct vg_exec *)exec_buf;
	char *tail = (char *)exec_buf + sizeof(*e);

	memset(exec_buf, 0, sizeof(exec_buf));
	e->hdr.type = VG_EV_EXEC;
	e->hdr.tgid = e->hdr.pid = tgid;
	e->hdr.start_time_ns = tgid * SEC;
	snprintf(e->hdr.comm, sizeof(e->hdr.comm), "%s", comm);
	e->ppid = ppid;
	e->parent_start_time_ns = ppid * SEC;
	e->exe.len = strlen(exe);
	memcpy(tail, exe, e->exe.len);
	e->argv.off = e->exe.len;
	e->argv.len = strlen(comm);
	memcpy(tail + e->argv.off, comm, e->argv.len);
	vg_proc_cache_on_exec(c, e);
}

/* sshd (10) -> bash (20) -> id (30). */
static struct vg_proc_cache *three_generations(void)
{
	struct vg_proc_cache *c = vg_proc_cache_new(64, 5 * SEC, 10000000);

	assert_non_null(c);
	exec_one(c, SSHD, 1, "sshd", "/usr/sbin/sshd");
	exec_one(c, BASH, SSHD, "bash", "/usr/bin/bash");
	exec_one(c, ID, BASH, "id", "/usr/bin/id");
	return c;
}

static struct vg_exit exit_of(uint32_t tgid, uint32_t ppid, uint64_t now)
{
	struct vg_exit x = { 0 };

	x.hdr.type = VG_EV_EXIT;
	x.hdr.version = VG_ABI_VERSION;
	x.hdr.size = sizeof(x);
	x.hdr.tgid = x.hdr.pid = tgid;
	x.hdr.start_time_ns = tgid * SEC;
	x.hdr.ts_boot_ns = now;
	memcpy(x.hdr.comm, tgid == ID ? "id" : "bash", tgid == ID ? 3 : 5);
	x.ppid = ppid;
	return x;
}

static uint64_t walks(struct vg_proc_cache *c)
{
	struct vg_proc_cache_stats st;

	vg_proc_cache_get_stats(c, &st);
	return st.ancestry_walks;
}

static uint64_t late(struct vg_proc_cache *c)
{
	struct vg_proc_cache_stats st;

	vg_proc_cache_get_stats(c, &st);
	return st.ancestry_late;
}

static void test_walked_once_when_first_read(void **state)
{
	struct vg_proc_cache *c = three_generations();
	const struct vg_proc *const *list;
	struct vg_ancestry a;

	(void)state;
	vg_ancestry_init(&a, c, vg_proc_cache_lookup(c, ID, ID * SEC));
	assert_int_equal(walks(c), 0);
	assert_int_equal(vg_ancestry_get(&a, &list), 2);
	assert_int_equal(list[0]->tgid, BASH);
	assert_int_equal(list[1]->tgid, SSHD);
	assert_int_equal(vg_ancestry_get(&a, &list), 2);
	assert_int_equal(walks(c), 1);
	assert_int_equal(late(c), 0);
	/* An unknown process has none, and costs no walk. */
	vg_ancestry_init(&a, c, NULL);
	assert_int_equal(vg_ancestry_get(&a, &list), 0);
	assert_int_equal(walks(c), 1);
	vg_proc_cache_free(c);
}

/* A walk after the cache's links changed would not be the record's ancestry: counted. */
static void test_walk_after_the_links_changed_is_counted(void **state)
{
	struct vg_proc_cache *c = three_generations();
	const struct vg_proc *const *list;
	struct vg_ancestry a;

	(void)state;
	vg_ancestry_init(&a, c, vg_proc_cache_lookup(c, ID, ID * SEC));
	exec_one(c, 40, ID, "sh", "/bin/sh");
	vg_ancestry_get(&a, &list);
	assert_int_equal(late(c), 1);
	vg_proc_cache_free(c);
}

/* Alerts of @yaml's rules on id's exit record, as the agent evaluates it. */
static int eval_exit(struct vg_proc_cache *c, const char *yaml)
{
	struct vg_exit x = exit_of(ID, BASH, 50 * SEC);
	struct vg_event_view *v = calloc(1, sizeof(*v));
	struct vg_policy *p = compile_ok(yaml);
	struct vg_event_ctx ev;
	int n = 0, alerts;

	assert_non_null(v);
	vg_event_ctx_fill(&ev, c, &x, sizeof(x));
	assert_int_equal(vg_field_view_live(v, ev.rec, ev.size, ev.proc, ev.anc), 0);
	v->cache = c;
	alerts = vg_policy_eval(p, v, 50 * SEC, count, &n);
	assert_int_equal(alerts, n);
	vg_policy_free(p);
	free(v);
	return n;
}

static void test_rules_walk_only_when_they_reach_ancestry(void **state)
{
	struct vg_proc_cache *c = three_generations();

	(void)state;
	/* Nothing about parents: no walk. */
	assert_int_equal(eval_exit(c, "rules:\n  - name: a\n    event: exit\n"
				   "    condition: process.name = id\n    output: x\n"), 1);
	assert_int_equal(walks(c), 0);
	/* process.parent.pid is the record's (or the entry's) own: no walk. */
	assert_int_equal(eval_exit(c, "rules:\n  - name: a\n    event: exit\n"
				   "    condition: process.parent.pid = 20\n    output: x\n"), 1);
	assert_int_equal(walks(c), 0);
	/* The condition fails before its ancestry term: no walk. */
	assert_int_equal(eval_exit(c, "rules:\n  - name: a\n    event: exit\n"
				   "    condition: process.name = cron and process.ancestors.name = sshd\n"
				   "    output: x\n"), 0);
	assert_int_equal(walks(c), 0);
	/* Reached: one walk, and it finds the grandparent. */
	assert_int_equal(eval_exit(c, "rules:\n  - name: a\n    event: exit\n"
				   "    condition: process.name = id and process.ancestors.name = sshd\n"
				   "    output: x\n"), 1);
	assert_int_equal(walks(c), 1);
	/* Two rules reading it share the one walk of their record. */
	assert_int_equal(eval_exit(c, "rules:\n  - name: a\n    event: exit\n"
				   "    condition: process.parent.name = bash\n    output: x\n"
				   "  - name: b\n    event: exit\n"
				   "    condition: process.ancestors.executable.path = /usr/sbin/sshd\n"
				   "    output: x\n"), 2);
	assert_int_equal(walks(c), 2);
	assert_int_equal(late(c), 0);
	vg_proc_cache_free(c);
}

/* An alert's message that names the parent walks; its condition alone did not. */
static void test_message_walks_when_it_names_the_parent(void **state)
{
	struct vg_proc_cache *c = three_generations();
	struct vg_exit x = exit_of(ID, BASH, 50 * SEC);
	struct vg_event_view *v = calloc(1, sizeof(*v));
	struct vg_policy *p = compile_ok("rules:\n  - name: a\n    event: exit\n"
					 "    condition: process.name = id\n"
					 "    output: \"{process.parent.executable.path} ran id\"\n");
	struct vg_event_ctx ev;
	int n = 0;

	(void)state;
	assert_non_null(v);
	vg_event_ctx_fill(&ev, c, &x, sizeof(x));
	assert_int_equal(vg_field_view_live(v, ev.rec, ev.size, ev.proc, ev.anc), 0);
	assert_int_equal(vg_policy_eval(p, v, 50 * SEC, count, &n), 1);
	assert_int_equal(walks(c), 1);
	vg_policy_free(p);
	free(v);
	vg_proc_cache_free(c);
}

static json_t *event_json(const struct vg_event_ctx *ev)
{
	struct vg_buf b = { 0 };
	json_t *j;

	vg_event_to_json(&b, ev);
	vg_buf_append(&b, "", 1);
	j = json_loads(b.data, 0, NULL);
	assert_non_null(j);
	vg_buf_free(&b);
	return j;
}

/*
 * The parent exited (and the sweep ran) before the child's record was
 * taken, and the parent's exit is seen again after the record was filled
 * but before it was printed: the line still names that parent and its
 * parent, as the cache knew them for the record.
 */
static void test_printed_ancestry_keeps_an_exited_parent(void **state)
{
	struct vg_proc_cache *c = three_generations();
	struct vg_exit parent_gone = exit_of(BASH, SSHD, 40 * SEC);
	struct vg_exit x = exit_of(ID, BASH, 50 * SEC);
	struct vg_event_ctx ev;
	json_t *j, *anc;

	(void)state;
	vg_proc_cache_on_exit(c, &parent_gone);
	assert_int_equal(vg_proc_cache_sweep(c, 1000 * SEC), 0);	/* a live child keeps it */
	vg_event_ctx_fill(&ev, c, &x, sizeof(x));
	vg_proc_cache_on_exit(c, &parent_gone);		/* no effect: already gone */
	assert_int_equal(walks(c), 0);
	j = event_json(&ev);
	assert_int_equal(walks(c), 1);
	anc = json_object_get(json_object_get(j, "process"), "ancestors");
	assert_int_equal(json_array_size(anc), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(anc, 0), "pid")), BASH);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		json_array_get(anc, 0), "executable"), "path")), "/usr/bin/bash");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(anc, 1), "pid")), SSHD);
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(
		j, "process"), "parent"), "name")), "bash");
	json_decref(j);
	assert_int_equal(late(c), 0);
	vg_proc_cache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walked_once_when_first_read),
		cmocka_unit_test(test_walk_after_the_links_changed_is_counted),
		cmocka_unit_test(test_rules_walk_only_when_they_reach_ancestry),
		cmocka_unit_test(test_message_walks_when_it_names_the_parent),
		cmocka_unit_test(test_printed_ancestry_keeps_an_exited_parent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
