// SPDX-License-Identifier: GPL-2.0
/*
 * Which opens the kernel may aggregate in a storm (policy_storm.c): rules
 * that only alert, count nothing and read only fields alike within a
 * storm key allow it; the paths of every other rule on opens stay out,
 * and such a rule without a path turns it off. Other kinds are keyed by
 * the record itself and allowed per kind.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "bpf/storm.h"
#include "lib/kernel_spec.h"
#include "policy/policy.h"

#include "policy_fixture.h"

static void spec_of(const char *yaml, bool every_event, struct vg_kernel_spec *spec)
{
	struct vg_policy *p = compile_ok(yaml);

	assert_int_equal(vg_policy_kernel_spec(p, every_event, spec), 0);
	vg_policy_free(p);	/* the storm spec owns its strings */
}

static bool type_on(const struct vg_kernel_spec *spec, unsigned type);

/* What entry @path of the never list keeps out (VG_STORM_NEVER_*), 0 when absent. */
static unsigned never_for(const struct vg_storm_spec *st, const char *path)
{
	unsigned what = 0;
	size_t i;

	for (i = 0; i < st->n_never; i++)
		if (!strcmp(st->never[i], path))
			what |= st->never_for[i];
	return what;
}

static bool has_never(const struct vg_storm_spec *st, const char *path)
{
	return never_for(st, path) & VG_STORM_NEVER_OPEN;
}

static const char *ALERT_ONLY =
	"rules:\n"
	"  - name: watch\n    event: open\n"
	"    condition: file.path = /srv/watched and process.name = cat\n"
	"    throttle: {count: 1, per: 10s, key: process.pid}\n"
	"  - name: cron\n    event: unlink\n    action: kill\n"
	"    condition: file.path startswith /etc/cron\n";

/*
 * Alert-only rules on opens allow it; a kill rule on other file kinds keeps
 * only its own paths out, and only for those kinds, not for opens.
 */
static void test_alert_rules_allow(void **state)
{
	struct vg_kernel_spec spec;

	(void)state;
	spec_of(ALERT_ONLY, false, &spec);
	assert_true(spec.storm.on);
	assert_int_equal(spec.storm.n_never, 1);
	assert_int_equal(never_for(&spec.storm, "/etc/cron*"), VG_STORM_NEVER_REC);
	assert_true(type_on(&spec, VG_EV_FILE_UNLINK));	/* elsewhere unlinks may be held */
	vg_kernel_spec_free(&spec);
	/* Every event asked for: nothing is aggregated. */
	spec_of(ALERT_ONLY, true, &spec);
	assert_false(spec.storm.on);
	vg_kernel_spec_free(&spec);
}

static const char *MIXED =
	"rules:\n"
	"  - name: watch\n    event: open\n    condition: file.path startswith /srv/\n"
	"  - name: kill_reader\n    event: open\n    action: kill\n"
	"    condition: file.path = /srv/secret\n"
	"  - name: deny_keys\n    event: open\n    action: deny\n"
	"    condition: file.path startswith /srv/keys/\n"
	"  - name: count\n    event: open\n"
	"    condition: file.path startswith /srv/logs\n"
	"    threshold: {count: 10, per: 5s, key: process.pid}\n"
	"  - name: thread\n    event: open\n"
	"    condition: file.path in (/srv/a, /srv/b) and process.thread.id = 7\n";

/* Kill, deny, threshold and per-event fields keep their own paths out, nothing more. */
static void test_other_rules_keep_their_paths_out(void **state)
{
	struct vg_kernel_spec spec;

	(void)state;
	spec_of(MIXED, false, &spec);
	assert_true(spec.storm.on);
	assert_int_equal(spec.storm.n_never, 5);
	assert_true(has_never(&spec.storm, "/srv/secret"));
	assert_true(has_never(&spec.storm, "/srv/keys/"));
	assert_true(has_never(&spec.storm, "/srv/logs*"));
	assert_true(has_never(&spec.storm, "/srv/a"));
	assert_true(has_never(&spec.storm, "/srv/b"));
	assert_false(has_never(&spec.storm, "/srv/"));
	vg_kernel_spec_free(&spec);
}

