/* SPDX-License-Identifier: GPL-2.0 */
/* A TLS client on a connected socket (OpenSSL), for syslog over TLS (RFC 5425). */
#ifndef VIGIL_TLS_CONN_H
#define VIGIL_TLS_CONN_H

#include <stddef.h>

struct vg_tls;

/*
 * Handshakes on @fd, verifying the server's certificate against @ca_file
 * (NULL: the system's CA store) and its name against @host. NULL with a
 * one-line reason in @why; @fd stays the caller's either way.
 */
struct vg_tls *vg_tls_connect(int fd, const char *host, const char *ca_file, char *why,
			      size_t why_size);
/* 0, or -1 when the connection is gone. */
int vg_tls_send(struct vg_tls *t, const void *p, size_t n);
void vg_tls_free(struct vg_tls *t);

#endif
