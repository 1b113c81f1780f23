/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A compiled policy's kernel share as a struct vg_kernel_spec
 * (lib/kernel_spec.h): the policy side of the contract, knowing no sensor.
 */
#ifndef VIGIL_POLICY_SPEC_H
#define VIGIL_POLICY_SPEC_H

#include <stdbool.h>
#include "lib/kernel_spec.h"

struct vg_policy;

/*
 * Fills @spec from a compiled @p. With @every_event every record is wanted
 * (printed) besides the alerts: record types stay on and no executable
 * filter is built. Free with vg_kernel_spec_free(); its strings live as
 * long as @p. Returns 0, -EINVAL (not compiled) or -ENOMEM.
 */
int vg_policy_kernel_spec(const struct vg_policy *p, bool every_event, struct vg_kernel_spec *spec);

#endif
