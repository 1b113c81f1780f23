// SPDX-License-Identifier: GPL-2.0
#include <malloc.h>
#include <sys/stat.h>
#include "lib/heap_hold.h"

/* glibc's default thresholds, and the largest mmap threshold it accepts. */
#define DEFAULT_THRESHOLD (128 << 10)
#define MMAP_THRESHOLD_MAX (32 << 20)

void vg_heap_hold(bool on)
{
	struct stat st;
	long size = DEFAULT_THRESHOLD;

	if (on) {
		/* Every buffer from the heap, none handed back: the next parse reuses them. */
		mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_MAX);
		mallopt(M_TRIM_THRESHOLD, 4 * MMAP_THRESHOLD_MAX);
		return;
	}
	/*
	 * Any mallopt ends glibc's dynamic thresholds for good. Where they
	 * would be now: freeing a BTF buffer raises the mmap threshold to its
	 * size and the trim threshold to twice that.
	 */
	if (stat("/sys/kernel/btf/vmlinux", &st) == 0 && st.st_size > size)
		size = st.st_size < MMAP_THRESHOLD_MAX ? st.st_size : MMAP_THRESHOLD_MAX;
	mallopt(M_MMAP_THRESHOLD, size);
	mallopt(M_TRIM_THRESHOLD, 2 * size);
	malloc_trim(0);
}
