// SPDX-License-Identifier: GPL-2.0
/* Alert lines in the agent's output: JSON with the whole event, or one line of text. */
#include <string.h>
#include "agent/alert.h"
#include "lib/timefmt.h"

void vg_alert_out_init(struct vg_alert_out *o, struct vg_agent *a)
{
	memset(o, 0, sizeof(*o));
	o->agent = a;
	vg_alert_counts_init(&o->counts);
}

static void json_str(struct vg_json *j, const char *key, const char *val)
{
	vg_json_key(j, key);
	vg_json_cstr(j, val);
}

static void json_u64(struct vg_json *j, const char *key, uint64_t val)
{
	vg_json_key(j, key);
	vg_json_u64(j, val);
}

static void write_json(struct vg_alert_out *o, const struct vg_alert *al,
		       const struct vg_event_ctx *ev, const char *action_by, uint64_t generation)
{
	struct vg_buf event = { 0 };
	struct vg_json j;
	char ts[48];
	size_t i;

	vg_event_to_json(&event, ev);
	vg_json_init(&j, &o->line);
	vg_json_obj_begin(&j);
	vg_format_rfc3339(vg_boot_to_realtime_ns(ev->rec->ts_boot_ns), ts, sizeof(ts));
	json_str(&j, "@timestamp", ts);
	json_str(&j, "kind", "alert");
	json_str(&j, "rule", al->rule_name);
	json_str(&j, "severity", vg_policy_severity_name(al->severity));
	vg_json_key(&j, "tags");
	vg_json_arr_begin(&j);
	for (i = 0; i < al->n_tags; i++)
		vg_json_cstr(&j, al->tags[i]);
	vg_json_arr_end(&j);
	json_str(&j, "message", al->message);
	json_str(&j, "mode", vg_policy_mode_name(al->mode));
	json_str(&j, "action", vg_policy_action_name(al->action));
	json_str(&j, "outcome", al->outcome);
	if (action_by)
		json_str(&j, "action_by", action_by);
	json_u64(&j, "action_latency_ns", al->action_latency_ns);
	vg_json_key(&j, "kernel_decidable");
	vg_json_bool(&j, al->kernel_decidable);
	json_u64(&j, "suppressed", al->suppressed);
	json_u64(&j, "policy_generation", generation);
	if (o->stage) {
		vg_json_key(&j, "policy");
		vg_json_obj_begin(&j);
		json_str(&j, "stage", o->stage);
		vg_json_obj_end(&j);
	}
	vg_json_key(&j, "event");
	vg_json_raw(&j, event.data ? event.data : "null", event.data ? event.len : 4);
	vg_json_obj_end(&j);
	vg_buf_free(&event);
}

static void write_text(struct vg_alert_out *o, const struct vg_alert *al)
{
	vg_buf_printf(&o->line, "%s [%s] %s: %s (%s%s)", o->stage ? "CANARY ALERT" : "ALERT",
		      vg_policy_severity_name(al->severity),
		      al->rule_name, al->message, al->outcome,
		      al->suppressed ? ", more suppressed" : "");
}

void vg_alert_out_write(struct vg_alert_out *o, const struct vg_alert *al,
			const struct vg_event_ctx *ev, const char *action_by, uint64_t generation)
{
	struct vg_agent *a = o->agent;

	o->alerts++;
	vg_alert_counts_add(&o->counts, al->rule_name, vg_policy_severity_name(al->severity),
			    al->outcome, al->suppressed);
	vg_buf_reset(&o->line);
	if (a->opts.json)
		write_json(o, al, ev, action_by, generation);
	else
		write_text(o, al);
	vg_buf_append(&o->line, "\n", 1);
	if (fwrite(o->line.data, 1, o->line.len, a->opts.out) != o->line.len)
		a->write_errors++;
}

void vg_alert_out_fini(struct vg_alert_out *o)
{
	vg_buf_free(&o->line);
	if (o->agent)
		vg_alert_counts_fini(&o->counts);
	memset(o, 0, sizeof(*o));
}
