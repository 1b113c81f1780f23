// SPDX-License-Identifier: GPL-2.0
/* OTLP/HTTP logs output: batches POSTed as protobuf to e.g. http://collector:4318/v1/logs. */
#include <stdlib.h>
#include "output/http_post.h"
#include "output/otlp_pb.h"
#include "output/senders.h"

static int otlp_open(struct vg_output *o)
{
	struct vg_http_out *s = o->priv;

	if (!s && !(s = o->priv = calloc(1, sizeof(*s))))
		return -1;
	if (!s->http)
		s->http = vg_http_new(o, "application/x-protobuf");
	return s->http ? 0 : -1;
}

static enum vg_send_result otlp_send(struct vg_output *o, struct vg_out_item **items, size_t n)
{
	struct vg_http_out *s = o->priv;

	vg_otlp_encode(&s->body, items, n);
	return vg_http_post(o, s->http, s->body.data, s->body.len);
}

const struct vg_output_ops vg_out_otlp_ops = {
	.type = "otlp",
	.open = otlp_open,
	.send = otlp_send,
	.close = vg_http_out_close,
};
