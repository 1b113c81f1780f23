// SPDX-License-Identifier: GPL-2.0
/* vigil policy check | test | explain | fields: the policy engine, offline and without root. */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "agent/policy_source.h"
#include "cli/commands.h"
#include "lib/log.h"
#include "policy/policy.h"

#define MAX_POLICY_PATHS 256

struct policy_args {
	const char *paths[MAX_POLICY_PATHS];
	int n_paths;
	const char *events;		/* policy test: JSON lines, "-" for stdin */
	bool quiet;			/* no warnings */
	bool markdown;			/* policy fields */
	bool need_paths;
	bool no_default;		/* the files alone, not on the built-in default */
};

enum { OPT_EVENTS = 'e', OPT_QUIET = 'q', OPT_VERBOSE = 'v', OPT_MARKDOWN = 0x100, OPT_NO_DEFAULT };

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct policy_args *a = state->input;

	switch (key) {
	case OPT_EVENTS:
		a->events = arg;
		break;
	case OPT_QUIET:
		a->quiet = true;
		break;
	case OPT_VERBOSE:
		vg_log_verbosity = VG_LOG_DEBUG;
		break;
	case OPT_MARKDOWN:
		a->markdown = true;
		break;
	case OPT_NO_DEFAULT:
		a->no_default = true;
		break;
	case ARGP_KEY_ARG:
		if (a->n_paths == MAX_POLICY_PATHS)
			argp_error(state, "at most %d policy paths", MAX_POLICY_PATHS);
		a->paths[a->n_paths++] = arg;
		break;
	case ARGP_KEY_END:
		if (a->need_paths && a->no_default && !a->n_paths)
			argp_error(state, "with --no-default-policy, give at least one policy file or directory");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp_option common_opts[] = {
	{ "quiet", OPT_QUIET, NULL, 0, "Print errors only, not warnings", 0 },
	{ "verbose", OPT_VERBOSE, NULL, 0, "Debug logging", 0 },
	{ "no-default-policy", OPT_NO_DEFAULT, NULL, 0,
	  "The files alone, as vigil run --no-default-policy (default: on the built-in policy)", 0 },
	{ 0 },
};

static const struct argp_option test_opts[] = {
	{ "events", OPT_EVENTS, "FILE", 0,
	  "Recorded events, one JSON object per line (vigil trace ... --json); - for stdin", 0 },
	{ "quiet", OPT_QUIET, NULL, 0, "Print errors only, not warnings", 0 },
	{ "verbose", OPT_VERBOSE, NULL, 0, "Debug logging", 0 },
	{ "no-default-policy", OPT_NO_DEFAULT, NULL, 0,
	  "The files alone, as vigil run --no-default-policy (default: on the built-in policy)", 0 },
	{ 0 },
};

static const struct argp_option fields_opts[] = {
	{ "markdown", OPT_MARKDOWN, NULL, 0, "Print the table as Markdown (docs/policy.md)", 0 },
	{ 0 },
};

/* Runs argp with "vigil policy WORD" as the program name in messages. */
static int parse(const struct argp *ap, const char *word, int argc, char **argv,
		 struct policy_args *a)
{
	char name[64];
	char *saved = argv[0];
	error_t e;

	snprintf(name, sizeof(name), "vigil policy %s", word);
	argv[0] = name;
	argp_err_exit_status = 2;	/* usage errors: 2, as documented (argp's default is 64) */
	e = argp_parse(ap, argc, argv, 0, NULL, a);
	argv[0] = saved;
	return e ? 2 : 0;
}

/* Loads and compiles; prints every diagnostic. NULL if the policy is invalid. */
static struct vg_policy *load(const struct policy_args *a)
{
	struct vg_policy *p = vg_policy_new();
	const struct vg_diag *d;
	size_t n, i;
	int i_path, err = 0;

	if (!p) {
		vg_err("out of memory");
		return NULL;
	}
	/* As root, check what the agent would load, ownership included. */
	if (geteuid() == 0)
		vg_policy_require_root_owned(p);
	/* As the agent does: the built-in default first, the files tune it. */
	if (!a->no_default)
		err = vg_policy_source_add_default(p);
	for (i_path = 0; i_path < a->n_paths && err != -ENOMEM; i_path++)
		err = vg_policy_add_path(p, a->paths[i_path]);
	/* Compile even after load errors: one run reports every problem. */
	if (err != -ENOMEM)
		err = vg_policy_compile(p);
	d = vg_policy_diags(p, &n);
	for (i = 0; d && i < n; i++)
		if (d[i].error || !a->quiet)
			fprintf(stderr, "%s\n", d[i].text);
	if (err == -ENOMEM)
		vg_err("out of memory loading the policy");
	if (err || vg_policy_n_errors(p)) {
		vg_policy_free(p);
		return NULL;
	}
	return p;
}

int vg_cmd_policy_show_compiled(struct vg_policy *p, int err)
{
	const struct vg_diag *d;
	size_t n, i;

	if (!err)
		err = vg_policy_compile(p);
	d = p ? vg_policy_diags(p, &n) : NULL;
	for (i = 0; d && i < n; i++)
		if (d[i].error)
			fprintf(stderr, "%s\n", d[i].text);
	if (err || vg_policy_n_errors(p)) {
		if (err == -ENOMEM)
			vg_err("out of memory loading the policy");
		vg_policy_free(p);
		return 1;
	}
	vg_policy_show(p, stdout);
	vg_policy_free(p);
	return 0;
}

int vg_cmd_policy_show_files(const char *const *paths, int n_paths, bool no_default)
{
	struct policy_args a = { .n_paths = n_paths, .no_default = no_default, .quiet = true };
	struct vg_policy *p;
	int i;

	if (no_default && !n_paths) {
		fprintf(stderr, "vigil policy show: with --no-default-policy, give --policy PATH\n");
		return 2;
	}
	for (i = 0; i < n_paths; i++)
		a.paths[i] = paths[i];
	p = load(&a);
	if (!p)
		return 1;
	vg_policy_show(p, stdout);
	vg_policy_free(p);
	return 0;
}

int vg_cmd_policy_check(int argc, char **argv)
{
	static const struct argp ap = {
		common_opts, parse_opt, "[FILE|DIR...]",
		"Validate policy files, loaded on the built-in default as the agent loads them: "
		"syntax, fields, types, lists, macros and their changes.\n"
		"Exit status: 0 valid, 1 invalid, 2 usage error.\n"
		"\v"
		"EXAMPLES:\n"
		"  vigil policy check rules.yaml           # one file\n"
		"  vigil policy check /etc/vigil/policy.d  # every *.yaml in a directory\n"
		"  vigil policy check -q base.yaml extra.yaml\n",
		NULL, NULL, NULL
	};
	struct policy_args a = { .need_paths = true };
	struct vg_policy *p;

	if (parse(&ap, "check", argc, argv, &a))
		return 2;
	p = load(&a);
	if (!p)
		return 1;
	if (!a.quiet)
		fprintf(stderr, "vigil: policy ok: %zu rule%s\n", vg_policy_n_rules(p),
			vg_policy_n_rules(p) == 1 ? "" : "s");
	vg_policy_free(p);
	return 0;
}

int vg_cmd_policy_test(int argc, char **argv)
{
	static const struct argp ap = {
		test_opts, parse_opt, "[FILE|DIR...]",
		"Replay recorded events through the rules, offline and without root; print one "
		"JSON alert per line on stdout and a summary on stderr.\n"
		"\v"
		"EXAMPLES:\n"
		"  vigil trace exec --json > events.jsonl   # record (as root)\n"
		"  vigil policy test rules.yaml --events events.jsonl\n"
		"  vigil policy test policy.d --events - < events.jsonl | jq .rule\n",
		NULL, NULL, NULL
	};
	struct policy_args a = { .need_paths = true };
	struct vg_replay_stats st;
	struct vg_policy_stats ps;
	struct vg_policy *p;
	FILE *in;
	int err;

	if (parse(&ap, "test", argc, argv, &a))
		return 2;
	if (!a.events) {
		fprintf(stderr, "vigil policy test: --events FILE is required\n");
		return 2;
	}
	p = load(&a);
	if (!p)
		return 1;
	in = strcmp(a.events, "-") ? fopen(a.events, "re") : stdin;
	if (!in) {
		vg_err("cannot open %s: %s", a.events, strerror(errno));
		vg_policy_free(p);
		return 1;
	}
	err = vg_policy_replay(p, in, strcmp(a.events, "-") ? a.events : "<stdin>", stdout, &st);
	if (in != stdin)
		fclose(in);
	vg_policy_get_stats(p, &ps);
	fprintf(stderr, "vigil: policy test: %llu events, %llu alerts, %llu suppressed by throttling, "
		"%llu lines skipped, %llu rule evaluations, %llu threshold windows (%llu bytes), "
		"%llu partial sequences (%llu bytes, %llu evicted)\n",
		(unsigned long long)st.events, (unsigned long long)st.alerts,
		(unsigned long long)ps.suppressed, (unsigned long long)st.skipped,
		(unsigned long long)ps.rule_evals, (unsigned long long)ps.threshold_keys,
		(unsigned long long)ps.threshold_bytes, (unsigned long long)ps.sequence_keys,
		(unsigned long long)ps.sequence_bytes, (unsigned long long)ps.sequence_evicted);
	vg_policy_free(p);
	if (err) {
		vg_err("replay failed: %s", strerror(-err));
		return 1;
	}
	return 0;
}

int vg_cmd_policy_explain(int argc, char **argv)
{
	static const struct argp ap = {
		common_opts, parse_opt, "[FILE|DIR...]",
		"Show what each sensor will filter in the kernel for these rules, and what is left "
		"to user space.\n"
		"\v"
		"EXAMPLES:\n"
		"  vigil policy explain rules.yaml\n"
		"  vigil policy explain -q /etc/vigil/policy.d\n",
		NULL, NULL, NULL
	};
	struct policy_args a = { .need_paths = true };
	struct vg_policy *p;

	if (parse(&ap, "explain", argc, argv, &a))
		return 2;
	p = load(&a);
	if (!p)
		return 1;
	vg_policy_explain(p, stdout);
	vg_policy_free(p);
	return 0;
}

int vg_cmd_policy_fields(int argc, char **argv)
{
	static const struct argp ap = {
		fields_opts, parse_opt, NULL,
		"List the fields a rule condition, output or throttle key can use.\n"
		"\v"
		"EXAMPLES:\n"
		"  vigil policy fields\n"
		"  vigil policy fields --markdown > fields.md\n",
		NULL, NULL, NULL
	};
	struct policy_args a = { 0 };
	const struct vg_field *t;
	char kinds[512];
	size_t n, i;

	if (parse(&ap, "fields", argc, argv, &a))
		return 2;
	if (a.markdown) {
		vg_field_print_markdown(stdout);
		return 0;
	}
	t = vg_field_table(&n);
	for (i = 0; i < n; i++) {
		vg_field_kinds_format(t[i].kinds, kinds, sizeof(kinds));
		printf("%-34s %-16s %s\n    %s\n", t[i].name, vg_field_type_name(t[i].type), kinds,
		       t[i].description);
	}
	return 0;
}
