// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "event/dns_parse.h"
#include "event/format_net.h"
#include "lib/net_addr.h"

/* ---- address -> name cache (last answer wins), fixed size ---- */

#define NAME_CACHE_SLOTS 4096

struct name_slot {
	uint16_t family;
	uint8_t addr[16];
	char name[VG_DNS_MAX_NAME];
};

static struct name_slot name_cache[NAME_CACHE_SLOTS];
static pthread_mutex_t name_lock = PTHREAD_MUTEX_INITIALIZER;

static size_t slot_of(uint16_t family, const uint8_t *addr)
{
	size_t len = family == AF_INET ? 4 : 16, i;
	uint64_t h = 1469598103934665603ULL ^ family;

	for (i = 0; i < len; i++)
		h = (h ^ addr[i]) * 1099511628211ULL;
	return h % NAME_CACHE_SLOTS;
}

void vg_net_name_remember(uint16_t family, const uint8_t *addr, const char *name)
{
	struct name_slot *s = &name_cache[slot_of(family, addr)];

	pthread_mutex_lock(&name_lock);
	s->family = family;
	memset(s->addr, 0, sizeof(s->addr));
	memcpy(s->addr, addr, family == AF_INET ? 4 : 16);
	snprintf(s->name, sizeof(s->name), "%s", name);
	pthread_mutex_unlock(&name_lock);
}

const char *vg_net_name_of(uint16_t family, const uint8_t *addr, char *buf, size_t n)
{
	struct name_slot *s = &name_cache[slot_of(family, addr)];
	const char *r = NULL;

	pthread_mutex_lock(&name_lock);
	if (s->family == family && s->name[0] &&
	    !memcmp(s->addr, addr, family == AF_INET ? 4 : 16)) {
		snprintf(buf, n, "%s", s->name);
		r = buf;
	}
	pthread_mutex_unlock(&name_lock);
	return r;
}

/* ---- helpers ---- */

static const struct vg_net_tuple *tuple_of(const struct vg_hdr *h)
{
	switch (h->type) {
	case VG_EV_NET_CONNECT:
	case VG_EV_NET_ACCEPT:
	case VG_EV_NET_LISTEN:
	case VG_EV_NET_CLOSE:
		return &((const struct vg_net_conn *)h)->t;
	case VG_EV_NET_UDP_FLOW:
		return &((const struct vg_net_udp_flow *)h)->t;
	case VG_EV_NET_DNS:
		return &((const struct vg_net_dns *)h)->t;
	case VG_EV_NET_DENY:
		return &((const struct vg_net_deny *)h)->t;
	case VG_EV_NET_SHELL:
		return &((const struct vg_net_shell *)h)->t;
	default:
		return NULL;
	}
}

/* Parses a dns record's payload; 0 on success. */
static int dns_of(const struct vg_event_ctx *ev, struct vg_dns_msg *m)
{
	const struct vg_net_dns *d = (const void *)ev->rec;
	size_t len;
	const uint8_t *p = (const uint8_t *)vg_rec_str(ev->rec, &d->payload, &len);

	if (d->flags & VG_NET_DNS_TCP) {
		if (len < 2)
			return -EINVAL;
		p += 2;
		len -= 2;
	}
	return vg_dns_parse(p, len, m);
}

void vg_net_dns_learn(const struct vg_event_ctx *ev)
{
	struct vg_dns_msg m;
	int i;

	if (ev->rec->type != VG_EV_NET_DNS || dns_of(ev, &m) || !m.response)
		return;
	for (i = 0; i < m.n_answers; i++)
		vg_net_name_remember(m.answers[i].family, m.answers[i].addr, m.qname);
}

static const char *transport_name(uint8_t p)
{
	return p == IPPROTO_TCP ? "tcp" : p == IPPROTO_UDP ? "udp" : "unknown";
}

static const char *errno_name(int e)
{
	const char *n = e > 0 ? strerrorname_np(e) : NULL;

	return n ? n : "unknown";
}

static void json_endpoint(struct vg_json *j, const char *key, uint16_t family,
			  const uint8_t *addr, uint16_t port, bool domain)
{
	char a[VG_NET_ADDR_STRLEN], name[VG_DNS_MAX_NAME];

	vg_json_key(j, key);
	vg_json_obj_begin(j);
	vg_json_key(j, "address");
	vg_json_cstr(j, vg_net_format_addr(family, addr, a, sizeof(a)));
	vg_json_key(j, "port");
	vg_json_u64(j, port);
	if (domain && vg_net_name_of(family, addr, name, sizeof(name))) {
		vg_json_key(j, "domain");
		vg_json_cstr(j, name);
	}
	vg_json_obj_end(j);
}

/* ---- JSON ---- */

