// SPDX-License-Identifier: GPL-2.0
/*
 * vigil probe: what this kernel lets vigil do, found by loading tiny
 * programs (src/sensors/probe.c) and each sensor's real object (src/sensors/sensors.c).
 * Prints an aligned table, or one JSON object with --json.
 */
#include <argp.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>
#include "sensors/bpf_env.h"
#include "agent/self_confine.h"
#include "cli/commands.h"
#include "lib/heap_hold.h"
#include "lib/jobs.h"
#include "lib/json.h"
#include "lib/log.h"
#include "sensors/probe.h"
#include "sensors/sensor_priv.h"
#include "sensors/sensor.h"
#include "sensors/sensors.h"
#include "sensors/syscall_hub.h"

#define MAX_ITEMS 32
#define KEY_WIDTH 27

static const char *const module_syscalls[] = { "init_module", "finit_module", "delete_module" };
#define N_MODULE_SYSCALLS (int)(sizeof(module_syscalls) / sizeof(module_syscalls[0]))

/* One row: a yes/no check, a plain value, or both. */
struct item {
	const char *key;
	bool has_ok;
	bool value_raw;		/* value is already JSON (number, array, bool) */
	struct vg_check c;
};

struct section {
	const char *key;	/* JSON key */
	const char *title;	/* table heading */
	struct item items[MAX_ITEMS];
	int n;
};

struct sensor_row {
	const char *name;
	int variant;		/* chosen, -1 if none */
	int err;
	int n_variants;
	const char *variants[VG_MAX_VARIANTS];
	char reasons[VG_MAX_VARIANTS][VG_REASON_BYTES];
};

struct report {
	struct section kernel, hooks, maps, helpers, modsys;
	struct sensor_row sensors[16];
	int n_sensors;
	long elapsed_ms;
};

static struct item *add(struct section *s, const char *key, bool has_ok)
{
	static struct item overflow;	/* sections are sized statically; never reached */
	struct item *it = s->n < MAX_ITEMS ? &s->items[s->n++] : &overflow;

	memset(it, 0, sizeof(*it));
	it->key = key;
	it->has_ok = has_ok;
	return it;
}

