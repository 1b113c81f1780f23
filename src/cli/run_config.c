// SPDX-License-Identifier: GPL-2.0
/*
 * vigil.yaml: the same settings as `vigil run`'s flags, for hosts managed
 * as files. Flags win over the file; outputs add up (the file's first).
 * The file must be owned by root (or the agent's user) and not writable by
 * others, like a policy. Every error is one file:line:col line.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>
#include "cli/run_config.h"
#include "lib/log.h"
#include "lib/parse_num.h"
#include "lib/trusted_path.h"

enum { OPT_OUTPUT = 1100, OPT_CONFIG, OPT_BPF_STATS, OPT_RINGBUF, OPT_WAKEUP, OPT_NO_HUB };

static const struct argp_option options[] = {
	{ "output", OPT_OUTPUT, "TYPE:TARGET[,KEY=VALUE...]", 0,
	  "send alerts to an output (repeatable): file:/PATH, syslog:udp://H:P, syslog:tcp://H:P, "
	  "syslog:tls://H:P, syslog:/dev/log, otlp:http://H:4318/v1/logs, webhook:URL; keys in "
	  "docs/outputs.md", 0 },
	{ "config", OPT_CONFIG, "FILE", 0,
	  "settings file (default " VG_DEFAULT_CONFIG " if it exists)", 0 },
	{ "bpf-stats", OPT_BPF_STATS, NULL, 0,
	  "have the kernel count each BPF program's run time while vigil runs (BPF_ENABLE_STATS; "
	  "off again when vigil exits)", 0 },
	{ "ringbuf-size", OPT_RINGBUF, "BYTES", 0,
	  "the ring buffer every sensor shares, a power of two (default 2M: the kernel filters "
	  "for the rules; raise it with --events or an output that takes every event)", 0 },
	{ "wakeup-batch", OPT_WAKEUP, "MS", 0,
	  "a busy ring buffer wakes vigil at most every MS ms; a record after a quiet spell "
	  "wakes it at once (default 4; 0: every record)", 0 },
	{ "no-syscall-hub", OPT_NO_HUB, NULL, 0,
	  "attach each sensor's own sys_enter/sys_exit programs instead of one hub program per "
	  "direction that tail-calls them (slower: for diagnosing the hub)", 0 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct vg_run_config *c = state->input;
	char why[256];

	switch (key) {
	case OPT_OUTPUT:
		if (c->n_flag_outputs == VG_OUT_MAX)
			argp_error(state, "too many --output (at most %d)", VG_OUT_MAX);
		if (vg_output_cfg_parse(&c->flag_outputs[c->n_flag_outputs], arg, why, sizeof(why)))
			argp_error(state, "--output: %s", why);
		c->n_flag_outputs++;
		return 0;
	case OPT_CONFIG:
		c->config = arg;
		return 0;
	case OPT_BPF_STATS:
		c->bpf_stats = true;
		return 0;
	case OPT_RINGBUF:
		if (vg_parse_ringbuf_size(arg, &c->ringbuf_bytes))
			argp_error(state, "--ringbuf-size: not a power of two from 4K to 1G: %s", arg);
		return 0;
	case OPT_WAKEUP:
		if (vg_parse_wakeup_batch(arg, &c->wakeup_batch_ms))
			argp_error(state, "--wakeup-batch: not 0 to 1000 ms: %s", arg);
		return 0;
	case OPT_NO_HUB:
		c->no_syscall_hub = true;
		return 0;
	case ARGP_KEY_INIT:
		c->json = c->events = -1;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

int vg_parse_wakeup_batch(const char *s, int *out)
{
	uint32_t ms;

	if (vg_parse_u32(s, &ms) || ms > 1000)
		return -EINVAL;
	*out = ms ? (int)ms : -1;
	return 0;
}

const struct argp vg_run_config_argp = { options, parse_opt, NULL, NULL, NULL, NULL, NULL };

/* ---- the file ---- */

struct cfg_file {
	const char *path;
	yaml_document_t doc;
	struct vg_run_config *c;
};

