/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Field registry: every event field a policy can name, in one table (name,
 * type, the event kinds that have it, description, getters). Names follow
 * OpenTelemetry semantic conventions and are also the dotted paths of
 * `vigil trace ... --json` output, so the same rule reads a live record or
 * a replayed JSON object.
 *
 * A field yields zero or more values: scalars one (none when absent), list
 * fields (process.args, process.ancestors.*) one per element. Comparisons
 * match when any value matches. In JSON, a path segment that is a number
 * indexes an array ("process.ancestors.0.name"); other arrays fan out.
 */
#ifndef VIGIL_FIELDS_H
#define VIGIL_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "bpf/vigil_abi.h"
#include "event/proc_cache.h"
#include "lib/kernel_spec.h"

struct vg_buf;
struct vg_json;
struct vg_event_ctx;

/*
 * Event kinds a rule can name: one per record kind name (src/event/rec_*.c), at
 * most 63 so a set fits a uint64_t. Each sensor's kinds are one contiguous
 * run (VG_K_<SENSOR>_FIRST..LAST): the VG_KINDS_* masks are built from them.
 */
enum vg_kind {
	VG_K_EXEC, VG_K_EXIT, VG_K_FORK, VG_K_HEALTH,
	/* file */
	VG_K_OPEN, VG_K_UNLINK, VG_K_RENAME, VG_K_CHMOD, VG_K_CHOWN, VG_K_LINK,
	VG_K_SYMLINK, VG_K_TRUNCATE, VG_K_UTIMES, VG_K_MKNOD, VG_K_MOUNT, VG_K_MEMFD,
	/* network */
	VG_K_CONNECT, VG_K_ACCEPT, VG_K_CLOSE, VG_K_LISTEN, VG_K_UDP_FLOW, VG_K_DNS,
	VG_K_DENY, VG_K_SHELL_ON_SOCKET,
	/* privilege / kernel */
	VG_K_SETUID, VG_K_CAPSET, VG_K_PRIVILEGED_EXEC, VG_K_PTRACE, VG_K_PROCESS_VM,
	VG_K_BPF, VG_K_MODULE, VG_K_PRCTL, VG_K_SECCOMP, VG_K_SIGNAL, VG_K_NAMESPACE,
	VG_K_IO_URING_SETUP, VG_K_IO_URING, VG_K_SECCOMP_DENY, VG_K_SETXATTR,
	VG_K_CAPABILITY_USE,
	VG_K_MAX,

	VG_K_PROC_FIRST = VG_K_EXEC, VG_K_PROC_LAST = VG_K_HEALTH,
	VG_K_FILE_FIRST = VG_K_OPEN, VG_K_FILE_LAST = VG_K_MEMFD,
	VG_K_NET_FIRST = VG_K_CONNECT, VG_K_NET_LAST = VG_K_SHELL_ON_SOCKET,
	VG_K_PRIV_FIRST = VG_K_SETUID, VG_K_PRIV_LAST = VG_K_CAPABILITY_USE,
};

typedef uint64_t vg_kinds_t;	/* bit (1 << enum vg_kind) */

_Static_assert(VG_K_MAX < 64, "a vg_kinds_t holds every kind and VG_KINDS_ALL needs one more bit");
_Static_assert(VG_K_PRIV_LAST + 1 == VG_K_MAX, "the last sensor's run ends the enum");

#define VG_KB(k) ((vg_kinds_t)1 << (k))
#define VG_KINDS_RANGE(first, last) (VG_KB((last) + 1) - VG_KB(first))
#define VG_KINDS_ALL ((VG_KB(VG_K_MAX) - 1))
#define VG_KINDS_PROC VG_KINDS_RANGE(VG_K_PROC_FIRST, VG_K_PROC_LAST)
#define VG_KINDS_FILE VG_KINDS_RANGE(VG_K_FILE_FIRST, VG_K_FILE_LAST)
#define VG_KINDS_NET VG_KINDS_RANGE(VG_K_NET_FIRST, VG_K_NET_LAST)
#define VG_KINDS_PRIV VG_KINDS_RANGE(VG_K_PRIV_FIRST, VG_K_PRIV_LAST)

enum vg_ftype { VG_FT_STR, VG_FT_INT, VG_FT_UINT, VG_FT_IP, VG_FT_STRLIST };

