// SPDX-License-Identifier: GPL-2.0
/*
 * TLS for the syslog output: OpenSSL (already on every host that has
 * libcurl's OpenSSL flavour), TLS 1.2 or later, the peer's certificate and
 * name always verified; no option turns verification off.
 */
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "output/tls_conn.h"

struct vg_tls {
	SSL_CTX *ctx;
	SSL *ssl;
};

static void reason(char *why, size_t size, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256] = "";

	if (e)
		ERR_error_string_n(e, buf, sizeof(buf));
	snprintf(why, size, "%s%s%s", what, buf[0] ? ": " : "", buf);
	ERR_clear_error();
}

/* An IP address is checked against the certificate's IP SANs, a name against its DNS names. */
static int expect_peer(SSL *ssl, const char *host)
{
	unsigned char addr[16];
	X509_VERIFY_PARAM *vp = SSL_get0_param(ssl);

	if (inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1)
		return X509_VERIFY_PARAM_set1_ip_asc(vp, host);
	SSL_set_tlsext_host_name(ssl, host);
	return SSL_set1_host(ssl, host);
}

struct vg_tls *vg_tls_connect(int fd, const char *host, const char *ca_file, char *why,
			      size_t why_size)
{
	struct vg_tls *t = calloc(1, sizeof(*t));

	if (!t || !(t->ctx = SSL_CTX_new(TLS_client_method()))) {
		reason(why, why_size, "TLS: out of memory");
		goto fail;
	}
	SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
	if (ca_file ? !SSL_CTX_load_verify_locations(t->ctx, ca_file, NULL)
		    : !SSL_CTX_set_default_verify_paths(t->ctx)) {
		reason(why, why_size, "TLS: cannot load the CA certificates");
		goto fail;
	}
	t->ssl = SSL_new(t->ctx);
	if (!t->ssl || !SSL_set_fd(t->ssl, fd) || !expect_peer(t->ssl, host)) {
		reason(why, why_size, "TLS: setup failed");
		goto fail;
	}
	if (SSL_connect(t->ssl) != 1) {
		long v = SSL_get_verify_result(t->ssl);

		if (v != X509_V_OK)
			snprintf(why, why_size, "TLS handshake: certificate verify failed: %s",
				 X509_verify_cert_error_string(v));
		else
			reason(why, why_size, "TLS handshake failed");
		ERR_clear_error();
		goto fail;
	}
	return t;
fail:
	vg_tls_free(t);
	return NULL;
}

int vg_tls_send(struct vg_tls *t, const void *p, size_t n)
{
	while (n) {
		int w = SSL_write(t->ssl, p, n > 1 << 30 ? 1 << 30 : (int)n);

		if (w <= 0) {
			ERR_clear_error();
			return -1;
		}
		p = (const char *)p + w;
		n -= w;
	}
	return 0;
}

void vg_tls_free(struct vg_tls *t)
{
	if (!t)
		return;
	if (t->ssl)
		SSL_free(t->ssl);	/* no close_notify: the socket may be dead */
	if (t->ctx)
		SSL_CTX_free(t->ctx);
	free(t);
}
