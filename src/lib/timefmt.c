// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
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

/* Set by vg_boot_clock_pin (a replayed capture): the offset its records were taken with. */
static _Atomic int64_t pinned_offset;
static _Atomic int pinned;

void vg_boot_clock_pin(int64_t real_minus_boot_ns)
{
	pinned_offset = real_minus_boot_ns;
	pinned = 1;
}

int64_t vg_boot_clock_offset_ns(void)
{
	return (int64_t)(clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME));
}

uint64_t vg_boot_to_realtime_ns(uint64_t boot_ns)
{
	if (pinned)
		return boot_ns + (uint64_t)pinned_offset;
	uint64_t real = clock_ns(CLOCK_REALTIME);
	uint64_t boot = clock_ns(CLOCK_BOOTTIME);

	return real - (boot - boot_ns);
}

/* The text of the last second formatted, per thread: an exported event
 * stream asks for the same second thousands of times. */
static _Thread_local struct {
	time_t secs;
	size_t len;
	char text[32];
} rfc3339_memo = { .secs = -1 };

size_t vg_format_rfc3339(uint64_t realtime_ns, char *buf, size_t size)
{
	time_t secs = realtime_ns / 1000000000ULL;
	unsigned usec = (realtime_ns % 1000000000ULL) / 1000;
	size_t n, i;
	struct tm tm;

	if (secs != rfc3339_memo.secs) {
		gmtime_r(&secs, &tm);
		rfc3339_memo.len = strftime(rfc3339_memo.text, sizeof(rfc3339_memo.text),
					    "%Y-%m-%dT%H:%M:%S", &tm);
		rfc3339_memo.secs = rfc3339_memo.len ? secs : -1;
	}
	n = rfc3339_memo.len;
	if (size < n + sizeof(".000000Z")) {	/* too small for the whole text: cut, as snprintf */
		n = snprintf(buf, size, "%s.%06uZ", rfc3339_memo.text, usec);
		return n < size ? n : (size ? size - 1 : 0);
	}
	memcpy(buf, rfc3339_memo.text, n);
	buf[n] = '.';
	for (i = 6; i > 0; i--, usec /= 10)
		buf[n + i] = (char)('0' + usec % 10);
	buf[n + 7] = 'Z';
	buf[n + 8] = '\0';
	return n + 8;
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