static int fail_at(struct cfg_file *f, yaml_node_t *n, const char *fmt, const char *a)
{
	char msg[320];

	snprintf(msg, sizeof(msg), fmt, a);
	vg_err("%s:%zu:%zu: %s", f->path, n ? n->start_mark.line + 1 : 1,
	       n ? n->start_mark.column + 1 : 1, msg);
	return -EINVAL;
}

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int bool_of(struct cfg_file *f, yaml_node_t *n, int *out)
{
	const char *s = scalar(n);

	if (s && (!strcmp(s, "true") || !strcmp(s, "yes")))
		*out = 1;
	else if (s && (!strcmp(s, "false") || !strcmp(s, "no")))
		*out = 0;
	else
		return fail_at(f, n, "expected true or false%s", "");
	return 0;
}

/* One output: a mapping whose keys are --output's (type: and a target key included). */
static int load_output(struct cfg_file *f, yaml_node_t *m)
{
	struct vg_run_config *c = f->c;
	struct vg_output_cfg *o = &c->outputs[c->n_outputs];
	yaml_node_pair_t *p;
	const char *type = NULL;
	char why[256];
	int t;

	if (m->type != YAML_MAPPING_NODE)
		return fail_at(f, m, "an output is a mapping (type: file, path: ...)%s", "");
	if (c->n_outputs == VG_OUT_MAX)
		return fail_at(f, m, "too many outputs%s", "");
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++)
		if (!strcmp(scalar(yaml_document_get_node(&f->doc, p->key)) ?: "", "type"))
			type = scalar(yaml_document_get_node(&f->doc, p->value));
	for (t = 0; type && t < VG_OUT_TYPES && strcmp(type, vg_out_type_name(t)); t++)
		;
	if (!type || t == VG_OUT_TYPES)
		return fail_at(f, m, "output needs type: file, syslog, otlp or webhook%s", "");
	vg_output_cfg_defaults(o, t);
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&f->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&f->doc, p->value);
		const char *ks = scalar(k);

		if (!ks || !strcmp(ks, "type"))
			continue;
		if (v->type == YAML_SEQUENCE_NODE) {
			yaml_node_item_t *i;

			for (i = v->data.sequence.items.start; i < v->data.sequence.items.top; i++) {
				yaml_node_t *e = yaml_document_get_node(&f->doc, *i);

				if (!scalar(e) || vg_output_cfg_set(o, ks, scalar(e), why, sizeof(why)))
					return fail_at(f, e, "%s", scalar(e) ? why : "expected a value");
			}
		} else if (!scalar(v) || vg_output_cfg_set(o, ks, scalar(v), why, sizeof(why))) {
			return fail_at(f, scalar(v) ? k : v, "%s", scalar(v) ? why : "expected a value");
		}
	}
	if (vg_output_cfg_check(o, why, sizeof(why)))
		return fail_at(f, m, "%s", why);
	c->n_outputs++;
	return 0;
}

static int load_list(struct cfg_file *f, yaml_node_t *v, bool outputs)
{
	struct vg_run_config *c = f->c;
	yaml_node_item_t *i;
	int err = 0;

	if (v->type != YAML_SEQUENCE_NODE)
		return fail_at(f, v, "expected a list%s", "");
	for (i = v->data.sequence.items.start; !err && i < v->data.sequence.items.top; i++) {
		yaml_node_t *e = yaml_document_get_node(&f->doc, *i);
		const char *s = scalar(e);

		if (outputs)
			err = load_output(f, e);
		else if (!s || strlen(s) >= sizeof(c->policy[0]) || c->n_policy == VG_CONFIG_MAX_POLICY)
			err = fail_at(f, e, "expected a policy path%s", "");
		else
			strcpy(c->policy[c->n_policy++], s);
	}
	return err;
}

