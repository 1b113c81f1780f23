// SPDX-License-Identifier: GPL-2.0
/* Unit tests: DNS parsing (hostile input), address formatting, CIDR and deny parsing. */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "event/dns_parse.h"
#include "lib/net_addr.h"

/* Header: id 0x1234, response, rcode 0, 1 question, 2 answers. */
static const uint8_t response[] = {
	0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
	/* question at 12: www.example.com A IN */
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	0x00, 0x01, 0x00, 0x01,
	/* answer 1: pointer to 12, A, IN, ttl 300, 93.184.216.34 */
	0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x04,
	93, 184, 216, 34,
	/* answer 2: "v6" + pointer to "example.com" (16), AAAA 2001:db8::1 */
	2, 'v', '6', 0xc0, 0x10, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x10,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
};

static void test_dns_response(void **state)
{
	struct vg_dns_msg m;
	char buf[64];

	(void)state;
	assert_int_equal(vg_dns_parse(response, sizeof(response), &m), 0);
	assert_int_equal(m.id, 0x1234);
	assert_true(m.response);
	assert_int_equal(m.rcode, 0);
	assert_string_equal(m.qname, "www.example.com");
	assert_int_equal(m.qtype, VG_DNS_TYPE_A);
	assert_int_equal(m.n_answers, 2);
	assert_int_equal(m.answers[0].ttl, 300);
	assert_string_equal(vg_net_format_addr(m.answers[0].family, m.answers[0].addr, buf,
					       sizeof(buf)), "93.184.216.34");
	assert_int_equal(m.answers[1].type, VG_DNS_TYPE_AAAA);
	assert_string_equal(vg_net_format_addr(m.answers[1].family, m.answers[1].addr, buf,
					       sizeof(buf)), "2001:db8::1");
}

static void test_dns_compressed_name(void **state)
{
	size_t off = 12 + 17 + 4 + 16;	/* answer 2's owner name */
	char name[VG_DNS_MAX_NAME];

	(void)state;
	assert_int_equal(vg_dns_read_name(response, sizeof(response), &off, name, sizeof(name)), 0);
	assert_string_equal(name, "v6.example.com");
	assert_int_equal(off, 12 + 17 + 4 + 16 + 5);	/* past the pointer only */
}

static void test_dns_pointer_loops(void **state)
{
	struct vg_dns_msg m;
	/* question name is a pointer to itself */
	uint8_t self[] = { 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0x0c, 0, 1, 0, 1 };
	/* a label, then a pointer back to that label: a -> a -> ... */
	uint8_t loop[] = { 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'a', 0xc0, 0x0c, 0, 1, 0, 1 };
	/* a forward pointer */
	uint8_t fwd[] = { 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0x0e, 1, 'a', 0, 0, 1, 0, 1 };
	/* two pointers pointing at each other through the answer section */
	uint8_t pair[] = { 0, 1, 0x81, 0, 0, 1, 0, 1, 0, 0, 0, 0,
			   1, 'a', 0, 0, 1, 0, 1,
			   0xc0, 0x15, 0xc0, 0x13, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4 };

	(void)state;
	assert_int_equal(vg_dns_parse(self, sizeof(self), &m), -EINVAL);
	assert_int_equal(vg_dns_parse(loop, sizeof(loop), &m), -EINVAL);
	assert_int_equal(vg_dns_parse(fwd, sizeof(fwd), &m), -EINVAL);
	assert_int_equal(vg_dns_parse(pair, sizeof(pair), &m), -EINVAL);
}

static void test_dns_malformed(void **state)
{
	struct vg_dns_msg m;
	uint8_t buf[600];
	size_t i;

	(void)state;
	/* every truncation of a valid message is rejected, never read past */
	for (i = 0; i < sizeof(response); i++)
		assert_int_not_equal(vg_dns_parse(response, i, &m), 0);
	/* no question */
	assert_int_equal(vg_dns_parse(response, 12, &m), -EINVAL);
	memcpy(buf, response, 12);
	buf[5] = 0;
	assert_int_equal(vg_dns_parse(buf, 12, &m), -ENODATA);
	/* label running past the end */
	memcpy(buf, response, sizeof(response));
	buf[12] = 63;
	assert_int_equal(vg_dns_parse(buf, sizeof(response), &m), -EINVAL);
	/* reserved label type 0x40 */
	buf[12] = 0x41;
	assert_int_equal(vg_dns_parse(buf, sizeof(response), &m), -EINVAL);
	/* a name longer than 255 bytes: 5 labels of 63 */
	memset(buf, 0, sizeof(buf));
	buf[5] = 1;
	for (i = 0; i < 5; i++) {
		buf[12 + i * 64] = 63;
		memset(buf + 13 + i * 64, 'x', 63);
	}
	assert_int_equal(vg_dns_parse(buf, 12 + 5 * 64 + 5, &m), -EINVAL);
	/* rdlength beyond the message */
	memcpy(buf, response, sizeof(response));
	buf[12 + 17 + 4 + 11] = 0xff;
	assert_int_equal(vg_dns_parse(buf, sizeof(response), &m), -EINVAL);
	assert_int_equal(vg_dns_parse(NULL, 0, &m), -EINVAL);
}

static void test_dns_query(void **state)
{
	struct vg_dns_msg m;

	(void)state;
	assert_int_equal(vg_dns_parse(response, 12 + 17 + 4, &m), -EINVAL); /* says 2 answers */
	{
		uint8_t q[12 + 17 + 4];

		memcpy(q, response, sizeof(q));
		q[2] = 0x01;
		q[7] = 0;
		assert_int_equal(vg_dns_parse(q, sizeof(q), &m), 0);
		assert_false(m.response);
		assert_string_equal(m.qname, "www.example.com");
		assert_int_equal(m.n_answers, 0);
	}
	assert_string_equal(vg_dns_type_name(28), "AAAA");
	assert_null(vg_dns_type_name(4242));
}

