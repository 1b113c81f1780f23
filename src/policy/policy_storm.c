// SPDX-License-Identifier: GPL-2.0
/*
 * Storm aggregation, the policy's word on it (policy_storm.h). Rules that
 * allow it need nothing; the paths of the other rules on opens become the
 * kernel's never-trie (watch-prefix syntax: an exact path as it is, a byte
 * prefix with a trailing '*').
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bpf/storm.h"
#include "policy/policy_model.h"
#include "policy/policy_storm.h"

#define K(k) VG_KB(VG_K_##k)

/*
 * Fields whose value may differ between two events of one storm key
 * (same process image, file name and call), and the kinds where they do:
 * a rule reading one there must see every event of that kind. The network
 * keys clear these (src/bpf/vigil_storm_rec.bpf.h, storm_rkey_net).
 */
static const struct {
	const char *name;
	vg_kinds_t kinds;
} unstable_fields[] = {
	{ "file.requested_path", VG_KINDS_ALL }, { "file.fd", VG_KINDS_ALL },
	{ "process.thread.id", VG_KINDS_ALL }, { "event.boot_time_ns", VG_KINDS_ALL },
	{ "event.cpu", VG_KINDS_ALL }, { "vigil.suppressed", VG_KINDS_ALL },
	{ "source.port", K(CONNECT) | K(CLOSE) | K(DNS) },
	{ "destination.port", K(ACCEPT) | K(CLOSE) },
	{ "event.duration", K(CONNECT) | K(CLOSE) },
	{ "network.bytes_sent", K(CLOSE) }, { "network.bytes_received", K(CLOSE) },
	{ "dns.id", K(DNS) },
};

/* The kinds where field @f may differ inside one storm key. */
static vg_kinds_t unstable_in(const struct vg_field *f)
{
	size_t i;

	for (i = 0; i < sizeof(unstable_fields) / sizeof(unstable_fields[0]); i++)
		if (!strcmp(f->name, unstable_fields[i].name))
			return unstable_fields[i].kinds;
	return 0;
}

/* The kinds where condition @n reads an unstable field (depth bounded by the parser). */
static vg_kinds_t reads_unstable(const struct node *n)
{
	vg_kinds_t k = 0;
	size_t i;

	if (n->kind == N_CMP)
		return unstable_in(n->field);
	for (i = 0; i < n->n_kids; i++)
		k |= reads_unstable(n->kids[i]);
	return k;
}

vg_kinds_t vg_rule_storm_kept(const struct vg_rule *r)
{
	vg_kinds_t k;
	size_t i;

	/* A sequence, its steps and silent feeds keep state per event. */
	if (r->action != VG_ACT_ALERT || r->thd_count || r->seq_of || r->n_steps || r->silent ||
	    !r->cond)
		return r->kinds;
	k = reads_unstable(r->cond);
	for (i = 0; i < r->n_thr_keys; i++)
		k |= unstable_in(r->thr_keys[i]);
	return k & r->kinds;
}

/* The rule's top-level file.path / file.paths = or startswith test, if any. */
static const struct node *path_test(const struct vg_rule *r)
{
	struct node *const *kids = &r->cond;
	size_t n = 1, i;

	if (r->cond->kind == N_AND) {
		kids = r->cond->kids;
		n = r->cond->n_kids;
	}
	for (i = 0; i < n; i++) {
		const struct node *c = kids[i];

		if (c->kind == N_CMP && (c->op == OP_EQ || c->op == OP_STARTS) &&
		    (!strcmp(c->field->name, "file.path") || !strcmp(c->field->name, "file.paths")))
			return c;
	}
	return NULL;
}

static int add_never(struct vg_storm_spec *out, const char *s, size_t len, bool prefix,
		     uint8_t what)
{
	char **nv = realloc(out->never, (out->n_never + 1) * sizeof(*nv));
	uint8_t *nf;
	char *e;

	if (!nv)
		return -ENOMEM;
	out->never = nv;
	nf = realloc(out->never_for, out->n_never + 1);
	if (!nf)
		return -ENOMEM;
	out->never_for = nf;
	/* "/etc/" already means "and below"; another prefix is a byte prefix. */
	if (asprintf(&e, "%.*s%s", (int)len, s, prefix && len && s[len - 1] != '/' ? "*" : "") < 0)
		return -ENOMEM;
	out->never_for[out->n_never] = what;
	out->never[out->n_never++] = e;
	return 0;
}

