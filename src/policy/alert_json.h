/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The keys an alert line adds to its event (docs/events.md): rule.*,
 * message, threat.technique.id and alert.*. One writer for `vigil run`
 * and `vigil policy test`, so both print the same shape.
 */
#ifndef VIGIL_ALERT_JSON_H
#define VIGIL_ALERT_JSON_H

#include <stdint.h>
#include "lib/json.h"
#include "policy/policy_types.h"

struct vg_alert_json {
	const struct vg_alert *alert;
	const char *action_by;		/* NULL: not acted on, or no one to name */
	uint64_t generation;		/* policy generation; 0 leaves it out */
	const char *stage;		/* policy.stage ("canary": a candidate's); NULL leaves it out */
};

/* Writes the keys into the open object @j (a vg_json_extra_fn for @arg = struct vg_alert_json). */
void vg_alert_json_keys(struct vg_json *j, const void *arg);

#endif
