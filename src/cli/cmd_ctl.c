// SPDX-License-Identifier: GPL-2.0
/*
 * vigil status, vigil reload, vigil policy show: ask the running agent over
 * its control socket (agent/control.h) and print the answer, as text or
 * with --json as the agent sent it.
 */
#include <argp.h>
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "agent/control.h"
#include "cli/commands.h"
#include "lib/json.h"
#include "lib/log.h"
#include "policy/policy.h"

/* The agent answers within its reload wait (10 s) and a little more. */
#define ANSWER_TIMEOUT_MS 15000
#define ANSWER_MAX_BYTES (16u << 20)

#define MAX_SHOW_PATHS 256

struct ctl_args {
	bool json;
	const char *socket;
	/* policy show */
	bool merged, offline, no_default;
	const char *paths[MAX_SHOW_PATHS];
	int n_paths;
};

enum { OPT_SOCKET = 1000, OPT_MERGED, OPT_OFFLINE, OPT_NO_DEFAULT };

static const struct argp_option options[] = {
	{ "json", 'j', NULL, 0, "print the agent's answer as JSON", 0 },
	{ "socket", OPT_SOCKET, "PATH", 0,
	  "the agent's control socket (default $VIGIL_SOCKET, else " VG_CONTROL_SOCKET ")", 0 },
	{ "verbose", 'v', NULL, 0, "debug output", 0 },
	{ 0 },
};

static const struct argp_option show_options[] = {
	{ "json", 'j', NULL, 0, "print the agent's answer as JSON", 0 },
	{ "socket", OPT_SOCKET, "PATH", 0,
	  "the agent's control socket (default $VIGIL_SOCKET, else " VG_CONTROL_SOCKET ")", 0 },
	{ "merged", OPT_MERGED, NULL, 0,
	  "the merged result: every list, macro and rule as the files left it, and where each "
	  "piece came from", 0 },
	{ "offline", OPT_OFFLINE, NULL, 0,
	  "no agent: the built-in default and the --policy files, merged", 0 },
	{ "policy", 'p', "PATH", 0, "with --offline (implied): a policy file or directory (repeatable)", 0 },
	{ "no-default-policy", OPT_NO_DEFAULT, NULL, 0,
	  "with --offline (implied): the --policy files alone", 0 },
	{ "verbose", 'v', NULL, 0, "debug output", 0 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct ctl_args *a = state->input;

	switch (key) {
	case 'j':
		a->json = true;
		break;
	case OPT_SOCKET:
		a->socket = arg;
		break;
	case OPT_MERGED:
		a->merged = true;
		break;
	case OPT_OFFLINE:
		a->offline = true;
		break;
	case OPT_NO_DEFAULT:
		a->no_default = a->offline = true;
		break;
	case 'p':
		if (a->n_paths == MAX_SHOW_PATHS)
			argp_error(state, "at most %d policy paths", MAX_SHOW_PATHS);
		a->paths[a->n_paths++] = arg;
		a->offline = true;
		break;
	default:
		return vg_cmd_other_key(key, arg, state);
	}
	return 0;
}

static int connect_agent(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		vg_err("%s: path too long", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || !connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return fd;
	err = errno;
	close(fd);
	if (err == EACCES || err == EPERM)
		vg_err("%s: permission denied (the control socket is root's only)", path);
	else if (err == ENOENT || err == ECONNREFUSED)
		vg_err("no vigil agent is running (%s: %s)", path, strerror(err));
	else
		vg_err("%s: %s", path, strerror(err));
	return -1;
}

/* Sends @req and reads the answer until the agent closes; 0 or -1 (said why). */
static int ask(const char *path, const char *req, struct vg_buf *answer)
{
	char buf[4096];
	int fd = connect_agent(path), err = -1;

	if (fd < 0)
		return -1;
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) < 0 || send(fd, "\n", 1, MSG_NOSIGNAL) < 0) {
		vg_err("%s: %s", path, strerror(errno));
		goto out;
	}
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;

		if (poll(&p, 1, ANSWER_TIMEOUT_MS) <= 0) {
			vg_err("%s: the agent did not answer", path);
			goto out;
		}
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno != EINTR) {
			vg_err("%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (n > 0)
			vg_buf_append(answer, buf, (size_t)n);
		if (answer->len > ANSWER_MAX_BYTES) {
			vg_err("%s: answer larger than %u bytes", path, ANSWER_MAX_BYTES);
			goto out;
		}
	}
	err = answer->len ? 0 : -1;
	if (err)
		vg_err("%s: the agent closed without answering", path);
out:
	close(fd);
	return err;
}

