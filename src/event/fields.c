// SPDX-License-Identifier: GPL-2.0
/*
 * The field registry, built from the record tables (rec_*.c): every entry a
 * rule may name becomes a field; the same name in several tables is one
 * field whose kinds are the union. A live record is read through the entry
 * of its kind; a replayed JSON object through the dotted path.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "event/decode.h"
#include "event/fields.h"

/* The records' kind names (their descriptors in src/event/rec_*.c), which `event.action` prints. */
static const char *const kind_names[VG_K_MAX] = {
	[VG_K_EXEC] = "exec", [VG_K_EXIT] = "exit", [VG_K_FORK] = "fork", [VG_K_HEALTH] = "health",
	[VG_K_OPEN] = "open", [VG_K_UNLINK] = "unlink", [VG_K_RENAME] = "rename",
	[VG_K_CHMOD] = "chmod", [VG_K_CHOWN] = "chown", [VG_K_LINK] = "link",
	[VG_K_SYMLINK] = "symlink", [VG_K_TRUNCATE] = "truncate", [VG_K_UTIMES] = "utimes",
	[VG_K_MKNOD] = "mknod", [VG_K_MOUNT] = "mount", [VG_K_MEMFD] = "memfd",
	[VG_K_CONNECT] = "connect", [VG_K_ACCEPT] = "accept", [VG_K_CLOSE] = "close",
	[VG_K_LISTEN] = "listen", [VG_K_UDP_FLOW] = "udp_flow", [VG_K_DNS] = "dns",
	[VG_K_DENY] = "deny", [VG_K_SHELL_ON_SOCKET] = "shell_on_socket",
	[VG_K_SETUID] = "setuid", [VG_K_CAPSET] = "capset",
	[VG_K_PRIVILEGED_EXEC] = "privileged_exec", [VG_K_PTRACE] = "ptrace",
	[VG_K_PROCESS_VM] = "process_vm", [VG_K_BPF] = "bpf", [VG_K_MODULE] = "module",
	[VG_K_PRCTL] = "prctl", [VG_K_SECCOMP] = "seccomp", [VG_K_SIGNAL] = "signal",
	[VG_K_NAMESPACE] = "namespace", [VG_K_IO_URING_SETUP] = "io_uring_setup",
	[VG_K_IO_URING] = "io_uring", [VG_K_SECCOMP_DENY] = "seccomp_deny",
	[VG_K_SETXATTR] = "setxattr",
	[VG_K_CAPABILITY_USE] = "capability_use",
};

/* ---- value helpers ---- */

bool vg_value_str(const char *p, size_t len, vg_value_cb cb, void *ctx)
{
	struct vg_value val = { .type = VG_FT_STR, .s = { p, len } };

	return cb(&val, ctx);
}

bool vg_value_cstr(const char *p, vg_value_cb cb, void *ctx)
{
	return p ? vg_value_str(p, strlen(p), cb, ctx) : false;
}

bool vg_value_uint(uint64_t u, vg_value_cb cb, void *ctx)
{
	struct vg_value val = { .type = VG_FT_UINT, .u = u };

	return cb(&val, ctx);
}

bool vg_value_int(int64_t i, vg_value_cb cb, void *ctx)
{
	struct vg_value val = { .type = VG_FT_INT, .i = i };

	return cb(&val, ctx);
}

bool vg_value_nul_list(const char *p, size_t len, vg_value_cb cb, void *ctx)
{
	size_t start = 0, i;

	for (i = 0; len && i <= len; i++) {
		if (i < len && p[i] != '\0')
			continue;
		if (vg_value_str(p + start, i - start, cb, ctx))
			return true;
		start = i + 1;
	}
	return false;
}

bool vg_value_words(const char *const *w, size_t n, vg_value_cb cb, void *ctx)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (vg_value_cstr(w[i], cb, ctx))
			return true;
	return false;
}

bool vg_value_rec_str(const struct vg_event_view *v, const struct vg_str *s, vg_value_cb cb,
		      void *ctx)
{
	size_t len;
	const char *p = vg_rec_str(v->rec, s, &len);

	return vg_value_str(p, len, cb, ctx);
}

const char *vg_path_base(const char *p, size_t *len)
{
	size_t i = *len;

	while (i && p[i - 1] != '/')
		i--;
	*len -= i;
	return p + i;
}

/* ---- reading an entry from a record ---- */

