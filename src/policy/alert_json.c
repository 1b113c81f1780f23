// SPDX-License-Identifier: GPL-2.0
/* An alert's own keys, written after its event's (docs/events.md). */
#include <string.h>
#include "policy/alert_json.h"

static void json_str(struct vg_json *j, const char *key, const char *val)
{
	if (!val)
		return;		/* unknown values are left out, never null */
	vg_json_key(j, key);
	vg_json_cstr(j, val);
}

/* ATT&CK technique ids among the tags ("T1059", "T1059.004"), for threat.technique.id. */
static bool is_technique(const char *t)
{
	size_t i = 1;

	if (t[0] != 'T' || !t[1])
		return false;
	for (; t[i]; i++)
		if (!((t[i] >= '0' && t[i] <= '9') || t[i] == '.'))
			return false;
	return true;
}

static void write_tags(struct vg_json *j, const struct vg_alert *al, bool techniques)
{
	size_t i;

	vg_json_arr_begin(j);
	for (i = 0; i < al->n_tags; i++)
		if (!techniques || is_technique(al->tags[i]))
			vg_json_cstr(j, al->tags[i]);
	vg_json_arr_end(j);
}

void vg_alert_json_keys(struct vg_json *j, const void *arg)
{
	const struct vg_alert_json *aj = arg;
	const struct vg_alert *al = aj->alert;
	size_t i, n = 0;

	vg_json_key(j, "rule");
	vg_json_obj_begin(j);
	json_str(j, "name", al->rule_name);
	if (al->description && al->description[0])
		json_str(j, "description", al->description);
	json_str(j, "severity", vg_policy_severity_name(al->severity));
	vg_json_key(j, "tags");
	write_tags(j, al, false);
	json_str(j, "mode", vg_policy_mode_name(al->mode));
	json_str(j, "action", vg_policy_action_name(al->action));
	vg_json_obj_end(j);
	json_str(j, "message", al->message);
	for (i = 0; i < al->n_tags; i++)
		n += is_technique(al->tags[i]);
	if (n) {
		vg_json_key(j, "threat");
		vg_json_obj_begin(j);
		vg_json_key(j, "technique");
		vg_json_obj_begin(j);
		vg_json_key(j, "id");
		write_tags(j, al, true);
		vg_json_obj_end(j);
		vg_json_obj_end(j);
	}
	vg_json_key(j, "alert");
	vg_json_obj_begin(j);
	json_str(j, "outcome", al->outcome);
	json_str(j, "action_by", aj->action_by);
	vg_json_key(j, "action_latency_ns");
	vg_json_u64(j, al->action_latency_ns);
	vg_json_key(j, "kernel_decidable");
	vg_json_bool(j, al->kernel_decidable);
	vg_json_key(j, "suppressed");
	vg_json_u64(j, al->suppressed);
	if (aj->generation) {
		vg_json_key(j, "policy_generation");
		vg_json_u64(j, aj->generation);
	}
	vg_json_obj_end(j);
	if (aj->stage) {
		vg_json_key(j, "policy");
		vg_json_obj_begin(j);
		json_str(j, "stage", aj->stage);
		vg_json_obj_end(j);
	}
}
