/* SPDX-License-Identifier: GPL-2.0 */
/* Destroying many BPF links at once. */
#ifndef VIGIL_SENSORS_LINK_TEARDOWN_H
#define VIGIL_SENSORS_LINK_TEARDOWN_H

struct bpf_link;

/*
 * Destroys @n links and sets each slot to NULL. Closing a tracepoint link
 * waits for the kernel to retire the probe (about 55 ms here), one after
 * another: 81 links took 4 s to stop. Closed from several threads the waits
 * overlap. Falls back to one by one if no thread can start.
 */
void vg_links_destroy(struct bpf_link **links, int n);

#endif
