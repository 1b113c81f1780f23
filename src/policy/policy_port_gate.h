/* SPDX-License-Identifier: GPL-2.0 */
/* Threshold rules on distinct destination ports the network sensor counts in the kernel. */
#ifndef VIGIL_POLICY_PORT_GATE_H
#define VIGIL_POLICY_PORT_GATE_H

#include <stdint.h>
#include "policy/policy_types.h"

/*
 * Marks (vg_rule.port_gate) the rules the kernel's distinct-port gate
 * serves, and returns its window in ns (0: no such rule, no gate).
 */
uint64_t vg_port_gate_build(struct vg_policy *p);

#endif
