/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network address helpers for the network sensor and its CLI: parse
 * addresses, CIDR prefixes and deny endpoints ("127.0.0.1:4444",
 * "10.0.0.0/8:443", "[::1]:80", ":53", "udp:10.1.2.3@curl"), and format
 * addresses as text. Pure functions: unit tested without root.
 */
#ifndef VIGIL_NET_ADDR_H
#define VIGIL_NET_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bpf/vigil_abi.h"

#define VG_NET_ADDR_STRLEN 46	/* INET6_ADDRSTRLEN */

/* An address prefix; family 0 with bits 0 means "any address". */
struct vg_net_prefix {
	uint16_t family;	/* AF_INET, AF_INET6, or 0 (any) */
	uint8_t bits;		/* prefix length within the family */
	uint8_t addr[16];	/* network order; IPv4 in the first 4 bytes */
};

/* A deny rule: protocol (0 any), port (0 any), prefix, optional process name. */
struct vg_net_deny_rule {
	uint8_t protocol;	/* 0, IPPROTO_TCP, IPPROTO_UDP */
	uint16_t port;		/* host order; 0: any */
	struct vg_net_prefix prefix;
	char comm[VG_COMM_LEN];	/* empty: any process */
	bool kill;		/* policy kill rule: deny, then SIGKILL the caller */
};

/* "10.0.0.0/8", "1.2.3.4", "::1", "2001:db8::/32". Host bits must be zero. */
int vg_net_parse_prefix(const char *s, struct vg_net_prefix *p);

/*
 * [tcp:|udp:]ADDR[/BITS][:PORT][@COMM], with IPv6 in brackets when a port
 * follows ("[::1]:80"); ":PORT" alone means any address. Returns 0 or -EINVAL.
 */
int vg_net_parse_deny(const char *s, struct vg_net_deny_rule *r);

/* IPv4 as ::ffff:a.b.c.d: the 128-bit form the kernel tries use. Returns the bit count. */
unsigned vg_net_prefix_to_v6(const struct vg_net_prefix *p, uint8_t out[16]);

/* Writes the address as text ("127.0.0.1", "::1"); returns @buf. */
const char *vg_net_format_addr(uint16_t family, const uint8_t *addr, char *buf, size_t n);

/* TCP state name ("ESTABLISHED"), or "UNKNOWN". */
const char *vg_net_tcp_state_name(unsigned state);

#endif