struct vg_value {
	enum vg_ftype type;	/* STR for elements of a STRLIST */
	union {
		struct { const char *p; size_t len; } s;	/* not NUL-terminated */
		int64_t i;
		uint64_t u;
		struct vg_ip ip;
	};
};

/*
 * What a rule is evaluated against. Live: @rec is a validated ABI record,
 * @proc the cache entry of its process, @anc its ancestry (read it with
 * vg_view_ancestors: walked only when a field or a line needs it). Replay:
 * @json is a jansson object as `vigil trace --json` prints it. Getters
 * prefer the record when the field has a record getter for it.
 */
struct vg_event_view {
	const struct vg_hdr *rec;
	size_t size;
	const struct vg_proc *proc;
	struct vg_ancestry *anc;	/* never NULL on the live path */
	struct vg_ancestry own;		/* @anc of a view given a fixed list */
	const void *json;		/* json_t *, NULL on the live path */
	struct vg_proc_cache *cache;	/* other processes a record names; may be NULL */
	enum vg_kind kind;
	bool alert;			/* printing an alert line: event.kind is "alert" */
	char scratch[VG_MAX_ARGV_BYTES];	/* for values built on the fly (command line) */
};

/* Called per value; returning true stops the walk (a match). */
typedef bool (*vg_value_cb)(const struct vg_value *v, void *ctx);

struct vg_field;
/* Record getter: calls @cb per value; returns true if @cb did. Absent: no call. */
typedef bool (*vg_rec_getter)(struct vg_event_view *v, const struct vg_field *f,
			      vg_value_cb cb, void *ctx);

struct vg_field {
	const char *name;
	enum vg_ftype type;
	vg_kinds_t kinds;		/* events that have it */
	bool kernel;			/* the sensor can filter on it in the kernel */
	const char *description;
	vg_rec_getter rec_get;		/* NULL: only JSON-backed so far */
	/* JSON: the field's own dotted path first; when absent, this derives it
	 * from what `vigil trace --json` does print (NULL: nothing to derive). */
	vg_rec_getter json_get;
};

const struct vg_field *vg_field_lookup(const char *name, size_t len);
/* The closest registered name to @name (for hints), or NULL. */
const char *vg_field_suggest(const char *name, size_t len);
/* Edit distance, for "did you mean" hints; capped at 255. */
unsigned vg_field_distance(const char *a, size_t alen, const char *b, size_t blen);
const struct vg_field *vg_field_table(size_t *n);

const char *vg_field_kind_name(enum vg_kind k);
int vg_field_kind_lookup(const char *name, size_t len);	/* enum vg_kind or -ENOENT */
/* Kind of a validated record (from its decoder descriptor), or -ENOENT. */
int vg_field_kind_of_record(const struct vg_hdr *h);
enum vg_sensor_id vg_field_kind_sensor(enum vg_kind k);
const char *vg_field_sensor_name(enum vg_sensor_id s);
const char *vg_field_type_name(enum vg_ftype t);
/* Comma-separated kind names of @kinds ("all" for every kind) into @buf. */
void vg_field_kinds_format(vg_kinds_t kinds, char *buf, size_t size);

/* Fills @v for a live record (kind from the record). Returns 0 or -EINVAL. */
int vg_field_view_live(struct vg_event_view *v, const struct vg_hdr *rec, size_t size,
		       const struct vg_proc *proc, struct vg_ancestry *anc);
/* The same with a fixed ancestry, @anc parent first (NULL: none). */
int vg_field_view_record(struct vg_event_view *v, const struct vg_hdr *rec, size_t size,
		       const struct vg_proc *proc, const struct vg_proc *const *anc, size_t n_anc);
/* @v's ancestors, parent first; returns how many (none for a replayed JSON view). */
static inline size_t vg_view_ancestors(const struct vg_event_view *v,
				       const struct vg_proc *const **list)
{
	*list = NULL;
	return v->anc ? vg_ancestry_get(v->anc, list) : 0;
}
/* Fills @v for a JSON event; kind from its "event.action". Returns 0 or -EINVAL. */
int vg_field_view_json(struct vg_event_view *v, const void *json);

