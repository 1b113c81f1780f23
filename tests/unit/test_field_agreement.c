// SPDX-License-Identifier: GPL-2.0
/*
 * One description per record, checked: for every record type the decoder
 * knows, a record with every member set (distinct non-zero values, every
 * string filled) and a known process with ancestors is printed as JSON;
 * then every policy field of its kind must give the same values read live
 * (vg_field_view_record) and read back from that JSON (vg_field_view_json),
 * and be absent in one exactly when absent in the other. The test walks
 * the tables, so a new record type or field is covered without editing it.
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
#include "event/proc_cache.h"
#include "record_fixture.h"

#define VARIANTS 4

/* A field's values as one string: each value's type and text. */
struct collect {
	char buf[8192];
	size_t off;
	unsigned n;
};

static bool collect_one(const struct vg_value *val, void *arg)
{
	struct collect *c = arg;
	char text[4200];

	switch (val->type) {
	case VG_FT_STR:
	case VG_FT_STRLIST:
		snprintf(text, sizeof(text), "s:%.*s", (int)val->s.len, val->s.p);
		break;
	case VG_FT_INT:
		snprintf(text, sizeof(text), "i:%lld", (long long)val->i);
		break;
	case VG_FT_UINT:
		snprintf(text, sizeof(text), "u:%llu", (unsigned long long)val->u);
		break;
	case VG_FT_IP:
		snprintf(text, sizeof(text), "ip:%u:", val->ip.v4);
		for (int i = 0; i < 16; i++)
			snprintf(text + strlen(text), sizeof(text) - strlen(text), "%02x",
				 val->ip.addr[i]);
		break;
	}
	c->off += snprintf(c->buf + c->off, sizeof(c->buf) - c->off, "%s[%s]", c->n++ ? " " : "",
			   text);
	if (c->off >= sizeof(c->buf))
		c->off = sizeof(c->buf) - 1;
	return false;
}

static void values(struct vg_event_view *v, const struct vg_field *f, struct collect *c)
{
	c->off = 0;
	c->n = 0;
	c->buf[0] = '\0';
	vg_field_each(v, f, collect_one, c);
}

/* Every policy field of the record's kind: live and replayed agree. Returns fields checked. */
static size_t check_record(const unsigned char *rec, size_t size, bool *seen)
{
	struct vg_proc_cache *cache = vg_proc_cache_new(64, 1000000000ULL, 10000000);
	struct vg_event_view *live = calloc(1, sizeof(*live)), *replay = calloc(1, sizeof(*replay));
	struct collect *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	struct vg_event_ctx ev;
	struct vg_buf out = { 0 };
	const struct vg_proc *const *anc;
	const struct vg_field *t;
	size_t n, i, checked = 0;
	json_t *j;

	assert_non_null(cache);
	seed_cache(cache, (const struct vg_hdr *)rec);
	vg_event_ctx_fill(&ev, cache, rec, size);
	assert_non_null(ev.proc);
	assert_true(vg_ancestry_get(ev.anc, &anc) >= 2);
	vg_event_to_json(&out, &ev);
	vg_buf_append(&out, "", 1);
	j = json_loads(out.data, JSON_ALLOW_NUL, NULL);
	if (!j)
		fail_msg("not JSON: %s", out.data);
	assert_int_equal(vg_field_view_live(live, ev.rec, size, ev.proc, ev.anc), 0);
	live->cache = cache;	/* as the agent's policy view has it */
	if (vg_field_view_json(replay, j))
		fail_msg("no kind: %s", out.data);
	assert_int_equal(live->kind, replay->kind);
	t = vg_field_table(&n);
	for (i = 0; i < n; i++) {
		if (!(t[i].kinds & VG_KB(live->kind)))
			continue;
		values(live, &t[i], a);
		values(replay, &t[i], b);
		if (a->n != b->n || strcmp(a->buf, b->buf))
			fail_msg("%s on %s: live gives %u value(s) '%s', JSON gives %u '%s'\n%s",
				 t[i].name, vg_field_kind_name(live->kind), a->n, a->buf, b->n, b->buf,
				 out.data);
		seen[i] = true;
		checked++;
	}
	json_decref(j);
	vg_buf_free(&out);
	vg_proc_cache_free(cache);
	free(live);
	free(replay);
	free(a);
	free(b);
	return checked;
}

static void test_every_field_of_every_record(void **state)
{
	static unsigned char rec[REC_BYTES] __attribute__((aligned(8)));
	bool seen[128] = { false };
	const struct vg_field *t;
	unsigned type, seed, types = 0;
	size_t n, i;

	(void)state;
	t = vg_field_table(&n);
	assert_true(n <= sizeof(seen) / sizeof(seen[0]));
	for (type = 0; type < VG_EV_TYPE_MAX; type++) {
		const struct vg_record_desc *d = vg_record_desc(type);

		if (!d)
			continue;
		types++;
		for (seed = 0; seed < VARIANTS; seed++) {
			size_t size = build(rec, d, seed);

			assert_true(check_record(rec, size, seen) > 0);
		}
	}
	assert_true(types >= 36);
	/* Every field was compared on some record (container.id: absent on both). */
	for (i = 0; i < n; i++)
		if (!seen[i])
			fail_msg("%s: no record of its kinds was checked", t[i].name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_field_of_every_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
