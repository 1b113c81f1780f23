/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DNS message parsing (RFC 1035) for the network sensor: the kernel copies
 * the bytes, user space parses them here. Input is hostile: every read is
 * bounds-checked, compression pointers must point strictly backwards (so
 * they cannot loop) and names are limited to 255 bytes.
 */
#ifndef VIGIL_DNS_PARSE_H
#define VIGIL_DNS_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VG_DNS_MAX_NAME 256	/* dotted text incl. NUL */
#define VG_DNS_MAX_ANSWERS 16

#define VG_DNS_TYPE_A 1
#define VG_DNS_TYPE_CNAME 5
#define VG_DNS_TYPE_AAAA 28

struct vg_dns_answer {
	uint16_t type;
	uint16_t family;	/* AF_INET / AF_INET6 for A / AAAA, else 0 */
	uint32_t ttl;
	uint8_t addr[16];
};

struct vg_dns_msg {
	uint16_t id;
	bool response;
	uint8_t rcode;
	uint16_t qtype, qclass;
	char qname[VG_DNS_MAX_NAME];	/* first question, dotted, no final dot */
	int n_answers;			/* A and AAAA answers kept */
	struct vg_dns_answer answers[VG_DNS_MAX_ANSWERS];
};

/* Returns 0, or -EINVAL (malformed), -ENODATA (no question). */
int vg_dns_parse(const uint8_t *p, size_t len, struct vg_dns_msg *m);

/* Reads the (possibly compressed) name at *off; advances *off past it in place. */
int vg_dns_read_name(const uint8_t *p, size_t len, size_t *off, char *out, size_t out_len);

/* "A", "AAAA", ... or NULL for an unnamed type. */
const char *vg_dns_type_name(uint16_t type);

#endif