/*
 * The paths of a rule that forbids aggregation of @what there (a
 * VG_STORM_NEVER_* mask); *@any_path when it has none (any path).
 */
static int keep_out(struct vg_storm_spec *out, const struct vg_rule *r, uint8_t what,
		    bool *any_path)
{
	const struct node *c = path_test(r);
	size_t i;
	int err = 0;

	if (!c) {
		*any_path = true;
		return 0;
	}
	if (c->op == OP_EQ) {
		for (i = 0; i < c->set.cap && !err; i++)
			if (c->set.slots[i].key)
				err = add_never(out, c->set.slots[i].key, c->set.slots[i].len, false,
						what);
		return err;
	}
	for (i = 0; i < c->n_strs && !err; i++)
		err = add_never(out, c->strs[i], c->lens[i], true, what);
	return err;
}

/* Kinds keyed by the record itself (src/bpf/vigil_storm_rec.bpf.h): the sensors that hook it. */
#define FILE_RECORD_KINDS (VG_KINDS_FILE & ~K(OPEN))
#define RECORD_KEYED_KINDS (FILE_RECORD_KINDS | VG_KINDS_PRIV | K(CONNECT) | K(ACCEPT) | \
			    K(LISTEN) | K(CLOSE) | K(DNS) | K(DENY) | K(SHELL_ON_SOCKET))

/*
 * The kinds rule @r keeps whole: a file kind only when the rule has no
 * path test (with one, its paths go into the never-trie instead).
 */
static vg_kinds_t kept_whole(const struct vg_rule *r)
{
	vg_kinds_t k = vg_rule_storm_kept(r);

	return path_test(r) ? k & ~FILE_RECORD_KINDS : k;
}

/*
 * Kinds of @p whose every rule allows aggregation (a kind no rule reads
 * stays off: whatever asked for it may need every record). Deny records
 * are the kernel's own report of a deny rule's verdict, each refused call
 * already refused: only a rule reading them as a kind keeps them whole.
 */
vg_kinds_t vg_policy_storm_kinds(const struct vg_policy *p)
{
	vg_kinds_t read = 0, kept = 0;
	size_t i;

	for (i = 0; i < p->active.n; i++) {
		const struct vg_rule *r = p->active.v[i];

		read |= r->kinds;
		if (r->action != VG_ACT_ALERT && (r->kinds & VG_KINDS_NET))
			read |= K(DENY);
		kept |= kept_whole(r);
	}
	return read & ~kept & RECORD_KEYED_KINDS;
}

/* Record types of kinds @k, as bits (struct vg_storm_spec.types). */
static void kinds_to_types(vg_kinds_t k, uint64_t *types)
{
	struct vg_hdr h = { 0 };
	unsigned t;
	int kind;

	for (t = 0; t < VG_EV_TYPE_MAX; t++) {
		h.type = (uint16_t)t;
		kind = vg_field_kind_of_record(&h);
		if (kind >= 0 && (k & VG_KB(kind)))
			types[t / 64] |= 1ULL << (t % 64);
	}
}

int vg_policy_storm_spec(const struct vg_policy *p, struct vg_storm_spec *out)
{
	bool any_path = false;
	size_t i;
	int err = 0;

	kinds_to_types(vg_policy_storm_kinds(p), out->types);
	out->on = false;
	for (i = 0; i < p->active.n && !err; i++) {
		const struct vg_rule *r = p->active.v[i];
		vg_kinds_t kept = vg_rule_storm_kept(r);
		bool pathless = false;

		if ((r->kinds & K(OPEN)) && !(kept & K(OPEN)))
			out->on = true;
		/* Opens and other file events share the never-trie, each with its own bit. */
		if (kept & (K(OPEN) | FILE_RECORD_KINDS))
			err = keep_out(out, r, ((kept & K(OPEN)) ? VG_STORM_NEVER_OPEN : 0) |
				       ((kept & FILE_RECORD_KINDS) ? VG_STORM_NEVER_REC : 0),
				       &pathless);
		if (pathless && (kept & K(OPEN)))
			any_path = true;
	}
	if (any_path)
		out->on = false;
	return err;
}
