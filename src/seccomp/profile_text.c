// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include "seccomp/profile_text.h"
#include "seccomp/sc_names.h"

/* systemd names architectures its own way; the ones vigil records. */
static const char *systemd_arch(const char *scmp)
{
	static const char *const map[][2] = {
		{ "SCMP_ARCH_X86_64", "x86-64" }, { "SCMP_ARCH_X86", "x86" },
		{ "SCMP_ARCH_X32", "x32" }, { "SCMP_ARCH_AARCH64", "arm64" },
		{ "SCMP_ARCH_ARM", "arm" }, { "SCMP_ARCH_RISCV64", "riscv64" },
		{ "SCMP_ARCH_PPC64LE", "ppc64-le" }, { "SCMP_ARCH_S390X", "s390x" },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i][0], scmp))
			return map[i][1];
	return NULL;
}

void vg_sc_profile_print_systemd(FILE *f, const struct vg_sc_profile *p)
{
	struct vg_sc_names all = { 0 };
	size_t i;

	vg_sc_profile_allowed(p, &all);
	fprintf(f, "SystemCallFilter=");
	for (i = 0; i < all.n; i++)
		fprintf(f, "%s%s", i ? " " : "", all.v[i]);
	fprintf(f, "\n");
	if (!strcmp(p->default_action, "SCMP_ACT_ERRNO"))
		fprintf(f, "SystemCallErrorNumber=EPERM\n");
	fprintf(f, "SystemCallArchitectures=");
	for (i = 0; i < p->arches.n; i++) {
		const char *a = systemd_arch(p->arches.v[i]);

		if (a)
			fprintf(f, "%s%s", i ? " " : "", a);
	}
	fprintf(f, "\n");
	vg_sc_names_free(&all);
}

static void print_group(FILE *f, const char *label, const struct vg_sc_names *all,
			int cat, const struct vg_sc_names *skip)
{
	size_t i, n = 0;

	for (i = 0; i < all->n; i++)
		if ((cat < 0 || (int)vg_sc_category_of(all->v[i]) == cat) &&
		    !(skip && vg_sc_names_has(skip, all->v[i])))
			n++;
	fprintf(f, "  %-11s %3zu ", label, n);
	for (i = 0; i < all->n; i++)
		if ((cat < 0 || (int)vg_sc_category_of(all->v[i]) == cat) &&
		    !(skip && vg_sc_names_has(skip, all->v[i])))
			fprintf(f, " %s", all->v[i]);
	fprintf(f, "\n");
}

void vg_sc_profile_print_summary(FILE *f, const struct vg_sc_profile *p)
{
	struct vg_sc_names all = { 0 }, added = { 0 };
	size_t i;
	int c;

	vg_sc_profile_allowed(p, &all);
	for (i = 0; i < p->n_rules; i++)
		if (p->rules[i].added)
			added = p->rules[i].names;
	fprintf(f, "seccomp profile: %zu syscalls allowed, default action %s, architectures",
		all.n, p->default_action);
	for (i = 0; i < p->arches.n; i++)
		fprintf(f, " %s", p->arches.v[i]);
	fprintf(f, "\n");
	for (c = 0; c < VG_SC_CATS; c++)
		print_group(f, vg_sc_category_name(c), &all, c, &added);
	if (added.n)
		print_group(f, "added", &added, -1, NULL);
	if (added.n)
		fprintf(f, "  (added: not seen in the recording, always needed to exec, exit or "
			"return from a signal handler)\n");
	if (p->unknown.n) {
		fprintf(f, "  warning: %zu recorded syscall numbers have no name in libseccomp and "
			"cannot be allowed by name:", p->unknown.n);
		for (i = 0; i < p->unknown.n; i++)
			fprintf(f, " %s", p->unknown.v[i]);
		fprintf(f, "\n");
	}
	vg_sc_names_free(&all);
}
