/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Architecture names of seccomp profiles ("SCMP_ARCH_X86_64") for the
 * kernel's AUDIT_ARCH_* values, which are also libseccomp's arch tokens
 * and what siginfo reports for a seccomp SIGSYS.
 */
#ifndef VIGIL_SECCOMP_ARCH_H
#define VIGIL_SECCOMP_ARCH_H

#include <stdint.h>

/* "SCMP_ARCH_X86_64" for AUDIT_ARCH_X86_64; NULL if unknown. */
const char *vg_seccomp_arch_name(uint32_t audit_arch);
/* And back; 0 if unknown. */
uint32_t vg_seccomp_arch_token(const char *name);

#endif
