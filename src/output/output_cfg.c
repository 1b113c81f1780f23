// SPDX-License-Identifier: GPL-2.0
/* Output settings: one key table for flags and vigil.yaml alike. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/parse_num.h"
#include "output/output_cfg.h"

static const char *const type_names[VG_OUT_TYPES] = { "file", "syslog", "otlp", "webhook" };
static const char *const severities[] = { "info", "low", "medium", "high", "critical" };
static const char *const facilities[] = {
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron",
	"authpriv", "ftp", "ntp", "audit", "alert", "clock", "local0", "local1", "local2",
	"local3", "local4", "local5", "local6", "local7",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))
/* An output's name is a metrics label and a JSON key: plain characters only. */
#define NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"

const char *vg_out_type_name(enum vg_out_type t)
{
	return (unsigned)t < VG_OUT_TYPES ? type_names[t] : "?";
}

void vg_output_cfg_defaults(struct vg_output_cfg *c, enum vg_out_type type)
{
	memset(c, 0, sizeof(*c));
	c->type = type;
	c->queue = 4096;
	c->batch = type == VG_OUT_OTLP || type == VG_OUT_WEBHOOK ? 256 : 64;
	c->flush_ms = type == VG_OUT_OTLP || type == VG_OUT_WEBHOOK ? 200 : 0;
	c->backoff_min_ms = 100;
	c->backoff_max_ms = 5000;
	c->max_bytes = type == VG_OUT_FILE ? 100ull << 20 : 0;
	c->keep = 5;
	c->timeout_ms = 10000;
	c->gzip = type == VG_OUT_OTLP;
	c->facility = 10;	/* authpriv: security messages */
}

static int word_index(const char *const *words, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(words[i], w))
			return (int)i;
	return -ENOENT;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1") || !strcmp(v, "on"))
		*out = true;
	else if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "0") || !strcmp(v, "off"))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

/* "a|b|c" (flags) into @out; YAML lists arrive one value at a time. */
static int add_names(char (*out)[64], size_t *n, const char *v)
{
	const char *p = v;

	while (*p) {
		size_t len = strcspn(p, "|");

		if (!len || len >= 64 || *n == VG_OUT_MAX_NAMES)
			return -EINVAL;
		memcpy(out[*n], p, len);
		out[(*n)++][len] = '\0';
		p += len + (p[len] == '|');
	}
	return 0;
}

static int copy_str(char *dst, size_t size, const char *v)
{
	if (strlen(v) >= size)
		return -EINVAL;
	strcpy(dst, v);
	return 0;
}

static int set_u32_min(uint32_t *dst, const char *v, uint32_t min)
{
	uint32_t u;

	if (vg_parse_u32(v, &u) || u < min)
		return -EINVAL;
	*dst = u;
	return 0;
}

static int set_misc(struct vg_output_cfg *c, const char *k, const char *v)
{
	uint64_t u64;

	if (!strcmp(k, "min-severity")) {
		c->min_severity = word_index(severities, N(severities), v);
		return c->min_severity < 0 ? -EINVAL : 0;
	}
	if (!strcmp(k, "format")) {
		if (strcmp(v, "json") && strcmp(v, "falco"))
			return -EINVAL;
		c->format = strcmp(v, "json") ? VG_FMT_FALCO : VG_FMT_JSON;
		return 0;
	}
	if (!strcmp(k, "facility")) {
		c->facility = word_index(facilities, N(facilities), v);
		return c->facility < 0 ? -EINVAL : 0;
	}
	if (!strcmp(k, "max-size")) {
		if (vg_parse_size(v, &u64))
			return -EINVAL;
		c->max_bytes = u64;
		return 0;
	}
	if (!strcmp(k, "header")) {
		if (c->n_headers == VG_OUT_MAX_HEADERS || !strchr(v, ':') || strpbrk(v, "\r\n"))
			return -EINVAL;
		return copy_str(c->headers[c->n_headers++], sizeof(c->headers[0]), v);
	}
	return -ENOENT;
}

