// SPDX-License-Identifier: GPL-2.0
/*
 * The output layer without the agent: --output specs and their errors, the
 * queue's preference for high severity when full and its drop counts, the
 * Falco format, and an RFC 5424 message as a UDP receiver sees it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>
#include "output/output.h"
#include "output/senders.h"

static const char alert_line[] =
	"{\"@timestamp\":\"2026-12-06T10:00:00.000001Z\",\"event\":{\"kind\":\"alert\","
	"\"action\":\"exec\"},\"host\":{\"name\":\"h1\",\"id\":\"abc\"},\"process\":{\"pid\":42,"
	"\"name\":\"sh\",\"executable\":{\"path\":\"/bin/s]h\\\"x\"},\"args\":[\"sh\",\"-c\",\"id\"],"
	"\"user\":{\"id\":0}},\"rule\":{\"name\":\"shell\",\"severity\":\"critical\","
	"\"tags\":[\"T1059\",\"x\"]},\"message\":\"a shell\",\"threat\":{\"technique\":"
	"{\"id\":[\"T1059\"]}},\"alert\":{\"outcome\":\"alerted\"}}";

static void test_specs(void **state)
{
	struct vg_output_cfg c;
	char why[256];

	(void)state;
	assert_int_equal(vg_output_cfg_parse(&c, "file:/var/log/a.json,max-size=1M,keep=3,"
					     "min-severity=high,rules=a|b,format=falco",
					     why, sizeof(why)), 0);
	assert_int_equal(c.type, VG_OUT_FILE);
	assert_string_equal(c.target, "/var/log/a.json");
	assert_int_equal(c.max_bytes, 1 << 20);
	assert_int_equal(c.keep, 3);
	assert_int_equal(c.min_severity, 3);
	assert_int_equal(c.n_rules, 2);
	assert_string_equal(c.rules[1], "b");
	assert_int_equal(c.format, VG_FMT_FALCO);
	assert_int_equal(vg_output_cfg_parse(&c, "otlp:http://127.0.0.1:4318/v1/logs", why,
					     sizeof(why)), 0);
	assert_true(c.gzip);
	assert_int_equal(vg_output_cfg_parse(&c, "syslog:tcp://[::1]:514,facility=local7", why,
					     sizeof(why)), 0);
	assert_int_equal(c.facility, 23);
#define BAD(spec, msg) do { \
	assert_int_equal(vg_output_cfg_parse(&c, spec, why, sizeof(why)), -EINVAL); \
	assert_string_equal(why, msg); } while (0)
	BAD("ftp:/x", "unknown output type 'ftp' (file, syslog, otlp, webhook)");
	BAD("file", "'file': expected TYPE:TARGET (file, syslog, otlp, webhook)");
	BAD("file:rel.json", "file output: 'rel.json' is not an absolute path");
	BAD("webhook:ftp://x", "webhook output: 'ftp://x' is not an http:// or https:// URL");
	BAD("syslog:127.0.0.1:514", "syslog output: '127.0.0.1:514' is not udp://HOST:PORT, "
	    "tcp://HOST:PORT, tls://HOST:PORT or a socket path like /dev/log");
	BAD("file:/x,colour=blue", "unknown output key 'colour'");
	BAD("file:/x,queue=0", "bad value '0' for output key 'queue'");
	BAD("file:/x,min-severity=huge", "bad value 'huge' for output key 'min-severity'");
	BAD("webhook:http://x,header=X-A", "bad value 'X-A' for output key 'header'");
	BAD("file:/x,keep", "'keep': expected KEY=VALUE");
	BAD("file:/x,name=a\"b", "bad value 'a\"b' for output key 'name'");
}

static struct vg_out_record rec(const char *line, uint8_t sev)
{
	return (struct vg_out_record){ .line = line, .len = strlen(line), .severity = sev,
				       .alert = true, .rule = "r" };
}

/* A queue of 3, never drained: high alerts push out low ones, not each other. */
static void test_full_queue_keeps_high(void **state)
{
	struct vg_output_cfg c;
	struct vg_outputs outs;
	struct vg_output *o;
	struct vg_output_stats st;
	char why[128];
	int i;

	(void)state;
	assert_int_equal(vg_output_cfg_parse(&c, "file:/nonexistent/x,queue=3", why,
					     sizeof(why)), 0);
	vg_output_cfg_name_all(&c, 1);
	assert_int_equal(vg_outputs_init(&outs, &c, 1), 0);
	o = outs.v[0];
	for (i = 0; i < 3; i++) {
		struct vg_out_record r = rec("low", 1);

		vg_outputs_push(&outs, &r);
	}
	for (i = 0; i < 4; i++) {
		struct vg_out_record r = rec("high", 3);

		vg_outputs_push(&outs, &r);
	}
	vg_output_stats(o, &st);
	assert_int_equal(st.depth, 3);
	assert_int_equal(st.queued, 7);
	assert_int_equal(st.dropped[VG_DROP_QUEUE_FULL], 4);	/* 3 low pushed out, 1 high */
	for (i = 0; i < 3; i++)
		assert_string_equal(o->ring[(o->head + i) % 3]->line, "high");
	{
		struct vg_out_record ev = rec("event", 0);

		ev.alert = false;		/* events only go to outputs with events=true */
		vg_outputs_push(&outs, &ev);
	}
	vg_output_stats(o, &st);
	assert_int_equal(st.queued, 7);
	vg_outputs_fini(&outs);
}

