// SPDX-License-Identifier: GPL-2.0
/*
 * OTLP logs in protobuf (the OTLP/HTTP default encoding every collector
 * takes; smaller than OTLP/JSON and needs no library): one ResourceLogs
 * with host.* / service.* / os.* resource attributes, one ScopeLogs
 * ("vigil"), one LogRecord per record. A record's JSON keys become
 * attributes, flattened to dotted names, which are already OpenTelemetry
 * semantic-convention names; the few that differ are renamed here and
 * listed in docs/outputs.md.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include "lib/host.h"
#include "lib/version.h"
#include "lib/timefmt.h"
#include "output/otlp_pb.h"

#define MAX_DEPTH 8
#define PB_VARINT 0
#define PB_I64 1
#define PB_LEN 2

void vg_pb_varint(struct vg_buf *b, uint64_t v)
{
	uint8_t x[10];
	size_t n = 0;

	do {
		x[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	vg_buf_append(b, (const char *)x, n);
}

void vg_pb_tag(struct vg_buf *b, unsigned field, unsigned wire)
{
	vg_pb_varint(b, (uint64_t)field << 3 | wire);
}

void vg_pb_uint(struct vg_buf *b, unsigned field, uint64_t v)
{
	vg_pb_tag(b, field, PB_VARINT);
	vg_pb_varint(b, v);
}

void vg_pb_fixed64(struct vg_buf *b, unsigned field, uint64_t v)
{
	uint8_t x[8];
	int i;

	for (i = 0; i < 8; i++)
		x[i] = (uint8_t)(v >> (8 * i));
	vg_pb_tag(b, field, PB_I64);
	vg_buf_append(b, (const char *)x, 8);
}

void vg_pb_bytes(struct vg_buf *b, unsigned field, const void *p, size_t len)
{
	vg_pb_tag(b, field, PB_LEN);
	vg_pb_varint(b, len);
	vg_buf_append(b, p, len);
}

void vg_pb_str(struct vg_buf *b, unsigned field, const char *s)
{
	vg_pb_bytes(b, field, s, strlen(s));
}

static void pb_sub(struct vg_buf *b, unsigned field, struct vg_buf *sub)
{
	vg_pb_bytes(b, field, sub->data ? sub->data : "", sub->len);
	vg_buf_free(sub);
}

/* ---- AnyValue / KeyValue (opentelemetry.proto.common.v1) ---- */

static void any_value(struct vg_buf *b, json_t *v, int depth);

/* One KeyValue as field @field of the message in @b. */
static void key_value(struct vg_buf *b, unsigned field, const char *key, json_t *v, int depth)
{
	struct vg_buf kv = { 0 }, any = { 0 };

	vg_pb_str(&kv, 1, key);
	any_value(&any, v, depth);
	pb_sub(&kv, 2, &any);
	pb_sub(b, field, &kv);
}

static void any_value(struct vg_buf *b, json_t *v, int depth)
{
	struct vg_buf sub = { 0 };
	const char *k;
	json_t *e;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_STRING:
		vg_pb_bytes(b, 1, json_string_value(v), json_string_length(v));
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		vg_pb_uint(b, 2, json_is_true(v));
		break;
	case JSON_INTEGER:
		vg_pb_uint(b, 3, (uint64_t)json_integer_value(v));
		break;
	case JSON_REAL: {
		double d = json_real_value(v);
		uint64_t u;

		memcpy(&u, &d, sizeof(u));
		vg_pb_fixed64(b, 4, u);
		break;
	}
	case JSON_ARRAY:
		json_array_foreach(v, i, e) {
			struct vg_buf one = { 0 };

			if (depth < MAX_DEPTH)
				any_value(&one, e, depth + 1);
			pb_sub(&sub, 1, &one);
		}
		pb_sub(b, 5, &sub);
		break;
	case JSON_OBJECT:
		json_object_foreach(v, k, e)
			if (depth < MAX_DEPTH)
				key_value(&sub, 1, k, e, depth + 1);
		pb_sub(b, 6, &sub);
		break;
	default:
		break;		/* null: an AnyValue with nothing set */
	}
}

/* ---- attributes from a record's JSON ---- */

/* vigil's name -> the semantic-convention name, where they differ. */
static const struct { const char *ours, *otel; } renames[] = {
	{ "process.args", "process.command_args" },
	{ "process.thread.id", "thread.id" },
	{ "file.path_source", "vigil.file.path_source" },
};

/* Keys that are not attributes: the record's time, its body, the resource's. */
static bool skipped(const char *path)
{
	return !strcmp(path, "@timestamp") || !strcmp(path, "message") ||
	       !strncmp(path, "host.", 5);
}

static const char *otel_name(const char *path)
{
	size_t i;

	for (i = 0; i < sizeof(renames) / sizeof(renames[0]); i++)
		if (!strcmp(path, renames[i].ours))
			return renames[i].otel;
	return path;
}

