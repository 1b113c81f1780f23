// SPDX-License-Identifier: GPL-2.0
/* Which sender serves each output type. */
#include <stddef.h>
#include "output/senders.h"

const struct vg_output_ops *vg_output_ops_of(enum vg_out_type t)
{
	switch (t) {
	case VG_OUT_FILE: return &vg_out_file_ops;
	case VG_OUT_SYSLOG: return &vg_out_syslog_ops;
	case VG_OUT_OTLP: return &vg_out_otlp_ops;
	case VG_OUT_WEBHOOK: return &vg_out_webhook_ops;
	default: return NULL;
	}
}
