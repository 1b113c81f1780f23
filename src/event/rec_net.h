/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The network sensor's records, and the address -> name cache that lets a
 * connection show the name that was resolved for its peer
 * (destination.domain), fed by the DNS answers the sensor captures.
 */
#ifndef VIGIL_REC_NET_H
#define VIGIL_REC_NET_H

#include <stddef.h>
#include <stdint.h>

struct vg_event_ctx;

/* Feeds a dns record's answers into the name cache (done once it is printed). */
void vg_net_dns_learn(const struct vg_event_ctx *ev);
/* The name last resolved to this address, or NULL. Copies into @buf. */
const char *vg_net_name_of(uint16_t family, const uint8_t *addr, char *buf, size_t n);
void vg_net_name_remember(uint16_t family, const uint8_t *addr, const char *name);

#endif