bool vg_rec_field_has(const struct vg_event_view *v, const struct vg_rec_field *e,
		      vg_kinds_t table_kinds)
{
	vg_kinds_t k = e->kinds ? e->kinds : table_kinds;

	return (k & VG_KB(v->kind)) && (!e->when || e->when(v));
}

static uint64_t member_bits(const struct vg_event_view *v, const struct vg_rec_field *e)
{
	const char *p = (const char *)v->rec + e->off;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (e->size) {
	case 1: memcpy(&u8, p, 1); return e->is_signed ? (uint64_t)(int64_t)(int8_t)u8 : u8;
	case 2: memcpy(&u16, p, 2); return e->is_signed ? (uint64_t)(int64_t)(int16_t)u16 : u16;
	case 4: memcpy(&u32, p, 4); return e->is_signed ? (uint64_t)(int64_t)(int32_t)u32 : u32;
	default: memcpy(&u64, p, 8); return u64;
	}
}

bool vg_rec_field_get(struct vg_event_view *v, const struct vg_rec_field *e,
		      vg_value_cb cb, void *ctx)
{
	const char *p = (const char *)v->rec + e->off;
	uint64_t u;

	if (e->acc != VG_ACC_GET && (!v->rec || e->off + (size_t)e->size > v->size))
		return false;
	switch (e->acc) {
	case VG_ACC_NUM:
		u = member_bits(v, e);
		return e->is_signed ? vg_value_int((int64_t)u, cb, ctx) : vg_value_uint(u, cb, ctx);
	case VG_ACC_BIT:
		return vg_value_uint(!!(member_bits(v, e) & e->bit), cb, ctx);
	case VG_ACC_CHARS:
		return vg_value_str(p, strnlen(p, e->size), cb, ctx);
	case VG_ACC_STR:
		return vg_value_rec_str(v, (const struct vg_str *)p, cb, ctx);
	default:
		return e->get ? e->get(v, e, cb, ctx) : false;
	}
}

/* ---- the registry ---- */

#define MAX_FIELDS 192

static struct vg_field table[MAX_FIELDS];
static size_t n_fields;
/* The entry a live record of each kind is read through, per field. */
static const struct vg_rec_field *entry_of[MAX_FIELDS][VG_K_MAX];
static pthread_once_t registry_once = PTHREAD_ONCE_INIT;

static bool get_kind(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb, void *ctx)
{
	(void)f;
	return vg_value_cstr(kind_names[v->kind], cb, ctx);
}

/*
 * What a rule reads is what the JSON line says: values are converted as
 * the replay path converts JSON (a negative number is no uint, an address
 * string is an ip).
 */
struct conv {
	enum vg_ftype type;
	vg_value_cb cb;
	void *ctx;
};

static bool conv_one(const struct vg_value *val, void *arg)
{
	struct conv *c = arg;
	struct vg_value out = *val;

	switch (c->type) {
	case VG_FT_STR:
	case VG_FT_STRLIST:
		if (val->type != VG_FT_STR)
			return false;
		break;
	case VG_FT_INT:
		if (val->type != VG_FT_INT && val->type != VG_FT_UINT)
			return false;
		out.type = VG_FT_INT;
		break;
	case VG_FT_UINT:
		if (val->type == VG_FT_INT && val->i < 0)
			return false;
		if (val->type != VG_FT_INT && val->type != VG_FT_UINT)
			return false;
		out.type = VG_FT_UINT;
		break;
	case VG_FT_IP:
		if (val->type == VG_FT_STR && vg_field_parse_ip(val->s.p, val->s.len, &out.ip))
			return false;
		if (val->type != VG_FT_STR && val->type != VG_FT_IP)
			return false;
		out.type = VG_FT_IP;
		break;
	}
	return c->cb(&out, c->ctx);
}

static bool field_rec_get(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
			  void *ctx)
{
	const struct vg_rec_field *e = entry_of[f - table][v->kind];
	struct conv c = { f->type, cb, ctx };

	if (!e || (e->when && !e->when(v)))
		return false;
	return vg_rec_field_get(v, e, conv_one, &c);
}

static struct vg_field *registry_slot(const struct vg_rec_field *e)
{
	struct vg_field *f;
	size_t i;

