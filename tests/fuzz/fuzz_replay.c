// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: `vigil policy test`, the offline replay. Any bytes as
 * recorded JSON lines, evaluated by the built-in default policy.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "lib/log.h"
#include "policy/policy.h"

extern const char vg_default_policy_yaml[];

static struct vg_policy *policy;
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	devnull = fopen("/dev/null", "w");
	policy = vg_policy_new();
	if (!devnull || !policy ||
	    vg_policy_add_string(policy, "builtin:default.yaml", vg_default_policy_yaml) ||
	    vg_policy_compile(policy)) {
		fprintf(stderr, "fuzz_replay: the default policy does not compile\n");
		abort();
	}
	vg_log_verbosity = -1;	/* bad lines are logged: keep the fuzzer quiet */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_replay_stats st = { 0 };
	FILE *in;

	if (!size)
		return 0;
	in = fmemopen((void *)data, size, "r");
	if (!in)
		return 0;
	vg_policy_replay(policy, in, "fuzz.jsonl", devnull, &st);
	fclose(in);
	return 0;
}