/* Replay helpers for derived fields: the values at a dotted @path of a JSON view. */
bool vg_field_json_walk(const void *json, const char *path, const struct vg_field *f,
			vg_value_cb cb, void *ctx);
bool vg_field_json_has(const void *json, const char *path, const struct vg_field *f);
/* The strings at @path joined by spaces; the last component of the string at @path. */
bool vg_field_json_join(struct vg_event_view *v, const char *path, vg_value_cb cb, void *ctx);
bool vg_field_json_base(struct vg_event_view *v, const char *path, vg_value_cb cb, void *ctx);

/* Walks the values of @f in @v; true if @cb returned true for one. */
bool vg_field_each(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb, void *ctx);

/* Appends the value(s) of @f as text (lists space-separated) to @out; returns bytes, or 0 if absent. */
size_t vg_field_format(struct vg_event_view *v, const struct vg_field *f, char *out, size_t size);

/* Parses an address ("10.0.0.1", "::1"). Returns 0 or -EINVAL. */
int vg_field_parse_ip(const char *s, size_t len, struct vg_ip *ip);
/* Parses a CIDR ("10.0.0.0/8"; a bare address is /32 or /128); @prefix counts v4-mapped bits. */
int vg_field_parse_cidr(const char *s, size_t len, struct vg_ip *ip, unsigned *prefix);
bool vg_field_ip_in_cidr(const struct vg_ip *ip, const struct vg_ip *net, unsigned prefix);

/* The field table as Markdown (docs/policy.md). */
void vg_field_print_markdown(FILE *f);

/*
 * ---- record tables ----
 * Every output key of every record is one struct vg_rec_field: its dotted
 * JSON path (also its policy field name), its type and how to read it. The
 * JSON writer (event_format.c) walks a record's tables in order; the field
 * registry above is built from the entries flagged VG_RF_POLICY. Plain
 * members are read from (offset, size); only derived values need a getter.
 */
enum vg_out {
	VG_OUT_VALUE,	/* as the value's type: string, number, address; none: null */
	VG_OUT_BOOL,	/* a uint as true / false */
	VG_OUT_HEX,	/* a uint as "0x1f" */
	VG_OUT_LIST,	/* every value, in an array */
	VG_OUT_OBJS,	/* written by ->write (arrays of objects) */
	VG_OUT_NONE,	/* not printed: a policy field derived from printed ones */
};

enum vg_acc {
	VG_ACC_GET,	/* ->get */
	VG_ACC_NUM,	/* integer member at off (size, is_signed) */
	VG_ACC_BIT,	/* 1 if (member at off) & bit */
	VG_ACC_CHARS,	/* NUL-padded char array at off */
	VG_ACC_STR,	/* struct vg_str at off: a string in the tail */
};

#define VG_RF_POLICY	(1u << 0)	/* a rule may name it */
#define VG_RF_KERNEL	(1u << 1)	/* the sensor can filter on it in the kernel */

struct vg_rec_field;
typedef bool (*vg_rec_get)(struct vg_event_view *v, const struct vg_rec_field *e,
			   vg_value_cb cb, void *ctx);

struct vg_rec_field {
	const char *path;		/* dotted JSON path = policy field name */
	enum vg_ftype type;
	uint8_t out;			/* enum vg_out */
	uint8_t acc;			/* enum vg_acc */
	uint8_t flags;			/* VG_RF_* */
	uint8_t size;
	bool is_signed;
	uint16_t off;
	uint64_t bit;
	vg_kinds_t kinds;		/* kinds that have it; 0: all of its table's */
	vg_kinds_t policy_kinds;	/* kinds a rule may name it on; 0: kinds */
	bool (*when)(const struct vg_event_view *v);	/* NULL: always there */
	vg_rec_get get;
	vg_rec_getter json_get;		/* replay: how to read it when not by its path alone */
	void (*write)(struct vg_json *j, struct vg_event_view *v);	/* VG_OUT_OBJS */
	const char *description;	/* policy fields */
};

struct vg_rec_table {
	vg_kinds_t kinds;
	const struct vg_rec_field *fields;
	size_t n;
};

/* How a record type is printed: its tables in JSON order, its DETAILS column. */
struct vg_rec_layout {
	const struct vg_rec_table *const *tables;	/* NULL-terminated */
	void (*text)(struct vg_buf *b, const struct vg_event_ctx *ev);
	void (*printed)(const struct vg_event_ctx *ev);	/* after output; may be NULL */
};

