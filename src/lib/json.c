// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/json.h"

static bool buf_reserve(struct vg_buf *b, size_t extra)
{
	size_t cap;
	char *d;

	if (b->oom)
		return false;
	if (b->len + extra + 1 <= b->cap)
		return true;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1)
		cap *= 2;
	d = realloc(b->data, cap);
	if (!d) {
		b->oom = true;
		return false;
	}
	b->data = d;
	b->cap = cap;
	return true;
}

void vg_buf_reset(struct vg_buf *b)
{
	b->len = 0;
	b->oom = false;
	if (b->data)
		b->data[0] = '\0';
}

void vg_buf_free(struct vg_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void vg_buf_append_slow(struct vg_buf *b, const char *s, size_t n)
{
	if (!buf_reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void vg_buf_puts(struct vg_buf *b, const char *s)
{
	vg_buf_append(b, s, strlen(s));
}

void vg_buf_printf(struct vg_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !buf_reserve(b, n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

/* Length of the valid UTF-8 sequence at @s (1..4), or 0 if invalid. */
static size_t utf8_valid_len(const unsigned char *s, size_t avail)
{
	uint32_t cp;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n > avail)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* No overlong forms, surrogates or code points past U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * Whether any of the 8 bytes of @w needs a look: a control byte, '"', '\\'
 * or a byte of a multi-byte sequence. With no high bit set, a byte below
 * 0x20 (or equal to the other two) is the only way to borrow, so the test
 * is exact: no plain word is ever taken for one that needs escaping.
 */
static inline bool word_needs_look(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;

	return (w & high) ||
	       (((w - ones * 0x20) | ((w ^ ones * '"') - ones) | ((w ^ ones * '\\') - ones)) & high);
}

void vg_json_escape(struct vg_buf *b, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0;

	while (i < len) {
		unsigned char c = s[i];
		const char *esc = NULL;
		char hex[8];
		uint64_t w;
		size_t n;

		if (len - i >= sizeof(w)) {	/* plain text 8 bytes at a time */
			memcpy(&w, s + i, sizeof(w));
			if (!word_needs_look(w)) {
				run += sizeof(w);
				i += sizeof(w);
				continue;
			}
		}
		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			run++;
			i++;
			continue;
		}
		if (c >= 0x80) {
			n = utf8_valid_len(s + i, len - i);
			if (n) {
				run += n;
				i += n;
				continue;
			}
		}
		vg_buf_append(b, (const char *)s + i - run, run);
		run = 0;
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		default:
			if (c < 0x20) {
				snprintf(hex, sizeof(hex), "\\u%04x", c);
				esc = hex;
			} else {
				esc = "\\ufffd";	/* invalid UTF-8 byte */
			}
		}
		vg_buf_puts(b, esc);
		i++;
	}
	vg_buf_append(b, (const char *)s + i - run, run);
}

void vg_json_init(struct vg_json *j, struct vg_buf *b)
{
	memset(j, 0, sizeof(*j));
	j->b = b;
	j->first[0] = true;
}

/* Comma before a value unless it follows a key or opens a container. */
static void before_value(struct vg_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->first[j->depth])
		vg_buf_append(j->b, ",", 1);
	j->first[j->depth] = false;
}

static void open_container(struct vg_json *j, char c)
{
	before_value(j);
	vg_buf_append(j->b, &c, 1);
	if (j->depth < VG_JSON_MAX_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void close_container(struct vg_json *j, char c)
{
	vg_buf_append(j->b, &c, 1);
	if (j->depth > 0)
		j->depth--;
}

void vg_json_obj_begin(struct vg_json *j) { open_container(j, '{'); }
void vg_json_obj_end(struct vg_json *j) { close_container(j, '}'); }
void vg_json_arr_begin(struct vg_json *j) { open_container(j, '['); }
void vg_json_arr_end(struct vg_json *j) { close_container(j, ']'); }

void vg_json_key(struct vg_json *j, const char *key)
{
	before_value(j);
	vg_buf_append(j->b, "\"", 1);
	vg_json_escape(j->b, key, strlen(key));
	vg_buf_append(j->b, "\":", 2);
	j->after_key = true;
}

void vg_json_key_ident(struct vg_json *j, const char *key, size_t len)
{
	struct vg_buf *b = j->b;
	char *d;

	before_value(j);
	j->after_key = true;
	if (!buf_reserve(b, len + 3))
		return;
	d = b->data + b->len;
	d[0] = '"';
	memcpy(d + 1, key, len);
	d[len + 1] = '"';
	d[len + 2] = ':';
	d[len + 3] = '\0';
	b->len += len + 3;
}

void vg_json_str(struct vg_json *j, const char *s, size_t len)
{
	before_value(j);
	vg_buf_append(j->b, "\"", 1);
	vg_json_escape(j->b, s, len);
	vg_buf_append(j->b, "\"", 1);
}

void vg_json_cstr(struct vg_json *j, const char *s)
{
	if (!s)
		vg_json_null(j);
	else
		vg_json_str(j, s, strlen(s));
}

/* Decimal digits of @v, minus sign first; printf's machinery cost a third of a line. */
static void put_decimal(struct vg_buf *b, uint64_t v, bool negative)
{
	char d[24], *p = d + sizeof(d);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (negative)
		*--p = '-';
	vg_buf_append(b, p, (size_t)(d + sizeof(d) - p));
}

void vg_json_u64(struct vg_json *j, uint64_t v)
{
	before_value(j);
	put_decimal(j->b, v, false);
}

void vg_json_i64(struct vg_json *j, int64_t v)
{
	before_value(j);
	put_decimal(j->b, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0);
}

void vg_json_bool(struct vg_json *j, bool v)
{
	before_value(j);
	vg_buf_puts(j->b, v ? "true" : "false");
}

void vg_json_null(struct vg_json *j)
{
	before_value(j);
	vg_buf_puts(j->b, "null");
}

void vg_json_raw(struct vg_json *j, const char *s, size_t len)
{
	before_value(j);
	vg_buf_append(j->b, s, len);
}

void vg_json_id_obj(struct vg_json *j, const char *key, uint64_t id)
{
	vg_json_key(j, key);
	vg_json_obj_begin(j);
	vg_json_key(j, "id");
	vg_json_u64(j, id);
	vg_json_obj_end(j);
}