	for (i = 0; i < n_fields; i++)
		if (!strcmp(table[i].name, e->path))
			return &table[i];
	if (n_fields == MAX_FIELDS)
		abort();	/* MAX_FIELDS is too small for the tables: a build-time mistake */
	f = &table[n_fields++];
	f->name = e->path;
	f->type = e->type;
	f->kernel = e->flags & VG_RF_KERNEL;
	f->description = e->description;
	f->rec_get = e->acc == VG_ACC_GET && !e->get ? NULL : field_rec_get;
	f->json_get = e->json_get;
	return f;
}

static void registry_add(const struct vg_rec_table *t, enum vg_kind kind)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct vg_rec_field *e = &t->fields[i];
		vg_kinds_t k = e->kinds ? e->kinds : t->kinds;
		struct vg_field *f;

		if (!(e->flags & VG_RF_POLICY) || !(k & VG_KB(kind)))
			continue;
		f = registry_slot(e);
		f->kinds |= e->policy_kinds ? e->policy_kinds : k;
		entry_of[f - table][kind] = e;
	}
}

static void registry_build(void)
{
	unsigned type;

	for (type = 0; type < VG_EV_TYPE_MAX; type++) {
		const struct vg_record_desc *d = vg_record_desc(type);
		const struct vg_rec_table *const *t;
		int kind;

		if (!d || !d->layout)
			continue;
		kind = vg_field_kind_lookup(d->kind, strlen(d->kind));
		for (t = d->layout->tables; kind >= 0 && *t; t++)
			registry_add(*t, kind);
	}
	/* A replayed line's action is the view's kind, already parsed from its "event.action". */
	for (size_t i = 0; i < n_fields; i++)
		if (!strcmp(table[i].name, "event.action"))
			table[i].json_get = get_kind;
}

static void registry(void)
{
	pthread_once(&registry_once, registry_build);
}

const struct vg_field *vg_field_table(size_t *n)
{
	registry();
	*n = n_fields;
	return table;
}

const struct vg_field *vg_field_lookup(const char *name, size_t len)
{
	size_t i;

	registry();
	for (i = 0; i < n_fields; i++)
		if (strlen(table[i].name) == len && !memcmp(table[i].name, name, len))
			return &table[i];
	return NULL;
}

