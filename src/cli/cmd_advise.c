// SPDX-License-Identifier: GPL-2.0
/*
 * vigil advise seccomp: records which syscalls a target makes (in the
 * kernel, sensors/seccomp_recorder.c) and writes a seccomp profile that
 * allows exactly those: OCI / Docker JSON, systemd unit lines, or a summary.
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include "cli/commands.h"
#include "lib/log.h"
#include "lib/parse_num.h"
#include "seccomp/profile_json.h"
#include "seccomp/profile_text.h"
#include "sensors/bpf_env.h"
#include "sensors/seccomp_recorder.h"

enum advise_format { FMT_DEFAULT, FMT_JSON, FMT_SYSTEMD, FMT_SUMMARY };

struct advise_args {
	pid_t pid;			/* --pid, 0: none */
	const char *cgroup;		/* --cgroup */
	char **cmd;			/* after --, NULL: none */
	uint64_t stop_after_ms;		/* 0: no limit */
	const char *output;		/* -o: the JSON profile */
	const char *merge;		/* --merge: widen this profile */
	const char *default_action;	/* NULL: ERRNO, or the merged profile's */
	enum advise_format format;	/* FMT_DEFAULT: json, or summary with -o */
};

enum { OPT_PID = 0x100, OPT_CGROUP, OPT_STOP_AFTER, OPT_MERGE, OPT_DEFAULT, OPT_FORMAT };

static const char doc[] =
	"Record which syscalls a workload makes and write a seccomp profile that\n"
	"allows exactly those. Recording happens in the kernel (a bitmap per syscall\n"
	"ABI, set at sys_enter); the target is a command and its whole process tree,\n"
	"a running process and what it forks from now on, or a cgroup v2 directory.\v"
	"Syscalls every process needs to exec, exit or return from a signal\n"
	"handler (execve, exit, exit_group, rt_sigreturn, restart_syscall) are\n"
	"added even if not seen, in their own group whose comment says so.\n\n"
	"EXAMPLES:\n"
	"  vigil advise seccomp -o tar.json -- tar czf /tmp/x.tgz /etc/hostname\n"
	"  vigil advise seccomp --format summary -- python3 -c 'print(1)'\n"
	"  vigil advise seccomp --pid 1234 --stop-after 10m -o app.json\n"
	"  vigil advise seccomp --cgroup /sys/fs/cgroup/unified/app \\\n"
	"        --merge app.json -o app.json --stop-after 1h\n"
	"  vigil advise seccomp --format systemd -- /usr/sbin/mydaemon --foreground\n";

static const struct argp_option options[] = {
	{ "pid", OPT_PID, "PID", 0, "record this process and what it forks", 0 },
	{ "cgroup", OPT_CGROUP, "PATH", 0, "record this cgroup v2 directory and those below it", 0 },
	{ "stop-after", OPT_STOP_AFTER, "DURATION", 0,
	  "stop recording after DURATION (500ms, 30s, 5m, 1h); else at SIGINT or when the "
	  "followed processes are all gone", 0 },
	{ "output", 'o', "FILE", 0, "write the JSON profile to FILE", 0 },
	{ "merge", OPT_MERGE, "FILE", 0, "widen this profile with what is recorded (never drops a syscall)", 0 },
	{ "default-action", OPT_DEFAULT, "errno|kill", 0,
	  "what the profile does to any other syscall: fail with EPERM (default) or kill the process", 0 },
	{ "format", OPT_FORMAT, "json|systemd|summary", 0,
	  "what to print on stdout (default: json, or summary with -o)", 0 },
	{ "verbose", 'v', NULL, 0, "debug output", 0 },
	{ 0 },
};

static error_t parse_choice(struct advise_args *a, int key, const char *arg,
			    struct argp_state *state)
{
	if (key == OPT_DEFAULT) {
		if (!strcmp(arg, "errno"))
			a->default_action = "SCMP_ACT_ERRNO";
		else if (!strcmp(arg, "kill"))
			a->default_action = "SCMP_ACT_KILL_PROCESS";
		else
			argp_error(state, "--default-action: errno or kill, not '%s'", arg);
		return 0;
	}
	if (!strcmp(arg, "json"))
		a->format = FMT_JSON;
	else if (!strcmp(arg, "systemd"))
		a->format = FMT_SYSTEMD;
	else if (!strcmp(arg, "summary"))
		a->format = FMT_SUMMARY;
	else
		argp_error(state, "--format: json, systemd or summary, not '%s'", arg);
	return 0;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct advise_args *a = state->input;
	uint32_t pid;

