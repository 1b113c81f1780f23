// SPDX-License-Identifier: GPL-2.0
/* vigil: eBPF runtime security and observability agent. Dispatches sub-commands. */
#include <stdio.h>
#include <string.h>
#include "cli/commands.h"
#include "lib/version.h"

static const struct vg_command commands[] = {
	{ "run", "run the agent: every sensor, the policy, actions and exporters", vg_cmd_run },
	{ "status", "the running agent: sensors, policy, rates, drops, alerts, CPU, RSS",
	  vg_cmd_status },
	{ "reload", "make the running agent reload its policy", vg_cmd_reload },
	{ "trace exec", "live exec, fork and exit events", vg_cmd_trace },
	{ "trace priv", "live privilege, ptrace, module, eBPF, signal, namespace and io_uring events",
	  vg_cmd_trace },
	{ "bpf", "list every eBPF program, map and link on the host", vg_cmd_bpf },
	{ "trace file", "opens and changes of watched files, with kernel paths", vg_cmd_trace },
	{ "trace net", "TCP connections, UDP flows, DNS, shells on sockets; deny", vg_cmd_trace },
	{ "trace seccomp", "syscalls killed or refused by seccomp filters", vg_cmd_trace },
	{ "trace read", "print a capture (trace ... --capture FILE) as the trace would have",
	  vg_cmd_trace_read },
	{ "floor", "attach empty programs on a sensor's hooks (benchmark floor)", vg_cmd_floor },
	{ "advise seccomp", "record what a workload calls; write a seccomp profile that allows it",
	  vg_cmd_advise_seccomp },
	{ "sandbox", "run a command under a seccomp profile", vg_cmd_sandbox },
	{ "probe", "what this kernel lets vigil do, and which hook each sensor uses", vg_cmd_probe },
	{ "policy check", "validate policy files (no root)", vg_cmd_policy_check },
	{ "policy test", "replay recorded JSON events through a policy (no root)", vg_cmd_policy_test },
	{ "policy explain", "what each sensor filters in the kernel for a policy", vg_cmd_policy_explain },
	{ "policy fields", "fields a policy can use", vg_cmd_policy_fields },
	{ "policy keygen", "make an Ed25519 key pair for signing policy bundles", vg_cmd_policy_keygen },
	{ "policy sign", "sign a directory of policy files as a bundle", vg_cmd_policy_sign },
	{ "policy verify", "verify a signed policy bundle as the agent would", vg_cmd_policy_verify },
	{ "policy show", "the policy the running agent uses", vg_cmd_policy_show },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: vigil COMMAND [OPTIONS]   (vigil COMMAND --help for details)\n"
		   "       vigil --version\n\ncommands:\n");
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-16s %s\n", commands[i].name, commands[i].summary);
}

/* Number of words of @name that match argv[1..]; 0 if it does not match. */
static int match_words(const char *name, int argc, char **argv)
{
	char buf[64];
	char *save = NULL, *w;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", name);
	for (w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (1 + n >= argc || strcmp(argv[1 + n], w))
			return 0;
		n++;
	}
	return n;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("vigil %s\n", vg_version);
		return 0;
	}
	for (i = 0; i < N_COMMANDS; i++) {
		int words = match_words(commands[i].name, argc, argv);

		if (words)
			return commands[i].main(argc - words, argv + words);
	}
	fprintf(stderr, "vigil: error: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
