/* SPDX-License-Identifier: GPL-2.0 */
/* The senders, one file each, and what they share. */
#ifndef VIGIL_SENDERS_H
#define VIGIL_SENDERS_H

#include "output/output.h"

extern const struct vg_output_ops vg_out_file_ops;	/* out_file.c */
extern const struct vg_output_ops vg_out_syslog_ops;	/* out_syslog.c */
extern const struct vg_output_ops vg_out_otlp_ops;	/* out_otlp.c */
extern const struct vg_output_ops vg_out_webhook_ops;	/* out_webhook.c */

/* The item as the output's format wants it (JSON as is, or Falco's), appended to @b. */
int vg_out_format_item(const struct vg_output *o, const struct vg_out_item *it, struct vg_buf *b);

#endif
