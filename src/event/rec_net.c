// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "event/dns_parse.h"
#include "event/event_format.h"
#include "event/rec_net.h"
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

/* Every network record starts with the header and then the 4-tuple. */
static const struct vg_net_tuple *tuple_of(const struct vg_hdr *h)
{
	return (const struct vg_net_tuple *)((const char *)h + sizeof(*h));
}

/* Parses a dns record's payload; 0 on success. */
static int dns_of(const struct vg_hdr *h, struct vg_dns_msg *m)
{
	const struct vg_net_dns *d = (const void *)h;
	size_t len;
	const uint8_t *p = (const uint8_t *)vg_rec_str(h, &d->payload, &len);

	if (d->flags & VG_NET_DNS_TCP) {	/* 2-byte length first */
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

	if (ev->rec->type != VG_EV_NET_DNS || dns_of(ev->rec, &m) || !m.response)
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

/* ---- the records' output keys ---- */

#define K(k) VG_KB(VG_K_##k)

static const struct vg_net_conn *conn_of(const struct vg_event_view *v)
{
	return (const struct vg_net_conn *)v->rec;
}

static uint16_t type_of(const struct vg_event_view *v)
{
	return v->rec->type;
}

VG_GETTER(get_outcome)
{
	return vg_value_cstr(type_of(v) == VG_EV_NET_DENY || conn_of(v)->error ? "failure" :
			     "success", cb, ctx);
}

VG_GETTER(get_flow_event)
{
	const struct vg_net_udp_flow *f = (const void *)v->rec;

	return vg_value_cstr(f->state == VG_NET_FLOW_NEW ? "start" : "info", cb, ctx);
}

/* A connect that failed before any packet has no duration. */
VG_WHEN(has_duration)
{
	return type_of(v) != VG_EV_NET_CONNECT || !(conn_of(v)->flags & VG_NET_PRE_SYN);
}

VG_GETTER(get_duration)
{
	const struct vg_net_udp_flow *f = (const void *)v->rec;

	if (type_of(v) == VG_EV_NET_UDP_FLOW)
		return vg_value_uint(f->last_ns - f->first_ns, cb, ctx);
	return vg_value_uint(conn_of(v)->duration_ns, cb, ctx);
}

VG_GETTER(get_true)
{
	return vg_value_uint(1, cb, ctx);
}

VG_GETTER(get_shell_fds)
{
	const struct vg_net_shell *s = (const void *)v->rec;
	int fd;

	for (fd = 0; fd < 3; fd++)
		if ((s->fds & (1u << fd)) && vg_value_uint(fd, cb, ctx))
			return true;
	return false;
}

VG_GETTER(get_transport)
{
	return vg_value_cstr(transport_name(tuple_of(v->rec)->protocol), cb, ctx);
}

VG_GETTER(get_ip_type)
{
	return vg_value_cstr(tuple_of(v->rec)->family == AF_INET6 ? "ipv6" : "ipv4", cb, ctx);
}

VG_GETTER(get_direction)
{
	return vg_value_cstr(conn_of(v)->flags & VG_NET_INBOUND ? "inbound" : "outbound", cb, ctx);
}

VG_GETTER(get_final_state)
{
	return vg_value_cstr(vg_net_tcp_state_name(conn_of(v)->old_state), cb, ctx);
}

VG_GETTER(get_flow_state)
{
	const struct vg_net_udp_flow *f = (const void *)v->rec;

	return vg_value_cstr(f->state == VG_NET_FLOW_NEW ? "new" : "update", cb, ctx);
}

VG_GETTER(get_deny_hook)
{
	static const char *const hooks[] = { "?", "connect4", "connect6", "sendmsg4", "sendmsg6" };
	const struct vg_net_deny *d = (const void *)v->rec;

	return vg_value_cstr(d->hook < 5 ? hooks[d->hook] : "?", cb, ctx);
}

VG_GETTER(get_shell_trigger)
{
	const struct vg_net_shell *s = (const void *)v->rec;

	return vg_value_cstr(s->trigger == VG_NET_SHELL_EXEC ? "exec" : "dup", cb, ctx);
}

/* An address as an ip value (IPv4 held v4-mapped); "?" for an unknown family. */
static bool emit_addr(const struct vg_net_tuple *t, const uint8_t *a, vg_value_cb cb, void *ctx)
{
	struct vg_value val = { .type = VG_FT_IP };

	if (t->family == AF_INET) {
		val.ip.v4 = 1;
		val.ip.addr[10] = val.ip.addr[11] = 0xff;
		memcpy(val.ip.addr + 12, a, 4);
	} else if (t->family == AF_INET6) {
		memcpy(val.ip.addr, a, 16);
	} else {
		return vg_value_cstr("?", cb, ctx);
	}
	return cb(&val, ctx);
}

VG_GETTER(get_saddr)
{
	const struct vg_net_tuple *t = tuple_of(v->rec);

	return emit_addr(t, t->saddr, cb, ctx);
}

VG_GETTER(get_daddr)
{
	const struct vg_net_tuple *t = tuple_of(v->rec);

	return emit_addr(t, t->daddr, cb, ctx);
}

/* A deny record knows no local end yet; a listening socket has no peer. */
VG_WHEN(has_source)
{
	return type_of(v) != VG_EV_NET_DENY;
}

VG_WHEN(has_destination)
{
	return type_of(v) != VG_EV_NET_LISTEN;
}

VG_WHEN(has_domain)
{
	const struct vg_net_tuple *t = tuple_of(v->rec);
	char name[VG_DNS_MAX_NAME];

	return has_destination(v) && vg_net_name_of(t->family, t->daddr, name, sizeof(name));
}

VG_GETTER(get_domain)
{
	const struct vg_net_tuple *t = tuple_of(v->rec);

	return vg_value_cstr(vg_net_name_of(t->family, t->daddr, v->scratch, VG_DNS_MAX_NAME), cb,
			     ctx);
}

VG_WHEN(connect_failed)
{
	return conn_of(v)->error;
}

VG_GETTER(get_error_code)
{
	return vg_value_cstr(errno_name(conn_of(v)->error), cb, ctx);
}

VG_GETTER(get_error_message)
{
	return vg_value_cstr(strerror(conn_of(v)->error), cb, ctx);
}

VG_GETTER(get_dns_type)
{
	const struct vg_net_dns *d = (const void *)v->rec;

	return vg_value_cstr(d->flags & VG_NET_DNS_RECEIVED ? "answer" : "query", cb, ctx);
}

VG_WHEN(dns_bad)
{
	struct vg_dns_msg m;

	return dns_of(v->rec, &m) != 0;
}

VG_WHEN(dns_ok)
{
	return !dns_bad(v);
}

VG_WHEN(dns_response)
{
	struct vg_dns_msg m;

	return !dns_of(v->rec, &m) && m.response;
}

VG_GETTER(get_dns_id)
{
	struct vg_dns_msg m;

	return !dns_of(v->rec, &m) && vg_value_uint(m.id, cb, ctx);
}

/* The first question, as printed (malformed: no question, no value). */
VG_GETTER(get_dns_qname)
{
	struct vg_dns_msg m;
	size_t len;

	if (dns_of(v->rec, &m))
		return false;
	len = strnlen(m.qname, sizeof(m.qname));
	memcpy(v->scratch, m.qname, len);
	return vg_value_str(v->scratch, len, cb, ctx);
}

VG_GETTER(get_dns_qtype)
{
	struct vg_dns_msg m;
	const char *name;

	if (dns_of(v->rec, &m))
		return false;
	name = vg_dns_type_name(m.qtype);
	return name ? vg_value_cstr(name, cb, ctx) : vg_value_uint(m.qtype, cb, ctx);
}

VG_GETTER(get_dns_rcode)
{
	struct vg_dns_msg m;

	return !dns_of(v->rec, &m) && vg_value_uint(m.rcode, cb, ctx);
}

VG_GETTER(get_dns_answers)
{
	struct vg_dns_msg m;
	int i;

	if (dns_of(v->rec, &m))
		return false;
	for (i = 0; i < m.n_answers; i++)
		if (vg_value_cstr(vg_net_format_addr(m.answers[i].family, m.answers[i].addr,
						     v->scratch, VG_NET_ADDR_STRLEN), cb, ctx))
			return true;
	return false;
}

static const struct vg_rec_field net_event[] = {
	VG_GET("event.outcome", VG_FT_STR, get_outcome, .kinds = K(CONNECT) | K(DENY)),
	VG_GET("event.duration", VG_FT_UINT, get_duration,
	       .kinds = K(CONNECT) | K(CLOSE) | K(UDP_FLOW), .when = has_duration),
};

static const struct vg_rec_field net_process[] = {
	VG_GET("process.io_on_socket", VG_FT_UINT, get_true, .out = VG_OUT_BOOL),
	VG_GET("process.io_on_socket_fds", VG_FT_UINT, get_shell_fds, .out = VG_OUT_LIST),
};

/* The tuple sits right after the header in every network record. */
#define TUPLE(m, p, ...) VG_NUM(vg_net_conn, t.m, p, __VA_ARGS__)

static const struct vg_rec_field net_body[] = {
	VG_GET("network.transport", VG_FT_STR, get_transport, VG_POLICY("tcp or udp")),
	VG_GET("network.type", VG_FT_STR, get_ip_type, VG_POLICY("ipv4 or ipv6")),
	VG_GET("network.direction", VG_FT_STR, get_direction,
	       .kinds = K(CONNECT) | K(ACCEPT) | K(CLOSE)),
	VG_NUM(vg_net_conn, bytes_sent, "network.bytes_sent", .kinds = K(CLOSE)),
	VG_NUM(vg_net_conn, bytes_received, "network.bytes_received", .kinds = K(CLOSE)),
	VG_GET("network.tcp_final_state", VG_FT_STR, get_final_state, .kinds = K(CLOSE)),
	VG_BIT(vg_net_conn, flags, VG_NET_OWNER_LATE, "network.owner_late", .kinds = K(CLOSE)),
	VG_NUM(vg_net_udp_flow, bytes_sent, "network.bytes_sent", .kinds = K(UDP_FLOW)),
	VG_NUM(vg_net_udp_flow, bytes_received, "network.bytes_received", .kinds = K(UDP_FLOW)),
	VG_NUM(vg_net_udp_flow, packets_sent, "network.packets_sent", .kinds = K(UDP_FLOW)),
	VG_NUM(vg_net_udp_flow, packets_received, "network.packets_received",
	       .kinds = K(UDP_FLOW)),
	VG_GET("network.flow_state", VG_FT_STR, get_flow_state, .kinds = K(UDP_FLOW)),
	VG_GET("network.flow_event", VG_FT_STR, get_flow_event, .kinds = K(UDP_FLOW)),
	VG_NUM(vg_net_deny, rule_id, "network.deny_rule_id", .kinds = K(DENY)),
	VG_GET("network.deny_hook", VG_FT_STR, get_deny_hook, .kinds = K(DENY)),
	VG_GET("network.shell_trigger", VG_FT_STR, get_shell_trigger, .kinds = K(SHELL_ON_SOCKET)),
	VG_GET("source.address", VG_FT_IP, get_saddr, .when = has_source,
	       VG_POLICY("local address")),
	TUPLE(sport, "source.port", .when = has_source, VG_KERNEL("local port")),
	VG_GET("destination.address", VG_FT_IP, get_daddr, .when = has_destination,
	       VG_KERNEL("peer (remote) address")),
	TUPLE(dport, "destination.port", .when = has_destination, VG_KERNEL("peer (remote) port")),
	VG_GET("destination.domain", VG_FT_STR, get_domain, .when = has_domain),
	VG_GET("error.code", VG_FT_STR, get_error_code, .kinds = K(CONNECT), .when = connect_failed),
	VG_GET("error.message", VG_FT_STR, get_error_message, .kinds = K(CONNECT),
	       .when = connect_failed),
};

static const struct vg_rec_field dns_body[] = {
	VG_GET("dns.type", VG_FT_STR, get_dns_type),
	VG_BIT(vg_net_dns, flags, VG_NET_DNS_TRUNC, "dns.truncated"),
	VG_GET("dns.malformed", VG_FT_UINT, get_true, .out = VG_OUT_BOOL, .when = dns_bad),
	VG_GET("dns.id", VG_FT_UINT, get_dns_id, .when = dns_ok),
	VG_GET("dns.question.name", VG_FT_STR, get_dns_qname, .when = dns_ok,
	       VG_POLICY("queried name")),
	VG_GET("dns.question.type", VG_FT_STR, get_dns_qtype, .when = dns_ok),
	VG_GET("dns.response_code", VG_FT_UINT, get_dns_rcode, .when = dns_response),
	VG_LIST("dns.answers", get_dns_answers, .when = dns_response),
};

static const struct vg_rec_table net_event_table = VG_REC_TABLE(VG_KINDS_NET, net_event);
static const struct vg_rec_table net_process_table =
	VG_REC_TABLE(K(SHELL_ON_SOCKET), net_process);
static const struct vg_rec_table net_body_table = VG_REC_TABLE(VG_KINDS_NET, net_body);
static const struct vg_rec_table dns_table = VG_REC_TABLE(K(DNS), dns_body);

/* ---- text ---- */

static void text_net(struct vg_buf *b, const struct vg_event_ctx *ev)
{
	const struct vg_hdr *h = ev->rec;
	const struct vg_net_tuple *t = tuple_of(h);
	char s[VG_NET_ADDR_STRLEN], d[VG_NET_ADDR_STRLEN], name[VG_DNS_MAX_NAME];

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
		if (dns_of(h, &m)) {
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

static void dns_printed(const struct vg_event_ctx *ev)
{
	vg_net_dns_learn(ev);
}

static const struct vg_rec_table *const net_tables[] = {
	&vg_rec_head, &net_event_table, &vg_rec_process, &net_process_table, &net_body_table,
	&dns_table, &vg_rec_container, NULL };
static const struct vg_rec_layout net_layout = { net_tables, text_net, NULL };
static const struct vg_rec_layout dns_layout = { net_tables, text_net, dns_printed };

#define NET_RECORD(type, kind, st) { type, kind, sizeof(struct st), 0, { 0 }, &net_layout }

static const struct vg_record_desc descs[] = {
	NET_RECORD(VG_EV_NET_CONNECT, "connect", vg_net_conn),
	NET_RECORD(VG_EV_NET_ACCEPT, "accept", vg_net_conn),
	NET_RECORD(VG_EV_NET_LISTEN, "listen", vg_net_conn),
	NET_RECORD(VG_EV_NET_CLOSE, "close", vg_net_conn),
	NET_RECORD(VG_EV_NET_UDP_FLOW, "udp_flow", vg_net_udp_flow),
	{ VG_EV_NET_DNS, "dns", sizeof(struct vg_net_dns), 1,
	  { offsetof(struct vg_net_dns, payload) }, &dns_layout },
	NET_RECORD(VG_EV_NET_DENY, "deny", vg_net_deny),
	NET_RECORD(VG_EV_NET_SHELL, "shell_on_socket", vg_net_shell),
};

const struct vg_record_family vg_rec_net_family = { descs, sizeof(descs) / sizeof(descs[0]) };
