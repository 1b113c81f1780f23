// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/log.h"
#include "agent/metrics_http.h"
#include "lib/prom.h"

#define MAX_CONNECTIONS 16
#define CONNECTION_TIMEOUT_S 10

struct vg_metrics_server {
	struct MHD_Daemon *d;
	int fd;
	struct sockaddr_storage addr;
	socklen_t addr_len;
	vg_metrics_fn fn;
	vg_health_fn health;
	void *arg;
};

static int parse_port(const char *s, uint16_t *port)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < 1 || v > 65535)
		return -EINVAL;
	*port = v;
	return 0;
}

int vg_metrics_parse_addr(const char *spec, struct sockaddr_storage *ss, socklen_t *len,
			  char *why, size_t why_size)
{
	char host[64];
	const char *port_s, *colon = strrchr(spec, ':'), *h = spec;
	size_t host_len;
	uint16_t port;

	memset(ss, 0, sizeof(*ss));
	if (!colon) {
		snprintf(host, sizeof(host), "%s", VG_METRICS_DEFAULT_HOST);
		port_s = spec;
	} else {
		host_len = colon - spec;
		if (spec[0] == '[') {	/* [v6]:port */
			if (host_len < 2 || spec[host_len - 1] != ']')
				goto bad_host;
			h++;
			host_len -= 2;
		} else if (memchr(spec, ':', host_len)) {
			goto bad_host;	/* "::1:9464" is ambiguous: brackets */
		}
		if (!host_len || host_len >= sizeof(host))
			goto bad_host;
		memcpy(host, h, host_len);
		host[host_len] = '\0';
		port_s = colon + 1;
	}
	if (parse_port(port_s, &port)) {
		snprintf(why, why_size, "'%s' is not a port (1-65535)", port_s);
		return -EINVAL;
	}
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		*len = sizeof(*in);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		*len = sizeof(*in6);
		return 0;
	}
bad_host:
	snprintf(why, why_size, "'%s' is not PORT, HOST:PORT or [V6]:PORT with a numeric host",
		 spec);
	return -EINVAL;
}

/* "127.0.0.1:9464" or "[::1]:9464" */
static const char *addr_text(const struct sockaddr_storage *ss, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		snprintf(buf, size, "[%s]:%u", host, ntohs(in6->sin6_port));
	} else {
		const struct sockaddr_in *in = (const void *)ss;

		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		snprintf(buf, size, "%s:%u", host, ntohs(in->sin_port));
	}
	return buf;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status, const char *type,
			     char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result ret;

	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* 200 with {"status":"ok"}; 503 with what is not ok. */
static enum MHD_Result reply_health(struct MHD_Connection *c, struct vg_metrics_server *s)
{
	struct vg_buf b = { 0 };
	bool ok = s->health(s->arg, &b);

	if (b.oom || !b.data) {
		vg_buf_free(&b);
		return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain", "out of memory\n",
			     14, MHD_RESPMEM_PERSISTENT);
	}
	return reply(c, ok ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE, "application/json",
		     b.data, b.len, MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **state)
{
	static char not_found[] = "vigil: metrics are at /metrics, health at /healthz\n";
	static char bad_method[] = "vigil: GET or HEAD only\n";
	struct vg_metrics_server *s = cls;
	struct vg_buf b = { 0 };

	(void)version;
	(void)upload;
	(void)state;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", bad_method,
			     strlen(bad_method), MHD_RESPMEM_PERSISTENT);
	if (*upload_size)
		return MHD_NO;
	if (!strcmp(url, "/healthz") && s->health)
		return reply_health(c, s);
	if (strcmp(url, "/metrics"))
		return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", not_found, strlen(not_found),
			     MHD_RESPMEM_PERSISTENT);
	s->fn(s->arg, &b);
	if (b.oom) {
		vg_buf_free(&b);
		return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain", "out of memory\n",
			     14, MHD_RESPMEM_PERSISTENT);
	}
	return reply(c, MHD_HTTP_OK, VG_PROM_CONTENT_TYPE, b.data ? b.data : strdup(""), b.len,
		     MHD_RESPMEM_MUST_FREE);
}

struct vg_metrics_server *vg_metrics_bind(const char *spec)
{
	struct vg_metrics_server *s;
	char why[160];
	int one = 1;

	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	if (vg_metrics_parse_addr(spec, &s->addr, &s->addr_len, why, sizeof(why))) {
		vg_err("--metrics: %s", why);
		free(s);
		return NULL;
	}
	/* Our own socket: a busy port is one clear line, not a library's. */
	s->fd = socket(s->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0 || setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s->fd, (struct sockaddr *)&s->addr, s->addr_len) || listen(s->fd, 32)) {
		vg_err("--metrics %s: %s", addr_text(&s->addr, why, sizeof(why)), strerror(errno));
		if (s->fd >= 0)
			close(s->fd);
		free(s);
		return NULL;
	}
	return s;
}

void vg_metrics_set_health(struct vg_metrics_server *s, vg_health_fn fn)
{
	if (s)
		s->health = fn;
}

int vg_metrics_serve(struct vg_metrics_server *s, vg_metrics_fn fn, void *arg)
{
	char text[80];

	s->fn = fn;
	s->arg = arg;
	s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC, 0,
				NULL, NULL, on_request, s, MHD_OPTION_LISTEN_SOCKET, s->fd,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)MAX_CONNECTIONS,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)CONNECTION_TIMEOUT_S,
				MHD_OPTION_END);
	if (!s->d) {
		vg_err("--metrics %s: the HTTP server did not start",
		       addr_text(&s->addr, text, sizeof(text)));
		return -EIO;
	}
	vg_info("metrics: http://%s/metrics", addr_text(&s->addr, text, sizeof(text)));
	return 0;
}

void vg_metrics_stop(struct vg_metrics_server *s)
{
	if (!s)
		return;
	if (s->d) {
		/* Take the listening socket back so that it is closed once, here. */
		MHD_quiesce_daemon(s->d);
		MHD_stop_daemon(s->d);
	}
	close(s->fd);
	free(s);
}
