// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <time.h>
#include "lib/timefmt.h"

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

uint64_t vg_boot_now_ns(void)
{
	return clock_ns(CLOCK_BOOTTIME);
}

uint64_t vg_mono_now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t vg_wall_now_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

uint64_t vg_boot_to_realtime_ns(uint64_t boot_ns)
{
	uint64_t real = clock_ns(CLOCK_REALTIME);
	uint64_t boot = clock_ns(CLOCK_BOOTTIME);

	return real - (boot - boot_ns);
}

size_t vg_format_rfc3339(uint64_t realtime_ns, char *buf, size_t size)
{
	time_t secs = realtime_ns / 1000000000ULL;
	unsigned usec = (realtime_ns % 1000000000ULL) / 1000;
	struct tm tm;
	size_t n;

	gmtime_r(&secs, &tm);
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	n += snprintf(buf + n, size - n, ".%06uZ", usec);
	return n;
}

size_t vg_format_clock(uint64_t realtime_ns, char *buf, size_t size)
{
	time_t secs = realtime_ns / 1000000000ULL;
	unsigned usec = (realtime_ns % 1000000000ULL) / 1000;
	struct tm tm;
	size_t n;

	localtime_r(&secs, &tm);
	n = strftime(buf, size, "%H:%M:%S", &tm);
	n += snprintf(buf + n, size - n, ".%06u", usec);
	return n;
}
