// SPDX-License-Identifier: GPL-2.0
/* Policy object: diagnostics, source positions, loading, compiling. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "lib/log.h"
#include "lib/file_read.h"
#include "lib/trusted_path.h"
#include "policy/policy.h"
#include "policy/policy_diag.h"
#include "policy/policy_expr.h"
#include "policy/policy_merge.h"
#include "policy/policy_model.h"
#include "policy/policy_sequence.h"
#include "policy/policy_threshold.h"
#include "policy/policy_yaml.h"

const struct vg_diag *vg_policy_diags(const struct vg_policy *p, size_t *n)
{
	struct vg_policy *mp = (struct vg_policy *)p;
	size_t i;

	free(mp->diags);
	mp->diags = calloc(p->diags_v.n + 2, sizeof(*mp->diags));
	if (!mp->diags) {
		*n = 0;
		return NULL;
	}
	for (i = 0; i < p->diags_v.n; i++)
		mp->diags[i] = *(struct vg_diag *)p->diags_v.v[i];
	*n = p->diags_v.n;
	if (p->n_diags_dropped && !mp->dropped_note) {
		char text[96];

		snprintf(text, sizeof(text), "... and %zu more diagnostics not shown",
			 p->n_diags_dropped);
		mp->dropped_note = vg_arena_strndup(&mp->arena, text, strlen(text));
	}
	if (mp->dropped_note)
		mp->diags[(*n)++] = (struct vg_diag){ .text = mp->dropped_note, .error = p->n_errors > 0 };
	return mp->diags;
}

size_t vg_policy_n_errors(const struct vg_policy *p)
{
	return p->n_errors;
}

size_t vg_policy_n_rules(const struct vg_policy *p)
{
	return p->active.n;
}

size_t vg_policy_n_sources(const struct vg_policy *p)
{
	return p->files.n;
}

const char *vg_policy_source(const struct vg_policy *p, size_t i, const char **text, size_t *len)
{
	const struct src_file *f = i < p->files.n ? p->files.v[i] : NULL;

	if (!f)
		return NULL;
	*text = f->text;
	*len = f->len;
	return f->name;
}

/* ---- public object ---- */

struct vg_policy *vg_policy_new(void)
{
	return calloc(1, sizeof(struct vg_policy));
}

void vg_policy_free(struct vg_policy *p)
{
	size_t i;

	if (!p)
		return;
	vg_index_free(p);
	for (i = 0; i < p->rules.n; i++) {
		vg_throttle_free(p->rules.v[i]);
		vg_threshold_free(p, p->rules.v[i]);
		vg_sequence_free(p, p->rules.v[i]);
	}
	for (i = 0; i < p->files.n; i++) {
		struct src_file *f = p->files.v[i];

		free(f->name);
		free(f->text);
		free(f);
	}
	vg_ptrvec_free(&p->files);
	for (i = 0; i < p->n_any_actor; i++)
		free(p->any_actor[i].rule);
	for (i = 0; i < p->n_deny_writes; i++)
		free(p->deny_writes[i]);
	vg_ptrvec_free(&p->diags_v);
	vg_ptrvec_free(&p->rules);
	vg_ptrvec_free(&p->active);
	vg_ptrvec_free(&p->matchers);
	vg_strmap_free(&p->lists);
	vg_strmap_free(&p->macros);
	vg_strmap_free(&p->rule_names);
	/* Node string sets are malloc'd; everything else lives in the arena. */
	for (i = 0; i < p->node_sets.n; i++)
		vg_strmap_free(p->node_sets.v[i]);
	vg_ptrvec_free(&p->node_sets);
	free(p->diags);
	vg_arena_free(&p->arena);
	free(p);
}

int vg_policy_add_string(struct vg_policy *p, const char *name, const char *text)
{
	return vg_policy_add_buffer(p, name, text, strlen(text));
}