static const char ctl_doc[] = "Ask the running agent over its control socket (root only).";

/* Parses @word's options: 0, or 2 (usage error). */
static int parse_args(const struct argp *ap, const char *word, int argc, char **argv,
		      struct ctl_args *a)
{
	char name[64];

	snprintf(name, sizeof(name), "vigil %s", word);
	argv[0] = name;
	argp_err_exit_status = 2;
	return argp_parse(ap, argc, argv, 0, NULL, a) ? 2 : 0;
}

/* Asks the agent, returns its JSON answer (or NULL; *@code the exit status). */
static json_t *ask_json(const char *req, struct ctl_args *a, int *code)
{
	struct vg_buf answer = { 0 };
	json_error_t jerr;
	json_t *root = NULL;

	*code = 1;
	if (ask(a->socket ? a->socket : vg_control_default_path(), req, &answer))
		goto out;
	root = json_loadb(answer.data, answer.len, 0, &jerr);
	if (!root || !json_is_object(root)) {
		vg_err("the agent's answer is not a JSON object: %s", jerr.text);
		goto out;
	}
	if (json_is_string(json_object_get(root, "error"))) {
		vg_err("%s", json_string_value(json_object_get(root, "error")));
		json_decref(root);
		root = NULL;
		goto out;
	}
	*code = 0;
	if (a->json)
		fwrite(answer.data, 1, answer.len, stdout);
out:
	vg_buf_free(&answer);
	return root;
}

/* Parses @word's options, asks the agent, returns its JSON answer (or NULL). */
static json_t *request(const char *word, const char *req, int argc, char **argv,
		       struct ctl_args *a, int *code)
{
	struct argp argp = { options, parse_opt, NULL, ctl_doc, NULL, NULL, NULL };

	*code = parse_args(&argp, word, argc, argv, a);
	return *code ? NULL : ask_json(req, a, code);
}

