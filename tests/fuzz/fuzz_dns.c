// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the DNS message parser. The bytes are what the network
 * sensor copies from a packet another host (or a local user) sent.
 */
#include <stdint.h>
#include <string.h>
#include "event/dns_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_dns_msg m;
	char name[VG_DNS_MAX_NAME];
	size_t off = size ? data[0] % (size + 1) : 0;

	if (vg_dns_parse(data, size, &m) == 0) {
		/* What the agent does next: read the name and answers it kept. */
		if (strnlen(m.qname, sizeof(m.qname)) == sizeof(m.qname))
			__builtin_trap();
		if (m.n_answers < 0 || m.n_answers > VG_DNS_MAX_ANSWERS)
			__builtin_trap();
		(void)vg_dns_type_name(m.qtype);
	}
	/* A name at any offset, as compression pointers reach them. */
	vg_dns_read_name(data, size, &off, name, sizeof(name));
	return 0;
}