int vg_policy_add_buffer(struct vg_policy *p, const char *name, const char *text, size_t len)
{
	struct src_file *f = calloc(1, sizeof(*f));
	int err = -ENOMEM;

	if (!f)
		return err;
	f->name = strdup(name);
	f->len = len;
	f->text = malloc(len + 1);
	if (f->text) {
		memcpy(f->text, text, len);
		f->text[len] = '\0';
	}
	if (!f->name || !f->text || vg_ptrvec_push(&p->files, f)) {
		free(f->name);
		free(f->text);
		free(f);
		return err;
	}
	return vg_yaml_load(p, f->name, f->text, f->len);
}

int vg_policy_watch_any_actor(struct vg_policy *p, const char *rule, uint32_t access)
{
	struct vg_any_actor_rule *a;

	if (p->n_any_actor == VG_POLICY_MAX_ANY_ACTOR)
		return -E2BIG;
	a = &p->any_actor[p->n_any_actor];
	a->rule = strdup(rule);
	if (!a->rule)
		return -ENOMEM;
	a->access = access;
	p->n_any_actor++;
	return 0;
}

int vg_policy_deny_writes_only(struct vg_policy *p, const char *rule)
{
	if (p->n_deny_writes == VG_POLICY_MAX_ANY_ACTOR)
		return -E2BIG;
	p->deny_writes[p->n_deny_writes] = strdup(rule);
	if (!p->deny_writes[p->n_deny_writes])
		return -ENOMEM;
	p->n_deny_writes++;
	return 0;
}

void vg_policy_require_root_owned(struct vg_policy *p)
{
	p->root_owned_only = true;
}

/* Refuses, with the reason, a path someone other than root could have written. */
static int check_trusted(struct vg_policy *p, const char *path)
{
	char why[PATH_MAX + 200];
	struct pos pos = { path, 0, 0 };
	int err;

	if (!p->root_owned_only)
		return 0;
	err = vg_trusted_path(path, why, sizeof(why));
	if (err)
		vg_diag_at(p, true, pos, "policy files must be root-owned and writable by root only",
			"refused: %s", why);
	return err;
}

static int add_file(struct vg_policy *p, const char *path)
{
	struct src_file *f;
	int err = check_trusted(p, path);

	if (err)
		return err == -ENOMEM ? err : 0;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	err = vg_file_read(path, VG_POLICY_MAX_FILE_BYTES, &f->text, &f->len);
	if (err) {
		struct pos pos = { path, 0, 0 };

		if (err == -EFBIG)
			vg_diag_at(p, true, pos, "split it into several files", "file is larger than %u MiB (limit)",
				VG_POLICY_MAX_FILE_BYTES >> 20);
		else
			vg_diag_at(p, true, pos, NULL, "cannot read: %s", strerror(-err));
		goto fail;
	}
	f->name = strdup(path);
	if (p->files.n == VG_POLICY_MAX_FILES) {
		struct pos pos = { path, 0, 0 };

		vg_diag_at(p, true, pos, "merge some of them", "more than %d policy files (limit)",
			VG_POLICY_MAX_FILES);
		err = -EFBIG;
		goto fail;
	}
	if (!f->name || vg_ptrvec_push(&p->files, f)) {
		err = -ENOMEM;
		goto fail;
	}
	return vg_yaml_load(p, f->name, f->text, f->len);
fail:
	free(f->text);
	free(f->name);
	free(f);
	return err;
}

bool vg_policy_file_name(const char *name)
{
	size_t n = strlen(name);

	if (name[0] == '.')
		return false;	/* editors' swap and temporary files */
	return (n > 5 && !strcmp(name + n - 5, ".yaml")) || (n > 4 && !strcmp(name + n - 4, ".yml"));
}

static int yaml_name(const struct dirent *d)
{
	return vg_policy_file_name(d->d_name);
}