static json_int_t num(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static void print_status(json_t *s)
{
	json_t *v, *p = json_object_get(s, "policy");
	const char *k;
	size_t i;

	printf("vigil %s, pid %lld, up %llds\n", json_string_value(json_object_get(s, "version")),
	       (long long)num(s, "pid"), (long long)num(s, "uptime_s"));
	printf("sensors:");
	json_array_foreach(json_object_get(s, "sensors"), i, v)
		printf("\n  %s=%s, %lld links, attached: %s", json_string_value(json_object_get(v, "name")),
		       json_string_value(json_object_get(v, "hook")), (long long)num(v, "links"),
		       json_string_value(json_object_get(v, "attached")) ?: "?");
	printf("\npolicy: generation %lld, %lld rules, from", (long long)num(p, "generation"),
	       (long long)num(p, "rules"));
	json_array_foreach(json_object_get(p, "sources"), i, v)
		printf("%s %s", i ? "," : "", json_string_value(v));
	printf(" (reloads: %lld ok, %lld failed; stage %s)\n", (long long)num(p, "reloads_ok"),
	       (long long)num(p, "reloads_failed"),
	       json_string_value(json_object_get(p, "stage")) ?: "?");
	printf("events: %.1f/s, %lld received, %lld filtered in kernel\ndrops:",
	       json_number_value(json_object_get(s, "events_per_second")),
	       (long long)num(s, "events_received"), (long long)num(s, "filtered_in_kernel"));
	json_object_foreach(json_object_get(s, "drops"), k, v)
		printf(" %s=%lld", k, (long long)json_integer_value(v));
	printf("\nalerts, last hour:");
	json_object_foreach(json_object_get(s, "alerts_last_hour"), k, v)
		printf(" %s=%lld", k, (long long)json_integer_value(v));
	printf("\noutputs:");
	json_array_foreach(json_object_get(s, "outputs"), i, v)
		printf("%s %s %s", i ? "," : "", json_string_value(json_object_get(v, "name")),
		       json_string_value(json_object_get(v, "health")));
	printf("\nprocess cache: %lld entries\nagent: %.2fs CPU, %.1f MiB RSS\n",
	       (long long)num(s, "process_cache_entries"), (double)num(s, "cpu_ms") / 1000.0,
	       (double)num(s, "rss_bytes") / (1024.0 * 1024.0));
}

int vg_cmd_status(int argc, char **argv)
{
	struct ctl_args a = { 0 };
	int code;
	json_t *s = request("status", "status", argc, argv, &a, &code);

	if (s && !a.json)
		print_status(s);
	json_decref(s);
	return code;
}

int vg_cmd_reload(int argc, char **argv)
{
	struct ctl_args a = { 0 };
	int code;
	json_t *r = request("reload", "reload", argc, argv, &a, &code);
	const char *result = r ? json_string_value(json_object_get(r, "result")) : NULL;

	if (r && result && (!strcmp(result, "canary") || !strcmp(result, "skipped"))) {
		/* taken, but not acting yet: a canary window, or outside the rollout wave */
		if (!a.json)
			printf("policy %s: generation %lld still in use\n",
			       !strcmp(result, "canary") ? "in its canary window" : "skipped (rollout)",
			       (long long)num(r, "generation"));
	} else if (r && (!result || strcmp(result, "ok"))) {
		if (!a.json)
			vg_err("reload %s: the running policy stays (the agent's log says why)",
			       result ? result : "failed");
		code = 1;
	} else if (r && !a.json) {
		printf("policy reloaded: generation %lld\n", (long long)num(r, "generation"));
	}
	json_decref(r);
	return code;
}

/* The agent's sources merged here, as it merged them. */
static int show_merged(json_t *answer)
{
	struct vg_policy *p = vg_policy_new();
	json_t *src;
	size_t i;
	int err = p ? 0 : -ENOMEM;

	json_array_foreach(json_object_get(answer, "sources"), i, src) {
		const char *name = json_string_value(json_object_get(src, "name"));
		const char *text = json_string_value(json_object_get(src, "text"));

		if (!err && name && text)
			err = vg_policy_add_string(p, name, text);
	}
	return vg_cmd_policy_show_compiled(p, err);
}

int vg_cmd_policy_show(int argc, char **argv)
{
	static const char doc[] =
		"The policy the running agent uses, file by file; with --merged, the merged result "
		"and where each piece came from; with --offline (or --policy, --no-default-policy), "
		"that of the built-in default and these files, without an agent.";
	struct argp ap = { show_options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct ctl_args a = { 0 };
	int code = parse_args(&ap, "policy show", argc, argv, &a);
	json_t *p, *src;
	size_t i;

	if (code)
		return code;
	if (a.offline)
		return vg_cmd_policy_show_files(a.paths, a.n_paths, a.no_default);
	if (a.merged && a.json) {
		vg_err("--merged prints YAML: leave out --json");
		return 2;
	}
	p = ask_json("policy", &a, &code);
	if (p && a.merged) {
		code = show_merged(p);
	} else if (p && !a.json) {
		printf("# generation %lld, %lld rules\n", (long long)num(p, "generation"),
		       (long long)num(p, "rules"));
		json_array_foreach(json_object_get(p, "sources"), i, src) {
			const char *text = json_string_value(json_object_get(src, "text"));
			size_t len = text ? strlen(text) : 0;

			printf("# --- %s\n%s%s", json_string_value(json_object_get(src, "name")),
			       text ? text : "", len && text[len - 1] != '\n' ? "\n" : "");
		}
	}
	json_decref(p);
	return code;
}
