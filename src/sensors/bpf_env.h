/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything the kernel side needs before a sensor loads: root, BTF,
 * tracefs and bpffs mounted, RLIMIT_MEMLOCK raised, and libbpf's output
 * routed through our logger (kept for error messages, shown with -v).
 */
#ifndef VIGIL_BPF_ENV_H
#define VIGIL_BPF_ENV_H

#include <stddef.h>

/* Checks and prepares; prints one clear line and returns <0 on failure. */
int vg_env_prepare(void);

/* Routes libbpf's messages through vg_log (debug) and keeps the recent ones. */
void vg_env_capture_libbpf(void);
void vg_env_capture_reset(void);

/*
 * The kernel's reason for the last failed load, from the captured libbpf
 * and verifier output: the failing program's name and the verifier's last
 * meaningful line. Returns the number of bytes written to @buf.
 */
size_t vg_env_load_reason(char *buf, size_t size);

#endif
