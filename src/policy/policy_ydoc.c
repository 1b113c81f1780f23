// SPDX-License-Identifier: GPL-2.0
/* Positions and scalars of a YAML policy document (libyaml marks count characters). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "policy/policy_diag.h"
#include "policy/policy_ydoc.h"

#define CHARS_PER_STEP 64

struct pos vg_ydoc_pos(const struct ydoc *y, const yaml_node_t *n)
{
	struct pos pos = { y->file, 0, 0 };

	if (n) {
		pos.line = n->start_mark.line + 1;
		pos.col = n->start_mark.column + 1;
	}
	return pos;
}

static bool is_utf8_lead(unsigned char c)
{
	return (c & 0xc0) != 0x80;
}

/* One pass over the source, so that resolving every mark stays linear. */
int vg_ydoc_index_chars(struct ydoc *y)
{
	size_t i, chars = 0, n = 0;

	for (i = 0; i < y->len; i++)
		chars += is_utf8_lead(y->src[i]);
	y->step_bytes = malloc((chars / CHARS_PER_STEP + 1) * sizeof(size_t));
	if (!y->step_bytes)
		return -ENOMEM;
	for (i = 0, chars = 0; i < y->len; i++) {
		if (!is_utf8_lead(y->src[i]))
			continue;
		if (chars++ % CHARS_PER_STEP == 0)
			y->step_bytes[n++] = i;
	}
	y->n_steps = n;
	return 0;
}

/* Byte offset of a libyaml mark, whose index counts characters. */
static size_t mark_index(const struct ydoc *y, const yaml_mark_t *m)
{
	size_t step = m->index / CHARS_PER_STEP, i = 0, chars = 0;

	if (step < y->n_steps)
		i = y->step_bytes[step], chars = step * CHARS_PER_STEP;
	while (i < y->len && chars < m->index) {
		i++;
		while (i < y->len && !is_utf8_lead(y->src[i]))
			i++;
		chars++;
	}
	return i;
}

int vg_ydoc_scalar(struct ydoc *y, const yaml_node_t *n, struct src_scalar *s)
{
	memset(s, 0, sizeof(*s));
	s->file = y->file;
	s->src = y->src;
	s->src_len = y->len;
	s->len = n->data.scalar.length;
	s->val = vg_arena_strndup(&y->p->arena, (const char *)n->data.scalar.value, s->len);
	if (!s->val)
		return -ENOMEM;
	s->line = n->start_mark.line + 1;
	s->col = n->start_mark.column + 1;
	s->start = mark_index(y, &n->start_mark);
	switch (n->data.scalar.style) {
	case YAML_SINGLE_QUOTED_SCALAR_STYLE: s->style = SC_SQUOTE; break;
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE: s->style = SC_DQUOTE; break;
	case YAML_LITERAL_SCALAR_STYLE:
	case YAML_FOLDED_SCALAR_STYLE: s->style = SC_BLOCK; break;
	default: s->style = SC_PLAIN; break;
	}
	return 0;
}

bool vg_ydoc_expect(struct ydoc *y, const yaml_node_t *n, yaml_node_type_t t, const char *what)
{
	if (n && n->type == t)
		return true;
	vg_diag_at(y->p, true, vg_ydoc_pos(y, n), NULL, "%s", what);
	return false;
}

