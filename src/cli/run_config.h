/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `vigil run`'s outputs and its optional config file: --output, --config
 * (default /etc/vigil/vigil.yaml when it exists), --bpf-stats, as an argp
 * child of cmd_run.c. docs/outputs.md.
 */
#ifndef VIGIL_RUN_CONFIG_H
#define VIGIL_RUN_CONFIG_H

#include <argp.h>
#include <stdbool.h>
#include "output/output_cfg.h"

#define VG_DEFAULT_CONFIG "/etc/vigil/vigil.yaml"
#define VG_CONFIG_MAX_POLICY 32

struct vg_run_config {
	struct vg_output_cfg outputs[VG_OUT_MAX];	/* the file's first, then the flags' */
	size_t n_outputs;
	struct vg_output_cfg flag_outputs[VG_OUT_MAX];
	size_t n_flag_outputs;
	const char *config;		/* --config; NULL: the default, if present */
	bool bpf_stats;			/* --bpf-stats or bpf_stats: true */
	/* from the file, for what no flag set */
	char metrics[128];
	char socket[108];		/* sun_path's size */
	char policy[VG_CONFIG_MAX_POLICY][256];
	size_t n_policy;
	int json, events;		/* -1: not in the file */
	bool no_default_policy;		/* no_default_policy: true */
	uint64_t ringbuf_bytes;		/* --ringbuf-size; 0: the run default */
	int wakeup_batch_ms;		/* --wakeup-batch, as vg_agent_opts */
	bool no_syscall_hub;		/* --no-syscall-hub */
};

/* --wakeup-batch MS (0 to 1000) as vg_agent_opts.wakeup_batch_ms: 0 becomes -1, every record. */
int vg_parse_wakeup_batch(const char *s, int *out);

extern const struct argp vg_run_config_argp;

/* Reads the config file (if any) and merges the outputs. <0 after one file:line:col line. */
int vg_run_config_load(struct vg_run_config *c);

#endif
