// SPDX-License-Identifier: GPL-2.0
/*
 * Syslog output, RFC 5424 with structured data, over UDP (one datagram a
 * message), TCP (RFC 6587 octet counting: "LEN SP MSG"), TLS (RFC 5425: the
 * same framing inside TLS, the server's certificate verified) or a local
 * socket such as /dev/log. The SD-ID vigil@32473 uses the private enterprise
 * number RFC 5612 reserves for documentation; docs/outputs.md.
 */
#include <errno.h>
#include <jansson.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "output/senders.h"
#include "output/tls_conn.h"

#define SYSLOG_MAX_BYTES 8192	/* rsyslog's default maxMessageSize */
#define SD_ID "vigil@32473"

enum transport { T_UDP, T_TCP, T_TLS, T_UNIX };

struct syslog_out {
	enum transport t;
	int fd;
	struct vg_tls *tls;		/* T_TLS, once the handshake is done */
	char host[256];			/* the target's host, for the certificate */
	uint64_t batch_seq;		/* the batch a TCP send stopped in */
	size_t batch_done;
	struct vg_buf msg, frame;
};

/* vigil's severities (info .. critical) as syslog's: informational .. critical. */
static const int syslog_sev[] = { 6, 5, 4, 3, 2 };

static int connect_inet(struct vg_output *o, const char *hostport, int socktype,
			char host[256])
{
	const char *colon = strrchr(hostport, ':');
	struct addrinfo hints = { .ai_socktype = socktype }, *res = NULL;
	struct timeval tv = { o->cfg.timeout_ms / 1000, (o->cfg.timeout_ms % 1000) * 1000 };
	size_t n;
	int fd, err;

	if (!colon || (n = colon - hostport) >= 256 || !n || (hostport[0] == '[' && n < 3)) {
		vg_output_fail(o, "%s: expected HOST:PORT", o->cfg.target);
		return -EINVAL;
	}
	memcpy(host, hostport[0] == '[' ? hostport + 1 : hostport, n);
	host[hostport[0] == '[' ? n - 2 : n] = '\0';
	err = getaddrinfo(host, colon + 1, &hints, &res);
	if (err) {
		vg_output_fail(o, "%s: %s", o->cfg.target, gai_strerror(err));
		return -EINVAL;
	}
	fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));	/* a TLS handshake */
		if (connect(fd, res->ai_addr, res->ai_addrlen)) {
			err = errno;
			close(fd);
			fd = -1;
			errno = err;
		}
	}
	freeaddrinfo(res);
	if (fd < 0)
		vg_output_fail(o, "connect %s: %s", o->cfg.target, strerror(errno));
	return fd;
}

static int connect_unix(struct vg_output *o)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(o->cfg.target) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, o->cfg.target);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		vg_output_fail(o, "connect %s: %s", o->cfg.target, strerror(errno));
		close(fd);
		fd = -1;
	}
	return fd;
}

static void syslog_disconnect(struct syslog_out *s)
{
	vg_tls_free(s->tls);
	s->tls = NULL;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

static int syslog_connect(struct vg_output *o)
{
	struct syslog_out *s = o->priv;
	char why[320];

	if (s->t == T_UNIX)
		s->fd = connect_unix(o);
	else
		s->fd = connect_inet(o, o->cfg.target + 6, s->t == T_UDP ? SOCK_DGRAM : SOCK_STREAM,
				     s->host);
	if (s->fd >= 0 && s->t == T_TLS) {
		s->tls = vg_tls_connect(s->fd, s->host, o->cfg.ca_file[0] ? o->cfg.ca_file : NULL,
					why, sizeof(why));
		if (!s->tls) {
			vg_output_fail(o, "%s: %s", o->cfg.target, why);
			syslog_disconnect(s);
		}
	}
	return s->fd < 0 ? -EIO : 0;
}

static int syslog_open(struct vg_output *o)
{
	struct syslog_out *s = o->priv;

	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			return -ENOMEM;
		s->fd = -1;
		s->t = !strncmp(o->cfg.target, "udp://", 6) ? T_UDP :
		       !strncmp(o->cfg.target, "tcp://", 6) ? T_TCP :
		       !strncmp(o->cfg.target, "tls://", 6) ? T_TLS : T_UNIX;
		o->priv = s;
	}
	return syslog_connect(o);
}

static const char *jstr(json_t *ev, const char *a, const char *b, const char *c)
{
	json_t *j = json_object_get(json_object_get(ev, a), b);

	if (c)
		j = json_object_get(j, c);
	return json_string_value(j);
}

/* PRINTUSASCII, no space, at most @max: HOSTNAME, APP-NAME, MSGID. */
static void put_token(struct vg_buf *b, const char *s, size_t max)
{
	size_t i;

	if (!s || !*s) {
		vg_buf_puts(b, "-");
		return;
	}
	for (i = 0; s[i] && i < max; i++)
		vg_buf_append(b, s[i] > 32 && s[i] < 127 ? &s[i] : "_", 1);
}