static void flatten(struct vg_buf *rec, json_t *obj, char *path, size_t len, int depth)
{
	const char *k;
	json_t *v;

	json_object_foreach(obj, k, v) {
		size_t kl = strlen(k), n = len + (len ? 1 : 0) + kl;

		if (n >= 256)
			continue;
		if (len)
			path[len] = '.';
		memcpy(path + len + (len ? 1 : 0), k, kl + 1);
		if (json_is_object(v) && depth < MAX_DEPTH)
			flatten(rec, v, path, n, depth + 1);
		else if (!skipped(path))
			key_value(rec, 6, otel_name(path), v, depth);
		path[len] = '\0';
	}
}

/* process.command_line: argv joined by spaces (vigil prints the list, rules derive the line). */
static void command_line(struct vg_buf *rec, json_t *ev)
{
	json_t *args = json_object_get(json_object_get(ev, "process"), "args"), *a, *line;
	struct vg_buf b = { 0 };
	size_t i;

	if (!json_is_array(args))
		return;
	json_array_foreach(args, i, a) {
		if (i)
			vg_buf_append(&b, " ", 1);
		if (json_is_string(a))
			vg_buf_append(&b, json_string_value(a), json_string_length(a));
	}
	line = json_stringn(b.data ? b.data : "", b.len);
	if (line)
		key_value(rec, 6, "process.command_line", line, 0);
	json_decref(line);
	vg_buf_free(&b);
}

/*
 * Semantic-convention names derived from ours: network.peer.* (the remote
 * end), user.id (the acting user, a string there), process.command_line.
 */
static void derived_attrs(struct vg_buf *rec, json_t *ev)
{
	json_t *d = json_object_get(ev, "destination");
	json_t *addr = json_object_get(d, "address"), *port = json_object_get(d, "port");
	json_t *uid = json_object_get(json_object_get(json_object_get(ev, "process"), "user"), "id");

	if (json_is_string(addr))
		key_value(rec, 6, "network.peer.address", addr, 0);
	if (json_is_integer(port))
		key_value(rec, 6, "network.peer.port", port, 0);
	if (json_is_integer(uid)) {
		char n[24];
		json_t *s;

		snprintf(n, sizeof(n), "%lld", (long long)json_integer_value(uid));
		s = json_string(n);
		key_value(rec, 6, "user.id", s, 0);
		json_decref(s);
	}
	command_line(rec, ev);
}

/* OpenTelemetry SeverityNumber for vigil's info .. critical: INFO, INFO2, WARN, ERROR, FATAL. */
static const unsigned sev_number[] = { 9, 10, 13, 17, 21 };
static const char *const sev_text[] = { "info", "low", "medium", "high", "critical" };

static void log_record(struct vg_buf *b, const struct vg_out_item *it)
{
	json_t *ev = json_loadb(it->line, it->len, 0, NULL);
	struct vg_buf rec = { 0 }, body = { 0 };
	unsigned sev = it->severity < 5 ? it->severity : 4;
	const char *msg = ev ? json_string_value(json_object_get(ev, "message")) : NULL;
	char path[256] = "";

	vg_pb_fixed64(&rec, 1, it->time_ns);
	vg_pb_uint(&rec, 2, it->alert ? sev_number[sev] : 9);
	vg_pb_str(&rec, 3, it->alert ? sev_text[sev] : "info");
	if (msg)
		vg_pb_str(&body, 1, msg);
	else
		vg_pb_bytes(&body, 1, it->line, it->len);	/* an event: its JSON */
	pb_sub(&rec, 5, &body);
	if (ev) {
		flatten(&rec, ev, path, 0, 0);	/* LogRecord.attributes = 6 */
		derived_attrs(&rec, ev);
	}
	vg_pb_fixed64(&rec, 11, vg_wall_now_ns());
	pb_sub(b, 2, &rec);
	json_decref(ev);
}

static void str_attr(struct vg_buf *b, const char *key, const char *val)
{
	json_t *v = json_string(val);

	if (v)
		key_value(b, 1, key, v, 0);
	json_decref(v);
}

/* Resource: who sent it (host.*, service.*, os.*). */
static void resource(struct vg_buf *b)
{
	const struct vg_host *h = vg_host_get();

	str_attr(b, "service.name", "vigil");
	str_attr(b, "service.version", VG_VERSION);
	str_attr(b, "host.name", h->name);
	str_attr(b, "host.id", h->id);
	str_attr(b, "os.type", h->os_type);
	str_attr(b, "os.description", h->os_name);
	str_attr(b, "os.version", h->os_version);
}

void vg_otlp_encode(struct vg_buf *out, struct vg_out_item **items, size_t n)
{
	struct vg_buf rl = { 0 }, res = { 0 }, sl = { 0 }, scope = { 0 };
	size_t i;

	vg_buf_reset(out);
	resource(&res);
	pb_sub(&rl, 1, &res);			/* ResourceLogs.resource */
	vg_pb_str(&scope, 1, "vigil");		/* InstrumentationScope.name */
	vg_pb_str(&scope, 2, VG_VERSION);
	pb_sub(&sl, 1, &scope);			/* ScopeLogs.scope */
	for (i = 0; i < n; i++)
		log_record(&sl, items[i]);	/* ScopeLogs.log_records = 2 */
	pb_sub(&rl, 2, &sl);			/* ResourceLogs.scope_logs */
	pb_sub(out, 1, &rl);			/* ExportLogsServiceRequest.resource_logs */
}
