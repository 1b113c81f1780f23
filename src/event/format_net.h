/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output of the network sensor's records (JSON and text), DNS parsing of
 * captured messages, and the address -> name cache that lets a connection
 * show the name that was resolved for its peer (destination.domain).
 */
#ifndef VIGIL_FORMAT_NET_H
#define VIGIL_FORMAT_NET_H

#include <stddef.h>
#include <stdint.h>
#include "event/event_format.h"

void vg_net_json_event(struct vg_json *j, const struct vg_event_ctx *ev);
void vg_net_json_process(struct vg_json *j, const struct vg_event_ctx *ev);
void vg_net_json(struct vg_json *j, const struct vg_event_ctx *ev);
void vg_net_text(struct vg_buf *b, const struct vg_event_ctx *ev);

/* Feeds DNS answers into the name cache (formatters call it for dns records). */
void vg_net_dns_learn(const struct vg_event_ctx *ev);
/* The name last resolved to this address, or NULL. Copies into @buf. */
const char *vg_net_name_of(uint16_t family, const uint8_t *addr, char *buf, size_t n);
void vg_net_name_remember(uint16_t family, const uint8_t *addr, const char *name);

#endif