	switch (key) {
	case OPT_PID:
		if (vg_parse_u32(arg, &pid) || pid == 0 || pid > INT32_MAX)
			argp_error(state, "--pid: not a process id: '%s'", arg);
		a->pid = (pid_t)pid;
		return 0;
	case OPT_CGROUP:
		a->cgroup = arg;
		return 0;
	case OPT_STOP_AFTER:
		if (vg_parse_duration_ms(arg, &a->stop_after_ms) || !a->stop_after_ms)
			argp_error(state, "--stop-after: not a duration: '%s'", arg);
		return 0;
	case 'o':
		a->output = arg;
		return 0;
	case OPT_MERGE:
		a->merge = arg;
		return 0;
	case OPT_DEFAULT:
	case OPT_FORMAT:
		return parse_choice(a, key, arg, state);
	case ARGP_KEY_END:
		if ((a->pid != 0) + (a->cgroup != NULL) + (a->cmd != NULL) != 1)
			argp_error(state, "give one target: -- CMD, --pid PID or --cgroup PATH");
		return 0;
	default:
		return vg_cmd_other_key(key, arg, state);
	}
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Starts @cmd held on a pipe until it is armed in the recorder: it is
 * followed from its exec, so what runs between fork and exec (vigil's
 * code) is not recorded. Returns the child's pid or <0.
 */
static pid_t start_command(struct vg_sc_recorder *r, char **cmd, const sigset_t *old)
{
	int go[2];
	pid_t pid;
	char c;

	if (pipe2(go, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(go[0]);
		close(go[1]);
		return -errno;
	}
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, old, NULL);
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		execvp(cmd[0], cmd);
		fprintf(stderr, "vigil: error: cannot run %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	close(go[0]);
	if (vg_sc_recorder_follow_from_exec(r, pid) == 0 && write(go[1], "g", 1) == 1) {
		close(go[1]);
		return pid;
	}
	close(go[1]);	/* the child reads EOF and exits */
	waitpid(pid, NULL, 0);
	return -EIO;
}

/*
 * Waits for the end of the recording: a signal, the deadline, or (for a
 * command or a pid) the last process of the followed tree gone, so that
 * a daemon a command leaves behind is still recorded. The command itself
 * is reaped on the way (its status in @child_status).
 */
static void wait_for_end(const struct advise_args *a, const struct vg_sc_recorder *r,
			 pid_t child, const sigset_t *sigs, int *child_status)
{
	uint64_t deadline = a->stop_after_ms ? now_ms() + a->stop_after_ms : 0;
	struct timespec tick = { 0, 200 * 1000000 };
	bool reaped = child <= 0;

	for (;;) {
		int sig = sigtimedwait(sigs, NULL, &tick);

		if (sig == SIGINT || sig == SIGTERM)
			return;
		if (!reaped && waitpid(child, child_status, WNOHANG) == child)
			reaped = true;
		if (!a->cgroup && reaped && !vg_sc_recorder_following(r))
			return;
		if (deadline && now_ms() >= deadline)
			return;
	}
}

/*
 * Writes @json to @path through a temporary file renamed over it, so that
 * `--merge app.json -o app.json` never leaves a half-written profile.
 * @json NULL only checks that the temporary file can be made (and removes it).
 */
static int write_profile(const char *path, const char *json)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.vigil-%d", path, (int)getpid()) >= (int)sizeof(tmp)) {
		vg_err("%s: path too long", path);
		return 1;
	}
	f = fopen(tmp, "wxe");
	if (!f) {
		vg_err("cannot write %s: %s", path, strerror(errno));
		return 1;
	}
	if (!json) {
		fclose(f);
		unlink(tmp);
		return 0;
	}
	if (fprintf(f, "%s\n", json) < 0 || fflush(f) || fsync(fileno(f))) {
		vg_err("%s: %s", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		return 1;
	}
	if (fclose(f) || rename(tmp, path)) {
		vg_err("%s: %s", path, strerror(errno));
		unlink(tmp);
		return 1;
	}
	return 0;
}

static int write_outputs(const struct advise_args *a, const struct vg_sc_profile *p)
{
	enum advise_format fmt = a->format;
	char *json = vg_sc_profile_json(p);
	int rc = 0;

	if (!json) {
		vg_err("out of memory");
		return 1;
	}
	if (a->output)
		rc = write_profile(a->output, json);
	if (fmt == FMT_DEFAULT)
		fmt = a->output ? FMT_SUMMARY : FMT_JSON;
	if (!rc && fmt == FMT_JSON)
		printf("%s\n", json);
	else if (!rc && fmt == FMT_SYSTEMD)
		vg_sc_profile_print_systemd(stdout, p);
	else if (!rc)
		vg_sc_profile_print_summary(stdout, p);
	free(json);
	return rc || fflush(stdout) ? 1 : 0;
}

static int build_and_write(const struct advise_args *a, const struct vg_sc_recording *rec,
			   const struct vg_sc_profile *base)
{
	struct vg_sc_profile p;
	char err[512];
	int rc;

	/* Followed from its exec: nothing recorded means the command never ran. */
	if (a->cmd && !rec->stats[VG_SC_STAT_CALLS]) {
		vg_err("nothing recorded: %s did not run; no profile written", a->cmd[0]);
		return 1;
	}
	if (!rec->stats[VG_SC_STAT_CALLS])
		vg_warn("the target made no syscall while recorded: the profile allows only "
			"what every process needs");
	if (vg_sc_profile_build(&p, rec->seen, base, a->default_action, err, sizeof(err))) {
		vg_err("%s", err);
		return 1;
	}
	vg_info("recorded %llu syscalls (%llu with a number out of range: not in the profile)",
		(unsigned long long)rec->stats[VG_SC_STAT_CALLS],
		(unsigned long long)rec->stats[VG_SC_STAT_OUT_OF_RANGE]);
	if (p.unknown.n)
		vg_warn("%zu recorded syscall numbers have no name in libseccomp: not in the profile",
			p.unknown.n);
	rc = write_outputs(a, &p);
	vg_sc_profile_free(&p);
	return rc;
}

static int record(const struct advise_args *a, const struct vg_sc_profile *base)
{
	struct vg_sc_recorder r;
	struct vg_sc_recording rec;
	sigset_t sigs, old;
	int status = 0, rc;
	pid_t child = 0;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &sigs, &old);
	if (a->pid && kill(a->pid, 0) < 0 && errno == ESRCH) {
		vg_err("--pid %d: no such process", (int)a->pid);
		return 1;
	}
	if (vg_env_prepare() || vg_sc_recorder_start(&r, a->cgroup))
		return 1;
	if (a->pid && vg_sc_recorder_follow_tree(&r, a->pid)) {
		vg_sc_recorder_stop(&r);
		return 1;
	}
	if (a->cmd && (child = start_command(&r, a->cmd, &old)) < 0) {
		vg_err("cannot start %s: %s", a->cmd[0], strerror((int)-child));
		vg_sc_recorder_stop(&r);
		return 1;
	}
	vg_info("ready");
	wait_for_end(a, &r, child, &sigs, &status);
	rc = vg_sc_recorder_read(&r, &rec);
	vg_sc_recorder_stop(&r);
	if (child > 0 && waitpid(child, &status, WNOHANG) == 0)
		vg_info("%s is still running; it is no longer recorded", a->cmd[0]);
	if (rc) {
		vg_err("cannot read the recording: %s", strerror(-rc));
		return 1;
	}
	if (child > 0 && WIFEXITED(status) && WEXITSTATUS(status))
		vg_warn("%s exited with status %d: the profile covers what it did", a->cmd[0],
			WEXITSTATUS(status));
	else if (child > 0 && WIFSIGNALED(status))
		vg_warn("%s was killed by signal %d", a->cmd[0], WTERMSIG(status));
	return build_and_write(a, &rec, base);
}

static int split_command(int argc, char **argv, struct advise_args *a)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--"))
			continue;
		if (i + 1 < argc)
			a->cmd = &argv[i + 1];
		argv[i] = NULL;
		return i;
	}
	return argc;
}

int vg_cmd_advise_seccomp(int argc, char **argv)
{
	struct argp argp = { options, parse_opt, "[-- CMD [ARGS...]]", doc, NULL, NULL, NULL };
	struct advise_args a = { 0 };
	struct vg_sc_profile base;
	char err[512];
	int n, rc;

	n = split_command(argc, argv, &a);
	if (argp_parse(&argp, n, argv, 0, NULL, &a))
		return 2;
	/* Before a long recording, not after it: can the profile be written? */
	if (a.output && write_profile(a.output, NULL))
		return 1;
	if (a.merge && vg_sc_profile_read(a.merge, &base, err, sizeof(err))) {
		vg_err("%s", err);
		return 1;
	}
	rc = record(&a, a.merge ? &base : NULL);
	if (a.merge)
		vg_sc_profile_free(&base);
	return rc;
}