unsigned vg_field_distance(const char *a, size_t alen, const char *b, size_t blen)
{
	unsigned row[64], prev, tmp;
	size_t i, j;

	if (alen >= 63 || blen >= 63)
		return 255;
	for (j = 0; j <= blen; j++)
		row[j] = j;
	for (i = 1; i <= alen; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= blen; j++) {
			unsigned best = prev + (a[i - 1] != b[j - 1]);

			tmp = row[j];
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	return row[blen] > 255 ? 255 : row[blen];
}

const char *vg_field_suggest(const char *name, size_t len)
{
	const char *best = NULL;
	unsigned best_d = len / 5 + 1;	/* further than this is a guess, not a hint */
	size_t i;

	registry();
	/* A cut-short name ("process.exe") most likely means the field it begins. */
	for (i = 0; i < n_fields; i++)
		if (len > 3 && !strncmp(table[i].name, name, len) &&
		    (!best || strlen(table[i].name) < strlen(best)))
			best = table[i].name;
	if (best)
		return best;
	for (i = 0; i < n_fields; i++) {
		size_t flen = strlen(table[i].name);
		unsigned d;

		/* The distance is at least the difference in length: skip the hopeless. */
		if ((flen > len ? flen - len : len - flen) >= best_d)
			continue;
		d = vg_field_distance(name, len, table[i].name, flen);
		if (d < best_d)
			best_d = d, best = table[i].name;
	}
	return best;
}

const char *vg_field_kind_name(enum vg_kind k)
{
	return (unsigned)k < VG_K_MAX ? kind_names[k] : "?";
}

int vg_field_kind_lookup(const char *name, size_t len)
{
	int k;

	for (k = 0; k < VG_K_MAX; k++)
		if (strlen(kind_names[k]) == len && !memcmp(kind_names[k], name, len))
			return k;
	return -ENOENT;
}

int vg_field_kind_of_record(const struct vg_hdr *h)
{
	const struct vg_record_desc *d = vg_record_desc(h->type);

	return d ? vg_field_kind_lookup(d->kind, strlen(d->kind)) : -ENOENT;
}

enum vg_sensor_id vg_field_kind_sensor(enum vg_kind k)
{
	vg_kinds_t b = VG_KB(k);

	if (b & VG_KINDS_FILE)
		return VG_SENSOR_FILE;
	if (b & VG_KINDS_NET)
		return VG_SENSOR_NETWORK;
	if (b & VG_KINDS_PRIV)
		return VG_SENSOR_PRIV;
	return VG_SENSOR_PROCESS;
}

const char *vg_field_sensor_name(enum vg_sensor_id s)
{
	static const char *const names[VG_SENSOR_MAX] = { "process", "file", "network",
							  "privilege" };

	return (unsigned)s < VG_SENSOR_MAX ? names[s] : "?";
}

const char *vg_field_type_name(enum vg_ftype t)
{
	switch (t) {
	case VG_FT_STR: return "string";
	case VG_FT_INT: return "int";
	case VG_FT_UINT: return "uint";
	case VG_FT_IP: return "ip";
	case VG_FT_STRLIST: return "list of strings";
	}
	return "?";
}

void vg_field_kinds_format(vg_kinds_t kinds, char *buf, size_t size)
{
	size_t off = 0;
	int k;

	if (size)
		buf[0] = '\0';
	if (kinds == VG_KINDS_ALL) {
		snprintf(buf, size, "all");
		return;
	}
	for (k = 0; k < VG_K_MAX && off < size; k++) {
		if (!(kinds & VG_KB(k)))
			continue;
		off += snprintf(buf + off, size - off, "%s%s", off ? ", " : "", kind_names[k]);
	}
}

/* ---- views ---- */

int vg_field_view_live(struct vg_event_view *v, const struct vg_hdr *rec, size_t size,
		       const struct vg_proc *proc, struct vg_ancestry *anc)
{
	int k = vg_field_kind_of_record(rec);

	if (k < 0)
		return -EINVAL;
	v->rec = rec;
	v->size = size;
	v->proc = proc;
	v->anc = anc;
	v->json = NULL;
	v->cache = NULL;
	v->kind = k;
	return 0;
}

int vg_field_view_record(struct vg_event_view *v, const struct vg_hdr *rec, size_t size,
		       const struct vg_proc *proc, const struct vg_proc *const *anc, size_t n_anc)
{
	vg_ancestry_fixed(&v->own, anc, n_anc);
	return vg_field_view_live(v, rec, size, proc, &v->own);
}

/* Leaf conversion: JSON value to the field's type; mismatches yield nothing. */
static bool json_leaf(const json_t *j, const struct vg_field *f, vg_value_cb cb, void *ctx)
{
	struct vg_value val;

	switch (f->type) {
	case VG_FT_STR:
	case VG_FT_STRLIST:
		if (!json_is_string(j))
			return false;
		return vg_value_str(json_string_value(j), json_string_length(j), cb, ctx);
	case VG_FT_INT:
		return json_is_integer(j) ? vg_value_int(json_integer_value(j), cb, ctx) : false;
	case VG_FT_UINT:
		/* Flags printed as booleans (file.mount.bind, container.privileged) read back as 1/0. */
		if (json_is_boolean(j))
			return vg_value_uint(json_is_true(j) ? 1 : 0, cb, ctx);
		if (!json_is_integer(j) || json_integer_value(j) < 0)
			return false;
		return vg_value_uint((uint64_t)json_integer_value(j), cb, ctx);
	case VG_FT_IP:
		val.type = VG_FT_IP;
		if (!json_is_string(j) ||
		    vg_field_parse_ip(json_string_value(j), json_string_length(j), &val.ip))
			return false;
		return cb(&val, ctx);
	}
	return false;
}

/*
 * Follows the dotted @path through nested objects. A numeric segment
 * indexes an array ("ancestors.0"); other arrays fan out (so
 * "process.ancestors.name" visits every ancestor). A key may also hold the
 * rest of the path flat ({"process.pid": 1}).
 */
static bool json_walk(const json_t *j, const char *path, const struct vg_field *f,
		      vg_value_cb cb, void *ctx)
{
	const char *dot;
	const json_t *child;
	size_t i;

	if (json_is_array(j)) {
		if (*path >= '0' && *path <= '9') {
			char *end;
			unsigned long idx = strtoul(path, &end, 10);

			if (*end && *end != '.')
				return false;
			child = json_array_get(j, idx);
			return child ? json_walk(child, *end ? end + 1 : end, f, cb, ctx) : false;
		}
		for (i = 0; i < json_array_size(j); i++)
			if (json_walk(json_array_get(j, i), path, f, cb, ctx))
				return true;
		return false;
	}
	if (!*path)
		return json_leaf(j, f, cb, ctx);
	if (!json_is_object(j))
		return false;
	child = json_object_get(j, path);
	if (child && json_walk(child, "", f, cb, ctx))
		return true;
	dot = strchr(path, '.');
	if (!dot)
		return false;
	child = json_object_getn(j, path, dot - path);
	return child ? json_walk(child, dot + 1, f, cb, ctx) : false;
}

static bool first_str(const struct vg_value *val, void *ctx)
{
	struct vg_value *out = ctx;

	*out = *val;
	return true;
}

bool vg_field_json_walk(const void *json, const char *path, const struct vg_field *f,
			vg_value_cb cb, void *ctx)
{
	return json_walk(json, path, f, cb, ctx);
}

static const struct vg_field json_str_field = { "", VG_FT_STR, VG_KINDS_ALL, false, "", NULL,
					       NULL };

static bool any_value(const struct vg_value *val, void *ctx)
{
	(void)val;
	(void)ctx;
	return true;
}

bool vg_field_json_has(const void *json, const char *path, const struct vg_field *f)
{
	return json_walk(json, path, f, any_value, NULL);
}

struct join_ctx {
	char *buf;
	size_t size, off, end;
	unsigned n;
};

static bool join_one(const struct vg_value *val, void *arg)
{
	struct join_ctx *c = arg;
	size_t n = val->s.len;

	if (c->n++ && c->off < c->size)
		c->buf[c->off++] = ' ';
	if (n > c->size - c->off)
		n = c->size - c->off;
	memcpy(c->buf + c->off, val->s.p, n);
	c->off += n;
	if (n)
		c->end = c->off;
	return false;
}

/*
 * The strings at @path joined by spaces (command lines from "args" arrays),
 * without trailing empty ones: a live record's argv loses its trailing NULs.
 */
bool vg_field_json_join(struct vg_event_view *v, const char *path, vg_value_cb cb, void *ctx)
{
	struct join_ctx c = { v->scratch, sizeof(v->scratch), 0, 0, 0 };

	json_walk(v->json, path, &json_str_field, join_one, &c);
	return c.n ? vg_value_str(c.buf, c.end, cb, ctx) : false;
}

/* The last component of the string at @path. */
bool vg_field_json_base(struct vg_event_view *v, const char *path, vg_value_cb cb, void *ctx)
{
	struct vg_value val;
	const char *p;
	size_t len;

	if (!json_walk(v->json, path, &json_str_field, first_str, &val))
		return false;
	len = val.s.len;
	p = vg_path_base(val.s.p, &len);
	return vg_value_str(p, len, cb, ctx);
}

int vg_field_view_json(struct vg_event_view *v, const void *json)
{
	static const struct vg_field action_field = { "event.action", VG_FT_STR, VG_KINDS_ALL, false,
						      "", NULL, NULL };
	/* Lines recorded before event.action named the kind carry it in event.kind. */
	static const struct vg_field old_field = { "event.kind", VG_FT_STR, VG_KINDS_ALL, false, "",
						   NULL, NULL };
	struct vg_value val;
	int k = -ENOENT;

	memset(v, 0, offsetof(struct vg_event_view, scratch));
	if (!json_is_object((const json_t *)json))
		return -EINVAL;
	if (json_walk(json, action_field.name, &action_field, first_str, &val))
		k = vg_field_kind_lookup(val.s.p, val.s.len);
	if (k < 0 && json_walk(json, old_field.name, &old_field, first_str, &val))
		k = vg_field_kind_lookup(val.s.p, val.s.len);
	if (k < 0)
		return -EINVAL;
	v->json = json;
	v->kind = k;
	return 0;
}

bool vg_field_each(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb, void *ctx)
{
	if (v->rec && f->rec_get)
		return f->rec_get(v, f, cb, ctx);
	if (!v->json)
		return false;
	if (f->json_get)
		return f->json_get(v, f, cb, ctx);
	return json_walk(v->json, f->name, f, cb, ctx);
}

struct fmt_ctx {
	char *out;
	size_t size, off;
	unsigned n;
};

static bool fmt_one(const struct vg_value *val, void *arg)
{
	struct fmt_ctx *c = arg;
	char tmp[INET6_ADDRSTRLEN + 1];
	const char *p = tmp;
	size_t len;

	switch (val->type) {
	case VG_FT_STR:
	case VG_FT_STRLIST:
		p = val->s.p;
		len = val->s.len;
		break;
	case VG_FT_INT:
		len = snprintf(tmp, sizeof(tmp), "%" PRId64, val->i);
		break;
	case VG_FT_UINT:
		len = snprintf(tmp, sizeof(tmp), "%" PRIu64, val->u);
		break;
	case VG_FT_IP:
		if (val->ip.v4)
			inet_ntop(AF_INET, val->ip.addr + 12, tmp, sizeof(tmp));
		else
			inet_ntop(AF_INET6, val->ip.addr, tmp, sizeof(tmp));
		len = strlen(tmp);
		break;
	default:
		return false;
	}
	if (c->n++ && c->off + 1 < c->size)
		c->out[c->off++] = ' ';
	if (len > c->size - 1 - c->off)
		len = c->size - 1 - c->off;
	memcpy(c->out + c->off, p, len);
	c->off += len;
	c->out[c->off] = '\0';
	return c->off + 1 >= c->size;	/* stop once full */
}

size_t vg_field_format(struct vg_event_view *v, const struct vg_field *f, char *out, size_t size)
{
	struct fmt_ctx c = { out, size, 0, 0 };

	if (!size)
		return 0;
	out[0] = '\0';
	vg_field_each(v, f, fmt_one, &c);
	return c.n ? c.off : 0;
}

/* ---- addresses ---- */

int vg_field_parse_ip(const char *s, size_t len, struct vg_ip *ip)
{
	char buf[INET6_ADDRSTRLEN + 1];

	if (!len || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, buf, ip->addr + 12) == 1) {
		ip->v4 = 1;
		ip->addr[10] = ip->addr[11] = 0xff;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, ip->addr) == 1) {
		static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

		ip->v4 = !memcmp(ip->addr, mapped, sizeof(mapped));
		return 0;
	}
	return -EINVAL;
}

