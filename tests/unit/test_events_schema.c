// SPDX-License-Identifier: GPL-2.0
/*
 * docs/events.md is the schema: its tables between the schema: markers list
 * the keys every record carries, the keys an alert adds, each kind's
 * event.category and event.type, and the allowed top-level keys. Every
 * record kind the decoder knows is printed as JSON (and once as an alert)
 * and checked against them: required keys and types, event.kind and
 * event.action, no null anywhere, no duplicate key, bounded ancestors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <jansson.h>
#include "event/decode.h"
#include "event/event_format.h"
#include "event/fields.h"
#include "event/json_paths.h"
#include "event/proc_cache.h"
#include "policy/alert_json.h"
#include "record_fixture.h"
#include "repo_file.h"

#define MAX_ROWS 64

struct row {
	char col[3][96];	/* backquotes removed */
};

struct table {
	struct row rows[MAX_ROWS];
	size_t n;
};

static char *doc;

/* A cell without its backquotes and surrounding spaces. */
static void put_cell(char *out, size_t size, const char *cell)
{
	size_t n = 0;

	while (*cell == ' ')
		cell++;
	for (; *cell && n + 1 < size; cell++)
		if (*cell != '`')
			out[n++] = *cell;
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/* The table between <!-- schema:NAME:begin --> and its end, without its header row. */
static void read_table(const char *name, struct table *t)
{
	char begin[64], end[64], *p, *stop;
	bool header = true;

	snprintf(begin, sizeof(begin), "<!-- schema:%s:begin -->", name);
	snprintf(end, sizeof(end), "<!-- schema:%s:end -->", name);
	p = strstr(doc, begin);
	stop = strstr(doc, end);
	if (!p || !stop)
		fail_msg("docs/events.md: no %s table", name);
	memset(t, 0, sizeof(*t));
	for (p = strchr(p, '\n'); p && p < stop; p = strchr(p + 1, '\n')) {
		char line[512], *cell, *save = NULL;
		size_t len = strcspn(p + 1, "\n"), k = 0;

		if (p[1] != '|' || len >= sizeof(line) || !strncmp(p + 1, "| ---", 5))
			continue;
		if (header) {
			header = false;
			continue;
		}
		memcpy(line, p + 1, len);
		line[len] = '\0';
		for (cell = strtok_r(line, "|", &save); cell && k < 3; cell = strtok_r(NULL, "|", &save))
			put_cell(t->rows[t->n].col[k++], sizeof(t->rows[0].col[0]), cell);
		assert_true(++t->n < MAX_ROWS);
	}
}

static json_t *at(json_t *j, const char *path)
{
	char seg[96];

	while (j && *path) {
		size_t n = strcspn(path, ".");

		assert_true(n < sizeof(seg));
		memcpy(seg, path, n);
		seg[n] = '\0';
		j = json_object_get(j, seg);
		path += n + (path[n] == '.');
	}
	return j;
}

static void no_null(json_t *j, const char *where)
{
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_null(j))
		fail_msg("%s: null in %s", where, json_dumps(j, 0));
	if (json_is_object(j))
		json_object_foreach(j, k, v)
			no_null(v, where);
	if (json_is_array(j))
		json_array_foreach(j, i, v)
			no_null(v, where);
}

static bool has_type(json_t *v, const char *type)
{
	if (!strcmp(type, "string"))
		return json_is_string(v);
	if (!strcmp(type, "list"))
		return json_is_array(v);
	if (!strcmp(type, "number"))
		return json_is_integer(v);
	if (!strcmp(type, "bool"))
		return json_is_boolean(v);
	fail_msg("docs/events.md: unknown type '%s'", type);
	return false;
}

static void check_keys(json_t *j, const struct table *t, const char *what)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		json_t *v = at(j, t->rows[i].col[0]);

		if (!v || !has_type(v, t->rows[i].col[1]))
			fail_msg("%s: %s missing or not a %s", what, t->rows[i].col[0],
				 t->rows[i].col[1]);
	}
}

static void check_words(json_t *list, const char *words, const char *what)
{
	char buf[96] = "";
	json_t *w;
	size_t i;

	json_array_foreach(list, i, w) {
		if (i)
			strcat(buf, ", ");
		strncat(buf, json_string_value(w) ?: "?", sizeof(buf) - strlen(buf) - 1);
	}
	if (strcmp(buf, words))
		fail_msg("%s: %s, docs/events.md says %s", what, buf, words);
}

static void check_ancestors(json_t *j, const char *what)
{
	json_t *a, *arg;
	size_t i, k;

	json_array_foreach(at(j, "process.ancestors"), i, a) {
		size_t bytes = 0;

		json_array_foreach(json_object_get(a, "args"), k, arg)
			bytes += json_string_length(arg) + 1;
		if (json_array_size(json_object_get(a, "args")) > VG_ANCESTOR_ARGS_MAX ||
		    bytes > VG_ANCESTOR_ARGV_BYTES + VG_ANCESTOR_ARGS_MAX)
			fail_msg("%s: ancestor argv not bounded", what);
	}
}

