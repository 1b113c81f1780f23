/* SPDX-License-Identifier: GPL-2.0 */
/* The privilege sensor's records: the names their output is made of (rec_priv.c, rec_priv_names.c). */
#ifndef VIGIL_REC_PRIV_H
#define VIGIL_REC_PRIV_H

#include <stddef.h>
#include <stdint.h>

/* Names used in the output; NULL when unknown. */
const char *vg_priv_call_name(uint32_t call);
const char *vg_bpf_cmd_name(uint32_t cmd);
const char *vg_ptrace_request_name(int64_t req);
const char *vg_iouring_op_name(uint8_t op);
const char *vg_prctl_option_name(uint32_t option);
const char *vg_seccomp_op_name(uint32_t op);

#define VG_NS_MAX_TYPES 8
/* Namespace names ("mnt", "net", ...) of CLONE_NEW* @flags, in output order; returns the count. */
size_t vg_ns_type_names(uint64_t flags, const char **names, size_t max);

/* syscall.* of every priv syscall record (rec_priv.c), for records described elsewhere. */
struct vg_rec_table;
extern const struct vg_rec_table vg_rec_priv_syscall;

#define VG_CAP_MAX_NAMES 64
/* Names ("CAP_SYS_ADMIN", ...) of the capability bits set in @caps, lowest first; returns the count. */
size_t vg_cap_names(uint64_t caps, const char **names, size_t max);

#endif
