/* SPDX-License-Identifier: GPL-2.0 */
/* Sub-commands of the vigil binary; each lives in its own cmd_*.c. */
#ifndef VIGIL_COMMANDS_H
#define VIGIL_COMMANDS_H

#include <argp.h>
#include "lib/log.h"

struct vg_command {
	const char *name;	/* "trace exec", "probe", ... (words joined by spaces) */
	const char *summary;
	int (*main)(int argc, char **argv);	/* argv[0] is the command name */
};

int vg_cmd_run(int argc, char **argv);
int vg_cmd_trace(int argc, char **argv);	/* argv[0]: the sensor ("exec") */
int vg_cmd_trace_read(int argc, char **argv);
int vg_cmd_bpf(int argc, char **argv);
int vg_cmd_floor(int argc, char **argv);
int vg_cmd_probe(int argc, char **argv);
int vg_cmd_advise_seccomp(int argc, char **argv);
int vg_cmd_sandbox(int argc, char **argv);
int vg_cmd_policy_check(int argc, char **argv);
int vg_cmd_policy_test(int argc, char **argv);
int vg_cmd_policy_explain(int argc, char **argv);
int vg_cmd_policy_fields(int argc, char **argv);
int vg_cmd_policy_keygen(int argc, char **argv);
int vg_cmd_policy_sign(int argc, char **argv);
int vg_cmd_policy_verify(int argc, char **argv);
int vg_cmd_policy_show(int argc, char **argv);
int vg_cmd_status(int argc, char **argv);	/* cmd_ctl.c: ask the running agent */
int vg_cmd_reload(int argc, char **argv);

struct vg_policy;
/* cmd_policy.c, for policy show: compile (unless @err) and print merged; exit status. Frees @p. */
int vg_cmd_policy_show_compiled(struct vg_policy *p, int err);
/* The built-in default (unless @no_default) and @paths, merged and printed; exit status. */
int vg_cmd_policy_show_files(const char *const *paths, int n_paths, bool no_default);

/*
 * The default case of a command's argp parser: -v (--verbose) turns on
 * debug logs, libbpf's and the verifier's included; an operand where the
 * command takes none is a usage error; any other key is argp's.
 */
static inline error_t vg_cmd_other_key(int key, const char *arg, struct argp_state *state)
{
	if (key == 'v') {
		vg_log_verbosity = VG_LOG_DEBUG;
		return 0;
	}
	if (key != ARGP_KEY_ARG)
		return ARGP_ERR_UNKNOWN;
	argp_error(state, "unexpected argument '%s'", arg);
	return 0;
}

#endif