/* A rule that must see every open anywhere turns aggregation off. */
static void test_pathless_rule_turns_it_off(void **state)
{
	struct vg_kernel_spec spec;

	(void)state;
	spec_of("rules:\n"
		"  - name: watch\n    event: open\n    condition: file.path startswith /srv/\n"
		"  - name: kill_cat\n    event: open\n    action: kill\n"
		"    condition: process.name = evil\n", false, &spec);
	assert_false(spec.storm.on);
	vg_kernel_spec_free(&spec);
}

/* Whether records of @type may be held, keyed by the record itself. */
static bool type_on(const struct vg_kernel_spec *spec, unsigned type)
{
	return (spec->storm.types[type / 64] >> (type % 64)) & 1;
}

static const char *RECORDS =
	"rules:\n"
	"  - name: term\n    event: signal\n    condition: signal.number = 15\n"
	"  - name: chmod\n    event: chmod\n    condition: file.path startswith /srv/\n"
	"    throttle: {count: 1, per: 10s, key: process.pid}\n"
	"  - name: watch\n    event: open\n    condition: file.path startswith /srv/\n";

/* Record-keyed kinds: on when every rule reading the kind allows it, off when none reads it. */
static void test_record_kinds_follow_their_rules(void **state)
{
	struct vg_kernel_spec spec;

	(void)state;
	spec_of(RECORDS, false, &spec);
	assert_true(type_on(&spec, VG_EV_SIGNAL));
	assert_true(type_on(&spec, VG_EV_FILE_CHMOD));
	assert_false(type_on(&spec, VG_EV_FILE_OPEN));	/* opens have their own keys */
	assert_false(type_on(&spec, VG_EV_PTRACE));	/* no rule reads it */
	assert_false(type_on(&spec, VG_EV_FILE_UNLINK));
	assert_false(type_on(&spec, VG_EV_EXEC));
	vg_kernel_spec_free(&spec);
	spec_of(RECORDS, true, &spec);
	assert_false(type_on(&spec, VG_EV_SIGNAL));
	assert_false(type_on(&spec, VG_EV_FILE_CHMOD));
	vg_kernel_spec_free(&spec);
}

/* One rule that needs every record of a kind keeps the whole kind out, nothing more. */
static void test_one_rule_keeps_its_kind_out(void **state)
{
	static const char *const forbid[] = {
		"  - name: no\n    event: signal\n    action: kill\n"
		"    condition: signal.number = 19\n",
		"  - name: no\n    event: signal\n    condition: signal.number = 9\n"
		"    threshold: {count: 5, per: 5s, key: process.pid}\n",
		"  - name: no\n    event: signal\n    condition: process.thread.id > 0\n",
		"  - name: no\n    event: signal\n    condition: signal.number = 9\n"
		"    throttle: {count: 1, per: 10s, key: event.boot_time_ns}\n",
		"  - name: no\n    sequence:\n      within: 5s\n      key: process.pid\n"
		"      steps:\n        - {event: signal}\n        - {event: exec}\n",
	};
	struct vg_kernel_spec spec;
	char yaml[1024];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(forbid) / sizeof(forbid[0]); i++) {
		snprintf(yaml, sizeof(yaml), "%s%s", RECORDS, forbid[i]);
		spec_of(yaml, false, &spec);
		assert_false(type_on(&spec, VG_EV_SIGNAL));
		assert_true(type_on(&spec, VG_EV_FILE_CHMOD));
		vg_kernel_spec_free(&spec);
	}
}

