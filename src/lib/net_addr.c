// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/parse_num.h"
#include "lib/net_addr.h"

static int host_bits_zero(const struct vg_net_prefix *p)
{
	unsigned total = p->family == AF_INET ? 32 : 128, i;

	for (i = p->bits; i < total; i++)
		if (p->addr[i / 8] & (0x80 >> (i % 8)))
			return 0;
	return 1;
}

int vg_net_parse_prefix(const char *s, struct vg_net_prefix *p)
{
	char buf[64];
	char *slash;
	uint32_t bits;

	memset(p, 0, sizeof(*p));
	if (!s || strlen(s) >= sizeof(buf) || !*s)
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, p->addr) == 1) {
		p->family = AF_INET;
		p->bits = 32;
	} else if (inet_pton(AF_INET6, buf, p->addr) == 1) {
		p->family = AF_INET6;
		p->bits = 128;
	} else {
		return -EINVAL;
	}
	if (slash) {
		if (vg_parse_u32(slash, &bits) || bits > p->bits)
			return -EINVAL;
		p->bits = bits;
	}
	return host_bits_zero(p) ? 0 : -EINVAL;
}

int vg_net_parse_deny(const char *s, struct vg_net_deny_rule *r)
{
	char buf[128];
	char *p, *at, *port = NULL, *addr;
	uint32_t v;

	memset(r, 0, sizeof(*r));
	if (!s || !*s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	p = buf;
	if (!strncmp(p, "tcp:", 4)) {
		r->protocol = IPPROTO_TCP;
		p += 4;
	} else if (!strncmp(p, "udp:", 4)) {
		r->protocol = IPPROTO_UDP;
		p += 4;
	}
	at = strrchr(p, '@');
	if (at) {
		*at++ = '\0';
		if (!*at || strlen(at) >= VG_COMM_LEN)
			return -EINVAL;
		strcpy(r->comm, at);
	}
	if (*p == '[') {
		char *close = strchr(p, ']');

		if (!close)
			return -EINVAL;
		*close = '\0';
		addr = p + 1;
		p = close + 1;
		if (*p == '/') {
			/* "[2001:db8::]/32:443": bits follow the bracket */
			char *colon = strchr(p, ':');
			char tmp[64];

			if (colon)
				*colon = '\0';
			if (snprintf(tmp, sizeof(tmp), "%s%s", addr, p) >= (int)sizeof(tmp))
				return -EINVAL;
			if (vg_net_parse_prefix(tmp, &r->prefix))
				return -EINVAL;
			port = colon ? colon + 1 : NULL;
			if (colon && !*port)
				return -EINVAL;
			goto parse_port;
		}
		if (*p == ':')
			port = p + 1;
		else if (*p)
			return -EINVAL;
	} else {
		char *first = strchr(p, ':'), *last = strrchr(p, ':');

		addr = p;
		if (first && first == last) {
			*first = '\0';
			port = first + 1;
		}
		/* two or more colons: a bare IPv6 address, no port */
	}
	if (*addr) {
		if (vg_net_parse_prefix(addr, &r->prefix))
			return -EINVAL;
	} else if (!port) {
		return -EINVAL;
	}
parse_port:
	if (port) {
		if (vg_parse_u32(port, &v) || v == 0 || v > 65535)
			return -EINVAL;
		r->port = v;
	}
	return 0;
}

unsigned vg_net_prefix_to_v6(const struct vg_net_prefix *p, uint8_t out[16])
{
	memset(out, 0, 16);
	if (p->family == AF_INET) {
		out[10] = out[11] = 0xff;
		memcpy(out + 12, p->addr, 4);
		return 96 + p->bits;
	}
	if (p->family == AF_INET6) {
		memcpy(out, p->addr, 16);
		return p->bits;
	}
	return 0;
}

const char *vg_net_format_addr(uint16_t family, const uint8_t *addr, char *buf, size_t n)
{
	if (!n)
		return buf;
	if (family != AF_INET && family != AF_INET6) {
		snprintf(buf, n, "?");
		return buf;
	}
	if (!inet_ntop(family, addr, buf, n))
		snprintf(buf, n, "?");
	return buf;
}

const char *vg_net_tcp_state_name(unsigned state)
{
	static const char *const names[] = {
		[1] = "ESTABLISHED", [2] = "SYN_SENT", [3] = "SYN_RECV", [4] = "FIN_WAIT1",
		[5] = "FIN_WAIT2", [6] = "TIME_WAIT", [7] = "CLOSE", [8] = "CLOSE_WAIT",
		[9] = "LAST_ACK", [10] = "LISTEN", [11] = "CLOSING", [12] = "NEW_SYN_RECV",
	};

	if (state < sizeof(names) / sizeof(names[0]) && names[state])
		return names[state];
	return "UNKNOWN";
}