void vg_net_json_event(struct vg_json *j, const struct vg_event_ctx *ev)
{
	const struct vg_hdr *h = ev->rec;

	if (h->type == VG_EV_NET_CONNECT) {
		const struct vg_net_conn *c = (const void *)h;

		vg_json_key(j, "outcome");
		vg_json_cstr(j, c->error ? "failure" : "success");
		if (!(c->flags & VG_NET_PRE_SYN)) {
			vg_json_key(j, "duration");
			vg_json_u64(j, c->duration_ns);
		}
	} else if (h->type == VG_EV_NET_CLOSE) {
		vg_json_key(j, "duration");
		vg_json_u64(j, ((const struct vg_net_conn *)h)->duration_ns);
	} else if (h->type == VG_EV_NET_DENY) {
		vg_json_key(j, "action");
		vg_json_cstr(j, "denied");
		vg_json_key(j, "outcome");
		vg_json_cstr(j, "failure");
	} else if (h->type == VG_EV_NET_UDP_FLOW) {
		const struct vg_net_udp_flow *f = (const void *)h;

		vg_json_key(j, "type");
		vg_json_cstr(j, f->state == VG_NET_FLOW_NEW ? "start" : "info");
		vg_json_key(j, "duration");
		vg_json_u64(j, f->last_ns - f->first_ns);
	}
}

void vg_net_json_process(struct vg_json *j, const struct vg_event_ctx *ev)
{
	const struct vg_net_shell *s = (const void *)ev->rec;

	if (ev->rec->type != VG_EV_NET_SHELL)
		return;
	vg_json_key(j, "io_on_socket");
	vg_json_bool(j, true);
	vg_json_key(j, "io_on_socket_fds");
	vg_json_arr_begin(j);
	for (int fd = 0; fd < 3; fd++)
		if (s->fds & (1u << fd))
			vg_json_u64(j, fd);
	vg_json_arr_end(j);
}

static void json_dns(struct vg_json *j, const struct vg_event_ctx *ev)
{
	const struct vg_net_dns *d = (const void *)ev->rec;
	struct vg_dns_msg m;
	char a[VG_NET_ADDR_STRLEN];
	int err = dns_of(ev, &m), i;

	vg_net_dns_learn(ev);
	vg_json_key(j, "dns");
	vg_json_obj_begin(j);
	vg_json_key(j, "type");
	vg_json_cstr(j, d->flags & VG_NET_DNS_RECEIVED ? "answer" : "query");
	vg_json_key(j, "truncated");
	vg_json_bool(j, d->flags & VG_NET_DNS_TRUNC);
	if (err) {
		vg_json_key(j, "malformed");
		vg_json_bool(j, true);
		vg_json_obj_end(j);
		return;
	}
	vg_json_key(j, "id");
	vg_json_u64(j, m.id);
	vg_json_key(j, "question");
	vg_json_obj_begin(j);
	vg_json_key(j, "name");
	vg_json_cstr(j, m.qname);
	vg_json_key(j, "type");
	if (vg_dns_type_name(m.qtype))
		vg_json_cstr(j, vg_dns_type_name(m.qtype));
	else
		vg_json_u64(j, m.qtype);
	vg_json_obj_end(j);
	if (m.response) {
		vg_json_key(j, "response_code");
		vg_json_u64(j, m.rcode);
		vg_json_key(j, "answers");
		vg_json_arr_begin(j);
		for (i = 0; i < m.n_answers; i++)
			vg_json_cstr(j, vg_net_format_addr(m.answers[i].family, m.answers[i].addr,
							   a, sizeof(a)));
		vg_json_arr_end(j);
	}
	vg_json_obj_end(j);
}

