/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Prometheus endpoint: GET /metrics on its own libmicrohttpd thread,
 * which only reads counters (locks held for a copy, BPF map lookups); it
 * never touches the ring-buffer consumer or the event worker.
 */
#ifndef VIGIL_METRICS_HTTP_H
#define VIGIL_METRICS_HTTP_H

#include <stdbool.h>
#include <sys/socket.h>
#include "lib/json.h"

#define VG_METRICS_DEFAULT_HOST "127.0.0.1"

/* Appends every metric, Prometheus text format, to @out. */
typedef void (*vg_metrics_fn)(void *arg, struct vg_buf *out);

/* /healthz: true for 200, false for 503; a JSON object saying why into @body. */
typedef bool (*vg_health_fn)(void *arg, struct vg_buf *body);

struct vg_metrics_server;

/*
 * "PORT" (on 127.0.0.1), "HOST:PORT" or "[V6ADDR]:PORT", numeric hosts only.
 * 0 and the address, or -EINVAL with a one-line reason in @why.
 */
int vg_metrics_parse_addr(const char *spec, struct sockaddr_storage *ss, socklen_t *len,
			  char *why, size_t why_size);

/* Binds @spec (early: a busy port fails before any work); NULL after one error line. */
struct vg_metrics_server *vg_metrics_bind(const char *spec);
/* Serves /healthz too, with @fn and the arg given to vg_metrics_serve (before it). */
void vg_metrics_set_health(struct vg_metrics_server *s, vg_health_fn fn);
/* Starts answering, with @fn filling each response; <0 after one error line. */
int vg_metrics_serve(struct vg_metrics_server *s, vg_metrics_fn fn, void *arg);
void vg_metrics_stop(struct vg_metrics_server *s);

#endif