static void test_falco_format(void **state)
{
	struct vg_output o = { 0 };
	struct vg_out_item *it = malloc(sizeof(*it) + sizeof(alert_line));
	struct vg_buf b = { 0 };
	json_t *j, *f;

	(void)state;
	o.cfg.format = VG_FMT_FALCO;
	it->alert = true;
	it->len = strlen(alert_line);
	memcpy(it->line, alert_line, sizeof(alert_line));
	assert_int_equal(vg_out_format_item(&o, it, &b), 0);
	vg_buf_append(&b, "", 1);
	j = json_loads(b.data, 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_object_size(j), 8);
	assert_string_equal(json_string_value(json_object_get(j, "priority")), "Critical");
	assert_string_equal(json_string_value(json_object_get(j, "rule")), "shell");
	assert_string_equal(json_string_value(json_object_get(j, "hostname")), "h1");
	assert_string_equal(json_string_value(json_object_get(j, "output")),
			    "2026-12-06T10:00:00.000001Z: Critical a shell");
	f = json_object_get(j, "output_fields");
	assert_string_equal(json_string_value(json_object_get(f, "proc.cmdline")), "sh -c id");
	assert_int_equal(json_integer_value(json_object_get(f, "proc.pid")), 42);
	assert_null(json_object_get(f, "fd.name"));	/* absent, not null */
	json_decref(j);
	vg_buf_free(&b);
	free(it);
}

/* One alert through a real syslog output @spec, as the socket @fd receives it. */
static void check_one_message(int fd, const char *spec)
{
	struct vg_output_cfg c;
	struct vg_outputs outs;
	struct vg_out_record r = rec(alert_line, 4);
	struct timeval tv = { 5, 0 };
	char why[128], msg[2048];
	ssize_t n;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	assert_int_equal(vg_output_cfg_parse(&c, spec, why, sizeof(why)), 0);
	vg_output_cfg_name_all(&c, 1);
	assert_int_equal(vg_outputs_init(&outs, &c, 1), 0);
	assert_int_equal(vg_outputs_start(&outs), 0);
	vg_outputs_push(&outs, &r);
	n = recv(fd, msg, sizeof(msg) - 1, 0);
	assert_true(n > 0);
	msg[n] = '\0';
	snprintf(why, sizeof(why), "<82>1 2026-12-06T10:00:00.000001Z h1 vigil %d alert ",
		 (int)getpid());
	assert_int_equal(strncmp(msg, why, strlen(why)), 0);
	assert_string_equal(msg + strlen(why),
			    "[vigil@32473 rule=\"shell\" severity=\"critical\" action=\"exec\" "
			    "pid=\"42\" exe=\"/bin/s\\]h\\\"x\" attack=\"T1059\" outcome=\"alerted\" "
			    "hostid=\"abc\"] a shell");
	vg_outputs_stop(&outs, 1000);
	vg_outputs_fini(&outs);
	close(fd);
}

static void test_syslog_udp(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	char spec[64];

	(void)state;
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	getsockname(fd, (struct sockaddr *)&sin, &len);
	snprintf(spec, sizeof(spec), "syslog:udp://127.0.0.1:%u", ntohs(sin.sin_port));
	check_one_message(fd, spec);
}

/* A local datagram socket, as /dev/log is, at a path of ours. */
static void test_syslog_local_socket(void **state)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	char spec[128];

	(void)state;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "/tmp/vg-test-log-%d", (int)getpid());
	unlink(sun.sun_path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	snprintf(spec, sizeof(spec), "syslog:%s", sun.sun_path);
	check_one_message(fd, spec);
	unlink(sun.sun_path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_specs),
		cmocka_unit_test(test_full_queue_keeps_high),
		cmocka_unit_test(test_falco_format),
		cmocka_unit_test(test_syslog_udp),
		cmocka_unit_test(test_syslog_local_socket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