int vg_policy_add_path(struct vg_policy *p, const char *path)
{
	struct dirent **ents = NULL;
	struct stat st;
	char full[4096];
	int n, i, err = 0;

	if (stat(path, &st)) {
		struct pos pos = { path, 0, 0 };

		err = -errno;
		vg_diag_at(p, true, pos, NULL, "cannot read: %s", strerror(errno));
		return err;
	}
	if (!S_ISDIR(st.st_mode))
		return add_file(p, path);
	if (check_trusted(p, path))
		return 0;	/* reported; its files would be refused one by one */
	n = scandir(path, &ents, yaml_name, alphasort);
	if (n < 0) {
		struct pos pos = { path, 0, 0 };

		err = -errno;
		vg_diag_at(p, true, pos, NULL, "cannot list directory: %s", strerror(errno));
		return err;
	}
	for (i = 0; i < n; i++) {
		if (!err) {
			snprintf(full, sizeof(full), "%s/%s", path, ents[i]->d_name);
			err = add_file(p, full);
		}
		free(ents[i]);
	}
	free(ents);
	return err;
}

/* ---- compiling the pieces of a rule other than its condition ---- */

/* "{field.name}" placeholders; "{{" and "}}" are literal braces. */
static int compile_template(struct vg_policy *p, struct vg_rule *r)
{
	const struct src_scalar *s = &r->out_src;
	struct tmpl_part parts[128];
	size_t n = 0, i = 0, lit = 0;
	char *text;
	int err = 0;

	text = vg_arena_alloc(&p->arena, s->len + 1);
	if (!text)
		return -ENOMEM;
	while (i <= s->len) {
		char c = i < s->len ? s->val[i] : '\0';
		bool flush = !c || c == '{' || (c == '}' && i + 1 < s->len && s->val[i + 1] == '}');

		if (flush && lit && n < 128) {
			parts[n].text = text;
			parts[n].len = lit;
			parts[n++].field = NULL;
			text += lit;
			lit = 0;
		}
		if (!c)
			break;
		if ((c == '{' || c == '}') && i + 1 < s->len && s->val[i + 1] == c) {
			text[lit++] = c;
			i += 2;
		} else if (c == '{') {
			const char *close = memchr(s->val + i, '}', s->len - i);
			const struct vg_field *f;
			size_t flen;

			if (!close) {
				vg_diag_at(p, true, vg_scalar_pos(s, i), "write '{{' for a literal brace",
					"unclosed '{' in output");
				return -EINVAL;
			}
			flen = close - (s->val + i + 1);
			f = vg_field_lookup(s->val + i + 1, flen);
			if (!f) {
				const char *sug = vg_field_suggest(s->val + i + 1, flen);
				char hint[160];

				snprintf(hint, sizeof(hint), "did you mean '%s'?", sug ? sug : "");
				vg_diag_at(p, true, vg_scalar_pos(s, i + 1),
					sug ? hint : "see 'vigil policy fields'",
					"unknown field '%.*s' in output", (int)flen, s->val + i + 1);
				err = -EINVAL;
			} else if (!vg_rule_field_usable(p, r, f, vg_scalar_pos(s, i + 1))) {
				err = -EINVAL;
			} else if (n < 128) {
				parts[n].text = NULL;
				parts[n].len = 0;
				parts[n++].field = f;
			}
			i += flen + 2;
		} else {
			text[lit++] = c;
			i++;
		}
	}
	if (n == 128) {
		vg_diag_at(p, true, vg_scalar_pos(s, 0), NULL, "output has more than 128 parts");
		return -EINVAL;
	}
	if (err)
		return err;
	r->out = vg_arena_alloc(&p->arena, (n ? n : 1) * sizeof(*r->out));
	if (!r->out)
		return -ENOMEM;
	memcpy(r->out, parts, n * sizeof(*parts));
	r->n_out = n;
	return 0;
}

int vg_rule_key_fields_compile(struct vg_policy *p, struct vg_rule *r, const struct src_scalar *src,
			       size_t n, const struct vg_field **out, const char *what)
{
	size_t i;
	int err = 0;

	for (i = 0; i < n; i++) {
		const struct src_scalar *s = &src[i];
		const struct vg_field *f = vg_field_lookup(s->val, s->len);

		if (!f) {
			const char *sug = vg_field_suggest(s->val, s->len);
			char hint[160];

			snprintf(hint, sizeof(hint), "did you mean '%s'?", sug ? sug : "");
			vg_diag_at(p, true, vg_scalar_pos(s, 0), sug ? hint : "see 'vigil policy fields'",
				"unknown field '%s' in %s", s->val, what);
			err = -EINVAL;
			continue;
		}
		if (!vg_rule_field_usable(p, r, f, vg_scalar_pos(s, 0)))
			err = -EINVAL;
		out[i] = f;
	}
	return err;
}

