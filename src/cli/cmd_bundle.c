// SPDX-License-Identifier: GPL-2.0
/* vigil policy keygen | sign | verify: signed policy bundles (docs/signed-policy.md). */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "agent/policy_source.h"
#include "cli/commands.h"
#include "lib/parse_num.h"
#include "policy/bundle.h"
#include "policy/bundle_sign.h"

struct bundle_args {
	const char *operand;
	const char *key;		/* sign: the secret key */
	const char *keys_dir;		/* verify: the trusted keys */
	const char *host_id;		/* verify: else this host's */
	bool no_default;		/* verify: the bundle alone, not on the default */
	struct vg_bundle_sign_opts sign;
	bool have_version;
};

enum { OPT_KEY = 'k', OPT_VERSION = 'V', OPT_ROLLOUT = 0x100, OPT_CANARY, OPT_KEYS, OPT_HOST,
       OPT_NO_DEFAULT };

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct bundle_args *a = state->input;
	char *end;

	switch (key) {
	case OPT_KEY:
		a->key = arg;
		break;
	case OPT_VERSION:
		errno = 0;
		a->sign.version = strtoull(arg, &end, 10);
		if (errno || end == arg || *end || arg[0] == '-')
			argp_error(state, "--version: not a whole number: %s", arg);
		a->have_version = true;
		break;
	case OPT_ROLLOUT:
		a->sign.rollout_percent = strtod(arg, &end);
		if (end == arg || *end || !(a->sign.rollout_percent >= 0) ||
		    a->sign.rollout_percent > 100)
			argp_error(state, "--rollout-percent: 0..100, not %s", arg);
		break;
	case OPT_CANARY:
		errno = 0;
		a->sign.canary_window_s = strtoll(arg, &end, 10);
		if (errno || end == arg || *end || a->sign.canary_window_s < 0 ||
		    a->sign.canary_window_s > 7 * 86400)
			argp_error(state, "--canary-window: seconds, 0..604800, not %s", arg);
		break;
	case OPT_KEYS:
		a->keys_dir = arg;
		break;
	case OPT_NO_DEFAULT:
		a->no_default = true;
		break;
	case OPT_HOST:
		a->host_id = arg;
		break;
	case ARGP_KEY_ARG:
		if (a->operand)
			argp_error(state, "one operand only");
		a->operand = arg;
		break;
	case ARGP_KEY_END:
		if (!a->operand)
			argp_error(state, "missing operand");
		break;
	default:
		return vg_cmd_other_key(key, arg, state);
	}
	return 0;
}

static int parse(const struct argp *ap, const char *word, int argc, char **argv,
		 struct bundle_args *a)
{
	char name[64];

	snprintf(name, sizeof(name), "vigil policy %s", word);
	argv[0] = name;
	argp_err_exit_status = 2;
	a->sign.rollout_percent = -1;
	a->sign.canary_window_s = -1;
	return argp_parse(ap, argc, argv, 0, NULL, a) ? 2 : 0;
}

int vg_cmd_policy_keygen(int argc, char **argv)
{
	static const struct argp ap = {
		NULL, parse_opt, "PREFIX",
		"Make an Ed25519 key pair: PREFIX.key (secret, mode 0600) and PREFIX.pub.\n"
		"Put PREFIX.pub in the agent's --trusted-keys directory; keep PREFIX.key off the hosts.\v"
		"EXAMPLE:\n  vigil policy keygen release-2026\n",
		NULL, NULL, NULL
	};
	struct bundle_args a = { 0 };
	char why[4400];

	if (parse(&ap, "keygen", argc, argv, &a))
		return 2;
	if (vg_bundle_keygen(a.operand, why, sizeof(why))) {
		vg_err("keygen: %s", why);
		return 1;
	}
	printf("wrote %s.key and %s.pub\n", a.operand, a.operand);
	return 0;
}

