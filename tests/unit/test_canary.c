// SPDX-License-Identifier: GPL-2.0
/* Canary gates: settings parse or are refused; each gate trips on its own count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "agent/canary.h"
#include "lib/timefmt.h"

static char why[256];

static void test_gate_settings(void **state)
{
	struct vg_canary_gates g;

	(void)state;
	vg_canary_gates_default(&g);
	assert_true(g.window_s == 300);
	assert_int_equal(vg_canary_gates_parse(&g, "would_act=2,alert_floor=5,window=1.5", why,
					       sizeof(why)), 0);
	assert_int_equal(g.would_act, 2);
	assert_int_equal(g.alert_floor, 5);
	assert_true(g.window_s == 1.5);
	assert_int_not_equal(vg_canary_gates_parse(&g, "nope=1", why, sizeof(why)), 0);
	assert_non_null(strstr(why, "unknown gate 'nope'"));
	assert_int_not_equal(vg_canary_gates_parse(&g, "drops=-1", why, sizeof(why)), 0);
	assert_int_not_equal(vg_canary_gates_parse(&g, "drops", why, sizeof(why)), 0);
	assert_int_not_equal(vg_canary_gates_parse(&g, "drops=1x", why, sizeof(why)), 0);
}

static struct vg_canary *fresh(double window)
{
	static struct vg_canary c;
	struct vg_canary_gates g;

	vg_canary_gates_default(&g);
	vg_canary_init(&c, &g);
	vg_canary_begin(&c, window, 0, 0);
	return &c;
}

static void test_gates_trip(void **state)
{
	struct vg_canary *c;
	uint64_t now = vg_boot_now_ns();
	bool done;
	int i;

	(void)state;
	c = fresh(300);
	for (i = 0; i < 10; i++)
		vg_canary_note_would_act(c, "/bin/x");
	assert_int_equal(vg_canary_check(c, now, 0, 0, &done), VG_GATE_NONE);
	vg_canary_note_would_act(c, "/bin/x");
	assert_int_equal(vg_canary_check(c, now, 0, 0, &done), VG_GATE_WOULD_ACT);
	assert_int_equal(c->last_value, 11);

	c = fresh(300);
	for (i = 0; i < 4; i++) {
		char exe[16];

		snprintf(exe, sizeof(exe), "/bin/%d", i);
		vg_canary_note_would_act(c, exe);
	}
	assert_int_equal(vg_canary_check(c, now, 0, 0, &done), VG_GATE_WOULD_ACT_EXES);

	c = fresh(300);
	vg_canary_note_eval(c, false, 1000, 50);	/* running: 50 alerts -> limit 500 */
	vg_canary_note_eval(c, true, 1000, 500);
	assert_int_equal(vg_canary_check(c, now, 0, 0, &done), VG_GATE_NONE);
	vg_canary_note_eval(c, true, 1000, 1);
	assert_int_equal(vg_canary_check(c, now, 0, 0, &done), VG_GATE_ALERT_RATE);

	c = fresh(300);
	assert_int_equal(vg_canary_check(c, now, 1001, 0, &done), VG_GATE_DROPS);
	assert_int_equal(vg_canary_check(c, now, 0, 101, &done), VG_GATE_MAP_FULL);
	vg_canary_note_eval(c, true, 200000000ULL, 0);	/* 200 ms vs a 100 ms floor */
	assert_int_equal(vg_canary_check(c, now, 0, 0, &done), VG_GATE_EVAL_TIME);

	c = fresh(300);
	c->fill = (struct vg_canary_fill){ "watch_trie", 900 };	/* at the 0.9 default: holds */
	assert_int_equal(vg_canary_check(c, now, 0, 0, &done), VG_GATE_NONE);
	c->fill.permille = 901;
	assert_int_equal(vg_canary_check(c, now, 0, 0, &done), VG_GATE_MAP_FILL);
	assert_int_equal(c->last_value, 901);
	assert_int_equal(c->last_limit, 900);
}

static void test_window_passes(void **state)
{
	struct vg_canary *c = fresh(0.01);
	bool done;

	(void)state;
	assert_int_equal(vg_canary_check(c, c->start_ns + 1000, 0, 0, &done), VG_GATE_NONE);
	assert_false(done);
	assert_int_equal(vg_canary_check(c, c->start_ns + 20000000ULL, 0, 0, &done), VG_GATE_NONE);
	assert_true(done);
	vg_canary_end(c, VG_GATE_NONE);
	assert_int_equal(c->promoted, 1);
	assert_int_equal(c->state, VG_PST_PROMOTED);
}

/* A rollback says by how much in metrics; pending is reported as given. */
static void test_trip_metrics_and_pending(void **state)
{
	struct vg_canary *c = fresh(300);
	struct vg_buf out = { 0 };
	uint64_t now = vg_boot_now_ns();
	bool done;
	int i;

	(void)state;
	for (i = 0; i < 12; i++)
		vg_canary_note_would_act(c, "/bin/x");
	assert_int_equal(vg_canary_check(c, now, 0, 0, &done), VG_GATE_WOULD_ACT);
	vg_canary_end(c, VG_GATE_WOULD_ACT);
	vg_canary_metrics(c, VG_PST_PENDING, &out);
	assert_non_null(strstr(out.data, "vigil_policy_gate_trip_value{gate=\"would_act\"} 12\n"));
	assert_non_null(strstr(out.data, "vigil_policy_gate_trip_limit{gate=\"would_act\"} 10\n"));
	assert_non_null(strstr(out.data, "vigil_policy_gate_trip_limit{gate=\"drops\"} 0\n"));
	assert_non_null(strstr(out.data, "vigil_policy_state{state=\"pending\"} 1\n"));
	assert_non_null(strstr(out.data, "vigil_policy_state{state=\"rolled_back\"} 0\n"));
	vg_buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gate_settings),
		cmocka_unit_test(test_gates_trip),
		cmocka_unit_test(test_window_passes),
		cmocka_unit_test(test_trip_metrics_and_pending),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
