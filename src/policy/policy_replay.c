// SPDX-License-Identifier: GPL-2.0
/* Offline replay of recorded JSON-lines events through a compiled policy. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "lib/log.h"
#include "policy/policy_eval.h"
#include "policy/policy_replay.h"

struct replay_ctx {
	FILE *out;
	const json_t *event;
	int err;
};

static const char *replay_outcome(const struct vg_alert *a)
{
	if (a->action == VG_ACT_ALERT)
		return "alerted";
	if (a->action == VG_ACT_KILL)
		return a->mode == VG_MODE_AUDIT ? "would have killed" : "would have killed (replay)";
	return a->mode == VG_MODE_AUDIT ? "would have denied" : "would have denied (replay)";
}

static int emit_alert(struct vg_alert *a, struct vg_event_view *v, void *arg)
{
	struct replay_ctx *c = arg;
	json_t *o, *tags;
	size_t i;
	char *line;

	(void)v;
	a->outcome = replay_outcome(a);
	tags = json_array();
	for (i = 0; tags && i < a->n_tags; i++)
		json_array_append_new(tags, json_string(a->tags[i]));
	o = json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:b, s:I, s:O}",
		      "rule", a->rule_name,
		      "severity", vg_policy_severity_name(a->severity),
		      "tags", tags ? tags : json_array(),
		      "message", a->message,
		      "mode", vg_policy_mode_name(a->mode),
		      "action", vg_policy_action_name(a->action),
		      "outcome", a->outcome,
		      "kernel_decidable", a->kernel_decidable,
		      "suppressed", (json_int_t)a->suppressed,
		      "event", c->event);
	if (!o) {
		c->err = -ENOMEM;
		return 1;
	}
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!line) {
		c->err = -ENOMEM;
		return 1;
	}
	fprintf(c->out, "%s\n", line);
	free(line);
	return 0;
}

static bool take_u64(const struct vg_value *val, void *ctx)
{
	*(uint64_t *)ctx = val->u;
	return true;
}

int vg_policy_replay(struct vg_policy *p, FILE *in, const char *in_name, FILE *out,
		  struct vg_replay_stats *st)
{
	const struct vg_field *ts_field = vg_field_lookup("event.boot_time_ns", strlen("event.boot_time_ns"));
	struct vg_event_view *v = malloc(sizeof(*v));
	struct replay_ctx c = { .out = out };
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int err = 0;

	if (!v)
		return -ENOMEM;
	memset(st, 0, sizeof(*st));
	while ((n = getline(&line, &cap, in)) > 0) {
		json_error_t jerr;
		json_t *ev;
		uint64_t ts = 0;
		int got;

		st->lines++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!n || line[0] == '#')
			continue;	/* blank lines and comments in hand-written recordings */
		ev = json_loadb(line, n, 0, &jerr);
		if (!ev) {
			vg_warn("%s:%llu: skipped: not JSON: %s", in_name,
				(unsigned long long)st->lines, jerr.text);
			st->skipped++;
			continue;
		}
		if (vg_field_view_json(v, ev)) {
			vg_warn("%s:%llu: skipped: no known event.kind", in_name,
				(unsigned long long)st->lines);
			st->skipped++;
			json_decref(ev);
			continue;
		}
		st->events++;
		vg_field_each(v, ts_field, take_u64, &ts);
		c.event = ev;
		got = vg_policy_eval(p, v, ts, emit_alert, &c);
		json_decref(ev);
		if (got < 0 || c.err) {
			err = got < 0 ? got : c.err;
			break;
		}
		st->alerts += got;
	}
	if (!err && ferror(in))
		err = -EIO;
	free(line);
	free(v);
	return err;
}