static int load_key(struct cfg_file *f, yaml_node_t *k, yaml_node_t *v)
{
	struct vg_run_config *c = f->c;
	const char *ks = scalar(k), *vs = scalar(v);
	int b = 0, err;

	if (!ks)
		return fail_at(f, k, "expected a key%s", "");
	if (!strcmp(ks, "outputs"))
		return load_list(f, v, true);
	if (!strcmp(ks, "policy")) {
		if (!vs)
			return load_list(f, v, false);
		if (strlen(vs) >= sizeof(c->policy[0]) || c->n_policy == VG_CONFIG_MAX_POLICY)
			return fail_at(f, v, "expected a policy path%s", "");
		strcpy(c->policy[c->n_policy++], vs);
		return 0;
	}
	if (!strcmp(ks, "metrics")) {
		if (!vs || strlen(vs) >= sizeof(c->metrics))
			return fail_at(f, v, "expected ADDR (PORT, HOST:PORT)%s", "");
		strcpy(c->metrics, vs);
		return 0;
	}
	if (!strcmp(ks, "socket")) {
		if (!vs || !vs[0] || strlen(vs) >= sizeof(c->socket))
			return fail_at(f, v, "expected the control socket's path%s", "");
		strcpy(c->socket, vs);
		return 0;
	}
	if (strcmp(ks, "json") && strcmp(ks, "events") && strcmp(ks, "alerts_only") &&
	    strcmp(ks, "bpf_stats") && strcmp(ks, "no_default_policy"))
		return fail_at(f, k, "unknown key '%s' (outputs, policy, no_default_policy, metrics, "
			       "socket, json, events, bpf_stats)", ks);
	err = bool_of(f, v, &b);
	if (err)
		return err;
	if (!strcmp(ks, "json"))
		c->json = b;
	else if (!strcmp(ks, "events"))
		c->events = b;
	else if (!strcmp(ks, "alerts_only"))	/* the older spelling of events: false */
		c->events = !b;
	else if (!strcmp(ks, "no_default_policy"))
		c->no_default_policy = b;
	else
		c->bpf_stats |= b;
	return 0;
}

/* Trusted like a policy (lib/trusted_path.h): root's, and every directory above it. */
static int check_owner(const char *path)
{
	char why[PATH_MAX + 200];
	int err = vg_trusted_path(path, why, sizeof(why));

	if (err)
		vg_err("%s: refused: %s", path, why);
	return err;
}

static int load_file(struct vg_run_config *c, const char *path, FILE *fp)
{
	struct cfg_file f = { .path = path, .c = c };
	yaml_parser_t parser;
	yaml_node_t *root;
	yaml_node_pair_t *p;
	int err = 0;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_file(&parser, fp);
	if (!yaml_parser_load(&parser, &f.doc)) {
		vg_err("%s:%zu:%zu: %s", path, parser.problem_mark.line + 1,
		       parser.problem_mark.column + 1, parser.problem ? parser.problem : "bad YAML");
		yaml_parser_delete(&parser);
		return -EINVAL;
	}
	root = yaml_document_get_root_node(&f.doc);
	if (root && root->type != YAML_MAPPING_NODE)
		err = fail_at(&f, root, "expected a mapping of settings%s", "");
	for (p = root && !err ? root->data.mapping.pairs.start : NULL;
	     p && !err && p < root->data.mapping.pairs.top; p++)
		err = load_key(&f, yaml_document_get_node(&f.doc, p->key),
			       yaml_document_get_node(&f.doc, p->value));
	yaml_document_delete(&f.doc);
	yaml_parser_delete(&parser);
	return err;
}

int vg_run_config_load(struct vg_run_config *c)
{
	const char *path = c->config ? c->config : VG_DEFAULT_CONFIG;
	FILE *fp = fopen(path, "re");
	int err = 0;
	size_t i;

	if (!fp && (c->config || errno != ENOENT)) {
		vg_err("%s: %s", path, strerror(errno));
		return -errno;
	}
	if (fp) {
		err = check_owner(path);
		if (!err)
			err = load_file(c, path, fp);
		fclose(fp);
	}
	for (i = 0; !err && i < c->n_flag_outputs; i++) {
		if (c->n_outputs == VG_OUT_MAX) {
			vg_err("too many outputs (at most %d)", VG_OUT_MAX);
			return -EINVAL;
		}
		c->outputs[c->n_outputs++] = c->flag_outputs[i];
	}
	vg_output_cfg_name_all(c->outputs, c->n_outputs);
	return err;
}