static int compile_throttle_keys(struct vg_policy *p, struct vg_rule *r)
{
	int err = vg_rule_key_fields_compile(p, r, r->thr_key_src, r->n_thr_keys, r->thr_keys,
					     "throttle key");
	int err2 = vg_rule_key_fields_compile(p, r, r->thd_key_src, r->n_thd_keys, r->thd_keys,
					      "threshold key");

	if (!err2 && r->has_thd_distinct)
		err2 = vg_rule_key_fields_compile(p, r, &r->thd_distinct_src, 1, &r->thd_distinct,
						  "threshold distinct");
	return err ? err : err2;
}

static const vg_kinds_t deniable = VG_KB(VG_K_EXEC) | VG_KB(VG_K_OPEN) | VG_KB(VG_K_CONNECT) |
				   VG_KB(VG_K_UDP_FLOW);

int vg_policy_compile(struct vg_policy *p)
{
	size_t i;
	int err;

	if (p->compiled)
		return -EALREADY;
	p->compiled = true;
	for (i = 0; i < p->rules.n; i++) {
		struct vg_rule *r = p->rules.v[i];
		size_t before = p->n_errors;
		char kinds[256];

		p->cur_rule = r;
		if (!r->kinds) {
			if (!p->n_errors)	/* its event error is reported; never drop one silently */
				vg_diag_at(p, true, r->pos, NULL, "rule '%s' has no event", r->name);
			continue;
		}
		if (r->n_steps && r->excs)
			vg_diag_at(p, true, r->excs->pos, "put the exception in the condition of the step it is about",
				   "rule '%s': exceptions do not apply to a sequence rule", r->name);
		if (r->n_steps && vg_sequence_compile(p, r) == -ENOMEM)
			return -ENOMEM;
		if ((r->has_cond || r->excs) && !r->n_steps)
			r->cond = vg_expr_compile(p, r, vg_merge_rule_ast(p, r));
		else {
			r->cond = vg_arena_alloc(&p->arena, sizeof(*r->cond));
			if (r->cond) {
				r->cond->kind = N_CONST;
				r->cond->value = true;
			}
		}
		if (r->has_out && compile_template(p, r) == -ENOMEM)
			return -ENOMEM;
		if (compile_throttle_keys(p, r) == -ENOMEM)
			return -ENOMEM;
		if (r->action == VG_ACT_DENY && (r->kinds & ~deniable)) {
			char hint[300];

			vg_field_kinds_format(deniable, kinds, sizeof(kinds));
			snprintf(hint, sizeof(hint), "deny works for: %s", kinds);
			vg_diag_at(p, true, r->act_pos, hint, "rule '%s': action 'deny' is not possible for event '%s'",
				r->name, vg_field_kind_name(__builtin_ctzll(r->kinds & ~deniable)));
		}
		if (r->action == VG_ACT_KILL && (r->kinds & VG_KB(VG_K_EXIT)))
			vg_diag_at(p, true, r->act_pos, "the process is already gone",
				"rule '%s': action 'kill' is not possible for event 'exit'", r->name);
		/* A rule is kept or the policy fails: no rule is ever left out quietly. */
		if (!r->cond && p->n_errors == before)
			vg_diag_at(p, true, r->pos, "the host is short of memory",
				"rule '%s' could not be compiled: out of memory", r->name);
		if (p->over_policy_limit)
			break;
		if (p->n_errors == before && r->cond && r->enabled) {
			r->index = p->active.n;
			if (vg_ptrvec_push(&p->active, r))
				return -ENOMEM;
		}
	}
	p->cur_rule = NULL;
	if (p->n_errors)
		return -EINVAL;
	err = vg_sequence_matchers(p);
	if (!err)
		err = vg_index_build(p);
	if (!err)
		err = vg_prefilter_build(p);
	if (!err)
		err = vg_merge_check_actions(p);
	return err;
}