int vg_field_parse_cidr(const char *s, size_t len, struct vg_ip *ip, unsigned *prefix)
{
	const char *slash = memchr(s, '/', len);
	unsigned long bits;
	char num[8], *end;
	size_t nlen;
	int err;

	err = vg_field_parse_ip(s, slash ? (size_t)(slash - s) : len, ip);
	if (err)
		return err;
	if (!slash) {
		*prefix = 128;
		return 0;
	}
	nlen = len - (slash + 1 - s);
	if (!nlen || nlen >= sizeof(num))
		return -EINVAL;
	memcpy(num, slash + 1, nlen);
	num[nlen] = '\0';
	errno = 0;
	bits = strtoul(num, &end, 10);
	if (errno || *end || num[0] < '0' || num[0] > '9' || bits > (ip->v4 ? 32u : 128u))
		return -EINVAL;
	*prefix = ip->v4 ? bits + 96 : bits;
	/* Host bits set ("10.0.0.1/8") are almost always a typo. */
	for (unsigned b = *prefix; b < 128; b++)
		if (ip->addr[b / 8] & (0x80 >> (b % 8)))
			return -EINVAL;
	return 0;
}

bool vg_field_ip_in_cidr(const struct vg_ip *ip, const struct vg_ip *net, unsigned prefix)
{
	unsigned full = prefix / 8, rest = prefix % 8;

	if (memcmp(ip->addr, net->addr, full))
		return false;
	if (!rest)
		return true;
	return !((ip->addr[full] ^ net->addr[full]) & (0xff00 >> rest));
}

void vg_field_print_markdown(FILE *f)
{
	char kinds[512];
	size_t i;

	registry();
	fprintf(f, "| sensor | events |\n| --- | --- |\n");
	for (int s = 0; s < VG_SENSOR_MAX; s++) {
		vg_kinds_t ks = 0;

		for (int k = 0; k < VG_K_MAX; k++)
			if (vg_field_kind_sensor(k) == (enum vg_sensor_id)s)
				ks |= VG_KB(k);
		vg_field_kinds_format(ks, kinds, sizeof(kinds));
		fprintf(f, "| %s | %s |\n", vg_field_sensor_name(s), kinds);
	}
	fprintf(f, "\n| field | type | events | kernel filter | description |\n");
	fprintf(f, "| --- | --- | --- | --- | --- |\n");
	for (i = 0; i < n_fields; i++) {
		vg_field_kinds_format(table[i].kinds, kinds, sizeof(kinds));
		fprintf(f, "| `%s` | %s | %s | %s | %s |\n", table[i].name,
			vg_field_type_name(table[i].type), kinds, table[i].kernel ? "yes" : "",
			table[i].description);
	}
}