int vg_cmd_policy_sign(int argc, char **argv)
{
	static const struct argp_option opts[] = {
		{ "key", OPT_KEY, "FILE", 0, "the secret key (vigil policy keygen)", 0 },
		{ "version", OPT_VERSION, "N", 0, "the bundle's version; agents refuse a lower one", 0 },
		{ "rollout-percent", OPT_ROLLOUT, "P", 0, "only this share of hosts takes it", 0 },
		{ "canary-window", OPT_CANARY, "SECONDS", 0, "shadow run before it acts", 0 },
		{ 0 },
	};
	static const struct argp ap = {
		opts, parse_opt, "DIR",
		"Sign a directory of policy files as a bundle: writes DIR/manifest.json (version,\n"
		"creation time, SHA-256 of every policy file, rollout) and DIR/manifest.sig.\v"
		"EXAMPLES:\n"
		"  vigil policy sign --key release.key --version 42 policy.d\n"
		"  vigil policy sign --key release.key --version 43 --rollout-percent 10 policy.d\n"
		"  tar -cf policy-43.tar -C policy.d .       # a bundle can also be shipped as a tar\n",
		NULL, NULL, NULL
	};
	struct bundle_args a = { 0 };
	char why[4400];

	if (parse(&ap, "sign", argc, argv, &a))
		return 2;
	if (!a.key || !a.have_version) {
		vg_err("sign: --key and --version are required");
		return 2;
	}
	if (vg_bundle_sign(a.operand, a.key, &a.sign, why, sizeof(why))) {
		vg_err("sign: %s", why);
		return 1;
	}
	printf("signed %s: version %llu\n", a.operand, (unsigned long long)a.sign.version);
	return 0;
}

/* Prints what the bundle is and whether this host is in its wave. */
static void describe(const char *path, const struct vg_bundle_info *b, const char *host)
{
	unsigned bucket;
	bool takes = vg_rollout_takes(b, host, &bucket);

	printf("%s: verified: version %llu, %zu policy files, created %s, signed by %s\n", path,
	       (unsigned long long)b->version, b->n_files, b->created[0] ? b->created : "?", b->key);
	printf("digest: %s\n", b->digest_hex);
	printf("rollout: %g%%: host %s is in bucket %u of %u: %s\n", b->rollout_percent, host,
	       bucket, VG_ROLLOUT_BUCKETS, takes ? "takes it" : "skips it");
	if (b->canary_window_s >= 0)
		printf("canary window: %llds\n", (long long)b->canary_window_s);
}

int vg_cmd_policy_verify(int argc, char **argv)
{
	static const struct argp_option opts[] = {
		{ "trusted-keys", OPT_KEYS, "DIR", 0, "the public keys (*.pub) to trust", 0 },
		{ "host-id", OPT_HOST, "ID", 0, "rollout as this host id (default: /etc/machine-id)", 0 },
		{ "no-default-policy", OPT_NO_DEFAULT, NULL, 0,
		  "compile the bundle alone, as vigil run --no-default-policy (default: on the "
		  "built-in policy)", 0 },
		{ 0 },
	};
	static const struct argp ap = {
		opts, parse_opt, "BUNDLE",
		"Verify a policy bundle (directory or tar) as the agent would: signature, every\n"
		"file's digest, then compile it. Exit status: 0 valid, 1 refused, 2 usage error.\v"
		"EXAMPLE:\n  vigil policy verify --trusted-keys /etc/vigil/keys policy.d\n",
		NULL, NULL, NULL
	};
	struct bundle_args a = { 0 };
	static struct vg_trusted_keys keys;
	struct vg_bundle_info info;
	struct vg_policy *p;
	char why[4400], host[256];
	int err;

	if (parse(&ap, "verify", argc, argv, &a))
		return 2;
	if (!a.keys_dir) {
		vg_err("verify: --trusted-keys DIR is required");
		return 2;
	}
	if (vg_trusted_keys_load(&keys, a.keys_dir, why, sizeof(why))) {
		vg_err("verify: trusted keys: %s", why);
		return 1;
	}
	snprintf(host, sizeof(host), "%s", a.host_id ? a.host_id : "");
	if (!a.host_id && vg_host_id(host, sizeof(host)))
		snprintf(host, sizeof(host), "unknown");
	p = vg_policy_new();
	if (!p)
		return 1;
	/* As the agent does: the bundle on the built-in default. */
	err = a.no_default ? 0 : vg_policy_source_add_default(p);
	if (!err)
		err = vg_bundle_load(p, a.operand, &keys, geteuid() == 0, &info, why, sizeof(why));
	if (err)
		vg_err("%s: refused: %s", a.operand, why);
	else
		err = vg_policy_compile(p);
	if (!err && !vg_policy_n_errors(p))
		describe(a.operand, &info, host);
	else if (vg_policy_n_errors(p)) {
		size_t n, i;
		const struct vg_diag *d = vg_policy_diags(p, &n);

		for (i = 0; i < n; i++)
			fprintf(stderr, "%s\n", d[i].text);
		err = -EINVAL;
	}
	vg_policy_free(p);
	return err ? 1 : 0;
}