/* A connect's key clears its local port: a rule reading it keeps connects out. */
static void test_connect_fields_outside_the_key(void **state)
{
	static const char *const base =
		"rules:\n"
		"  - name: peer\n    event: connect\n    condition: destination.port = 4444\n"
		"  - name: gone\n    event: close\n    condition: destination.port = 4444\n";
	static const char *const forbid[] = {
		"  - name: no\n    event: connect\n    condition: source.port = 5555\n",
		"  - name: no\n    event: connect\n    condition: destination.port = 4444\n"
		"    throttle: {count: 1, per: 10s, key: source.port}\n",
	};
	struct vg_kernel_spec spec;
	char yaml[1024];
	size_t i;

	(void)state;
	spec_of(base, false, &spec);
	assert_true(type_on(&spec, VG_EV_NET_CONNECT));
	assert_false(type_on(&spec, VG_EV_NET_CLOSE));	/* its key clears the peer's port */
	vg_kernel_spec_free(&spec);
	for (i = 0; i < sizeof(forbid) / sizeof(forbid[0]); i++) {
		snprintf(yaml, sizeof(yaml), "%s%s", base, forbid[i]);
		spec_of(yaml, false, &spec);
		assert_false(type_on(&spec, VG_EV_NET_CONNECT));
		vg_kernel_spec_free(&spec);
	}
}

/*
 * The other TCP records, DNS and deny records: held unless a rule reads,
 * on that kind, what their key clears (the ephemeral port; times, bytes and
 * the DNS id are cleared too, but no rule can read them).
 */
static void test_net_kinds_and_their_cleared_fields(void **state)
{
	static const char *const base =
		"rules:\n"
		"  - name: in\n    event: accept\n    condition: source.port = 8080\n"
		"  - name: up\n    event: listen\n    condition: source.port = 8080\n"
		"  - name: gone\n    event: close\n    condition: destination.address cidr 10.0.0.0/8\n"
		"  - name: ask\n    event: dns\n    condition: dns.question.name = evil.example\n"
		"  - name: no_c2\n    event: connect\n    condition: destination.port = 4444\n"
		"    action: deny\n";
	static const struct {
		const char *rule;
		uint16_t type;
	} forbid[] = {
		{ "  - name: no\n    event: accept\n    condition: destination.port > 1024\n",
		  VG_EV_NET_ACCEPT },
		{ "  - name: no\n    event: close\n    condition: source.port = 8080\n",
		  VG_EV_NET_CLOSE },
		{ "  - name: no\n    event: dns\n    condition: source.port = 53\n", VG_EV_NET_DNS },
		{ "  - name: no\n    event: deny\n    condition: destination.port = 4444\n"
		  "    threshold: {count: 3, per: 10s, key: process.pid}\n", VG_EV_NET_DENY },
	};
	static const uint16_t held[] = { VG_EV_NET_ACCEPT, VG_EV_NET_LISTEN, VG_EV_NET_CLOSE,
					 VG_EV_NET_DNS, VG_EV_NET_DENY };
	struct vg_kernel_spec spec;
	char yaml[2048];
	size_t i, j;

	(void)state;
	spec_of(base, false, &spec);
	for (j = 0; j < sizeof(held) / sizeof(held[0]); j++)
		assert_true(type_on(&spec, held[j]));
	assert_false(type_on(&spec, VG_EV_NET_CONNECT));	/* the deny rule's own kind */
	assert_false(type_on(&spec, VG_EV_NET_UDP_FLOW));	/* no rule reads it */
	vg_kernel_spec_free(&spec);
	for (i = 0; i < sizeof(forbid) / sizeof(forbid[0]); i++) {
		snprintf(yaml, sizeof(yaml), "%s%s", base, forbid[i].rule);
		spec_of(yaml, false, &spec);
		for (j = 0; j < sizeof(held) / sizeof(held[0]); j++)
			if (held[j] == forbid[i].type)
				assert_false(type_on(&spec, held[j]));
			else
				assert_true(type_on(&spec, held[j]));
		vg_kernel_spec_free(&spec);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alert_rules_allow),
		cmocka_unit_test(test_other_rules_keep_their_paths_out),
		cmocka_unit_test(test_pathless_rule_turns_it_off),
		cmocka_unit_test(test_record_kinds_follow_their_rules),
		cmocka_unit_test(test_one_rule_keeps_its_kind_out),
		cmocka_unit_test(test_connect_fields_outside_the_key),
		cmocka_unit_test(test_net_kinds_and_their_cleared_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
