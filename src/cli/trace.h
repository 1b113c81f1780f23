/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `vigil trace SENSOR`: one front-end (cmd_trace.c) runs every trace
 * command; each sensor describes only what differs (trace_*.c): its own
 * options and how they fill its config, the records it prints, and any
 * extra step. The options every trace command shares (--json, --pid,
 * --uid, --comm, --cgroup, --ringbuf-size, --wakeup-batch, --verbose) are the front-end's.
 */
#ifndef VIGIL_CLI_TRACE_H
#define VIGIL_CLI_TRACE_H

#include <argp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "agent/agent.h"
#include "sensors/sensor.h"
#include "sensors/task_filter.h"

struct vg_trace_common {
	struct vg_task_filter *filter;	/* where --pid/--uid/--comm/--cgroup go */
	bool json;
	uint64_t ringbuf_bytes;		/* 0: default */
	int wakeup_batch_ms;		/* as vg_agent_opts: 0 default, <0 every record */
	const char *capture;		/* --capture FILE: records framed, not printed */
};

struct vg_trace_cmd {
	const char *name;		/* "exec": the command `vigil trace exec` */
	const struct vg_sensor_desc *sensor;
	/* The process sensor runs too, unfiltered and unprinted: process context. */
	bool process_context;
	uint16_t first_type, last_type;	/* the record types it prints */
	const char *doc;		/* argp doc: summary, '\v', EXAMPLES */
	const struct argp_option *options;	/* the sensor's own; keys >= 1000 */
	size_t args_size;		/* its parsed arguments, zeroed before parsing */
	size_t cfg_offset;		/* where in them the sensor's config is */
	size_t filter_offset;		/* ... and the task filter it holds */
	/* Defaults before parsing; may be NULL. */
	void (*init)(void *args);
	/* One of its options; ARGP_ERR_UNKNOWN for any other key. */
	error_t (*parse)(int key, char *arg, struct argp_state *state, void *args);
	/* A job that replaces tracing (--list-hooks): true with *@code set; may be NULL. */
	bool (*instead)(void *args, const struct vg_trace_common *c, int *code);
	/* Once its sensor is loaded and attached, before events flow; may be NULL. */
	int (*ready)(struct vg_agent *a, struct vg_sensor *s, void *args);
};

/*
 * The sensor's parsed arguments as one struct @type, with its config at
 * member @cfg and its task filter at member @filter.
 */
#define VG_TRACE_ARGS(type, cfg, filter)				\
	.args_size = sizeof(type),					\
	.cfg_offset = offsetof(type, cfg),				\
	.filter_offset = offsetof(type, filter)

extern const struct vg_trace_cmd vg_trace_exec;
extern const struct vg_trace_cmd vg_trace_priv;
extern const struct vg_trace_cmd vg_trace_file;
extern const struct vg_trace_cmd vg_trace_net;
extern const struct vg_trace_cmd vg_trace_seccomp;

#endif
