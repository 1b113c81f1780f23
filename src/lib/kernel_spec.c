// SPDX-License-Identifier: GPL-2.0
/* The kernel share of a policy: what both its producer and its appliers need. */
#include <stdlib.h>
#include <string.h>
#include "lib/kernel_spec.h"

static bool starts_with(const char *s, const char *pre)
{
	return !strncmp(s, pre, strlen(pre));
}

uint32_t vg_exe_filter_bits(const struct vg_exe_filter *f, const char *path)
{
	uint32_t bits = 0;
	size_t i;

	for (i = 0; i < f->n; i++) {
		const struct vg_exe_filter_entry *e = &f->v[i];

		if (e->prefix ? starts_with(path, e->path) : !strcmp(path, e->path))
			bits |= e->bits;
	}
	return bits;
}

void vg_kernel_spec_free(struct vg_kernel_spec *spec)
{
	free(spec->exe.v);
	free(spec->exec_kills);
	free(spec->net_denies);
	free(spec->deny_targets);
	while (spec->storm.n_never)
		free(spec->storm.never[--spec->storm.n_never]);
	free(spec->storm.never);
	free(spec->storm.never_for);
	memset(spec, 0, sizeof(*spec));
}
