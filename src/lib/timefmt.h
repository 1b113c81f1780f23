/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel boot-clock timestamps to wall-clock text. */
#ifndef VIGIL_TIMEFMT_H
#define VIGIL_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* Current CLOCK_BOOTTIME in ns (the clock of bpf_ktime_get_boot_ns). */
uint64_t vg_boot_now_ns(void);
/* CLOCK_MONOTONIC (intervals, deadlines) and CLOCK_REALTIME, in ns. */
uint64_t vg_mono_now_ns(void);
uint64_t vg_wall_now_ns(void);

/*
 * Wall-clock ns for a boot-clock timestamp. The offset is taken now, so a
 * suspend or a clock step between event and formatting is accounted for.
 */
uint64_t vg_boot_to_realtime_ns(uint64_t boot_ns);
/* CLOCK_REALTIME - CLOCK_BOOTTIME now, in ns: what vg_boot_to_realtime_ns adds. */
int64_t vg_boot_clock_offset_ns(void);
/*
 * From now on vg_boot_to_realtime_ns adds this fixed offset instead: a
 * replayed capture prints the wall-clock times its records were taken at.
 */
void vg_boot_clock_pin(int64_t real_minus_boot_ns);

/* "2026-11-22T03:27:00.123456Z" (RFC 3339, UTC, microseconds). */
size_t vg_format_rfc3339(uint64_t realtime_ns, char *buf, size_t size);

/* "03:27:00.123456" local time, for terminal columns. */
size_t vg_format_clock(uint64_t realtime_ns, char *buf, size_t size);

#endif
