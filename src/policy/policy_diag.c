// SPDX-License-Identifier: GPL-2.0
/* Diagnostics and the source positions they point at. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "lib/log.h"
#include "policy/policy_diag.h"

void vg_diag_at(struct vg_policy *p, bool error, struct pos pos, const char *hint,
	     const char *fmt, ...)
{
	char msg[1024], line[1400];
	struct vg_diag *d;
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (pos.line)
		snprintf(line, sizeof(line), "%s:%d:%d: %s: %s%s%s%s", pos.file ? pos.file : "?",
			 pos.line, pos.col, error ? "error" : "warning", msg, hint ? " (hint: " : "",
			 hint ? hint : "", hint ? ")" : "");
	else	/* about a whole file: no position */
		snprintf(line, sizeof(line), "%s: %s: %s%s%s%s", pos.file ? pos.file : "?",
			 error ? "error" : "warning", msg, hint ? " (hint: " : "", hint ? hint : "",
			 hint ? ")" : "");
	/* A macro used by several rules would otherwise say the same thing each time. */
	for (i = 0; i < p->diags_v.n; i++)
		if (!strcmp(((struct vg_diag *)p->diags_v.v[i])->text, line))
			return;
	/* Counted before it is stored: an error that cannot be kept still fails the policy. */
	if (error)
		p->n_errors++;
	if (p->diags_v.n >= VG_POLICY_MAX_DIAGS) {
		p->n_diags_dropped++;
		return;
	}
	d = vg_arena_alloc(&p->arena, sizeof(*d));
	if (!d || !(d->text = vg_arena_strndup(&p->arena, line, strlen(line))) ||
	    vg_ptrvec_push(&p->diags_v, d)) {
		vg_err("policy: out of memory reporting: %s", line);
		return;
	}
	d->error = error;
}

/* ---- positions ---- */

static size_t esc_len(const char *s, size_t avail)
{
	size_t n = 2;

	if (avail < 2)
		return avail;
	switch (s[1]) {
	case 'x': n = 4; break;
	case 'u': n = 6; break;
	case 'U': n = 10; break;
	case '\n': /* escaped line break: the break and the next line's indentation vanish */
		while (n < avail && (s[n] == ' ' || s[n] == '\t'))
			n++;
		break;
	}
	return n < avail ? n : avail;
}

/*
 * Walks the source and the value in step: equal bytes advance both;
 * source whitespace the value lacks (indentation, folded line breaks) is
 * skipped; escapes and doubled quotes stand for one value byte.
 */
struct pos vg_scalar_pos(const struct src_scalar *s, size_t off)
{
	struct pos pos = { s->file, s->line, s->col };
	size_t si = s->start, vi = 0, i;

	if (!s->src || s->start >= s->src_len)
		return pos;
	if (s->style == SC_SQUOTE || s->style == SC_DQUOTE)
		si++;
	else if (s->style == SC_BLOCK)
		while (si < s->src_len && s->src[si++] != '\n')
			;
	while (vi < off && vi < s->len && si < s->src_len) {
		char c = s->src[si], d = s->val[vi];

		if (s->style == SC_DQUOTE && c == '\\') {
			si += esc_len(s->src + si, s->src_len - si);
			vi++;
		} else if (s->style == SC_SQUOTE && c == '\'' && si + 1 < s->src_len &&
			   s->src[si + 1] == '\'') {
			si += 2;
			vi++;
		} else if (c == d) {
			si++;
			vi++;
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			si++;
		} else if (d == ' ' || d == '\n') {
			vi++;
		} else {
			si++;
			vi++;
		}
	}
	/* Skip what the value dropped before the target byte (indentation). */
	if (vi < s->len)
		while (si < s->src_len && s->src[si] != s->val[vi] &&
		       (s->src[si] == ' ' || s->src[si] == '\t' || s->src[si] == '\n'))
			si++;
	/* Count from the node's own position: never rescan the file. */
	for (i = s->start; i < si; i++) {
		if (s->src[i] == '\n')
			pos.line++, pos.col = 1;
		else if (((unsigned char)s->src[i] & 0xc0) != 0x80)
			pos.col++;
	}
	return pos;
}
