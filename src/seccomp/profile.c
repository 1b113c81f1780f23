// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "seccomp/profile.h"
#include "seccomp/sc_names.h"

/* Needed whatever the recording saw: vigil sandbox (and runc) exec the
 * target under the filter, and every process exits or takes a signal. */
static const char *const always_needed[] = {
	"execve", "exit", "exit_group", "rt_sigreturn", "restart_syscall",
};
/* The 32-bit ABIs return from a signal handler with this one too. */
static const char *const compat_needed[] = { "sigreturn" };

static size_t find(const struct vg_sc_names *s, const char *name, bool *found)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->v[mid], name);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

int vg_sc_names_add(struct vg_sc_names *s, const char *name)
{
	bool found;
	size_t at = find(s, name, &found);
	char *copy;

	if (found)
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		char **v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	copy = strdup(name);
	if (!copy)
		return -ENOMEM;
	memmove(s->v + at + 1, s->v + at, (s->n - at) * sizeof(*s->v));
	s->v[at] = copy;
	s->n++;
	return 0;
}

bool vg_sc_names_has(const struct vg_sc_names *s, const char *name)
{
	bool found;

	find(s, name, &found);
	return found;
}

void vg_sc_names_free(struct vg_sc_names *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

void vg_sc_profile_free(struct vg_sc_profile *p)
{
	size_t i;

	for (i = 0; i < p->n_rules; i++)
		vg_sc_names_free(&p->rules[i].names);
	free(p->rules);
	vg_sc_names_free(&p->arches);
	vg_sc_names_free(&p->unknown);
	memset(p, 0, sizeof(*p));
}

int vg_sc_profile_allowed(const struct vg_sc_profile *p, struct vg_sc_names *out)
{
	size_t r, i;
	int err = 0;

	for (r = 0; r < p->n_rules && !err; r++) {
		if (strcmp(p->rules[r].action, "SCMP_ACT_ALLOW"))
			continue;
		for (i = 0; i < p->rules[r].names.n && !err; i++)
			err = vg_sc_names_add(out, p->rules[r].names.v[i]);
	}
	return err;
}

static struct vg_sc_rule *add_rule(struct vg_sc_profile *p, bool added)
{
	struct vg_sc_rule *rules = realloc(p->rules, (p->n_rules + 1) * sizeof(*rules)), *r;

	if (!rules)
		return NULL;
	p->rules = rules;
	r = &rules[p->n_rules++];
	memset(r, 0, sizeof(*r));
	snprintf(r->action, sizeof(r->action), "SCMP_ACT_ALLOW");
	r->errno_ret = -1;
	r->added = added;
	return r;
}

/* The names of one ABI's bitmap into @allowed; numbers without a name into @unknown. */
static int add_recorded(struct vg_sc_profile *p, struct vg_sc_names *allowed,
			const struct vg_sc_bitmap *b, unsigned abi)
{
	uint32_t arch = vg_sc_abi_arch(abi);
	int nr, err = 0, any = 0;

	for (nr = 0; nr < VG_SC_MAX_NR && !err; nr++) {
		char *name, buf[64];

		if (!(b->words[nr / 64] & (1ULL << (nr % 64))))
			continue;
		any = 1;
		name = arch ? vg_sc_syscall_name(arch, nr) : NULL;
		if (name) {
			err = vg_sc_names_add(allowed, name);
			free(name);
			continue;
		}
		snprintf(buf, sizeof(buf), "%s:%d", arch ? vg_seccomp_arch_name(arch) : "unknown-abi", nr);
		err = vg_sc_names_add(&p->unknown, buf);
	}
	if (!err && any && arch && vg_seccomp_arch_name(arch))
		err = vg_sc_names_add(&p->arches, vg_seccomp_arch_name(arch));
	return err;
}

/* The always-needed names not already allowed, into the added group. */
static int add_needed(struct vg_sc_profile *p, const struct vg_sc_names *allowed,
		      struct vg_sc_names *added)
{
	uint32_t compat = vg_sc_abi_arch(VG_SC_ABI_COMPAT);
	bool has_compat = compat && vg_sc_names_has(&p->arches, vg_seccomp_arch_name(compat));
	size_t i;
	int err = 0;

	for (i = 0; i < sizeof(always_needed) / sizeof(always_needed[0]) && !err; i++)
		if (!vg_sc_names_has(allowed, always_needed[i]))
			err = vg_sc_names_add(added, always_needed[i]);
	for (i = 0; has_compat && i < sizeof(compat_needed) / sizeof(compat_needed[0]) && !err; i++)
		if (!vg_sc_names_has(allowed, compat_needed[i]))
			err = vg_sc_names_add(added, compat_needed[i]);
	return err;
}

static int take_base(struct vg_sc_profile *out, struct vg_sc_names *allowed,
		     const struct vg_sc_profile *base, char *err, size_t err_len)
{
	size_t r, i;
	int e = 0;

	snprintf(out->default_action, sizeof(out->default_action), "%s", base->default_action);
	out->default_errno = base->default_errno;
	for (i = 0; i < base->arches.n && !e; i++)
		e = vg_sc_names_add(&out->arches, base->arches.v[i]);
	for (r = 0; r < base->n_rules && !e; r++) {
		const struct vg_sc_rule *br = &base->rules[r];

		if (strcmp(br->action, "SCMP_ACT_ALLOW")) {
			snprintf(err, err_len, "--merge: the profile's group %zu has action %s; only "
				 "profiles that allow (as vigil writes them) can be widened", r + 1,
				 br->action);
			return -EINVAL;
		}
		/* The old added group is recomputed: what it holds may now be observed. */
		for (i = 0; i < br->names.n && !e; i++)
			if (!br->added)
				e = vg_sc_names_add(allowed, br->names.v[i]);
	}
	return e;
}

int vg_sc_profile_build(struct vg_sc_profile *out, const struct vg_sc_bitmap seen[VG_SC_ABIS],
			const struct vg_sc_profile *base, const char *default_action,
			char *err, size_t err_len)
{
	struct vg_sc_names allowed = { 0 }, added = { 0 };
	struct vg_sc_rule *r;
	unsigned abi;
	int e = 0;

	memset(out, 0, sizeof(*out));
	snprintf(out->default_action, sizeof(out->default_action), "SCMP_ACT_ERRNO");
	out->default_errno = 1;	/* EPERM */
	if (base)
		e = take_base(out, &allowed, base, err, err_len);
	if (!e && default_action) {
		snprintf(out->default_action, sizeof(out->default_action), "%s", default_action);
		out->default_errno = strcmp(default_action, "SCMP_ACT_ERRNO") ? -1 : 1;
	}
	for (abi = 0; abi < VG_SC_ABIS && !e; abi++)
		e = add_recorded(out, &allowed, &seen[abi], abi);
	if (!e && !out->arches.n)	/* nothing recorded and no base: the native ABI */
		e = vg_sc_names_add(&out->arches, vg_seccomp_arch_name(vg_sc_abi_arch(0)));
	if (!e)
		e = add_needed(out, &allowed, &added);
	if (!e && !(r = add_rule(out, false)))
		e = -ENOMEM;
	if (!e) {
		r->names = allowed;
		allowed = (struct vg_sc_names){ 0 };
	}
	if (!e && added.n) {
		if (!(r = add_rule(out, true)))
			e = -ENOMEM;
		else {
			r->names = added;
			added = (struct vg_sc_names){ 0 };
		}
	}
	vg_sc_names_free(&allowed);
	vg_sc_names_free(&added);
	if (e == -ENOMEM)
		snprintf(err, err_len, "out of memory");
	if (e)
		vg_sc_profile_free(out);
	return e;
}
