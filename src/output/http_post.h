/* SPDX-License-Identifier: GPL-2.0 */
/* HTTP POST for the OTLP and webhook outputs (libcurl), gzip optional. */
#ifndef VIGIL_HTTP_POST_H
#define VIGIL_HTTP_POST_H

#include "lib/json.h"
#include "output/output.h"

struct vg_http;

/* What an HTTP output (OTLP, webhook) keeps in o->priv: its client and a body buffer. */
struct vg_http_out {
	struct vg_http *http;
	struct vg_buf body;
};

/* @content_type; a bearer token read from cfg.token_file; cfg.headers. NULL after one line. */
struct vg_http *vg_http_new(struct vg_output *o, const char *content_type);
/*
 * POSTs @body: OK on 2xx; RETRY on a transport error, 408, 429 or 5xx
 * (o->retry_after_ms from Retry-After); DROP (rejected) on other answers.
 */
enum vg_send_result vg_http_post(struct vg_output *o, struct vg_http *h, const void *body,
				 size_t len);
void vg_http_free(struct vg_http *h);
/* The .close of an output whose priv is a struct vg_http_out. */
void vg_http_out_close(struct vg_output *o);

#endif