void vg_net_json(struct vg_json *j, const struct vg_event_ctx *ev)
{
	const struct vg_hdr *h = ev->rec;
	const struct vg_net_tuple *t = tuple_of(h);
	bool inbound = false;

	if (!t)
		return;
	vg_json_key(j, "network");
	vg_json_obj_begin(j);
	vg_json_key(j, "transport");
	vg_json_cstr(j, transport_name(t->protocol));
	vg_json_key(j, "type");
	vg_json_cstr(j, t->family == AF_INET6 ? "ipv6" : "ipv4");
	switch (h->type) {
	case VG_EV_NET_CONNECT:
	case VG_EV_NET_ACCEPT:
	case VG_EV_NET_CLOSE: {
		const struct vg_net_conn *c = (const void *)h;

		inbound = c->flags & VG_NET_INBOUND;
		vg_json_key(j, "direction");
		vg_json_cstr(j, inbound ? "inbound" : "outbound");
		if (h->type == VG_EV_NET_CLOSE) {
			vg_json_key(j, "bytes_sent");
			vg_json_u64(j, c->bytes_sent);
			vg_json_key(j, "bytes_received");
			vg_json_u64(j, c->bytes_received);
			vg_json_key(j, "tcp_final_state");
			vg_json_cstr(j, vg_net_tcp_state_name(c->old_state));
			vg_json_key(j, "owner_late");
			vg_json_bool(j, c->flags & VG_NET_OWNER_LATE);
		}
		break;
	}
	case VG_EV_NET_UDP_FLOW: {
		const struct vg_net_udp_flow *f = (const void *)h;

		vg_json_key(j, "bytes_sent");
		vg_json_u64(j, f->bytes_sent);
		vg_json_key(j, "bytes_received");
		vg_json_u64(j, f->bytes_received);
		vg_json_key(j, "packets_sent");
		vg_json_u64(j, f->packets_sent);
		vg_json_key(j, "packets_received");
		vg_json_u64(j, f->packets_received);
		vg_json_key(j, "flow_state");
		vg_json_cstr(j, f->state == VG_NET_FLOW_NEW ? "new" : "update");
		break;
	}
	case VG_EV_NET_DENY: {
		const struct vg_net_deny *d = (const void *)h;
		static const char *const hooks[] = { "?", "connect4", "connect6", "sendmsg4",
						     "sendmsg6" };

		vg_json_key(j, "deny_rule_id");
		vg_json_u64(j, d->rule_id);
		vg_json_key(j, "deny_hook");
		vg_json_cstr(j, d->hook < 5 ? hooks[d->hook] : "?");
		break;
	}
	case VG_EV_NET_SHELL: {
		const struct vg_net_shell *s = (const void *)h;

		vg_json_key(j, "shell_trigger");
		vg_json_cstr(j, s->trigger == VG_NET_SHELL_EXEC ? "exec" : "dup");
		break;
	}
	default:
		break;
	}
	vg_json_obj_end(j);
	if (h->type != VG_EV_NET_DENY)
		json_endpoint(j, "source", t->family, t->saddr, t->sport, false);
	if (h->type != VG_EV_NET_LISTEN)
		json_endpoint(j, "destination", t->family, t->daddr, t->dport, true);
	if (h->type == VG_EV_NET_CONNECT) {
		const struct vg_net_conn *c = (const void *)h;

		if (c->error) {
			vg_json_key(j, "error");
			vg_json_obj_begin(j);
			vg_json_key(j, "code");
			vg_json_cstr(j, errno_name(c->error));
			vg_json_key(j, "message");
			vg_json_cstr(j, strerror(c->error));
			vg_json_obj_end(j);
		}
	}
	if (h->type == VG_EV_NET_DNS)
		json_dns(j, ev);
}

/* ---- text ---- */

void vg_net_text(struct vg_buf *b, const struct vg_event_ctx *ev)
{
	const struct vg_hdr *h = ev->rec;
	const struct vg_net_tuple *t = tuple_of(h);
	char s[VG_NET_ADDR_STRLEN], d[VG_NET_ADDR_STRLEN], name[VG_DNS_MAX_NAME];

	if (!t)
		return;
	vg_net_format_addr(t->family, t->saddr, s, sizeof(s));
	vg_net_format_addr(t->family, t->daddr, d, sizeof(d));
	vg_buf_printf(b, "%s %s%s%s:%u -> %s%s%s:%u", transport_name(t->protocol),
		      t->family == AF_INET6 ? "[" : "", s, t->family == AF_INET6 ? "]" : "",
		      t->sport, t->family == AF_INET6 ? "[" : "", d,
		      t->family == AF_INET6 ? "]" : "", t->dport);
	if (vg_net_name_of(t->family, t->daddr, name, sizeof(name)))
		vg_buf_printf(b, " (%s)", name);
	switch (h->type) {
	case VG_EV_NET_CONNECT: {
		const struct vg_net_conn *c = (const void *)h;

		if (c->error)
			vg_buf_printf(b, " failed: %s", errno_name(c->error));
		break;
	}
	case VG_EV_NET_CLOSE: {
		const struct vg_net_conn *c = (const void *)h;

		vg_buf_printf(b, " sent=%llu received=%llu %.3fms %s",
			      (unsigned long long)c->bytes_sent,
			      (unsigned long long)c->bytes_received, c->duration_ns / 1e6,
			      vg_net_tcp_state_name(c->old_state));
		break;
	}
	case VG_EV_NET_UDP_FLOW: {
		const struct vg_net_udp_flow *f = (const void *)h;

		vg_buf_printf(b, " %s sent=%llu received=%llu",
			      f->state == VG_NET_FLOW_NEW ? "new" : "update",
			      (unsigned long long)f->bytes_sent,
			      (unsigned long long)f->bytes_received);
		break;
	}
	case VG_EV_NET_DNS: {
		struct vg_dns_msg m;
		const char *tn;

		vg_net_dns_learn(ev);
		if (dns_of(ev, &m)) {
			vg_buf_puts(b, " dns: malformed");
			break;
		}
		tn = vg_dns_type_name(m.qtype);
		vg_buf_printf(b, " dns %s %s %s", m.response ? "answer" : "query", m.qname,
			      tn ? tn : "?");
		for (int i = 0; i < m.n_answers; i++)
			vg_buf_printf(b, " %s", vg_net_format_addr(m.answers[i].family,
								   m.answers[i].addr, d, sizeof(d)));
		break;
	}
	case VG_EV_NET_DENY:
		vg_buf_printf(b, " DENIED rule=%u", ((const struct vg_net_deny *)h)->rule_id);
		break;
	case VG_EV_NET_SHELL:
		vg_buf_printf(b, " stdio on socket (fds 0x%x)", ((const struct vg_net_shell *)h)->fds);
		break;
	default:
		break;
	}
}
