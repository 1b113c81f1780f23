// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "event/event_format.h"
#include "event/json_paths.h"
#include "lib/host.h"
#include "lib/timefmt.h"

void vg_event_ctx_fill_proc(struct vg_event_ctx *ev, struct vg_proc_cache *cache,
			    const void *rec, size_t size, const struct vg_proc *proc)
{
	const struct vg_hdr *h = rec;

	ev->rec = h;
	ev->size = size;
	ev->desc = vg_record_desc(h->type);
	ev->cache = cache;
	ev->anc = &ev->anc_store;
	ev->proc = proc;
	if (cache && !proc)
		ev->proc = vg_proc_cache_lookup(cache, h->tgid, h->start_time_ns);
	vg_ancestry_init(ev->anc, cache, ev->proc);
}

void vg_event_ctx_fill(struct vg_event_ctx *ev, struct vg_proc_cache *cache,
		       const void *rec, size_t size)
{
	vg_event_ctx_fill_proc(ev, cache, rec, size, NULL);
}

const char *vg_signal_name(int sig)
{
	static char buf[16];
	const char *abbrev = sigabbrev_np(sig);

	if (!abbrev)
		return NULL;
	snprintf(buf, sizeof(buf), "SIG%s", abbrev);
	return buf;
}

void vg_json_args(struct vg_json *j, const char *args, size_t len)
{
	size_t start = 0, i;

	vg_json_arr_begin(j);
	if (args && len) {
		for (i = 0; i <= len; i++) {
			if (i == len || args[i] == '\0') {
				vg_json_str(j, args + start, i - start);
				start = i + 1;
			}
		}
	}
	vg_json_arr_end(j);
}

/* ---- JSON from the record tables ---- */

/* The objects open above the next key: the prefixes of the last path written. */
struct tree {
	struct vg_json *j;
	uint16_t prefix[VG_JSON_PATH_DEPTH];
	int depth;
};

/*
 * Closes and opens objects so that row @e's last path segment is the next
 * key. A table's paths are identifiers joined by dots (test_events_schema
 * checks every row), so its keys are written as they are, unescaped.
 */
static void tree_key(struct tree *t, const struct vg_rec_field *e, const struct vg_json_path *p)
{
	int n, same = 0;

	if (!p || !p->n) {	/* not a layout's row: its whole path as one key, at the top */
		for (; t->depth > 0; t->depth--)
			vg_json_obj_end(t->j);
		vg_json_key_ident(t->j, e->path, strlen(e->path));
		return;
	}
	n = p->n;
	while (same < t->depth && same < n - 1 && p->prefix[same] == t->prefix[same])
		same++;
	for (; t->depth > same; t->depth--)
		vg_json_obj_end(t->j);
	for (; t->depth < n - 1; t->depth++) {
		vg_json_key_ident(t->j, e->path + p->start[t->depth], p->len[t->depth]);
		vg_json_obj_begin(t->j);
		t->prefix[t->depth] = p->prefix[t->depth];
	}
	vg_json_key_ident(t->j, e->path + p->start[n - 1], p->len[n - 1]);
}

struct put {
	struct tree *t;
	const struct vg_rec_field *row;	/* a scalar's row: its key goes with its first value */
	const struct vg_json_path *split;	/* and its path, split */
	uint8_t out;
	unsigned n;
};

static bool put_value(const struct vg_value *val, void *arg)
{
	struct put *p = arg;
	struct vg_json *j = p->t->j;
	char buf[INET6_ADDRSTRLEN + 24];

	if (p->row && !p->n)
		tree_key(p->t, p->row, p->split);
	switch (val->type) {
	case VG_FT_STR:
	case VG_FT_STRLIST:
		vg_json_str(j, val->s.p, val->s.len);
		break;
	case VG_FT_INT:
		vg_json_i64(j, val->i);
		break;
	case VG_FT_UINT:
		if (p->out == VG_OUT_BOOL) {
			vg_json_bool(j, val->u != 0);
			break;
		}
		if (p->out != VG_OUT_HEX) {
			vg_json_u64(j, val->u);
			break;
		}
		snprintf(buf, sizeof(buf), "0x%" PRIx64, val->u);
		vg_json_cstr(j, buf);
		break;
	case VG_FT_IP:
		if (val->ip.v4)
			inet_ntop(AF_INET, val->ip.addr + 12, buf, sizeof(buf));
		else
			inet_ntop(AF_INET6, val->ip.addr, buf, sizeof(buf));
		vg_json_cstr(j, buf);
		break;
	}
	p->n++;
	return p->out != VG_OUT_LIST;	/* a scalar takes the first value */
}

/* A list is printed even when empty; a scalar with no value is left out (never null). */
static void write_entry(struct tree *t, struct vg_event_view *v, const struct vg_rec_field *e,
			const struct vg_json_path *split, vg_kinds_t table_kinds)
{
	struct put p = { t, NULL, split, e->out, 0 };

	if (e->out == VG_OUT_NONE || !vg_rec_field_has(v, e, table_kinds))
		return;
	if (e->out == VG_OUT_OBJS) {
		tree_key(t, e, split);
		e->write(t->j, v);
		return;
	}
	if (e->out == VG_OUT_LIST) {
		tree_key(t, e, split);
		vg_json_arr_begin(t->j);
	} else {
		p.row = e;
	}
	vg_rec_field_get(v, e, put_value, &p);
	if (e->out == VG_OUT_LIST)
		vg_json_arr_end(t->j);
}

