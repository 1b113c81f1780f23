/* SPDX-License-Identifier: GPL-2.0 */
/* Policy documents: YAML into definitions (lists, macros) and raw rules. */
#ifndef VIGIL_POLICY_YAML_H
#define VIGIL_POLICY_YAML_H

#include <stddef.h>

struct vg_policy;

/* Parses one YAML document into @p; problems become diagnostics. 0 or -ENOMEM. */
int vg_yaml_load(struct vg_policy *p, const char *name, const char *text, size_t len);

#endif