static void test_format_addr(void **state)
{
	uint8_t v4[16] = { 127, 0, 0, 1 };
	uint8_t v6[16] = { [15] = 1 };
	char buf[VG_NET_ADDR_STRLEN];

	(void)state;
	assert_string_equal(vg_net_format_addr(AF_INET, v4, buf, sizeof(buf)), "127.0.0.1");
	assert_string_equal(vg_net_format_addr(AF_INET6, v6, buf, sizeof(buf)), "::1");
	assert_string_equal(vg_net_format_addr(0, v6, buf, sizeof(buf)), "?");
	assert_string_equal(vg_net_tcp_state_name(1), "ESTABLISHED");
	assert_string_equal(vg_net_tcp_state_name(99), "UNKNOWN");
}

static void test_parse_prefix(void **state)
{
	struct vg_net_prefix p;
	uint8_t v6[16];

	(void)state;
	assert_int_equal(vg_net_parse_prefix("10.0.0.0/8", &p), 0);
	assert_int_equal(p.family, AF_INET);
	assert_int_equal(p.bits, 8);
	assert_int_equal(p.addr[0], 10);
	assert_int_equal(vg_net_prefix_to_v6(&p, v6), 104);
	assert_int_equal(v6[10], 0xff);
	assert_int_equal(v6[12], 10);
	assert_int_equal(vg_net_parse_prefix("1.2.3.4", &p), 0);
	assert_int_equal(p.bits, 32);
	assert_int_equal(vg_net_parse_prefix("2001:db8::/32", &p), 0);
	assert_int_equal(p.family, AF_INET6);
	assert_int_equal(p.bits, 32);
	assert_int_equal(vg_net_prefix_to_v6(&p, v6), 32);
	assert_int_equal(vg_net_parse_prefix("10.0.0.1/8", &p), -EINVAL);	/* host bits */
	assert_int_equal(vg_net_parse_prefix("10.0.0.0/33", &p), -EINVAL);
	assert_int_equal(vg_net_parse_prefix("10.0.0.0/", &p), -EINVAL);
	assert_int_equal(vg_net_parse_prefix("10.0.0/8", &p), -EINVAL);
	assert_int_equal(vg_net_parse_prefix("::1/129", &p), -EINVAL);
	assert_int_equal(vg_net_parse_prefix("", &p), -EINVAL);
	assert_int_equal(vg_net_parse_prefix("host.example", &p), -EINVAL);
}

static void test_parse_deny(void **state)
{
	struct vg_net_deny_rule r;

	(void)state;
	assert_int_equal(vg_net_parse_deny("127.0.0.1:4444", &r), 0);
	assert_int_equal(r.prefix.family, AF_INET);
	assert_int_equal(r.prefix.bits, 32);
	assert_int_equal(r.port, 4444);
	assert_int_equal(r.protocol, 0);
	assert_string_equal(r.comm, "");
	assert_int_equal(vg_net_parse_deny("tcp:10.0.0.0/8:443@curl", &r), 0);
	assert_int_equal(r.protocol, IPPROTO_TCP);
	assert_int_equal(r.prefix.bits, 8);
	assert_int_equal(r.port, 443);
	assert_string_equal(r.comm, "curl");
	assert_int_equal(vg_net_parse_deny("udp::53", &r), 0);
	assert_int_equal(r.protocol, IPPROTO_UDP);
	assert_int_equal(r.prefix.family, 0);
	assert_int_equal(r.port, 53);
	assert_int_equal(vg_net_parse_deny("[::1]:80", &r), 0);
	assert_int_equal(r.prefix.family, AF_INET6);
	assert_int_equal(r.prefix.bits, 128);
	assert_int_equal(r.port, 80);
	assert_int_equal(vg_net_parse_deny("[2001:db8::]/32:443", &r), 0);
	assert_int_equal(r.prefix.bits, 32);
	assert_int_equal(r.port, 443);
	assert_int_equal(vg_net_parse_deny("::1", &r), 0);
	assert_int_equal(r.port, 0);
	assert_int_equal(vg_net_parse_deny("192.168.0.0/16", &r), 0);
	assert_int_equal(r.port, 0);
	assert_int_equal(vg_net_parse_deny("1.2.3.4:0", &r), -EINVAL);
	assert_int_equal(vg_net_parse_deny("1.2.3.4:65536", &r), -EINVAL);
	assert_int_equal(vg_net_parse_deny(":", &r), -EINVAL);
	assert_int_equal(vg_net_parse_deny("", &r), -EINVAL);
	assert_int_equal(vg_net_parse_deny("[::1", &r), -EINVAL);
	assert_int_equal(vg_net_parse_deny("1.2.3.4@", &r), -EINVAL);
	assert_int_equal(vg_net_parse_deny("1.2.3.4@waytoolongprocessname", &r), -EINVAL);
	assert_int_equal(vg_net_parse_deny("1.2.3.4:80:90", &r), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dns_response),
		cmocka_unit_test(test_dns_compressed_name),
		cmocka_unit_test(test_dns_pointer_loops),
		cmocka_unit_test(test_dns_malformed),
		cmocka_unit_test(test_dns_query),
		cmocka_unit_test(test_format_addr),
		cmocka_unit_test(test_parse_prefix),
		cmocka_unit_test(test_parse_deny),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
