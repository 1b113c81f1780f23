/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Syscall and architecture names for seccomp profiles, from libseccomp's
 * own tables (seccomp_syscall_resolve_num_arch): no hand-kept number table.
 * Categories group names for the human summary.
 */
#ifndef VIGIL_SC_NAMES_H
#define VIGIL_SC_NAMES_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/seccomp_arch.h"

enum vg_sc_category {
	VG_SC_CAT_FILE, VG_SC_CAT_NETWORK, VG_SC_CAT_PROCESS, VG_SC_CAT_MEMORY,
	VG_SC_CAT_IPC, VG_SC_CAT_PRIVILEGED, VG_SC_CAT_OTHER, VG_SC_CATS,
};

/* libseccomp's token for the recorder's ABI slot (enum vg_sc_abi); 0 if none. */
uint32_t vg_sc_abi_arch(unsigned abi);
/* The syscall's name (malloc'd) on that architecture, NULL if libseccomp has none. */
char *vg_sc_syscall_name(uint32_t arch, int nr);
/* Whether libseccomp knows @name on the native architecture or @arch. */
bool vg_sc_syscall_known(const char *name, uint32_t arch);

enum vg_sc_category vg_sc_category_of(const char *name);
const char *vg_sc_category_name(enum vg_sc_category c);

#endif
