// SPDX-License-Identifier: GPL-2.0
/* Alert lines in the agent's output: JSON with the whole event, or one line of text. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "agent/alert.h"
#include "event/decode.h"
#include "lib/timefmt.h"
#include "policy/alert_json.h"

void vg_alert_out_init(struct vg_alert_out *o, struct vg_agent *a)
{
	memset(o, 0, sizeof(*o));
	o->agent = a;
	vg_alert_counts_init(&o->counts);
}

/* The event's JSON with event.kind "alert" and the rule's keys after it. */
static void write_json(struct vg_alert_out *o, const struct vg_alert *al,
		       const struct vg_event_ctx *ev, const char *action_by, uint64_t generation)
{
	struct vg_alert_json aj = { al, action_by, generation, o->stage };

	vg_event_to_json_with(&o->line, ev, vg_alert_json_keys, &aj);
}

#define TEXT_COLUMNS "%-15s %-8s %-28s %-7s %-32s "

const char *vg_alert_text_header(void)
{
	static char header[128];

	snprintf(header, sizeof(header), TEXT_COLUMNS "MESSAGE", "TIME", "SEVERITY", "RULE", "PID",
		 "EXECUTABLE");
	return header;
}

/* The acting process's executable: its cache entry, else its command name. */
static const char *executable(const struct vg_event_ctx *ev)
{
	return ev->proc && ev->proc->exe && ev->proc->exe[0] ? ev->proc->exe : ev->rec->comm;
}

/* Events like this one the kernel held in a storm (an aggregate record), else 0. */
static uint64_t storm_held(const struct vg_event_ctx *ev)
{
	return vg_rec_held(ev->rec);
}

/* One line: time, severity, rule, pid, executable, message (and outcome unless plain). */
static void write_text(struct vg_alert_out *o, const struct vg_alert *al,
		       const struct vg_event_ctx *ev)
{
	char ts[32], sev[16], pid[16];
	size_t i;

	vg_format_clock(vg_boot_to_realtime_ns(ev->rec->ts_boot_ns), ts, sizeof(ts));
	snprintf(sev, sizeof(sev), "%s", vg_policy_severity_name(al->severity));
	for (i = 0; sev[i]; i++)
		sev[i] = (char)toupper((unsigned char)sev[i]);
	snprintf(pid, sizeof(pid), "%u", ev->rec->tgid);
	vg_buf_printf(&o->line, TEXT_COLUMNS "%s", ts, sev, al->rule_name, pid, executable(ev),
		      al->message);
	if (al->outcome && strcmp(al->outcome, "alerted"))
		vg_buf_printf(&o->line, " (%s)", al->outcome);
	if (al->suppressed)
		vg_buf_printf(&o->line, " (+%" PRIu64 " suppressed)", al->suppressed);
	if (storm_held(ev))
		vg_buf_printf(&o->line, " (+%" PRIu64 " like this, held in the kernel)",
			      storm_held(ev));
	if (o->stage)
		vg_buf_printf(&o->line, " [%s]", o->stage);
}

/* The alert's JSON line (@json) to every output whose filter takes it. */
static void push_outputs(struct vg_agent *a, const struct vg_alert *al,
			 const struct vg_event_ctx *ev, const struct vg_buf *json)
{
	struct vg_out_record r = {
		.line = json->data, .len = json->len,
		.time_ns = vg_boot_to_realtime_ns(ev->rec->ts_boot_ns),
		.severity = (uint8_t)al->severity, .alert = true,
		.rule = al->rule_name, .tags = al->tags, .n_tags = al->n_tags,
	};

	if (r.line)
		vg_outputs_push(a->outputs, &r);
}

void vg_alert_out_write(struct vg_alert_out *o, const struct vg_alert *al,
			const struct vg_event_ctx *ev, const char *action_by, uint64_t generation)
{
	struct vg_agent *a = o->agent;

	o->alerts++;
	vg_alert_counts_add(&o->counts, al->rule_name, vg_policy_severity_name(al->severity),
			    al->outcome, al->suppressed);
	if (storm_held(ev))
		vg_alert_counts_held(&o->counts, al->rule_name, vg_policy_severity_name(al->severity),
				     al->outcome, storm_held(ev));
	vg_alert_hour_add(&o->hour, al->severity, (uint64_t)time(NULL));
	vg_buf_reset(&o->line);
	if (a->opts.json || a->outputs)
		write_json(o, al, ev, action_by, generation);
	if (a->outputs)
		push_outputs(a, al, ev, &o->line);
	if (!a->opts.json) {
		vg_buf_reset(&o->line);
		write_text(o, al, ev);
	}
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
