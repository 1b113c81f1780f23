// SPDX-License-Identifier: GPL-2.0
/*
 * The OCI / Docker seccomp JSON format, read and written with jansson.
 * Written: defaultAction (+ defaultErrnoRet), architectures, syscalls
 * [{names, action, comment}]. Read: the same, and errnoRet; a group with
 * argument conditions ("args") is refused rather than widened silently.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <jansson.h>
#include "seccomp/profile.h"
#include "seccomp/profile_json.h"

static int names_from(json_t *arr, struct vg_sc_names *out, const char *path, const char *what,
		      char *err, size_t err_len)
{
	size_t i;
	json_t *v;

	if (!json_is_array(arr) || json_array_size(arr) > VG_SC_MAX_NAMES) {
		snprintf(err, err_len, "%s: %s must be an array of at most %d strings", path, what,
			 VG_SC_MAX_NAMES);
		return -EINVAL;
	}
	json_array_foreach(arr, i, v) {
		const char *s = json_string_value(v);

		if (!s || !*s || strlen(s) > 64) {
			snprintf(err, err_len, "%s: %s[%zu] must be a name", path, what, i);
			return -EINVAL;
		}
		if (vg_sc_names_add(out, s))
			return -ENOMEM;
	}
	return 0;
}

static int action_from(json_t *v, char *out, const char *path, const char *what,
		       char *err, size_t err_len)
{
	const char *s = json_string_value(v);

	if (!s || strncmp(s, "SCMP_ACT_", 9) || strlen(s) >= VG_SC_ACTION_BYTES) {
		snprintf(err, err_len, "%s: %s must be an SCMP_ACT_* string", path, what);
		return -EINVAL;
	}
	snprintf(out, VG_SC_ACTION_BYTES, "%s", s);
	return 0;
}

static int errno_from(json_t *obj, const char *key, int *out)
{
	json_t *v = json_object_get(obj, key);

	*out = -1;
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 4095)
		return -EINVAL;
	*out = (int)json_integer_value(v);
	return 0;
}

static int rule_from(struct vg_sc_profile *p, json_t *g, size_t idx, const char *path,
		     char *err, size_t err_len)
{
	struct vg_sc_rule *r = &p->rules[idx];
	const char *comment = json_string_value(json_object_get(g, "comment"));
	json_t *args = json_object_get(g, "args");
	int e;

	memset(r, 0, sizeof(*r));
	p->n_rules = idx + 1;
	if (!json_is_object(g)) {
		snprintf(err, err_len, "%s: syscalls[%zu] must be an object", path, idx);
		return -EINVAL;
	}
	if (args && !(json_is_array(args) && json_array_size(args) == 0) && !json_is_null(args)) {
		snprintf(err, err_len, "%s: syscalls[%zu]: argument conditions (args) are not supported",
			 path, idx);
		return -EINVAL;
	}
	e = names_from(json_object_get(g, "names"), &r->names, path, "syscalls[].names", err,
		       err_len);
	if (!e)
		e = action_from(json_object_get(g, "action"), r->action, path, "syscalls[].action",
				err, err_len);
	if (!e && errno_from(g, "errnoRet", &r->errno_ret)) {
		snprintf(err, err_len, "%s: syscalls[%zu].errnoRet must be 0..4095", path, idx);
		e = -EINVAL;
	}
	r->added = comment && !strcmp(comment, VG_SC_ADDED_COMMENT);
	return e;
}

static int profile_from(json_t *root, struct vg_sc_profile *p, const char *path,
			char *err, size_t err_len)
{
	json_t *groups = json_object_get(root, "syscalls"), *arches, *g;
	size_t i;
	int e;

	if (!json_is_object(root)) {
		snprintf(err, err_len, "%s: a seccomp profile is a JSON object", path);
		return -EINVAL;
	}
	e = action_from(json_object_get(root, "defaultAction"), p->default_action, path,
			"defaultAction", err, err_len);
	if (!e && errno_from(root, "defaultErrnoRet", &p->default_errno)) {
		snprintf(err, err_len, "%s: defaultErrnoRet must be 0..4095", path);
		e = -EINVAL;
	}
	arches = json_object_get(root, "architectures");
	if (!e && arches)
		e = names_from(arches, &p->arches, path, "architectures", err, err_len);
	if (e || !groups)
		return e;
	if (!json_is_array(groups) || json_array_size(groups) > VG_SC_MAX_RULES) {
		snprintf(err, err_len, "%s: syscalls must be an array of at most %d groups", path,
			 VG_SC_MAX_RULES);
		return -EINVAL;
	}
	p->rules = calloc(json_array_size(groups) + 1, sizeof(*p->rules));
	if (!p->rules)
		return -ENOMEM;
	json_array_foreach(groups, i, g) {
		e = rule_from(p, g, i, path, err, err_len);
		if (e)
			return e;
	}
	return 0;
}

int vg_sc_profile_read(const char *path, struct vg_sc_profile *p, char *err, size_t err_len)
{
	json_error_t je;
	struct stat st;
	json_t *root;
	int e;

	memset(p, 0, sizeof(*p));
	if (stat(path, &st) < 0) {
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > VG_SC_MAX_FILE_BYTES) {
		snprintf(err, err_len, "%s: not a regular file of at most %u bytes", path,
			 VG_SC_MAX_FILE_BYTES);
		return -EINVAL;
	}
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(err, err_len, "%s:%d:%d: %s", path, je.line, je.column, je.text);
		return -EINVAL;
	}
	e = profile_from(root, p, path, err, err_len);
	json_decref(root);
	if (e == -ENOMEM)
		snprintf(err, err_len, "%s: out of memory", path);
	if (e)
		vg_sc_profile_free(p);
	return e;
}

static json_t *names_json(const struct vg_sc_names *s)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < s->n; i++)
		json_array_append_new(a, json_string(s->v[i]));
	return a;
}

char *vg_sc_profile_json(const struct vg_sc_profile *p)
{
	json_t *root = json_object(), *groups = json_array();
	char *out;
	size_t i;

	if (!root || !groups) {
		json_decref(root);
		json_decref(groups);
		return NULL;
	}
	json_object_set_new(root, "defaultAction", json_string(p->default_action));
	if (p->default_errno >= 0)
		json_object_set_new(root, "defaultErrnoRet", json_integer(p->default_errno));
	json_object_set_new(root, "architectures", names_json(&p->arches));
	for (i = 0; i < p->n_rules; i++) {
		const struct vg_sc_rule *r = &p->rules[i];
		json_t *g = json_object();

		if (!g)
			break;
		json_object_set_new(g, "names", names_json(&r->names));
		json_object_set_new(g, "action", json_string(r->action));
		if (r->errno_ret >= 0)
			json_object_set_new(g, "errnoRet", json_integer(r->errno_ret));
		if (r->added)
			json_object_set_new(g, "comment", json_string(VG_SC_ADDED_COMMENT));
		json_array_append_new(groups, g);
	}
	json_object_set_new(root, "syscalls", groups);
	out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return out;
}