struct schema {
	struct table every, alert, kinds, spaces;
};

static void check_line(const char *line, const struct schema *s, const char *kind, bool alert)
{
	json_error_t err;
	json_t *j = json_loads(line, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err), *v;
	const char *k;
	size_t i;
	bool documented;

	if (!j)
		fail_msg("%s: %s: %s", kind, err.text, line);
	no_null(j, kind);
	check_keys(j, &s->every, kind);
	if (alert)
		check_keys(j, &s->alert, kind);
	assert_string_equal(json_string_value(at(j, "event.kind")), alert ? "alert" : "event");
	assert_string_equal(json_string_value(at(j, "event.action")), kind);
	for (documented = false, i = 0; i < s->kinds.n; i++) {
		if (strcmp(s->kinds.rows[i].col[0], kind))
			continue;
		documented = true;
		check_words(at(j, "event.category"), s->kinds.rows[i].col[1], kind);
		check_words(at(j, "event.type"), s->kinds.rows[i].col[2], kind);
	}
	if (!documented)
		fail_msg("%s: not in docs/events.md's kinds table", kind);
	json_object_foreach(j, k, v) {
		for (documented = false, i = 0; i < s->spaces.n; i++)
			documented |= !strcmp(s->spaces.rows[i].col[0], k);
		if (!documented)
			fail_msg("%s: top-level key '%s' is not in docs/events.md", kind, k);
	}
	check_ancestors(j, kind);
	json_decref(j);
}

static void read_doc(void)
{
	FILE *f = open_repo_file("docs/events.md", "r");
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	doc = calloc(1, n + 1);
	assert_int_equal(fread(doc, 1, n, f), (size_t)n);
	fclose(f);
}

static void test_every_record_follows_docs_events_md(void **state)
{
	static const char *const tags[] = { "T1059.004", "test" };
	static unsigned char rec[REC_BYTES];
	struct schema *s = calloc(1, sizeof(*s));
	struct vg_alert al = { .rule_name = "r", .severity = 3, .tags = tags, .n_tags = 2,
			       .outcome = "alerted" };
	struct vg_alert_json aj = { &al, NULL, 1, NULL };
	unsigned type, n_kinds = 0;

	(void)state;
	read_doc();
	read_table("every", &s->every);
	read_table("alert", &s->alert);
	read_table("kinds", &s->kinds);
	read_table("namespaces", &s->spaces);
	assert_true(s->every.n >= 5 && s->alert.n >= 5 && s->spaces.n >= 10);
	assert_int_equal(s->kinds.n, VG_K_MAX);
	for (type = 0; type < VG_EV_TYPE_MAX; type++) {
		const struct vg_record_desc *d = vg_record_desc(type);
		struct vg_proc_cache *cache;
		struct vg_event_ctx ev;
		struct vg_buf out = { 0 };
		size_t size;

		if (!d || !d->layout)
			continue;
		cache = vg_proc_cache_new(64, 1000000000ull, 0);
		size = build(rec, d, type);
		seed_cache(cache, (const struct vg_hdr *)rec);
		vg_event_ctx_fill(&ev, cache, rec, size);
		vg_event_to_json(&out, &ev);
		vg_buf_append(&out, "", 1);
		check_line(out.data, s, d->kind, false);
		vg_buf_reset(&out);
		vg_event_to_json_with(&out, &ev, vg_alert_json_keys, &aj);
		vg_buf_append(&out, "", 1);
		check_line(out.data, s, d->kind, true);
		assert_non_null(strstr(out.data, "\"threat\":{\"technique\":{\"id\":[\"T1059.004\"]}}"));
		vg_buf_free(&out);
		vg_proc_cache_free(cache);
		n_kinds++;
	}
	assert_true(n_kinds >= VG_K_MAX);
	free(s);
	free(doc);
}

/*
 * The JSON writer puts a table's keys in as they are, unescaped
 * (event_format.c tree_key): every path is identifiers joined by dots, and
 * split in advance (json_paths.c).
 */
