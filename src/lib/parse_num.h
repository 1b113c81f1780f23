/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers for parsing command-line values: strict numbers, clear errors. */
#ifndef VIGIL_CLI_H
#define VIGIL_CLI_H

#include <stdint.h>

/* Whole string must be a number in range; returns 0 or -EINVAL/-ERANGE. */
int vg_parse_u32(const char *s, uint32_t *out);
int vg_parse_u64(const char *s, uint64_t *out);
/* "8M", "512K", "1048576" → bytes. */
int vg_parse_size(const char *s, uint64_t *out);
/* A ring buffer size: a power of two from 4K to 1G, in vg_parse_size's form. */
int vg_parse_ringbuf_size(const char *s, uint64_t *out);
/* "500ms", "30s", "30", "5m", "1h" → milliseconds. */
int vg_parse_duration_ms(const char *s, uint64_t *out);

#endif