#define VG_REC_TABLE(k, arr) { (k), (arr), sizeof(arr) / sizeof((arr)[0]) }

#define VG_MEMBER(st, m) ((struct st *)0)->m
#define VG_ISSIGNED(st, m) _Generic(VG_MEMBER(st, m), signed char: 1, short: 1, int: 1, \
	long: 1, long long: 1, default: 0)

/* An integer member: one line per output key. */
#define VG_NUM(st, m, p, ...) { .path = (p), .acc = VG_ACC_NUM, \
	.type = VG_ISSIGNED(st, m) ? VG_FT_INT : VG_FT_UINT, .is_signed = VG_ISSIGNED(st, m), \
	.off = offsetof(struct st, m), .size = sizeof(VG_MEMBER(st, m)), __VA_ARGS__ }
#define VG_HEX(st, m, p, ...) VG_NUM(st, m, p, .out = VG_OUT_HEX, __VA_ARGS__)
/* A flag bit of a member, printed as a bool. */
#define VG_BIT(st, m, b, p, ...) { .path = (p), .type = VG_FT_UINT, .out = VG_OUT_BOOL, \
	.acc = VG_ACC_BIT, .off = offsetof(struct st, m), .size = sizeof(VG_MEMBER(st, m)), \
	.bit = (b), __VA_ARGS__ }
#define VG_CHARS(st, m, p, ...) { .path = (p), .type = VG_FT_STR, .acc = VG_ACC_CHARS, \
	.off = offsetof(struct st, m), .size = sizeof(VG_MEMBER(st, m)), __VA_ARGS__ }
#define VG_STR(st, m, p, ...) { .path = (p), .type = VG_FT_STR, .acc = VG_ACC_STR, \
	.off = offsetof(struct st, m), __VA_ARGS__ }
/* A derived value. */
#define VG_GET(p, t, fn, ...) { .path = (p), .type = (t), .get = (fn), __VA_ARGS__ }
#define VG_LIST(p, fn, ...) VG_GET(p, VG_FT_STRLIST, fn, .out = VG_OUT_LIST, __VA_ARGS__)
/* What a rule may name, with its description (and VG_RF_KERNEL where the kernel filters). */
#define VG_POLICY(desc) .flags = VG_RF_POLICY, .description = (desc)
#define VG_KERNEL(desc) .flags = VG_RF_POLICY | VG_RF_KERNEL, .description = (desc)

/* A derived value's getter and a condition, as the tables name them. */
#define VG_GETTER(name) static bool name(struct vg_event_view *v __attribute__((unused)), \
	const struct vg_rec_field *e __attribute__((unused)), vg_value_cb cb, void *ctx)
#define VG_WHEN(name) static bool name(const struct vg_event_view *v)

/* Whether @e is there for @v's record (its kinds and its condition). */
bool vg_rec_field_has(const struct vg_event_view *v, const struct vg_rec_field *e,
		      vg_kinds_t table_kinds);
/* Calls @cb per value of @e (plain members read from the record). */
bool vg_rec_field_get(struct vg_event_view *v, const struct vg_rec_field *e,
		      vg_value_cb cb, void *ctx);

/* Value helpers for getters: each calls @cb once and returns what it did. */
bool vg_value_str(const char *p, size_t len, vg_value_cb cb, void *ctx);
bool vg_value_cstr(const char *p, vg_value_cb cb, void *ctx);	/* NULL: no value */
bool vg_value_uint(uint64_t u, vg_value_cb cb, void *ctx);
bool vg_value_int(int64_t i, vg_value_cb cb, void *ctx);
/* Each NUL-separated element of @p[0..len) as one value (a trailing NUL ends an empty one). */
bool vg_value_nul_list(const char *p, size_t len, vg_value_cb cb, void *ctx);
/* Each of @n words as one value. */
bool vg_value_words(const char *const *w, size_t n, vg_value_cb cb, void *ctx);
/* A string of the record's tail. */
bool vg_value_rec_str(const struct vg_event_view *v, const struct vg_str *s, vg_value_cb cb,
		      void *ctx);
/* The last component of @p. */
const char *vg_path_base(const char *p, size_t *len);

#endif