/* PARAM-VALUE: '"', '\' and ']' escaped (RFC 5424 6.3.3). */
static void put_param(struct vg_buf *b, const char *name, const char *v)
{
	if (!v)
		return;
	vg_buf_printf(b, " %s=\"", name);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\' || *v == ']')
			vg_buf_append(b, "\\", 1);
		vg_buf_append(b, v, 1);
	}
	vg_buf_append(b, "\"", 1);
}

static void put_num_param(struct vg_buf *b, const char *name, json_t *j)
{
	char n[32];

	if (!json_is_integer(j))
		return;
	snprintf(n, sizeof(n), "%lld", (long long)json_integer_value(j));
	put_param(b, name, n);
}

static void put_sd(struct vg_buf *b, json_t *ev)
{
	json_t *tags = json_object_get(json_object_get(json_object_get(ev, "threat"), "technique"),
				       "id"), *t;
	size_t i;

	vg_buf_puts(b, "[" SD_ID);
	put_param(b, "rule", jstr(ev, "rule", "name", NULL));
	put_param(b, "severity", jstr(ev, "rule", "severity", NULL));
	put_param(b, "action", jstr(ev, "event", "action", NULL));
	put_num_param(b, "pid", json_object_get(json_object_get(ev, "process"), "pid"));
	put_param(b, "exe", jstr(ev, "process", "executable", "path"));
	json_array_foreach(tags, i, t)
		put_param(b, "attack", json_string_value(t));
	put_param(b, "outcome", jstr(ev, "alert", "outcome", NULL));
	put_param(b, "hostid", jstr(ev, "host", "id", NULL));
	vg_buf_puts(b, "]");
}

/* One RFC 5424 message for @it into s->msg. */
static void format_msg(struct vg_output *o, const struct vg_out_item *it)
{
	struct syslog_out *s = o->priv;
	json_t *ev = json_loadb(it->line, it->len, 0, NULL);
	const char *msg;
	unsigned sev = it->severity < 5 ? it->severity : 4;

	vg_buf_reset(&s->msg);
	vg_buf_printf(&s->msg, "<%d>1 ", o->cfg.facility * 8 + (it->alert ? syslog_sev[sev] : 6));
	put_token(&s->msg, ev ? json_string_value(json_object_get(ev, "@timestamp")) : NULL, 64);
	vg_buf_puts(&s->msg, " ");
	put_token(&s->msg, ev ? jstr(ev, "host", "name", NULL) : NULL, 255);
	vg_buf_printf(&s->msg, " vigil %d ", (int)getpid());
	put_token(&s->msg, it->alert ? "alert" : "event", 32);
	vg_buf_puts(&s->msg, " ");
	if (ev)
		put_sd(&s->msg, ev);
	else
		vg_buf_puts(&s->msg, "-");
	msg = ev ? json_string_value(json_object_get(ev, "message")) : NULL;
	vg_buf_puts(&s->msg, " ");
	if (msg) {
		vg_buf_puts(&s->msg, msg);
	} else {
		vg_buf_append(&s->msg, it->line, it->len);	/* an event: its JSON */
	}
	if (s->msg.len > SYSLOG_MAX_BYTES)
		s->msg.len = SYSLOG_MAX_BYTES;
	json_decref(ev);
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= w;
	}
	return 0;
}

static enum vg_send_result syslog_send(struct vg_output *o, struct vg_out_item **items, size_t n)
{
	struct syslog_out *s = o->priv;
	size_t i = s->batch_seq == o->batch_seq ? s->batch_done : 0;

	if (s->fd < 0 && syslog_connect(o))
		return VG_SEND_RETRY;
	for (; i < n; i++) {
		format_msg(o, items[i]);
		vg_buf_reset(&s->frame);
		if (s->t == T_TCP || s->t == T_TLS)
			vg_buf_printf(&s->frame, "%zu ", s->msg.len);
		vg_buf_append(&s->frame, s->msg.data, s->msg.len);
		if (s->tls ? vg_tls_send(s->tls, s->frame.data, s->frame.len)
			   : send_all(s->fd, s->frame.data, s->frame.len)) {
			vg_output_fail(o, "send %s: %s", o->cfg.target,
				       s->tls ? "TLS connection lost" : strerror(errno));
			syslog_disconnect(s);
			s->batch_seq = o->batch_seq;
			s->batch_done = i;
			return VG_SEND_RETRY;
		}
	}
	s->batch_seq = 0;
	return VG_SEND_OK;
}

static void syslog_reopen(struct vg_output *o)
{
	syslog_disconnect(o->priv);
	syslog_connect(o);
}

static void syslog_close(struct vg_output *o)
{
	struct syslog_out *s = o->priv;

	if (!s)
		return;
	syslog_disconnect(s);
	vg_buf_free(&s->msg);
	vg_buf_free(&s->frame);
	free(s);
	o->priv = NULL;
}

const struct vg_output_ops vg_out_syslog_ops = {
	.type = "syslog",
	.open = syslog_open,
	.send = syslog_send,
	.reopen = syslog_reopen,
	.close = syslog_close,
};
