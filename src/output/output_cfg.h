/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One output's settings, from `--output TYPE:TARGET[,KEY=VALUE...]` or a
 * mapping under `outputs:` in vigil.yaml; both go through
 * vg_output_cfg_set(), so a key means the same in either place.
 */
#ifndef VIGIL_OUTPUT_CFG_H
#define VIGIL_OUTPUT_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VG_OUT_MAX 16
#define VG_OUT_MAX_NAMES 16
#define VG_OUT_MAX_HEADERS 8

enum vg_out_type { VG_OUT_FILE, VG_OUT_SYSLOG, VG_OUT_OTLP, VG_OUT_WEBHOOK, VG_OUT_TYPES };
enum vg_out_format { VG_FMT_JSON, VG_FMT_FALCO };

struct vg_output_cfg {
	enum vg_out_type type;
	char name[48];			/* metrics label; default: the type, then type-N */
	char target[512];		/* path, URL, udp://, tcp:// or a unix socket path */
	enum vg_out_format format;
	/* filter */
	int min_severity;		/* 0 (info) .. 4 (critical) */
	char rules[VG_OUT_MAX_NAMES][64];
	size_t n_rules;
	char tags[VG_OUT_MAX_NAMES][64];
	size_t n_tags;
	bool events;			/* every event too, not only alerts */
	/* queue and delivery */
	uint32_t queue;			/* items */
	uint32_t batch;			/* items per send */
	uint32_t flush_ms;		/* longest wait to fill a batch */
	uint32_t backoff_min_ms, backoff_max_ms;
	uint32_t retry_max_s;		/* 0: retry until delivered */
	/* file */
	uint64_t max_bytes;		/* rotate past this; 0: never */
	uint32_t keep;			/* rotated files kept */
	bool fsync;			/* fsync after every batch */
	/* http */
	uint32_t timeout_ms;
	bool gzip;
	char token_file[256];
	char headers[VG_OUT_MAX_HEADERS][256];
	size_t n_headers;
	/* syslog */
	int facility;
	char ca_file[256];		/* tls://: CA certificates; empty: the system's */
};

const char *vg_out_type_name(enum vg_out_type t);
/* Defaults for @type. */
void vg_output_cfg_defaults(struct vg_output_cfg *c, enum vg_out_type type);
/* "TYPE:TARGET[,KEY=VALUE...]". 0, or -EINVAL with a reason in @why. */
int vg_output_cfg_parse(struct vg_output_cfg *c, const char *spec, char *why, size_t why_size);
/* One KEY=VALUE (keys use '-' or '_'). 0, or -EINVAL with a reason in @why. */
int vg_output_cfg_set(struct vg_output_cfg *c, const char *key, const char *val, char *why,
		      size_t why_size);
/* Checks what only the whole says (a target, a known scheme). */
int vg_output_cfg_check(const struct vg_output_cfg *c, char *why, size_t why_size);
/* Gives unnamed outputs distinct names: the type, then type-2, type-3, ... */
void vg_output_cfg_name_all(struct vg_output_cfg *c, size_t n);

#endif
