// SPDX-License-Identifier: GPL-2.0
/*
 * Webhook output: batches of records POSTed as one JSON array (vigil's
 * JSON, or Falco's with format=falco), a bearer token from token-file.
 */
#include <stdlib.h>
#include "output/http_post.h"
#include "output/senders.h"

static int webhook_open(struct vg_output *o)
{
	struct vg_http_out *s = o->priv;

	if (!s && !(s = o->priv = calloc(1, sizeof(*s))))
		return -1;
	if (!s->http)
		s->http = vg_http_new(o, "application/json");
	return s->http ? 0 : -1;
}

static enum vg_send_result webhook_send(struct vg_output *o, struct vg_out_item **items,
					size_t n)
{
	struct vg_http_out *s = o->priv;
	size_t i;

	vg_buf_reset(&s->body);
	vg_buf_append(&s->body, "[", 1);
	for (i = 0; i < n; i++) {
		if (i)
			vg_buf_append(&s->body, ",", 1);
		vg_out_format_item(o, items[i], &s->body);
	}
	vg_buf_append(&s->body, "]", 1);
	return vg_http_post(o, s->http, s->body.data, s->body.len);
}

/* SIGUSR1 also rereads the token file (a rotated credential). */
static void webhook_reopen(struct vg_output *o)
{
	struct vg_http_out *s = o->priv;
	struct vg_http *h = vg_http_new(o, "application/json");

	if (!h)
		return;		/* keep the old token; the error is logged */
	vg_http_free(s->http);
	s->http = h;
}

const struct vg_output_ops vg_out_webhook_ops = {
	.type = "webhook",
	.open = webhook_open,
	.send = webhook_send,
	.reopen = webhook_reopen,
	.close = vg_http_out_close,
};