/* A record without a table (never validated): its time, kind and host only. */
static void write_unknown(struct vg_json *j, const struct vg_event_ctx *ev)
{
	const struct vg_host *h = vg_host_get();
	char ts[48];

	vg_format_rfc3339(vg_boot_to_realtime_ns(ev->rec->ts_boot_ns), ts, sizeof(ts));
	vg_json_key(j, "@timestamp");
	vg_json_cstr(j, ts);
	vg_json_key(j, "event");
	vg_json_obj_begin(j);
	vg_json_key(j, "kind");
	vg_json_cstr(j, "event");
	vg_json_key(j, "action");
	vg_json_cstr(j, "unknown");
	vg_json_obj_end(j);
	vg_json_key(j, "host");
	vg_json_obj_begin(j);
	vg_json_key(j, "name");
	vg_json_cstr(j, h->name);
	vg_json_key(j, "id");
	vg_json_cstr(j, h->id);
	vg_json_obj_end(j);
}

void vg_event_to_json_with(struct vg_buf *b, const struct vg_event_ctx *ev,
			   vg_json_extra_fn extra, const void *arg)
{
	struct vg_event_view v;
	const struct vg_rec_table *const *t;
	struct vg_json j;
	struct tree tr = { .j = &j };
	size_t i;

	vg_json_init(&j, b);
	vg_json_obj_begin(&j);
	if (!ev->desc || !ev->desc->layout ||
	    vg_field_view_live(&v, ev->rec, ev->size, ev->proc, ev->anc)) {
		write_unknown(&j, ev);
		if (extra)
			extra(&j, arg);
		vg_json_obj_end(&j);
		return;
	}
	v.cache = ev->cache;
	v.alert = extra != NULL;
	for (t = ev->desc->layout->tables; *t; t++) {
		const struct vg_json_path *split = vg_json_paths_of(*t);

		for (i = 0; i < (*t)->n; i++)
			write_entry(&tr, &v, &(*t)->fields[i], split ? &split[i] : NULL, (*t)->kinds);
	}
	for (; tr.depth > 0; tr.depth--)
		vg_json_obj_end(&j);
	if (extra)
		extra(&j, arg);
	vg_json_obj_end(&j);
	if (ev->desc->layout->printed)
		ev->desc->layout->printed(ev);
}

void vg_event_to_json(struct vg_buf *b, const struct vg_event_ctx *ev)
{
	vg_event_to_json_with(b, ev, NULL, NULL);
}

/* ---- text ---- */

const char *vg_event_text_header(void)
{
	static char header[160];

	snprintf(header, sizeof(header), "%-15s %-*s %-7s %-7s %-6s %-16s DETAILS", "TIME",
		 vg_record_kind_width(), "EVENT", "PID", "PPID", "UID", "COMM");
	return header;
}

void vg_text_args(struct vg_buf *b, const char *args, size_t len)
{
	size_t start = 0, i, k;

	for (i = 0; i <= len; i++) {
		const char *a = args + start;
		size_t n = i - start;
		bool quote = n == 0;

		if (i < len && args[i] != '\0')
			continue;
		for (k = 0; k < n; k++)
			if (a[k] == ' ' || a[k] == '"' || (unsigned char)a[k] < 0x20)
				quote = true;
		if (start)
			vg_buf_append(b, " ", 1);
		if (quote)
			vg_buf_append(b, "\"", 1);
		for (k = 0; k < n; k++) {
			unsigned char c = a[k];

			if (c < 0x20 || c == 0x7f)
				vg_buf_printf(b, "\\x%02x", c);
			else if (c == '"')
				vg_buf_puts(b, "\\\"");
			else
				vg_buf_append(b, (const char *)&c, 1);
		}
		if (quote)
			vg_buf_append(b, "\"", 1);
		start = i + 1;
	}
}

void vg_event_to_text(struct vg_buf *b, const struct vg_event_ctx *ev)
{
	const struct vg_hdr *h = ev->rec;
	char ts[32];
	long ppid = -1, uid = -1;

	if (h->type == VG_EV_EXEC) {
		const struct vg_exec *e = (const void *)h;

		ppid = e->ppid;
		uid = e->uid;
	} else if (ev->proc) {
		ppid = ev->proc->ppid;
		uid = ev->proc->uid;
	}
	vg_format_clock(vg_boot_to_realtime_ns(h->ts_boot_ns), ts, sizeof(ts));
	vg_buf_printf(b, "%-15s %-*s %-7u ", ts, vg_record_kind_width(),
		      ev->desc ? ev->desc->kind : "?", h->tgid);
	if (ppid >= 0)
		vg_buf_printf(b, "%-7ld %-6ld ", ppid, uid);
	else
		vg_buf_printf(b, "%-7s %-6s ", "?", "?");
	vg_buf_printf(b, "%-16.16s ", h->comm);
	if (ev->desc && ev->desc->layout && ev->desc->layout->text)
		ev->desc->layout->text(b, ev);
}