static void test_table_paths_are_identifiers(void **state)
{
	unsigned type, n = 0;

	(void)state;
	for (type = 0; type < VG_EV_TYPE_MAX; type++) {
		const struct vg_record_desc *d = vg_record_desc(type);
		const struct vg_rec_table *const *t;
		size_t i;

		if (!d || !d->layout)
			continue;
		for (t = d->layout->tables; *t; t++) {
			for (i = 0; i < (*t)->n; i++) {
				const char *p = (*t)->fields[i].path;
				size_t k, seg = 0;

				assert_non_null(p);
				for (k = 0; p[k]; k++, seg++) {
					if (p[k] == '.') {
						if (!seg)
							fail_msg("'%s': an empty segment", p);
						seg = (size_t)-1;
					} else if (!strchr("abcdefghijklmnopqrstuvwxyz"
							   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@", p[k])) {
						fail_msg("'%s': '%c' would need escaping", p, p[k]);
					}
				}
				if (!seg)
					fail_msg("'%s': an empty segment", p);
				if (!vg_json_paths_of(*t) || !vg_json_paths_of(*t)[i].n)
					fail_msg("'%s': not split in advance", p);
				n++;
			}
		}
	}
	assert_true(n > 100);
}

/* An ancestor with a long argv keeps 4 arguments, and says it lost some. */
static void test_ancestor_argv_is_bounded(void **state)
{
	static unsigned char rec[REC_BYTES];
	const struct vg_record_desc *d = vg_record_desc(VG_EV_EXEC);
	struct vg_proc_cache *cache = vg_proc_cache_new(64, 1000000000ull, 0);
	char args[600];
	struct vg_event_ctx ev;
	struct vg_buf out = { 0 };
	struct vg_proc *p;
	size_t size;
	json_t *j, *anc;

	(void)state;
	memset(args, 'a', sizeof(args));
	for (size_t i = 9; i < sizeof(args); i += 10)
		args[i] = '\0';
	size = build(rec, d, 1);
	seed_cache(cache, (const struct vg_hdr *)rec);
	p = vg_proc_cache_put(cache, ((const struct vg_exec *)rec)->ppid, 6000, false);
	vg_proc_set_args(p, args, sizeof(args) - 1, false);
	vg_event_ctx_fill(&ev, cache, rec, size);
	vg_event_to_json(&out, &ev);
	vg_buf_append(&out, "", 1);
	j = json_loads(out.data, JSON_ALLOW_NUL, NULL);
	assert_non_null(j);
	anc = json_array_get(at(j, "process.ancestors"), 0);
	assert_int_equal(json_array_size(json_object_get(anc, "args")), VG_ANCESTOR_ARGS_MAX);
	assert_true(json_is_true(json_object_get(anc, "args_truncated")));
	json_decref(j);
	vg_buf_free(&out);
	vg_proc_cache_free(cache);
}

/* The first ancestor's JSON for @ev, freshly printed (caller frees). */
static json_t *first_ancestor(struct vg_event_ctx *ev, struct vg_proc_cache *cache,
			      const unsigned char *rec, size_t size)
{
	struct vg_buf out = { 0 };
	json_t *j, *anc;

	vg_event_ctx_fill(ev, cache, rec, size);
	vg_event_to_json(&out, ev);
	vg_buf_append(&out, "", 1);
	j = json_loads(out.data, JSON_ALLOW_NUL, NULL);
	assert_non_null(j);
	anc = json_incref(json_array_get(at(j, "process.ancestors"), 0));
	assert_non_null(anc);
	json_decref(j);
	vg_buf_free(&out);
	return anc;
}

/*
 * Ancestry is printed once per content and reused: a parent that changes
 * its argv (same length), its name or its executable in place is printed
 * as it is now, never as the copy the formatter kept.
 */
static void test_ancestry_follows_changes(void **state)
{
	static unsigned char rec[REC_BYTES];
	const struct vg_record_desc *d = vg_record_desc(VG_EV_EXEC);
	struct vg_proc_cache *cache = vg_proc_cache_new(64, 1000000000ull, 0);
	struct vg_event_ctx ev;
	struct vg_proc *p;
	size_t size;
	json_t *anc;

	(void)state;
	size = build(rec, d, 1);
	seed_cache(cache, (const struct vg_hdr *)rec);
	p = vg_proc_cache_put(cache, ((const struct vg_exec *)rec)->ppid, 6000, false);
	vg_proc_set_args(p, "sh\0-c\0one", 10, false);
	vg_proc_set_exe(p, "/bin/sh", 7);
	strcpy(p->comm, "sh");
	anc = first_ancestor(&ev, cache, rec, size);
	assert_string_equal(json_string_value(json_array_get(json_object_get(anc, "args"), 2)),
			    "one");
	json_decref(anc);
	/* Printed twice alike: the kept copy is what a fresh print gives. */
	anc = first_ancestor(&ev, cache, rec, size);
	assert_string_equal(json_string_value(json_array_get(json_object_get(anc, "args"), 2)),
			    "one");
	json_decref(anc);
	vg_proc_set_args(p, "sh\0-c\0two", 10, false);
	anc = first_ancestor(&ev, cache, rec, size);
	assert_string_equal(json_string_value(json_array_get(json_object_get(anc, "args"), 2)),
			    "two");
	json_decref(anc);
	strcpy(p->comm, "bash");
	vg_proc_set_exe(p, "/bin/ba", 7);
	anc = first_ancestor(&ev, cache, rec, size);
	assert_string_equal(json_string_value(json_object_get(anc, "name")), "bash");
	assert_string_equal(json_string_value(json_object_get(json_object_get(anc, "executable"),
							      "path")), "/bin/ba");
	json_decref(anc);
	vg_proc_cache_free(cache);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_record_follows_docs_events_md),
		cmocka_unit_test(test_table_paths_are_identifiers),
		cmocka_unit_test(test_ancestor_argv_is_bounded),
		cmocka_unit_test(test_ancestry_follows_changes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
