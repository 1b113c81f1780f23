// SPDX-License-Identifier: GPL-2.0
/*
 * One libcurl handle per output thread (connections are kept alive), a
 * bearer token read from a root-owned file (never argv or the environment,
 * which /proc shows), gzip by zlib, and Retry-After honoured.
 */
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "output/http_post.h"

#define TOKEN_MAX_BYTES 4096
#define RETRY_AFTER_MAX_MS 300000u

struct vg_http {
	CURL *curl;
	struct curl_slist *headers;
	char err[CURL_ERROR_SIZE];
	unsigned retry_after_ms;
	unsigned char *gz;		/* the gzipped body */
	size_t gz_len, gz_cap;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* The token: the file must be a regular file we own, not readable by group or others. */
static int read_token(struct vg_output *o, char *tok, size_t size)
{
	struct stat st;
	ssize_t n;
	int fd = open(o->cfg.token_file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0 || fstat(fd, &st)) {
		vg_output_fail(o, "token file %s: %s", o->cfg.token_file, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077)) {
		vg_output_fail(o, "token file %s: must be a regular file owned by uid %u with mode "
			       "0600 or stricter", o->cfg.token_file, (unsigned)geteuid());
		goto fail;
	}
	n = read(fd, tok, size - 1);
	close(fd);
	if (n <= 0)
		return -EINVAL;
	while (n && isspace((unsigned char)tok[n - 1]))
		n--;
	tok[n] = '\0';
	return strpbrk(tok, "\r\n") || !n ? -EINVAL : 0;
fail:
	if (fd >= 0)
		close(fd);
	return -EACCES;
}

static size_t on_header(char *buf, size_t size, size_t n, void *arg)
{
	struct vg_http *h = arg;
	size_t len = size * n;
	const char *name = "retry-after:";
	char val[64];
	size_t i, k = strlen(name);

	if (len > k && !strncasecmp(buf, name, k)) {
		size_t vl = len - k < sizeof(val) - 1 ? len - k : sizeof(val) - 1;

		memcpy(val, buf + k, vl);
		val[vl] = '\0';
		for (i = 0; isspace((unsigned char)val[i]); i++)
			;
		if (isdigit((unsigned char)val[i])) {
			unsigned long s = strtoul(val + i, NULL, 10);

			h->retry_after_ms = s > RETRY_AFTER_MAX_MS / 1000 ? RETRY_AFTER_MAX_MS : s * 1000;
		} else {
			time_t t = curl_getdate(val + i, NULL), now = time(NULL);

			if (t > now)
				h->retry_after_ms = (unsigned)(t - now) * 1000 > RETRY_AFTER_MAX_MS ?
						    RETRY_AFTER_MAX_MS : (unsigned)(t - now) * 1000;
		}
	}
	return len;
}

static size_t discard(char *buf, size_t size, size_t n, void *arg)
{
	(void)buf;
	(void)arg;
	return size * n;
}

struct vg_http *vg_http_new(struct vg_output *o, const char *content_type)
{
	struct vg_http *h = calloc(1, sizeof(*h));
	char line[TOKEN_MAX_BYTES + 32], tok[TOKEN_MAX_BYTES];
	size_t i;

	pthread_once(&curl_once, curl_init_once);
	if (!h || !(h->curl = curl_easy_init())) {
		free(h);
		return NULL;
	}
	snprintf(line, sizeof(line), "Content-Type: %s", content_type);
	h->headers = curl_slist_append(h->headers, line);
	if (o->cfg.gzip)
		h->headers = curl_slist_append(h->headers, "Content-Encoding: gzip");
	for (i = 0; i < o->cfg.n_headers; i++)
		h->headers = curl_slist_append(h->headers, o->cfg.headers[i]);
	if (o->cfg.token_file[0]) {
		if (read_token(o, tok, sizeof(tok))) {
			vg_http_free(h);
			return NULL;
		}
		snprintf(line, sizeof(line), "Authorization: Bearer %s", tok);
		h->headers = curl_slist_append(h->headers, line);
		memset(tok, 0, sizeof(tok));
		memset(line, 0, sizeof(line));
	}
	curl_easy_setopt(h->curl, CURLOPT_URL, o->cfg.target);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, h->headers);
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT_MS, (long)o->cfg.timeout_ms);
	curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)o->cfg.timeout_ms);
	curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->curl, CURLOPT_ERRORBUFFER, h->err);
	curl_easy_setopt(h->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h->curl, CURLOPT_HEADERDATA, h);
	curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h->curl, CURLOPT_USERAGENT, "vigil");
	return h;
}

/* gzip (RFC 1952) of @in into h->gz, grown as needed. */
static int gzip_body(struct vg_http *h, const void *in, size_t len)
{
	z_stream z = { 0 };
	size_t need = compressBound(len) + 32;
	int rc;

	if (h->gz_cap < need) {
		unsigned char *p = realloc(h->gz, need);

		if (!p)
			return -ENOMEM;
		h->gz = p;
		h->gz_cap = need;
	}
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	z.next_in = (Bytef *)in;
	z.avail_in = len;
	z.next_out = h->gz;
	z.avail_out = h->gz_cap;
	rc = deflate(&z, Z_FINISH);
	h->gz_len = z.total_out;
	deflateEnd(&z);
	return rc == Z_STREAM_END ? 0 : -EIO;
}

enum vg_send_result vg_http_post(struct vg_output *o, struct vg_http *h, const void *body,
				 size_t len)
{
	CURLcode rc;
	long status = 0;

	if (o->cfg.gzip) {
		if (gzip_body(h, body, len)) {
			o->drop_reason = VG_DROP_WRITE_ERROR;
			return VG_SEND_DROP;
		}
		body = h->gz;
		len = h->gz_len;
	}
	h->retry_after_ms = 0;
	h->err[0] = '\0';
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	rc = curl_easy_perform(h->curl);
	if (rc != CURLE_OK) {
		vg_output_fail(o, "POST %s: %s", o->cfg.target, h->err[0] ? h->err : curl_easy_strerror(rc));
		return VG_SEND_RETRY;
	}
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 200 && status < 300)
		return VG_SEND_OK;
	o->retry_after_ms = h->retry_after_ms;
	if (status == 408 || status == 429 || status >= 500) {
		vg_output_fail(o, "POST %s: HTTP %ld, retrying", o->cfg.target, status);
		return VG_SEND_RETRY;
	}
	vg_output_fail(o, "POST %s: HTTP %ld, records rejected", o->cfg.target, status);
	o->drop_reason = VG_DROP_REJECTED;
	return VG_SEND_DROP;
}

void vg_http_free(struct vg_http *h)
{
	if (!h)
		return;
	if (h->curl)
		curl_easy_cleanup(h->curl);
	curl_slist_free_all(h->headers);
	free(h->gz);
	free(h);
}

void vg_http_out_close(struct vg_output *o)
{
	struct vg_http_out *s = o->priv;

	if (!s)
		return;
	vg_http_free(s->http);
	vg_buf_free(&s->body);
	free(s);
	o->priv = NULL;
}
