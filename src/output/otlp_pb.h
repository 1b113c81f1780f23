/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few protobuf wire-format writers OTLP logs need (varint, fixed64,
 * length-delimited), and the OTLP message built from vigil's JSON records:
 * opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest.
 */
#ifndef VIGIL_OTLP_PB_H
#define VIGIL_OTLP_PB_H

#include <stddef.h>
#include <stdint.h>
#include "lib/json.h"
#include "output/output.h"

void vg_pb_varint(struct vg_buf *b, uint64_t v);
void vg_pb_tag(struct vg_buf *b, unsigned field, unsigned wire);
void vg_pb_uint(struct vg_buf *b, unsigned field, uint64_t v);
void vg_pb_fixed64(struct vg_buf *b, unsigned field, uint64_t v);
void vg_pb_bytes(struct vg_buf *b, unsigned field, const void *p, size_t len);
void vg_pb_str(struct vg_buf *b, unsigned field, const char *s);

/* The request for @n items into @out (reset first). */
void vg_otlp_encode(struct vg_buf *out, struct vg_out_item **items, size_t n);

#endif
