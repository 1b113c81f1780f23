// SPDX-License-Identifier: GPL-2.0
/*
 * vigil sandbox --profile FILE [--log] -- CMD: applies a seccomp profile
 * (OCI / Docker JSON, as `vigil advise seccomp` writes it) with libseccomp
 * and execs the command under it.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli/commands.h"
#include "lib/log.h"
#include "seccomp/profile_json.h"
#include "seccomp/sandbox.h"

struct sandbox_args {
	const char *profile;
	bool log_only;
	char **cmd;
};

static const char doc[] =
	"Run a command under a seccomp profile. The filter is loaded with\n"
	"libseccomp (no_new_privs set), then the command is exec'd: it and\n"
	"everything it starts run under the profile, which must allow execve.\v"
	"With --log, a syscall the profile would refuse is allowed and logged by\n"
	"the kernel (SCMP_ACT_LOG: the audit log or dmesg): try a profile before\n"
	"it bites.\n\n"
	"EXAMPLES:\n"
	"  vigil advise seccomp -o tar.json -- tar cf /tmp/x.tar /etc/hostname\n"
	"  vigil sandbox --profile tar.json -- tar cf /tmp/y.tar /etc/hostname\n"
	"  vigil sandbox --profile app.json --log -- /usr/bin/app\n";

static const struct argp_option options[] = {
	{ "profile", 'p', "FILE", 0, "the seccomp profile (OCI / Docker JSON)", 0 },
	{ "log", 'l', NULL, 0, "log what the profile would refuse instead of refusing it", 0 },
	{ "verbose", 'v', NULL, 0, "debug output", 0 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct sandbox_args *a = state->input;

	switch (key) {
	case 'p':
		a->profile = arg;
		return 0;
	case 'l':
		a->log_only = true;
		return 0;
	case ARGP_KEY_END:
		if (!a->profile || !a->cmd)
			argp_error(state, "usage: vigil sandbox --profile FILE [--log] -- CMD [ARGS...]");
		return 0;
	default:
		return vg_cmd_other_key(key, arg, state);
	}
}

int vg_cmd_sandbox(int argc, char **argv)
{
	struct argp argp = { options, parse_opt, "-- CMD [ARGS...]", doc, NULL, NULL, NULL };
	struct sandbox_args a = { 0 };
	struct vg_sc_profile p;
	char err[512];
	size_t skipped;
	int i, n = argc, rc;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			a.cmd = i + 1 < argc ? &argv[i + 1] : NULL;
			argv[i] = NULL;
			n = i;
			break;
		}
	if (argp_parse(&argp, n, argv, 0, NULL, &a))
		return 2;
	if (vg_sc_profile_read(a.profile, &p, err, sizeof(err))) {
		vg_err("%s", err);
		return 2;
	}
	rc = vg_sc_sandbox_apply(&p, a.log_only, &skipped, err, sizeof(err));
	vg_sc_profile_free(&p);
	if (rc) {
		vg_err("%s: %s", a.profile, err);
		return 1;
	}
	if (skipped)
		vg_warn("%s: %zu syscall names unknown to libseccomp were skipped", a.profile, skipped);
	execvp(a.cmd[0], a.cmd);
	/* The profile may refuse the exec itself, or the command may not exist. */
	fprintf(stderr, "vigil: error: cannot run %s under %s: %s\n", a.cmd[0], a.profile,
		strerror(errno));
	return 127;
}
