// SPDX-License-Identifier: GPL-2.0
/* Prometheus text format, the --metrics address parser, alert counts by rule. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "agent/alert_counts.h"
#include "agent/metrics_http.h"
#include "lib/prom.h"

static const char *text(struct vg_buf *b)
{
	vg_buf_append(b, "", 0);
	return b->data ? b->data : "";
}

static void test_family_and_unlabelled_sample(void **state)
{
	struct vg_buf b = { 0 };

	(void)state;
	vg_prom_one(&b, "vigil_x_total", "counter", "Things.\nMore \\ things.", 42);
	assert_string_equal(text(&b), "# HELP vigil_x_total Things.\\nMore \\\\ things.\n"
				      "# TYPE vigil_x_total counter\n"
				      "vigil_x_total 42\n");
	vg_buf_free(&b);
}

static void test_label_values_are_escaped(void **state)
{
	struct vg_prom_label l[] = { { "rule", "a \"quoted\"\\rule\nname" }, { "sev", "high" } };
	struct vg_buf b = { 0 };

	(void)state;
	vg_prom_sample(&b, "m", l, 2, 18446744073709551615ULL);
	assert_string_equal(text(&b),
			    "m{rule=\"a \\\"quoted\\\"\\\\rule\\nname\",sev=\"high\"} "
			    "18446744073709551615\n");
	vg_buf_free(&b);
}

static int parse(const char *spec, char *out, size_t size)
{
	struct sockaddr_storage ss;
	char why[160], host[INET6_ADDRSTRLEN];
	socklen_t len;
	int err = vg_metrics_parse_addr(spec, &ss, &len, why, sizeof(why));

	if (err) {
		snprintf(out, size, "error: %s", why);
		return err;
	}
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (void *)&ss;

		assert_int_equal(len, sizeof(*in6));
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		snprintf(out, size, "[%s]:%u", host, ntohs(in6->sin6_port));
	} else {
		struct sockaddr_in *in = (void *)&ss;

		assert_int_equal(len, sizeof(*in));
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		snprintf(out, size, "%s:%u", host, ntohs(in->sin_port));
	}
	return 0;
}

static void test_metrics_addresses(void **state)
{
	char out[200];

	(void)state;
	assert_int_equal(parse("9464", out, sizeof(out)), 0);
	assert_string_equal(out, "127.0.0.1:9464");
	assert_int_equal(parse("0.0.0.0:80", out, sizeof(out)), 0);
	assert_string_equal(out, "0.0.0.0:80");
	assert_int_equal(parse("[::1]:9464", out, sizeof(out)), 0);
	assert_string_equal(out, "[::1]:9464");

	assert_int_not_equal(parse("0", out, sizeof(out)), 0);
	assert_string_equal(out, "error: '0' is not a port (1-65535)");
	assert_int_not_equal(parse("127.0.0.1:65536", out, sizeof(out)), 0);
	assert_string_equal(out, "error: '65536' is not a port (1-65535)");
	assert_int_not_equal(parse("127.0.0.1:", out, sizeof(out)), 0);
	assert_int_not_equal(parse("9464x", out, sizeof(out)), 0);
	assert_int_not_equal(parse("localhost:9464", out, sizeof(out)), 0);
	assert_string_equal(out, "error: 'localhost:9464' is not PORT, HOST:PORT or [V6]:PORT "
				 "with a numeric host");
	assert_int_not_equal(parse("::1:9464", out, sizeof(out)), 0);	/* v6 needs brackets */
	assert_int_not_equal(parse("[::1:9464", out, sizeof(out)), 0);
	assert_int_not_equal(parse(":9464", out, sizeof(out)), 0);
}

static void test_alert_counts_by_rule_severity_outcome(void **state)
{
	struct vg_alert_counts c;
	struct vg_buf b = { 0 };

	(void)state;
	vg_alert_counts_init(&c);
	vg_alert_counts_add(&c, "r1", "high", "denied", 0);
	vg_alert_counts_add(&c, "r1", "high", "denied", 3);
	vg_alert_counts_add(&c, "r1", "high", "would have denied", 0);
	vg_alert_counts_add(&c, "r2", "low", "alerted", 1);
	vg_alert_counts_render(&c, &b);
	assert_non_null(strstr(text(&b),
		"vigil_alerts_total{rule=\"r1\",severity=\"high\",outcome=\"denied\"} 2\n"
		"vigil_alerts_total{rule=\"r1\",severity=\"high\",outcome=\"would have denied\"} 1\n"
		"vigil_alerts_total{rule=\"r2\",severity=\"low\",outcome=\"alerted\"} 1\n"));
	assert_non_null(strstr(text(&b),
		"vigil_alerts_suppressed_total{rule=\"r1\",severity=\"high\",outcome=\"denied\"} 3\n"));
	assert_non_null(strstr(text(&b), "vigil_alerts_uncounted_total 0\n"));
	vg_buf_free(&b);
	vg_alert_counts_fini(&c);
}

static void test_alert_counts_table_full_is_counted(void **state)
{
	struct vg_alert_counts c;
	struct vg_buf b = { 0 };
	char rule[32];
	int i;

	(void)state;
	vg_alert_counts_init(&c);
	for (i = 0; i < VG_ALERT_COUNTS_MAX + 5; i++) {
		snprintf(rule, sizeof(rule), "rule_%d", i);
		vg_alert_counts_add(&c, rule, "low", "alerted", 0);
	}
	vg_alert_counts_add(&c, "rule_0", "low", "alerted", 0);	/* a known key still counts */
	vg_alert_counts_render(&c, &b);
	assert_non_null(strstr(text(&b), "vigil_alerts_uncounted_total 5\n"));
	assert_non_null(strstr(text(&b),
		"vigil_alerts_total{rule=\"rule_0\",severity=\"low\",outcome=\"alerted\"} 2\n"));
	vg_buf_free(&b);
	vg_alert_counts_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_family_and_unlabelled_sample),
		cmocka_unit_test(test_label_values_are_escaped),
		cmocka_unit_test(test_metrics_addresses),
		cmocka_unit_test(test_alert_counts_by_rule_severity_outcome),
		cmocka_unit_test(test_alert_counts_table_full_is_counted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
