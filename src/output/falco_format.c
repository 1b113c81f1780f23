// SPDX-License-Identifier: GPL-2.0
/*
 * Falco-compatible alert JSON (rule, priority, output, output_fields,
 * time, hostname, tags, source), so Falcosidekick and Falco parsers take
 * vigil's alerts unchanged. output_fields use Falco's field names where
 * one exists (proc.name, fd.name, ...); docs/outputs.md lists the map.
 */
#include <jansson.h>
#include <string.h>
#include "lib/timefmt.h"
#include "output/senders.h"

/* Falco field name <- vigil JSON path. */
static const struct { const char *falco, *path; } field_map[] = {
	{ "evt.type", "event.action" },
	{ "evt.time.iso8601", "@timestamp" },
	{ "proc.pid", "process.pid" },
	{ "proc.tid", "process.thread.id" },
	{ "proc.name", "process.name" },
	{ "proc.exepath", "process.executable.path" },
	{ "proc.cmdline", "process.command_line" },
	{ "proc.cwd", "process.working_directory" },
	{ "proc.tty", "process.tty" },
	{ "proc.ppid", "process.parent.pid" },
	{ "proc.pname", "process.parent.name" },
	{ "proc.pexepath", "process.parent.executable.path" },
	{ "user.uid", "process.user.id" },
	{ "user.loginuid", "process.audit.login_user_id" },
	{ "group.gid", "process.group.id" },
	{ "fd.name", "file.path" },
	{ "fd.sip", "source.address" },
	{ "fd.sport", "source.port" },
	{ "fd.rip", "destination.address" },
	{ "fd.rport", "destination.port" },
	{ "fd.l4proto", "network.transport" },
	{ "container.id", "container.id" },
	{ "evt.res", "error.code" },
};

/* Falco's priorities for vigil's severities (info .. critical). */
static const char *const priorities[] = {
	"Informational", "Notice", "Warning", "Error", "Critical",
};

static json_t *at_path(json_t *j, const char *path)
{
	char seg[64];

	while (j && *path) {
		size_t n = strcspn(path, ".");

		if (n >= sizeof(seg))
			return NULL;
		memcpy(seg, path, n);
		seg[n] = '\0';
		j = json_object_get(j, seg);
		path += n + (path[n] == '.');
	}
	return j;
}

/* process.command_line is derived for rules, not printed: join process.args. */
static json_t *cmdline(json_t *ev)
{
	json_t *args = at_path(ev, "process.args"), *a;
	struct vg_buf b = { 0 };
	json_t *s;
	size_t i;

	if (!json_is_array(args))
		return NULL;
	json_array_foreach(args, i, a) {
		if (i)
			vg_buf_append(&b, " ", 1);
		if (json_is_string(a))
			vg_buf_append(&b, json_string_value(a), json_string_length(a));
	}
	s = json_stringn(b.data ? b.data : "", b.len);
	vg_buf_free(&b);
	return s;
}

static json_t *output_fields(json_t *ev)
{
	json_t *of = json_object();
	size_t i;

	for (i = 0; of && i < sizeof(field_map) / sizeof(field_map[0]); i++) {
		json_t *v = !strcmp(field_map[i].path, "process.command_line") ? cmdline(ev) :
			    json_incref(at_path(ev, field_map[i].path));

		if (v && (json_is_string(v) || json_is_integer(v) || json_is_boolean(v)))
			json_object_set_new(of, field_map[i].falco, v);
		else
			json_decref(v);
	}
	return of;
}

/* "<time>: <Priority> <message>" as Falco prints its output line. */
static json_t *output_line(json_t *ev, const char *prio)
{
	const char *ts = json_string_value(at_path(ev, "@timestamp"));
	const char *msg = json_string_value(at_path(ev, "message"));
	char *s = NULL;
	json_t *r;

	if (asprintf(&s, "%s: %s %s", ts ? ts : "", prio, msg ? msg : "") < 0)
		return json_string("");
	r = json_string(s);
	free(s);
	return r;
}

static int falco_from(json_t *ev, struct vg_buf *b)
{
	const char *sev = json_string_value(at_path(ev, "rule.severity"));
	const char *prio = priorities[2];
	json_t *o, *tags = at_path(ev, "rule.tags"), *host = at_path(ev, "host.name");
	char *s;
	size_t i;

	for (i = 0; sev && i < 5; i++)
		if (!strcmp(sev, (const char *[]){ "info", "low", "medium", "high", "critical" }[i]))
			prio = priorities[i];
	o = json_pack("{s:O?, s:s, s:o, s:o, s:O?, s:O?, s:O?, s:s}",
		      "rule", at_path(ev, "rule.name"),
		      "priority", prio,
		      "output", output_line(ev, prio),
		      "output_fields", output_fields(ev),
		      "time", at_path(ev, "@timestamp"),
		      "hostname", host,
		      "tags", json_is_array(tags) ? tags : NULL,
		      "source", "syscall");
	if (!o)
		return -1;
	if (!json_object_get(o, "tags"))
		json_object_set_new(o, "tags", json_array());
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!s)
		return -1;
	vg_buf_puts(b, s);
	free(s);
	return 0;
}

int vg_out_format_item(const struct vg_output *o, const struct vg_out_item *it, struct vg_buf *b)
{
	json_t *ev;
	int err;

	if (o->cfg.format != VG_FMT_FALCO || !it->alert) {
		vg_buf_append(b, it->line, it->len);
		return 0;
	}
	ev = json_loadb(it->line, it->len, 0, NULL);
	err = ev ? falco_from(ev, b) : -1;
	json_decref(ev);
	if (err)
		vg_buf_append(b, it->line, it->len);	/* never lose it for want of a format */
	return err;
}
