/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keeps freed heap pages while BPF objects load. libbpf reads and parses
 * the kernel BTF (several MB) once per object into buffers it frees right
 * after; by default glibc hands those pages back each time and the next
 * object faults them in again: a third of an object's load on this kind of
 * host. vg_heap_hold(true) keeps them; vg_heap_hold(false) gives them back
 * and sets glibc's thresholds where its own rule would have left them.
 */
#ifndef VIGIL_HEAP_HOLD_H
#define VIGIL_HEAP_HOLD_H

#include <stdbool.h>

void vg_heap_hold(bool on);

#endif
