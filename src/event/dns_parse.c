// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include "event/dns_parse.h"

#define HDR_BYTES 12

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int vg_dns_read_name(const uint8_t *p, size_t len, size_t *off, char *out, size_t out_len)
{
	size_t pos = *off, end = 0, n = 0;
	size_t limit = pos;	/* a pointer must go strictly before this */
	bool jumped = false;

	if (out_len == 0)
		return -EINVAL;
	for (;;) {
		uint8_t l;

		if (pos >= len)
			return -EINVAL;
		l = p[pos];
		if ((l & 0xc0) == 0xc0) {
			size_t target;

			if (pos + 1 >= len)
				return -EINVAL;
			target = (size_t)(l & 0x3f) << 8 | p[pos + 1];
			if (target >= limit)
				return -EINVAL;	/* forward or self pointer: could loop */
			if (!jumped)
				end = pos + 2;
			jumped = true;
			limit = target;
			pos = target;
			continue;
		}
		if (l & 0xc0)
			return -EINVAL;	/* reserved label types */
		if (l == 0) {
			pos++;
			break;
		}
		if (pos + 1 + l > len)
			return -EINVAL;
		if (n + (n ? 1 : 0) + l + 1 > out_len || n + (n ? 1 : 0) + l > 253)
			return -EINVAL;
		if (n)
			out[n++] = '.';
		memcpy(out + n, p + pos + 1, l);
		n += l;
		pos += 1 + l;
	}
	out[n] = '\0';
	*off = jumped ? end : pos;
	return 0;
}

int vg_dns_parse(const uint8_t *p, size_t len, struct vg_dns_msg *m)
{
	uint16_t qd, an, i;
	size_t off = HDR_BYTES;
	char name[VG_DNS_MAX_NAME];

	memset(m, 0, sizeof(*m));
	if (!p || len < HDR_BYTES)
		return -EINVAL;
	m->id = rd16(p);
	m->response = p[2] & 0x80;
	m->rcode = p[3] & 0x0f;
	qd = rd16(p + 4);
	an = rd16(p + 6);
	if (qd == 0)
		return -ENODATA;
	if (vg_dns_read_name(p, len, &off, m->qname, sizeof(m->qname)))
		return -EINVAL;
	if (off + 4 > len)
		return -EINVAL;
	m->qtype = rd16(p + off);
	m->qclass = rd16(p + off + 2);
	off += 4;
	/* Further questions (rare): skip. */
	for (i = 1; i < qd; i++) {
		if (vg_dns_read_name(p, len, &off, name, sizeof(name)) || off + 4 > len)
			return -EINVAL;
		off += 4;
	}
	for (i = 0; i < an; i++) {
		uint16_t type, rdlen;
		uint32_t ttl;

		if (vg_dns_read_name(p, len, &off, name, sizeof(name)) || off + 10 > len)
			return -EINVAL;
		type = rd16(p + off);
		ttl = rd32(p + off + 4);
		rdlen = rd16(p + off + 8);
		off += 10;
		if (off + rdlen > len)
			return -EINVAL;
		if (m->n_answers < VG_DNS_MAX_ANSWERS &&
		    ((type == VG_DNS_TYPE_A && rdlen == 4) ||
		     (type == VG_DNS_TYPE_AAAA && rdlen == 16))) {
			struct vg_dns_answer *a = &m->answers[m->n_answers++];

			a->type = type;
			a->family = type == VG_DNS_TYPE_A ? AF_INET : AF_INET6;
			a->ttl = ttl;
			memcpy(a->addr, p + off, rdlen);
		}
		off += rdlen;
	}
	return 0;
}

const char *vg_dns_type_name(uint16_t type)
{
	switch (type) {
	case 1: return "A";
	case 2: return "NS";
	case 5: return "CNAME";
	case 6: return "SOA";
	case 12: return "PTR";
	case 15: return "MX";
	case 16: return "TXT";
	case 28: return "AAAA";
	case 33: return "SRV";
	case 64: return "SVCB";
	case 65: return "HTTPS";
	case 255: return "ANY";
	default: return NULL;
	}
}