int vg_output_cfg_set(struct vg_output_cfg *c, const char *key, const char *val, char *why,
		      size_t why_size)
{
	char k[32];
	size_t i;
	int err;

	if (strlen(key) >= sizeof(k)) {
		snprintf(why, why_size, "unknown output key '%.40s'", key);
		return -EINVAL;
	}
	for (i = 0; key[i]; i++)
		k[i] = key[i] == '_' ? '-' : key[i];
	k[i] = '\0';
	if (!strcmp(k, "name")) err = val[strspn(val, NAME_CHARS)] || !*val ? -EINVAL :
				      copy_str(c->name, sizeof(c->name), val);
	else if (!strcmp(k, "path") || !strcmp(k, "url") || !strcmp(k, "address") ||
		 !strcmp(k, "target")) err = copy_str(c->target, sizeof(c->target), val);
	else if (!strcmp(k, "rules")) err = add_names(c->rules, &c->n_rules, val);
	else if (!strcmp(k, "tags")) err = add_names(c->tags, &c->n_tags, val);
	else if (!strcmp(k, "events")) err = parse_bool(val, &c->events);
	else if (!strcmp(k, "queue")) err = set_u32_min(&c->queue, val, 1);
	else if (!strcmp(k, "batch")) err = set_u32_min(&c->batch, val, 1);
	else if (!strcmp(k, "flush-ms")) err = set_u32_min(&c->flush_ms, val, 0);
	else if (!strcmp(k, "backoff-min-ms")) err = set_u32_min(&c->backoff_min_ms, val, 1);
	else if (!strcmp(k, "backoff-max-ms")) err = set_u32_min(&c->backoff_max_ms, val, 1);
	else if (!strcmp(k, "retry-max-s")) err = set_u32_min(&c->retry_max_s, val, 0);
	else if (!strcmp(k, "keep")) err = set_u32_min(&c->keep, val, 0);
	else if (!strcmp(k, "fsync")) err = parse_bool(val, &c->fsync);
	else if (!strcmp(k, "timeout-ms")) err = set_u32_min(&c->timeout_ms, val, 1);
	else if (!strcmp(k, "gzip")) err = parse_bool(val, &c->gzip);
	else if (!strcmp(k, "token-file")) err = copy_str(c->token_file, sizeof(c->token_file), val);
	else if (!strcmp(k, "ca-file")) err = copy_str(c->ca_file, sizeof(c->ca_file), val);
	else err = set_misc(c, k, val);
	if (err == -ENOENT)
		snprintf(why, why_size, "unknown output key '%s'", key);
	else if (err)
		snprintf(why, why_size, "bad value '%.200s' for output key '%s'", val, key);
	return err ? -EINVAL : 0;
}

int vg_output_cfg_check(const struct vg_output_cfg *c, char *why, size_t why_size)
{
	const char *t = c->target;

	if (!t[0]) {
		snprintf(why, why_size, "%s output: no target (path or URL)", vg_out_type_name(c->type));
		return -EINVAL;
	}
	if ((c->type == VG_OUT_OTLP || c->type == VG_OUT_WEBHOOK) &&
	    strncmp(t, "http://", 7) && strncmp(t, "https://", 8)) {
		snprintf(why, why_size, "%s output: '%s' is not an http:// or https:// URL",
			 vg_out_type_name(c->type), t);
		return -EINVAL;
	}
	if (c->type == VG_OUT_SYSLOG && t[0] != '/' && strncmp(t, "udp://", 6) &&
	    strncmp(t, "tcp://", 6) && strncmp(t, "tls://", 6)) {
		snprintf(why, why_size, "syslog output: '%s' is not udp://HOST:PORT, tcp://HOST:PORT, "
			 "tls://HOST:PORT or a socket path like /dev/log", t);
		return -EINVAL;
	}
	if (c->type == VG_OUT_FILE && t[0] != '/') {
		snprintf(why, why_size, "file output: '%s' is not an absolute path", t);
		return -EINVAL;
	}
	if (c->backoff_min_ms > c->backoff_max_ms) {
		snprintf(why, why_size, "%s output: backoff-min-ms is above backoff-max-ms",
			 vg_out_type_name(c->type));
		return -EINVAL;
	}
	return 0;
}

int vg_output_cfg_parse(struct vg_output_cfg *c, const char *spec, char *why, size_t why_size)
{
	char buf[1024], *colon, *opt, *save = NULL;
	int type;

	if (strlen(spec) >= sizeof(buf)) {
		snprintf(why, why_size, "output spec too long");
		return -EINVAL;
	}
	strcpy(buf, spec);
	colon = strchr(buf, ':');
	if (!colon) {
		snprintf(why, why_size, "'%s': expected TYPE:TARGET (file, syslog, otlp, webhook)", spec);
		return -EINVAL;
	}
	*colon = '\0';
	type = word_index(type_names, VG_OUT_TYPES, buf);
	if (type < 0) {
		snprintf(why, why_size, "unknown output type '%s' (file, syslog, otlp, webhook)", buf);
		return -EINVAL;
	}
	vg_output_cfg_defaults(c, type);
	/* The target runs to the first ",key=" (URLs may hold commas, not "=" before them). */
	opt = strtok_r(colon + 1, ",", &save);
	if (!opt || copy_str(c->target, sizeof(c->target), opt)) {
		snprintf(why, why_size, "'%s': no target", spec);
		return -EINVAL;
	}
	while ((opt = strtok_r(NULL, ",", &save))) {
		char *eq = strchr(opt, '=');

		if (!eq) {
			snprintf(why, why_size, "'%s': expected KEY=VALUE", opt);
			return -EINVAL;
		}
		*eq = '\0';
		if (vg_output_cfg_set(c, opt, eq + 1, why, why_size))
			return -EINVAL;
	}
	return vg_output_cfg_check(c, why, why_size);
}

void vg_output_cfg_name_all(struct vg_output_cfg *c, size_t n)
{
	size_t i, j, same;

	for (i = 0; i < n; i++) {
		if (c[i].name[0])
			continue;
		for (same = 0, j = 0; j < i; j++)
			same += c[j].type == c[i].type;
		if (same)
			snprintf(c[i].name, sizeof(c[i].name), "%s-%zu", vg_out_type_name(c[i].type),
				 same + 1);
		else
			snprintf(c[i].name, sizeof(c[i].name), "%s", vg_out_type_name(c[i].type));
	}
}
