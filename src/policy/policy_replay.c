// SPDX-License-Identifier: GPL-2.0
/* Offline replay of recorded JSON-lines events through a compiled policy. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "lib/log.h"
#include "policy/alert_json.h"
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

/* The alert's own keys as a jansson object (the same writer `vigil run` uses). */
static json_t *alert_keys(const struct vg_alert *a)
{
	struct vg_alert_json aj = { .alert = a };
	struct vg_buf b = { 0 };
	struct vg_json j;
	json_t *o;

	vg_json_init(&j, &b);
	vg_json_obj_begin(&j);
	vg_alert_json_keys(&j, &aj);
	vg_json_obj_end(&j);
	o = b.data ? json_loadb(b.data, b.len, 0, NULL) : NULL;
	vg_buf_free(&b);
	return o;
}

/* The replayed event as an alert line: event.kind "alert", then the rule's keys. */
static int emit_alert(struct vg_alert *a, struct vg_event_view *v, void *arg)
{
	struct replay_ctx *c = arg;
	json_t *o, *keys, *ev;
	char *line = NULL;

	(void)v;
	a->outcome = replay_outcome(a);
	o = json_deep_copy(c->event);
	keys = alert_keys(a);
	ev = o ? json_object_get(o, "event") : NULL;
	if (!json_is_object(ev) && o) {
		ev = json_object();
		json_object_set_new(o, "event", ev);
	}
	if (o && keys && ev && !json_object_set_new(ev, "kind", json_string("alert")) &&
	    !json_object_update(o, keys))
		line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(keys);
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
			vg_warn("%s:%llu: skipped: no known event.action", in_name,
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