static void add_value(struct section *s, const char *key, bool raw, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add_value(struct section *s, const char *key, bool raw, const char *fmt, ...)
{
	struct item *it = add(s, key, false);
	va_list ap;

	it->value_raw = raw;
	va_start(ap, fmt);
	vsnprintf(it->c.value, sizeof(it->c.value), fmt, ap);
	va_end(ap);
}

static bool fs_mounted(const char *path, long magic)
{
	struct statfs st;

	return statfs(path, &st) == 0 && (long)st.f_type == magic;
}

/* ---- gathering ------------------------------------------------------- */

static void probe_lockdown_lsm(struct section *k, bool *securityfs_mounted)
{
	struct item *it;
	char buf[1024], mode[64];
	char names[64][32];
	bool mounted = false;
	int n, i, len;

	it = add(k, "lockdown", false);
	len = vg_probe_read_securityfs("lockdown", buf, sizeof(buf), &mounted);
	*securityfs_mounted |= mounted;
	snprintf(it->c.tested, sizeof(it->c.tested), "read /sys/kernel/security/lockdown");
	if (len < 0)
		snprintf(it->c.reason, sizeof(it->c.reason), "%s (kernel without the lockdown LSM?)",
			 strerror(-len));
	else if (vg_parse_lockdown(buf, mode, sizeof(mode)) == 0)
		snprintf(it->c.value, sizeof(it->c.value), "%s", mode);
	else
		snprintf(it->c.reason, sizeof(it->c.reason), "unexpected content '%.100s'", buf);

	it = add(k, "active_lsms", false);
	len = vg_probe_read_securityfs("lsm", buf, sizeof(buf), &mounted);
	*securityfs_mounted |= mounted;
	snprintf(it->c.tested, sizeof(it->c.tested), "read /sys/kernel/security/lsm");
	if (len < 0) {
		snprintf(it->c.reason, sizeof(it->c.reason), "%s", strerror(-len));
		snprintf(it->c.value, sizeof(it->c.value), "[]");
		it->value_raw = true;
	} else {
		struct vg_buf b = { 0 };
		struct vg_json j;

		vg_json_init(&j, &b);
		vg_json_arr_begin(&j);
		n = vg_parse_lsm_list(buf, names, 64);
		for (i = 0; i < n; i++)
			vg_json_cstr(&j, names[i]);
		vg_json_arr_end(&j);
		it->value_raw = !b.oom && b.len < sizeof(it->c.value);
		snprintf(it->c.value, sizeof(it->c.value), "%.300s", it->value_raw ? b.data : buf);
		vg_buf_free(&b);
	}
	it = add(k, "bpf_lsm_active", true);
	it->c.ok = len >= 0 && vg_lsm_list_has(buf, "bpf");
	snprintf(it->c.tested, sizeof(it->c.tested), "'bpf' in /sys/kernel/security/lsm");
	if (!it->c.ok)
		snprintf(it->c.reason, sizeof(it->c.reason),
			 "'bpf' is not among the active LSMs (boot with lsm=...,bpf)");
}

static void add_fs(struct section *k, const char *key, const char *path, long magic,
		   bool mounted_by_vigil)
{
	struct item *it = add(k, key, true);

	it->c.ok = fs_mounted(path, magic);
	snprintf(it->c.value, sizeof(it->c.value), "%s%s", path,
		 mounted_by_vigil ? " (mounted by vigil)" : "");
	snprintf(it->c.tested, sizeof(it->c.tested), "statfs %s", path);
	if (!it->c.ok)
		snprintf(it->c.reason, sizeof(it->c.reason), "%s is not mounted on %s", key, path);
}

/* What `vigil run` would set on itself with the default --self-limits, or why it cannot. */
static void probe_self_limits(struct section *k)
{
	struct item *it = add(k, "self_limits", true);
	uint64_t mem = VG_SELF_MEMORY_MAX_DEFAULT;
	uint32_t cpu = VG_SELF_CPU_MILLIS_DEFAULT;
	char root[512];

	snprintf(it->c.tested, sizeof(it->c.tested),
		 "memory and cpu in the cgroup v2 root's cgroup.controllers");
	it->c.ok = !vg_self_confine_check(mem, cpu, root, sizeof(root), it->c.reason,
					  sizeof(it->c.reason));
	if (it->c.ok)
		snprintf(it->c.value, sizeof(it->c.value),
			 "run would set memory.max %" PRIu64 " MiB, cpu.max %u.%03u CPU in "
			 "%.150s/vigil-PID (--self-limits)", mem >> 20, cpu / 1000, cpu % 1000, root);
}

static void probe_kernel(struct section *k, bool tracefs_before, bool bpffs_before,
			 char *cgroup2, size_t cg_size)
{
	bool securityfs_mounted = false;
	struct utsname u;
	struct item *it;
	char buf[64];

	if (uname(&u) == 0) {
		add_value(k, "release", false, "%s", u.release);
		add_value(k, "version", false, "%s", u.version);
		add_value(k, "machine", false, "%s", u.machine);
	}
	it = add(k, "btf", true);
	snprintf(it->c.value, sizeof(it->c.value), "/sys/kernel/btf/vmlinux");
	snprintf(it->c.tested, sizeof(it->c.tested), "access /sys/kernel/btf/vmlinux");
	it->c.ok = access("/sys/kernel/btf/vmlinux", R_OK) == 0;
	if (!it->c.ok)
		snprintf(it->c.reason, sizeof(it->c.reason),
			 "no /sys/kernel/btf/vmlinux (kernel built without CONFIG_DEBUG_INFO_BTF)");

	probe_lockdown_lsm(k, &securityfs_mounted);

	if (vg_probe_read_file("/proc/sys/kernel/unprivileged_bpf_disabled", buf, sizeof(buf)) > 0)
		add_value(k, "unprivileged_bpf_disabled", true, "%ld", strtol(buf, NULL, 10));
	it = add(k, "jit", true);
	snprintf(it->c.tested, sizeof(it->c.tested), "read net.core.bpf_jit_enable");
	if (vg_probe_read_file("/proc/sys/net/core/bpf_jit_enable", buf, sizeof(buf)) > 0) {
		it->value_raw = true;
		snprintf(it->c.value, sizeof(it->c.value), "%ld", strtol(buf, NULL, 10));
		it->c.ok = strcmp(buf, "0") != 0;
		if (!it->c.ok)
			snprintf(it->c.reason, sizeof(it->c.reason),
				 "net.core.bpf_jit_enable=0: programs run in the interpreter");
	} else {
		snprintf(it->c.reason, sizeof(it->c.reason),
			 "no net.core.bpf_jit_enable (kernel built without the BPF JIT)");
	}

	it = add(k, "cgroup2", true);
	snprintf(it->c.tested, sizeof(it->c.tested), "cgroup2 in /proc/self/mountinfo");
	cgroup2[0] = '\0';
	if (vg_probe_cgroup2_mount(cgroup2, cg_size) == 0) {
		it->c.ok = true;
		snprintf(it->c.value, sizeof(it->c.value), "%.300s", cgroup2);
	} else {
		cgroup2[0] = '\0';
		snprintf(it->c.reason, sizeof(it->c.reason), "no cgroup2 filesystem mounted");
	}

	probe_self_limits(k);
	add_fs(k, "tracefs", "/sys/kernel/tracing", TRACEFS_MAGIC, !tracefs_before);
	add_fs(k, "bpffs", "/sys/fs/bpf", BPF_FS_MAGIC, !bpffs_before);
	add_fs(k, "securityfs", "/sys/kernel/security", SECURITYFS_MAGIC, securityfs_mounted);

	it = add(k, "bpf_stats", true);
	vg_probe_bpf_stats(&it->c);
	if (it->c.value[0]) {
		char v[VG_CHECK_TEXT];

		snprintf(v, sizeof(v), "kernel.bpf_stats_enabled=%.32s", it->c.value);
		snprintf(it->c.value, sizeof(it->c.value), "%s", v);
	}
	it = add(k, "io_uring", true);
	vg_probe_io_uring(&it->c);
}

static void probe_sensor(const struct vg_sensor_desc *d, struct sensor_row *row)
{
	struct vg_sensor s;
	int i;

	memset(row, 0, sizeof(*row));
	row->name = d->name;
	row->n_variants = d->n_variants < VG_MAX_VARIANTS ? d->n_variants : VG_MAX_VARIANTS;
	for (i = 0; i < row->n_variants; i++)
		row->variants[i] = d->variants[i].name;
	row->err = vg_sensor_load(&s, d, NULL, 0, false);
	row->variant = row->err ? -1 : s.variant;
	memcpy(row->reasons, s.reasons, sizeof(row->reasons));
	vg_sensor_unload(&s);
}

/* The hooks, maps, helpers and optional tracepoints, each tried on its own. */
static void probe_features(struct report *r, const char *cgroup2)
{
	struct item *it;
	int i;

	for (i = 0; i < VG_HOOK_MAX; i++) {
		it = add(&r->hooks, vg_hook_name(i), true);
		vg_probe_hook(i, cgroup2[0] ? cgroup2 : NULL, &it->c);
	}
	/* Not a hook of its own: how the sensors' syscall handlers share two (syscall_hub.h). */
	it = add(&r->hooks, "syscall_hub", true);
	snprintf(it->c.tested, sizeof(it->c.tested),
		 "tp_btf sys_enter/sys_exit tail-calling tp_btf handlers");
	it->c.ok = !vg_hub_probe(it->c.reason, sizeof(it->c.reason));
	for (i = 0; i < vg_probe_n_maps; i++) {
		it = add(&r->maps, vg_probe_maps[i].name, true);
		vg_probe_map(&vg_probe_maps[i], &it->c);
	}
	for (i = 0; i < vg_probe_n_helpers; i++) {
		it = add(&r->helpers, vg_probe_helpers[i].name, true);
		vg_probe_helper(&vg_probe_helpers[i], &it->c);
	}
	for (i = 0; i < N_MODULE_SYSCALLS; i++) {
		it = add(&r->modsys, module_syscalls[i], true);
		vg_probe_syscall_tracepoint(module_syscalls[i], &it->c);
	}
	/* Not a syscall, but the priv sensor's other optional tracepoint. */
	it = add(&r->modsys, "cap_capable", true);
	snprintf(it->c.tested, sizeof(it->c.tested), "capability:cap_capable in tracefs");
	it->c.ok = vg_priv_cap_use_available(it->c.reason, sizeof(it->c.reason));
	vg_probe_done();
}

struct probe_run {
	struct report *r;
	const char *cgroup2;
};

/* Job 0: the features; job k: sensor k - 1. */
static void probe_job(void *arg, int k)
{
	struct probe_run *p = arg;

	if (k == 0)
		probe_features(p->r, p->cgroup2);
	else
		probe_sensor(vg_all_sensors[k - 1], &p->r->sensors[k - 1]);
}

/*
 * Every check runs for real; they run at once, on a thread per CPU: most of
 * a probe is libbpf's parse of the kernel BTF and the verifier, once per
 * sensor object, and no check depends on another once the maps the sensors
 * share exist (made first, as `vigil run` does).
 */
static void gather(struct report *r, bool tracefs_before, bool bpffs_before, bool verbose)
{
	char cgroup2[512];
	struct probe_run run = { r, cgroup2 };
	int saved = vg_log_verbosity, threads = VG_JOBS_THREADS_MAX;

	r->kernel = (struct section){ .key = "kernel", .title = "KERNEL" };
	r->hooks = (struct section){ .key = "hooks", .title = "HOOKS" };
	r->maps = (struct section){ .key = "maps", .title = "MAPS" };
	r->helpers = (struct section){ .key = "helpers", .title = "HELPERS" };
	r->modsys = (struct section){ .key = "syscall_tracepoints",
				      .title = "SYSCALL TRACEPOINTS" };

	probe_kernel(&r->kernel, tracefs_before, bpffs_before, cgroup2, sizeof(cgroup2));
	r->n_sensors = vg_n_sensors < (int)(sizeof(r->sensors) / sizeof(r->sensors[0]))
		       ? vg_n_sensors : (int)(sizeof(r->sensors) / sizeof(r->sensors[0]));
	/* Without them the first sensor to load makes them: then one at a time. */
	if (r->n_sensors > 0 && vg_sensor_create_shared_maps(vg_all_sensors[0], 0)) {
		vg_debug("probe: shared maps not made ahead: one check at a time");
		threads = 1;
	}
	/* The table reports refusals; the loader's error lines would repeat them. */
	if (!verbose)
		vg_log_verbosity = -1;
	vg_heap_hold(true);
	vg_run_jobs(1 + r->n_sensors, threads, probe_job, &run);
	vg_heap_hold(false);
	vg_log_verbosity = saved;
}

/* ---- text ------------------------------------------------------------ */

static void print_section(FILE *f, const struct section *s, bool verbose)
{
	int i;

	fprintf(f, "\n%s\n", s->title);
	for (i = 0; i < s->n; i++) {
		const struct item *it = &s->items[i];
		const char *status = it->has_ok ? (it->c.ok ? "yes" : "no") : "";
		char text[3 * VG_CHECK_TEXT + 8];

		if (it->has_ok && !it->c.ok)
			snprintf(text, sizeof(text), "%s", it->c.reason);
		else if (it->c.value[0] && it->c.tested[0] && verbose)
			snprintf(text, sizeof(text), "%s  (%s)", it->c.value, it->c.tested);
		else if (it->c.value[0])
			snprintf(text, sizeof(text), "%s", it->c.value);
		else if (it->c.reason[0] && !it->has_ok)
			snprintf(text, sizeof(text), "unknown: %s", it->c.reason);
		else
			snprintf(text, sizeof(text), "%s", it->c.tested);
		fprintf(f, "  %-*s %-3s  %s\n", KEY_WIDTH, it->key, status, text);
		if (verbose && it->has_ok && !it->c.ok && it->c.tested[0])
			fprintf(f, "  %-*s      tried: %s\n", KEY_WIDTH, "", it->c.tested);
	}
}

static void print_text(FILE *f, const struct report *r, bool verbose)
{
	int i, v;

	fprintf(f, "vigil probe: what this kernel lets vigil do (tested by loading programs)\n");
	print_section(f, &r->kernel, verbose);
	print_section(f, &r->hooks, verbose);
	print_section(f, &r->maps, verbose);
	print_section(f, &r->helpers, verbose);
	print_section(f, &r->modsys, verbose);
	fprintf(f, "\nSENSORS%*sVARIANT\n", KEY_WIDTH - 7 + 3, "");
	for (i = 0; i < r->n_sensors; i++) {
		const struct sensor_row *s = &r->sensors[i];

		fprintf(f, "  %-*s %s\n", KEY_WIDTH, s->name,
			s->variant >= 0 ? s->variants[s->variant] : "none: every variant refused");
		for (v = 0; v < s->n_variants; v++) {
			if (v == s->variant)
				continue;
			if (s->variant >= 0 && v > s->variant) {
				if (verbose)
					fprintf(f, "  %-*s   %s: not tried (a preferred variant loaded)\n",
						KEY_WIDTH, "", s->variants[v]);
				continue;
			}
			fprintf(f, "  %-*s   %s refused: %s\n", KEY_WIDTH, "", s->variants[v],
				s->reasons[v][0] ? s->reasons[v] : "an error in vigil (see -v)");
		}
	}
	fprintf(f, "\nprobed in %ld ms\n", r->elapsed_ms);
}

/* ---- JSON ------------------------------------------------------------ */

static void json_section(struct vg_json *j, const struct section *s)
{
	int i;

	vg_json_key(j, s->key);
	vg_json_obj_begin(j);
	for (i = 0; i < s->n; i++) {
		const struct item *it = &s->items[i];

		vg_json_key(j, it->key);
		vg_json_obj_begin(j);
		if (it->has_ok) {
			vg_json_key(j, "available");
			vg_json_bool(j, it->c.ok);
		}
		if (it->c.value[0]) {
			vg_json_key(j, "value");
			if (it->value_raw)
				vg_json_raw(j, it->c.value, strlen(it->c.value));
			else
				vg_json_cstr(j, it->c.value);
		}
		if (it->c.tested[0]) {
			vg_json_key(j, "tested");
			vg_json_cstr(j, it->c.tested);
		}
		if (it->c.reason[0]) {
			vg_json_key(j, "reason");
			vg_json_cstr(j, it->c.reason);
		}
		vg_json_obj_end(j);
	}
	vg_json_obj_end(j);
}

static void json_sensor(struct vg_json *j, const struct sensor_row *s)
{
	int v;

	vg_json_key(j, s->name);
	vg_json_obj_begin(j);
	vg_json_key(j, "variant");
	vg_json_cstr(j, s->variant >= 0 ? s->variants[s->variant] : NULL);
	vg_json_key(j, "variants");
	vg_json_arr_begin(j);
	for (v = 0; v < s->n_variants; v++) {
		bool not_tried = s->variant >= 0 && v > s->variant;

		vg_json_obj_begin(j);
		vg_json_key(j, "name");
		vg_json_cstr(j, s->variants[v]);
		vg_json_key(j, "status");
		vg_json_cstr(j, v == s->variant ? "chosen" : not_tried ? "not tried" : "refused");
		if (v != s->variant && !not_tried) {
			vg_json_key(j, "reason");
			vg_json_cstr(j, s->reasons[v][0] ? s->reasons[v] : "an error in vigil (see -v)");
		}
		vg_json_obj_end(j);
	}
	vg_json_arr_end(j);
	vg_json_obj_end(j);
}

/* Returns 0, or -ENOMEM when the document could not be built. */
static int print_json(FILE *f, const struct report *r)
{
	struct vg_buf b = { 0 };
	struct vg_json j;
	int i, err = 0;

	vg_json_init(&j, &b);
	vg_json_obj_begin(&j);
	json_section(&j, &r->kernel);
	json_section(&j, &r->hooks);
	json_section(&j, &r->maps);
	json_section(&j, &r->helpers);
	json_section(&j, &r->modsys);
	vg_json_key(&j, "sensors");
	vg_json_obj_begin(&j);
	for (i = 0; i < r->n_sensors; i++)
		json_sensor(&j, &r->sensors[i]);
	vg_json_obj_end(&j);
	vg_json_key(&j, "elapsed_ms");
	vg_json_i64(&j, r->elapsed_ms);
	vg_json_obj_end(&j);
	if (b.oom)
		err = -ENOMEM;
	else
		fprintf(f, "%s\n", b.data);
	vg_buf_free(&b);
	return err;
}

/* ---- CLI ------------------------------------------------------------- */

struct probe_opts {
	bool json;
	bool verbose;
};

static const char doc[] =
	"Print what this kernel lets vigil do, found by loading tiny BPF programs:\n"
	"hook kinds, map types, helpers, kernel settings, and which implementation\n"
	"each sensor would use. Needs root. Mounts tracefs, bpffs and securityfs if\n"
	"they are missing; every program, link and cgroup it makes is removed.\v"
	"EXAMPLES:\n"
	"  vigil probe                            # aligned table\n"
	"  vigil probe --json | jq .hooks.fentry  # one JSON object\n"
	"  vigil probe -v                         # also what each check tried\n";

static const struct argp_option options[] = {
	{ "json", 'j', NULL, 0, "One JSON object instead of the table", 0 },
	{ "verbose", 'v', NULL, 0, "What each check tried; libbpf and verifier logs", 0 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct probe_opts *o = state->input;

	(void)arg;
	switch (key) {
	case 'j':
		o->json = true;
		break;
	case 'v':
		o->verbose = true;
		break;
	default:
		return vg_cmd_other_key(key, arg, state);
	}
	return 0;
}

int vg_cmd_probe(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct probe_opts o = { 0 };
	struct timespec t0, t1;
	struct report *r;
	bool tracefs_before, bpffs_before;
	int err;

	argp_err_exit_status = 2;
	argv[0] = "vigil probe";
	err = argp_parse(&argp, argc, argv, 0, NULL, &o);
	if (err)
		return 2;
	if (o.verbose)
		vg_log_verbosity = VG_LOG_DEBUG;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	tracefs_before = fs_mounted("/sys/kernel/tracing", TRACEFS_MAGIC);
	bpffs_before = fs_mounted("/sys/fs/bpf", BPF_FS_MAGIC);
	if (vg_env_prepare() < 0)
		return 1;	/* vg_env_prepare said why, in one line */
	r = calloc(1, sizeof(*r));
	if (!r) {
		vg_err("probe: out of memory");
		return 1;
	}
	gather(r, tracefs_before, bpffs_before, o.verbose);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->elapsed_ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	if (o.json)
		err = print_json(stdout, r);
	else
		print_text(stdout, r, o.verbose);
	free(r);
	if (err) {
		vg_err("probe: out of memory building the JSON report");
		return 1;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		vg_err("probe: cannot write the report: %s", strerror(errno));
		return 1;
	}
	return 0;
}
