// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <linux/audit.h>
#include "lib/seccomp_arch.h"

static const struct {
	uint32_t token;
	const char *name;
} arches[] = {
	{ AUDIT_ARCH_X86_64, "SCMP_ARCH_X86_64" },
	{ AUDIT_ARCH_I386, "SCMP_ARCH_X86" },
	{ AUDIT_ARCH_AARCH64, "SCMP_ARCH_AARCH64" },
	{ AUDIT_ARCH_ARM, "SCMP_ARCH_ARM" },
	{ AUDIT_ARCH_RISCV64, "SCMP_ARCH_RISCV64" },
	{ AUDIT_ARCH_PPC64LE, "SCMP_ARCH_PPC64LE" },
	{ AUDIT_ARCH_S390X, "SCMP_ARCH_S390X" },
};

#define N_ARCHES (sizeof(arches) / sizeof(arches[0]))

const char *vg_seccomp_arch_name(uint32_t audit_arch)
{
	size_t i;

	for (i = 0; i < N_ARCHES; i++)
		if (arches[i].token == audit_arch)
			return arches[i].name;
	return NULL;
}

uint32_t vg_seccomp_arch_token(const char *name)
{
	size_t i;

	for (i = 0; i < N_ARCHES; i++)
		if (!strcmp(arches[i].name, name))
			return arches[i].token;
	return 0;
}
