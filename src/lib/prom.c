// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include "lib/prom.h"

/* HELP text escapes \ and newline; label values also escape ". */
static void escape(struct vg_buf *b, const char *s, int quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			vg_buf_puts(b, "\\\\");
		else if (*s == '\n')
			vg_buf_puts(b, "\\n");
		else if (*s == '"' && quote)
			vg_buf_puts(b, "\\\"");
		else
			vg_buf_append(b, s, 1);
	}
}

void vg_prom_family(struct vg_buf *b, const char *name, const char *type, const char *help)
{
	vg_buf_printf(b, "# HELP %s ", name);
	escape(b, help, 0);
	vg_buf_printf(b, "\n# TYPE %s %s\n", name, type);
}

void vg_prom_sample(struct vg_buf *b, const char *name, const struct vg_prom_label *labels,
		    size_t n_labels, uint64_t value)
{
	size_t i;

	vg_buf_puts(b, name);
	for (i = 0; i < n_labels; i++) {
		vg_buf_printf(b, "%c%s=\"", i ? ',' : '{', labels[i].name);
		escape(b, labels[i].value ? labels[i].value : "", 1);
		vg_buf_puts(b, "\"");
	}
	vg_buf_printf(b, "%s %" PRIu64 "\n", n_labels ? "}" : "", value);
}

void vg_prom_one(struct vg_buf *b, const char *name, const char *type, const char *help,
		 uint64_t value)
{
	vg_prom_family(b, name, type, help);
	vg_prom_sample(b, name, NULL, 0, value);
}
