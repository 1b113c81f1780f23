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
#include "lib/kernel_spec.h"

struct vg_proc;

/*
 * Event kinds a rule can name: one per decoder kind name (src/decode.c), at
 * most 63 so a set fits a uint64_t. Each sensor's kinds are one contiguous
 * run (VG_K_<SENSOR>_FIRST..LAST): the VG_KINDS_* masks are built from them.
 */
enum vg_kind {
	VG_K_EXEC, VG_K_EXIT, VG_K_FORK,
	/* file */
	VG_K_OPEN, VG_K_UNLINK, VG_K_RENAME, VG_K_CHMOD, VG_K_CHOWN, VG_K_LINK,
	VG_K_SYMLINK, VG_K_TRUNCATE, VG_K_UTIMES, VG_K_MKNOD, VG_K_MOUNT, VG_K_MEMFD,
	/* network */
	VG_K_CONNECT, VG_K_ACCEPT, VG_K_CLOSE, VG_K_LISTEN, VG_K_UDP_FLOW, VG_K_DNS,
	VG_K_DENY, VG_K_SHELL_ON_SOCKET,
	/* privilege / kernel */
	VG_K_SETUID, VG_K_CAPSET, VG_K_PRIVILEGED_EXEC, VG_K_PTRACE, VG_K_PROCESS_VM,
	VG_K_BPF, VG_K_MODULE, VG_K_PRCTL, VG_K_SECCOMP, VG_K_SIGNAL, VG_K_NAMESPACE,
	VG_K_IO_URING_SETUP, VG_K_IO_URING,
	VG_K_MAX,

	VG_K_PROC_FIRST = VG_K_EXEC, VG_K_PROC_LAST = VG_K_FORK,
	VG_K_FILE_FIRST = VG_K_OPEN, VG_K_FILE_LAST = VG_K_MEMFD,
	VG_K_NET_FIRST = VG_K_CONNECT, VG_K_NET_LAST = VG_K_SHELL_ON_SOCKET,
	VG_K_PRIV_FIRST = VG_K_SETUID, VG_K_PRIV_LAST = VG_K_IO_URING,
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
 * @proc the cache entry of its process, @ancestors parent first. Replay:
 * @json is a jansson object as `vigil trace --json` prints it. Getters
 * prefer the record when the field has a record getter for it.
 */
struct vg_event_view {
	const struct vg_hdr *rec;
	size_t size;
	const struct vg_proc *proc;
	const struct vg_proc *const *ancestors;
	size_t n_ancestors;
	const void *json;		/* json_t *, NULL on the live path */
	enum vg_kind kind;
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
int vg_field_view_record(struct vg_event_view *v, const struct vg_hdr *rec, size_t size,
		       const struct vg_proc *proc, const struct vg_proc *const *anc, size_t n_anc);
/* Fills @v for a JSON event; kind from its "event.kind". Returns 0 or -EINVAL. */
int vg_field_view_json(struct vg_event_view *v, const void *json);

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

#endif
