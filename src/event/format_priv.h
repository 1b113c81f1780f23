/* SPDX-License-Identifier: GPL-2.0 */
/* JSON and text bodies of the privilege sensor's records (format_priv.c). */
#ifndef VIGIL_FORMAT_PRIV_H
#define VIGIL_FORMAT_PRIV_H

#include "event/event_format.h"

/* Top-level members of any priv record (types VG_EV_PRIV_FIRST..LAST). */
void vg_json_priv(struct vg_json *j, const struct vg_event_ctx *ev);
/* Members added to the "process" object (process.new_user.id after a credential change). */
void vg_json_priv_process(struct vg_json *j, const struct vg_event_ctx *ev);
/* DETAILS column of any priv record. */
void vg_text_priv(struct vg_buf *b, const struct vg_event_ctx *ev);

/* Names used in the output; NULL when unknown. */
const char *vg_priv_call_name(uint32_t call);
const char *vg_bpf_cmd_name(uint32_t cmd);
const char *vg_ptrace_request_name(int64_t req);
const char *vg_iouring_op_name(uint8_t op);
const char *vg_prctl_option_name(uint32_t option);

#define VG_NS_MAX_TYPES 8
/* Namespace names ("mnt", "net", ...) of CLONE_NEW* @flags, in output order; returns the count. */
size_t vg_ns_type_names(uint64_t flags, const char **names, size_t max);

#endif
